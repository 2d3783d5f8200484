#pragma once
// What every subcommand of the `tapenet` program shares: its options, and the dataset, network
// and class names they describe.
#include <cmath>
#include <string>
#include <vector>

#include "tapenet/tapenet.hpp"

namespace cli {

using namespace tapenet;

struct Options {
  std::string data = "./data";
  bool download = false;
  std::string dataset = "cifar10";  // or fashion-mnist
  std::string arch = "resnet18";    // or resnet18-cifar
  int epochs = 2;
  std::int64_t batch_size = 4;
  double lr = 0.001, momentum = 0.9, weight_decay = 0;
  int workers = 2;
  bool augment = false;
  std::string lr_schedule = "constant";  // or cosine: CosineAnnealingLR over the epochs
  std::string device = "auto";
  int threads = 0;  // 0: every core
  std::uint64_t seed = 0;
  std::string out;     // checkpoints, run.json
  std::string resume;  // a folder written by an earlier `train --out`
  std::string weights;
  int print_every = 2000;
};

// The tutorial's own names for CIFAR-10's classes (batches.meta.txt says "airplane", "automobile").
inline const std::vector<std::string> cifar10_classes = {"plane", "car",  "bird",  "cat",  "deer",
                                                         "dog",   "frog", "horse", "ship", "truck"};

// Checks --device and --threads, then calls body(backend) with the backend to run on, as the
// tutorial picks its device: the GPU (tapenet::cuda) for --device cuda, or for auto when there is
// one and this program was compiled by nvcc (the tapenet-cuda target); else the CPU.
template <class Body>
int on_device(const Options& options, Body&& body) {
  if (options.device != "auto" && options.device != "cpu" && options.device != "cuda")
    fail("--device ", options.device, ": expected cpu, cuda or auto");
  if (options.threads < 0) fail("--threads ", options.threads, ": expected 0 (all cores) or more");
  if (options.threads > 0) set_num_threads(options.threads);
  const bool gpu =
      options.device == "cuda" || (options.device == "auto" && tapenet::cuda::is_available());
#if defined(__CUDACC__)
  if (gpu) {
    if (!tapenet::cuda::is_available())
      fail("--device cuda: this machine has no CUDA device (or no driver); use --device cpu");
    return body(tapenet::cuda{});
  }
#else
  if (gpu)
    fail(
        "--device cuda: this build has no CUDA backend (the tapenet-cuda program, compiled by "
        "nvcc, has); use --device cpu");
#endif
  return body(cpu{});
}

template <Backend B>
models::ResNet<B> make_network(const std::string& arch) {
  if (arch == "resnet18") {
    auto net = models::resnet18<B>();
    net.fc = nn::Linear<B>(net.fc.in_features(), 10);  // as the tutorial does
    return net;
  }
  if (arch == "resnet18-cifar") return models::resnet18_cifar<B>(10);
  fail("--arch ", arch, ": expected resnet18 or resnet18-cifar");
}

inline auto normalize() { return transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}); }

// Calls body(dataset, class_names) with the training or test set the options name, its examples
// transformed as the tutorial does (plus RandomCrop(32, 4) and a flip with --augment).
template <class Body>
auto with_dataset(const Options& options, bool train, Body&& body) {
  using namespace transforms;
  auto plain = Compose(ToTensor(), normalize());
  auto augmented = Compose(RandomCrop(32, 4), RandomHorizontalFlip(), ToTensor(), normalize());
  const bool augment = train && options.augment;
  if (options.dataset == "cifar10") {
    datasets::CIFAR10Options cifar{.train = train, .download = options.download};
    if (augment) {
      datasets::CIFAR10 set(options.data, cifar, augmented);
      return body(set, cifar10_classes);
    }
    datasets::CIFAR10 set(options.data, cifar, plain);
    return body(set, cifar10_classes);
  }
  if (options.dataset == "fashion-mnist") {
    const std::string root =
        options.data == "./data" ? datasets::fashion_mnist::debian_root : options.data;
    auto reshape = datasets::fashion_mnist_as_cifar();
    if (augment) {
      datasets::FashionMNIST set(root, {.train = train}, Compose(reshape, augmented));
      return body(set, set.classes());
    }
    datasets::FashionMNIST set(root, {.train = train}, Compose(reshape, plain));
    return body(set, set.classes());
  }
  fail("--dataset ", options.dataset, ": expected cifar10 or fashion-mnist");
}

// Softmax of one row of logits, computed stably (the largest logit subtracted first).
inline std::vector<double> probabilities(const std::vector<float>& logits) {
  std::vector<double> p(logits.size());
  const float largest = *std::max_element(logits.begin(), logits.end());
  double total = 0;
  for (std::size_t i = 0; i < logits.size(); ++i)
    total += p[i] = std::exp(double(logits[i] - largest));
  for (double& value : p) value /= total;
  return p;
}

}  // namespace cli
