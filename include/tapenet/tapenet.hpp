#pragma once
// The one header a user includes.
#include "tapenet/core/error.hpp"
#include "tapenet/core/print.hpp"
#include "tapenet/core/random.hpp"
#include "tapenet/core/shape.hpp"
#include "tapenet/core/tensor.hpp"

#include "tapenet/backend/cpu.hpp"
#include "tapenet/backend/kernels.hpp"

#include "tapenet/autograd/activation.hpp"
#include "tapenet/autograd/arithmetic.hpp"
#include "tapenet/autograd/grad_mode.hpp"
#include "tapenet/autograd/gradcheck.hpp"
#include "tapenet/autograd/loss.hpp"
#include "tapenet/autograd/matmul.hpp"
#include "tapenet/autograd/reduction.hpp"
#include "tapenet/autograd/reshape.hpp"
#include "tapenet/autograd/tape.hpp"
#include "tapenet/autograd/var.hpp"
