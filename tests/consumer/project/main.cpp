// A program outside tapenet that includes it the way a user's project does.
#include <tapenet/tapenet.hpp>

#include <iostream>

int main() {
  using namespace tapenet;
  Var<cpu> w(Tensor<cpu>::from({2, 1}, {3, -1}), true);
  auto loss = sum(matmul(Var<cpu>(Tensor<cpu>::from({1, 2}, {2, 5})), w));
  loss.backward();
  std::cout << "loss " << loss.item() << " grad " << w.grad() << "\n";
  return loss.item() == 1.0f && w.grad().at({1, 0}) == 5.0f ? 0 : 1;
}
