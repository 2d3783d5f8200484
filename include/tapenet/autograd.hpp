#pragma once
// Layer 2, autograd: the tape that records operations and plays them backwards (autograd/), and
// the differentiable operations a network is built from (ops/).
#include "tapenet/tensor.hpp"

#include "tapenet/autograd/grad_mode.hpp"
#include "tapenet/autograd/gradcheck.hpp"
#include "tapenet/autograd/tape.hpp"
#include "tapenet/autograd/var.hpp"

#include "tapenet/ops/activation.hpp"
#include "tapenet/ops/arithmetic.hpp"
#include "tapenet/ops/batchnorm.hpp"
#include "tapenet/ops/conv.hpp"
#include "tapenet/ops/linear.hpp"
#include "tapenet/ops/loss.hpp"
#include "tapenet/ops/matmul.hpp"
#include "tapenet/ops/pool.hpp"
#include "tapenet/ops/reduction.hpp"
#include "tapenet/ops/reshape.hpp"
