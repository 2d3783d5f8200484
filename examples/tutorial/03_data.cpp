// Tutorial step 3: CIFAR-10's training and test sets, and loaders that batch them.
//   trainset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True,
//   transform=transform) trainloader = torch.utils.data.DataLoader(trainset, batch_size=4,
//   shuffle=True, num_workers=2) testset = torchvision.datasets.CIFAR10(root='./data', train=False,
//   download=True, transform=transform) testloader = torch.utils.data.DataLoader(testset,
//   batch_size=4, shuffle=False, num_workers=2)
// usage: 03_data [DATA]   (DATA: a folder or the .tar.gz; default ./data, downloaded if missing)
#include <iostream>

#include "tapenet/data.hpp"

using namespace tapenet;

int main(int argc, char** argv) try {
  const std::string root = argc > 1 ? argv[1] : "./data";
  auto transform = transforms::Compose(transforms::ToTensor(),
                                       transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}));
  const std::int64_t batch_size = 4;

  datasets::CIFAR10 trainset(root, {.train = true, .download = true}, transform);
  data::DataLoader trainloader(trainset,
                               {.batch_size = batch_size, .shuffle = true, .num_workers = 2});
  datasets::CIFAR10 testset(root, {.train = false, .download = true}, transform);
  data::DataLoader testloader(testset,
                              {.batch_size = batch_size, .shuffle = false, .num_workers = 2});

  const char* classes[] = {"plane", "car",  "bird",  "cat",  "deer",
                           "dog",   "frog", "horse", "ship", "truck"};
  std::cout << trainset.size() << " training images in " << trainloader.size() << " batches, "
            << testset.size() << " test images in " << testloader.size() << " batches\n";
  auto [images, labels] = *trainloader.begin();
  std::cout << "a batch: images " << images.shape() << ", labels";
  for (auto label : labels.to_vector()) std::cout << " " << classes[label];
  std::cout << "\n";
} catch (const std::exception& error) {
  std::cerr << error.what() << "\n";
  return 1;
}
