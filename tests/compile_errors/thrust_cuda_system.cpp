// Must not compile under g++: the bug the decoy cuda_runtime_api.h (cmake/no_cuda) exists to catch.
// Thrust's CUDA device system, chosen before tapenet could choose OpenMP, reaches CUDA's headers.
#define THRUST_DEVICE_SYSTEM THRUST_DEVICE_SYSTEM_CUDA
#include "tapenet/backend/thrust_omp.hpp"

int main() {}
