#pragma once
// The one header a user includes.
#include "tapenet/core/error.hpp"
#include "tapenet/core/file.hpp"
#include "tapenet/core/print.hpp"
#include "tapenet/core/random.hpp"
#include "tapenet/core/shape.hpp"
#include "tapenet/core/tensor.hpp"

#include "tapenet/backend/cpu.hpp"
#if defined(__CUDACC__)
#include "tapenet/backend/cuda.hpp"
#else
namespace tapenet {
// Compiled without nvcc, a program has no GPU backend, but may still ask for one, as step 1 of the
// tutorial does. (tapenet::cuda is a backend only in programs compiled by nvcc.)
struct cuda {
  static bool is_available() { return false; }
};
}  // namespace tapenet
#endif
#include "tapenet/backend/kernels.hpp"

namespace tapenet {
// The tutorial's `device = "cuda:0" if torch.cuda.is_available() else "cpu"`, for code written
// once for any backend: body(cuda{}) in a program compiled by nvcc on a machine with a GPU,
// body(cpu{}) everywhere else.
template <class Body>
decltype(auto) on_default_device(Body&& body) {
#if defined(__CUDACC__)
  if (cuda::is_available()) return body(cuda{});
#endif
  return body(cpu{});
}
}  // namespace tapenet

#include "tapenet/autograd/activation.hpp"
#include "tapenet/autograd/arithmetic.hpp"
#include "tapenet/autograd/batchnorm.hpp"
#include "tapenet/autograd/conv.hpp"
#include "tapenet/autograd/grad_mode.hpp"
#include "tapenet/autograd/gradcheck.hpp"
#include "tapenet/autograd/linear.hpp"
#include "tapenet/autograd/loss.hpp"
#include "tapenet/autograd/matmul.hpp"
#include "tapenet/autograd/pool.hpp"
#include "tapenet/autograd/reduction.hpp"
#include "tapenet/autograd/reshape.hpp"
#include "tapenet/autograd/tape.hpp"
#include "tapenet/autograd/var.hpp"

#include "tapenet/nn/activation.hpp"
#include "tapenet/nn/batchnorm.hpp"
#include "tapenet/nn/conv.hpp"
#include "tapenet/nn/dropout.hpp"
#include "tapenet/nn/init.hpp"
#include "tapenet/nn/linear.hpp"
#include "tapenet/nn/loss.hpp"
#include "tapenet/nn/module.hpp"
#include "tapenet/nn/pool.hpp"
#include "tapenet/nn/sequential.hpp"
#include "tapenet/nn/summary.hpp"

#include "tapenet/optim/scheduler.hpp"
#include "tapenet/optim/sgd.hpp"

#include "tapenet/data/archive.hpp"
#include "tapenet/data/cifar10.hpp"
#include "tapenet/data/dataloader.hpp"
#include "tapenet/data/dataset.hpp"
#include "tapenet/data/download.hpp"
#include "tapenet/data/fashion_mnist.hpp"
#include "tapenet/data/grid.hpp"
#include "tapenet/data/image.hpp"
#include "tapenet/data/md5.hpp"
#include "tapenet/data/transforms.hpp"

#include "tapenet/models/resnet.hpp"

#include "tapenet/io/checkpoint.hpp"
#include "tapenet/io/optimizer_state.hpp"
#include "tapenet/io/safetensors.hpp"
#include "tapenet/io/state_dict.hpp"
