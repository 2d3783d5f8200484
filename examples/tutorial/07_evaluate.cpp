// Tutorial step 7: how often is the trained network right on the 10,000 test images?
//   net.load_state_dict(torch.load(PATH))
//   with torch.no_grad():
//       for data in testloader: count the images whose largest output is the true class
//   print(f'Accuracy of the network on the 10000 test images: {100 * correct // total} %')
// As in the tutorial, the network stays in training mode: BatchNorm normalises each test batch of
// 4 with that batch's own statistics (and updates its running statistics with test data). Chapter
// 4 of the course explains why net.eval() belongs here; `tapenet evaluate` uses it.
// usage: 07_evaluate [DATA]   (reads ./cifar_net.safetensors, written by 06_train)
#include <cstdio>
#include <string>
#include <vector>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

template <Backend B>
int evaluate(const std::string& root) {
  auto transform = transforms::Compose(transforms::ToTensor(),
                                       transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}));
  datasets::CIFAR10 testset(root, {.train = false, .download = true}, transform);
  data::DataLoader testloader(testset, {.batch_size = 4, .shuffle = false, .num_workers = 2});
  const char* classes[] = {"plane", "car",  "bird",  "cat",  "deer",
                           "dog",   "frog", "horse", "ship", "truck"};

  auto net = models::resnet18<B>(10);
  io::load_state_dict(net, "./cifar_net.safetensors");

  std::int64_t correct = 0, total = 0;
  std::vector<int> correct_in_class(10, 0), total_in_class(10, 0);
  NoGradGuard no_grad;
  for (auto& [images, labels] : testloader) {
    auto predicted = argmax(net(Var<B>(images.template to<B>())).value(), 1);
    total += labels.size(0);
    correct += (predicted == labels.template to<B>()).sum().item();
    auto truth = labels.to_vector(), guess = predicted.to_vector();
    for (std::size_t k = 0; k < truth.size(); ++k) {
      total_in_class[truth[k]] += 1;
      correct_in_class[truth[k]] += guess[k] == truth[k];
    }
  }
  std::printf("Accuracy on test images: %.2f%%\n", 100.0 * correct / total);
  for (int c = 0; c < 10; ++c)
    if (total_in_class[c] > 0)
      std::printf("Accuracy for class: %-5s is %.1f %%\n", classes[c],
                  100.0 * correct_in_class[c] / total_in_class[c]);
  return 0;
}

int main(int argc, char** argv) try {
  const std::string root = argc > 1 ? argv[1] : "./data";
  return on_default_device([&]<Backend B>(B) { return evaluate<B>(root); });
} catch (const std::exception& error) {
  std::fprintf(stderr, "%s\n", error.what());
  return 1;
}
