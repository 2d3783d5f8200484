#pragma once
// What every subcommand of the `tapenet` program shares: its options, and the dataset, network
// and class names they describe.
#include <cmath>
#include <nlohmann/json.hpp>
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
  bool arch_given = false;          // --arch on the command line (else a run.json's may decide)
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

inline const std::vector<double> normalize_mean = {0.5, 0.5, 0.5}, normalize_std = {0.5, 0.5, 0.5};
inline auto normalize() { return transforms::Normalize(normalize_mean, normalize_std); }

// How a dataset's pictures become the network's input, recorded in run.json as "preprocessing" so
// that `predict` prepares a photo as training prepared the dataset: to grey if the dataset is grey,
// resized to the dataset's size, padded, repeated into RGB, normalised. with_dataset (below) does
// the training side.
struct Preprocessing {
  std::int64_t height = 32, width = 32;  // the dataset's pictures
  bool grey = false;                     // grey pictures, repeated in three channels
  std::int64_t pad = 0;                  // pixels of black added on every side
  std::vector<double> mean = normalize_mean, stddev = normalize_std;

  nlohmann::json to_json() const {
    return {
        {"size", {height, width}}, {"grey", grey}, {"pad", pad}, {"mean", mean}, {"std", stddev}};
  }
  // `where` names the file it came from, for the error.
  static Preprocessing from_json(const nlohmann::json& json, const std::string& where) {
    Preprocessing p;
    try {
      p.height = json.at("size").at(0).get<std::int64_t>();
      p.width = json.at("size").at(1).get<std::int64_t>();
      p.grey = json.at("grey").get<bool>();
      p.pad = json.at("pad").get<std::int64_t>();
      p.mean = json.at("mean").get<std::vector<double>>();
      p.stddev = json.at("std").get<std::vector<double>>();
    } catch (const nlohmann::json::exception& error) {
      fail(where, ": malformed \"preprocessing\": ", error.what());
    }
    if (p.height < 1 || p.width < 1 || p.pad < 0 || p.mean.size() != 3 || p.stddev.size() != 3)
      fail(where, ": malformed \"preprocessing\": ", json.dump());
    return p;
  }

  // A photo (load_image gives RGB) as the network's input, a [3, height + 2 pad, width + 2 pad]
  // tensor.
  Tensor<cpu> operator()(io::Image image) const {
    if (grey) image = transforms::Grayscale()(image);
    image = transforms::Resize(height, width)(image);
    if (pad > 0) image = transforms::Pad(pad)(image);
    return transforms::Normalize(mean, stddev)(transforms::ToTensor()(transforms::ToRGB()(image)));
  }
};

inline Preprocessing preprocessing_of(const std::string& dataset) {
  if (dataset == "cifar10") return {};
  if (dataset == "fashion-mnist")  // datasets::fashion_mnist_as_cifar(): Pad(2), ToRGB()
    return {.height = 28, .width = 28, .grey = true, .pad = 2};
  fail("--dataset ", dataset, ": expected cifar10 or fashion-mnist");
}

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

}  // namespace cli
