// Must not compile: layers on two backends cannot be composed.
#include "tapenet/backend/thrust_omp.hpp"
#include "tapenet/tapenet.hpp"

int main() {
  tapenet::nn::Sequential net(tapenet::nn::Conv2d<tapenet::cpu>(3, 8, 3),
                              tapenet::nn::ReLU<tapenet::thrust_omp>());
}
