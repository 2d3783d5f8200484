// Six of the main suite's backend-generic tests, compiled by nvcc as one translation unit: each
// nvcc compilation spends about 20 s reading tapenet and Catch, so fewer units build faster.
// (layers_parity_test and resnet_test both define a fixtures() helper: they stay apart.)
#include "autograd/gradcheck_test.cpp"
#include "autograd/parity_test.cpp"
#include "autograd/tape_test.cpp"
#include "core/tensor_test.cpp"
#include "nn/layers_gradcheck_test.cpp"
#include "optim/sgd_test.cpp"
