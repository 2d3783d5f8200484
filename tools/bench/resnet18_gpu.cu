// bench_resnet18 compiled by nvcc: the same workloads, and `cuda` as the fifth argument.
#include "resnet18.cpp"
