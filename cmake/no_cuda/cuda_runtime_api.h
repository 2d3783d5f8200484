// A decoy, first on the include path of every program this project compiles with g++. A machine
// without CUDA has no cuda_runtime_api.h; this one has, so reaching it would go unnoticed here and
// break the build on a user's machine. Reaching this file is that bug, made visible.
#error "a g++ build reached CUDA's cuda_runtime_api.h: off the GPU, Thrust's device system must be OpenMP"
