// Tutorial step 8: look at a few test images, what they are and what the network says.
//   dataiter = iter(testloader); images, labels = next(dataiter)
//   imshow(torchvision.utils.make_grid(images))
//   print('GroundTruth: ', ' '.join(f'{classes[labels[j]]:5s}' for j in range(4)))
//   _, predicted = torch.max(net(images), 1)
//   print('Predicted: ', ' '.join(f'{classes[predicted[j]]:5s}' for j in range(4)))
// The picture goes to a PNG file: the grid, and the same images with their labels underneath.
// usage: 08_show_batch [DATA]   (reads ./cifar_net.safetensors; writes test_batch.png and
//                                test_batch_labelled.png)
#include <cstdio>
#include <string>
#include <vector>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

int main(int argc, char** argv) try {
  const std::string root = argc > 1 ? argv[1] : "./data";
  auto transform = transforms::Compose(transforms::ToTensor(),
                                       transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}));
  datasets::CIFAR10 testset(root, {.train = false, .download = true}, transform);
  data::DataLoader testloader(testset, {.batch_size = 4, .shuffle = false, .num_workers = 2});
  const char* classes[] = {"plane", "car",  "bird",  "cat",  "deer",
                           "dog",   "frog", "horse", "ship", "truck"};

  auto [images, labels] = *testloader.begin();
  auto pictures = draw::unnormalize(images, {0.5}, {0.5});  // img / 2 + 0.5, back to [0, 1]
  io::save_png(draw::to_image(draw::make_grid(pictures)), "test_batch.png");

  auto net = models::resnet18<cpu>(10);
  io::load_state_dict(net, "./cifar_net.safetensors");
  NoGradGuard no_grad;
  auto predicted = argmax(net(Var<cpu>(images)).value(), 1).to_vector();

  std::vector<std::string> captions;
  std::printf("GroundTruth: ");
  for (auto label : labels.to_vector()) std::printf(" %-5s", classes[label]);
  std::printf("\nPredicted: ");
  for (std::size_t k = 0; k < predicted.size(); ++k) {
    std::printf(" %-5s", classes[predicted[k]]);
    captions.push_back(std::string("truth: ") + classes[labels.at({std::int64_t(k)})] +
                       "\npredicted: " + classes[predicted[k]]);
  }
  std::printf("\n");
  io::save_png(draw::labelled_grid(pictures, captions), "test_batch_labelled.png");
} catch (const std::exception& error) {
  std::fprintf(stderr, "%s\n", error.what());
  return 1;
}
