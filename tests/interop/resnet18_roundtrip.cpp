// The tapenet half of the PyTorch round trip (see roundtrip.sh): loads a ResNet18 that torchvision
// saved, prints its evaluation-mode logits for export_resnet18.py's fixed input, takes one SGD
// step, saves the result and prints the new logits, for torchvision to reproduce.
#include <iostream>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

namespace {
void print_logits(models::ResNet<cpu>& net, const Var<cpu>& input) {
  NoGradGuard no_grad;
  net.eval();
  for (float v : net(input).value().to_vector()) std::cout << v << " ";
  std::cout << "\n";
}
}  // namespace

int main(int argc, char** argv) try {
  if (argc != 3) fail("usage: resnet18_roundtrip FROM_TORCH.safetensors TO_TORCH.safetensors");
  auto net = models::resnet18<cpu>(10);
  io::load_state_dict(net, argv[1]);
  std::vector<float> values(2 * 3 * 32 * 32);  // torch.linspace(-1, 1, n)
  for (std::size_t i = 0; i < values.size(); ++i)
    values[i] = float(-1.0 + 2.0 * double(i) / double(values.size() - 1));
  Var<cpu> input(Tensor<cpu>::from({2, 3, 32, 32}, values));
  std::cout.precision(9);
  print_logits(net, input);

  net.train();
  optim::SGD optimizer(net.parameters(), {.lr = 0.1, .momentum = 0.9});
  nn::CrossEntropyLoss{}(net(input), Tensor<cpu, std::int64_t>::from({2}, {1, 7})).backward();
  optimizer.step();
  io::save_state_dict(net, argv[2]);
  print_logits(net, input);
} catch (const std::exception& e) {
  std::cerr << "resnet18_roundtrip: " << e.what() << "\n";
  return 1;
}
