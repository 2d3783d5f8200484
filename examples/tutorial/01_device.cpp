// Tutorial step 1: which device will we train on?
//   device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
//   print(device)
// In tapenet the device is a type, the backend, chosen when the program is compiled: tapenet::cpu
// here, tapenet::cuda in a program compiled by nvcc when a GPU is present.
#include <iostream>

#include "tapenet/tapenet.hpp"

int main() {
#ifdef __CUDACC__
  const bool cuda_available = tapenet::cuda::is_available();
#else
  const bool cuda_available = false;  // compiled without nvcc: no CUDA backend in this program
#endif
  std::cout << (cuda_available ? "cuda:0" : "cpu") << "\n";
  std::cout << "threads: " << tapenet::get_num_threads() << "\n";
}
