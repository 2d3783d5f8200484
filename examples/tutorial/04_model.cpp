// Tutorial step 4: ResNet18, with its last layer replaced for CIFAR-10's 10 classes.
//   net = models.resnet18(pretrained=False)
//   net.fc = nn.Linear(net.fc.in_features, 10)
#include <iostream>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

int main() {
  auto net = models::resnet18<cpu>();
  net.fc = nn::Linear<cpu>(net.fc.in_features(), 10);
  std::cout << nn::summary(net, {1, 3, 32, 32});
}
