// Tutorial step 6: train the network, then save its weights.
//   for epoch in range(2):
//       running_loss = 0.0
//       for i, data in enumerate(trainloader, 0):
//           inputs, labels = data[0].to(device), data[1].to(device)
//           optimizer.zero_grad()
//           outputs = net(inputs)
//           loss = criterion(outputs, labels)
//           loss.backward()
//           optimizer.step()
//           running_loss += loss.item()
//           if i % 2000 == 1999: print the mean loss of the last 2000 batches
//   print('Finished Training')
//   torch.save(net.state_dict(), './cifar_net.pth')
// usage: 06_train [DATA [EPOCHS [PRINT_EVERY]]]   (defaults: ./data, 2, 2000)
#include <cstdio>
#include <string>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

template <Backend B>
int train(const std::string& root, int epochs, int print_every) {
  auto transform = transforms::Compose(transforms::ToTensor(),
                                       transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}));
  datasets::CIFAR10 trainset(root, {.train = true, .download = true}, transform);
  data::DataLoader trainloader(trainset, {.batch_size = 4, .shuffle = true, .num_workers = 2});

  auto net = models::resnet18<B>();
  net.fc = nn::Linear<B>(net.fc.in_features(), 10);
  nn::CrossEntropyLoss criterion;
  optim::SGD optimizer(net.parameters(), {.lr = 0.001, .momentum = 0.9});

  for (int epoch = 0; epoch < epochs; ++epoch) {
    double running_loss = 0.0;
    int i = 0;
    for (auto& [images, labels] : trainloader) {
      auto inputs = Var<B>(images.template to<B>());
      optimizer.zero_grad();
      auto outputs = net(inputs);
      auto loss = criterion(outputs, labels.template to<B>());
      loss.backward();
      optimizer.step();
      running_loss += loss.item();
      if (++i % print_every == 0) {
        std::printf("[Epoch %d, Batch %d] loss: %.3f\n", epoch + 1, i, running_loss / print_every);
        std::fflush(stdout);
        running_loss = 0.0;
      }
    }
  }
  std::printf("Finished Training\n");
  io::save_state_dict(net, "./cifar_net.safetensors");
  return 0;
}

int main(int argc, char** argv) try {
  const std::string root = argc > 1 ? argv[1] : "./data";
  const int epochs = argc > 2 ? std::stoi(argv[2]) : 2;
  const int print_every = argc > 3 ? std::stoi(argv[3]) : 2000;
  return on_default_device([&]<Backend B>(B) { return train<B>(root, epochs, print_every); });
} catch (const std::exception& error) {
  std::fprintf(stderr, "%s\n", error.what());
  return 1;
}
