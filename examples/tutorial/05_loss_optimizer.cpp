// Tutorial step 5: what to minimise, and how.
//   criterion = nn.CrossEntropyLoss()
//   optimizer = optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
// One step on a random batch shows the pieces working together.
#include <cstdio>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

int main() {
  manual_seed(0);
  auto net = models::resnet18<cpu>();
  net.fc = nn::Linear<cpu>(net.fc.in_features(), 10);
  nn::CrossEntropyLoss criterion;
  optim::SGD optimizer(net.parameters(), {.lr = 0.001, .momentum = 0.9});

  Var<cpu> inputs(Tensor<cpu>::randn({4, 3, 32, 32}));
  auto labels = Tensor<cpu, std::int64_t>::from({4}, {3, 8, 8, 0});
  for (int step = 1; step <= 3; ++step) {
    optimizer.zero_grad();
    auto loss = criterion(net(inputs), labels);
    loss.backward();
    optimizer.step();
    std::printf("step %d: loss %.4f\n", step, loss.item());
  }
}
