#pragma once
// The one header a user includes. A program that needs less can include one layer:
//   tapenet/tensor.hpp    tensors and their maths          tapenet/autograd.hpp  + gradients
//   tapenet/nn.hpp        + layers, optimisers, ResNet     tapenet/io.hpp        + files
//   tapenet/data.hpp      datasets, transforms, the loader (needs no autograd)
#include "tapenet/data.hpp"
#include "tapenet/io.hpp"
#include "tapenet/nn.hpp"
