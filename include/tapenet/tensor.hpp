#pragma once
// Layer 1, tensors: shapes, the Tensor class, the backends (CPU always, CUDA under nvcc) and the
// maths on tensors, written once for every backend: each kernel is a small functor that computes
// one output element from its index, handed to Backend::for_each. Nothing here records gradients.
#include "tapenet/core/error.hpp"
#include "tapenet/core/file.hpp"
#include "tapenet/core/print.hpp"
#include "tapenet/core/random.hpp"
#include "tapenet/core/shape.hpp"
#include "tapenet/core/tensor.hpp"

#include "tapenet/backend/default_device.hpp"

#include "tapenet/tensor/batchnorm.hpp"
#include "tapenet/tensor/conv.hpp"
#include "tapenet/tensor/elementwise.hpp"
#include "tapenet/tensor/maths.hpp"
#include "tapenet/tensor/matmul.hpp"
#include "tapenet/tensor/nll.hpp"
#include "tapenet/tensor/pool.hpp"
#include "tapenet/tensor/reduce.hpp"
#include "tapenet/tensor/softmax.hpp"
