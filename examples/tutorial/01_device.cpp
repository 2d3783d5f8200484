// Tutorial step 1: which device will we train on?
//   device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
//   print(device)
// In tapenet the device is a type, the backend, chosen when the program is compiled: tapenet::cpu
// here, tapenet::cuda in a program compiled by nvcc when a GPU is present.
#include <iostream>

#include "tapenet/tensor.hpp"

int main() {
  // Compiled by g++, a program has no CUDA backend, and is_available() says false.
  std::cout << (tapenet::cuda::is_available() ? "cuda:0" : "cpu") << "\n";
  std::cout << "threads: " << tapenet::get_num_threads() << "\n";
}
