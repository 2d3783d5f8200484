#pragma once
// The tensor kernels the autograd ops are made of, written once for every backend: each is a small
// functor that computes one output element from its index, handed to Backend::for_each.
#include "tapenet/backend/kernels/batchnorm.hpp"
#include "tapenet/backend/kernels/conv.hpp"
#include "tapenet/backend/kernels/elementwise.hpp"
#include "tapenet/backend/kernels/matmul.hpp"
#include "tapenet/backend/kernels/nll.hpp"
#include "tapenet/backend/kernels/pool.hpp"
#include "tapenet/backend/kernels/reduce.hpp"
#include "tapenet/backend/kernels/softmax.hpp"
