#pragma once
// Build-wide switches shared by every header.

// Kernels are written once as functors that run on the host (g++, OpenMP) and on the GPU (nvcc).
// nvcc needs them marked __host__ __device__; g++ does not know those words.
#if defined(__CUDACC__)
#define TAPENET_HD __host__ __device__
#else
#define TAPENET_HD
#endif

namespace tapenet {
inline constexpr int version_major = 0;
inline constexpr int version_minor = 1;
}  // namespace tapenet
