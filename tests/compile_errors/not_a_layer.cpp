// Must not compile: 42 is not a layer.
#include "tapenet/tapenet.hpp"

int main() { tapenet::nn::Sequential net(tapenet::nn::Conv2d<tapenet::cpu>(3, 8, 3), 42); }
