// One workload of the data-loader benchmark (tools/bench/loader.py runs them beside PyTorch):
//   bench_loader epoch ARCHIVE BATCH WORKERS AUGMENT
//     reads CIFAR-10's training set, then iterates one epoch of the tutorial's DataLoader
//     (shuffled; ToTensor + Normalize, after RandomCrop(32, 4) + RandomHorizontalFlip when
//     AUGMENT is 1) and prints "load_seconds" and "epoch_seconds"
//   bench_loader train ARCHIVE BATCH WORKERS STEPS THREADS
//     times STEPS ResNet18 training steps fed by the loader, and STEPS fed one fixed batch, in
//     alternating rounds (STEPS a multiple of 6); prints "loader_fed_seconds" and
//     "fixed_batch_seconds"
#include <chrono>
#include <iostream>
#include <string>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

auto normalize() { return transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}); }

template <class Transform>
void time_epoch(const std::string& archive, std::int64_t batch, int workers, Transform transform) {
  auto start = std::chrono::steady_clock::now();
  datasets::CIFAR10 train(archive, {.train = true}, transform);
  std::cout << "load_seconds " << seconds_since(start) << "\n";
  data::DataLoader loader(train, {.batch_size = batch, .shuffle = true, .num_workers = workers});
  start = std::chrono::steady_clock::now();
  double checksum = 0;
  for (auto& [inputs, labels] : loader) checksum += inputs.data()[0] + double(labels.data()[0]);
  std::cout << "epoch_seconds " << seconds_since(start) << "\nchecksum " << checksum << "\n";
}

void time_training(const std::string& archive, std::int64_t batch, int workers, int steps) {
  datasets::CIFAR10 train(archive, {.train = true},
                          transforms::Compose(transforms::ToTensor(), normalize()));
  data::DataLoader loader(train, {.batch_size = batch, .shuffle = true, .num_workers = workers});
  auto net = models::resnet18<cpu>();
  net.fc = nn::Linear<cpu>(net.fc.in_features(), 10);
  nn::CrossEntropyLoss criterion;
  optim::SGD optimizer(net.parameters(), {.lr = 0.001, .momentum = 0.9});
  auto step = [&](const Tensor<cpu>& inputs, const Tensor<cpu, std::int64_t>& labels) {
    optimizer.zero_grad();
    criterion(net(Var<cpu>(inputs)), labels).backward();
    optimizer.step();
  };
  auto fixed = *loader.begin();
  step(fixed.inputs, fixed.labels);  // warm-up: the allocator's cache fills
  double loader_fed = 0, fixed_batch = 0;
  auto epoch = loader.begin();
  const int rounds = 6;  // alternating, so that the machine's slow phases hit both alike
  for (int round = 0; round < rounds; ++round) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps / rounds; ++i, ++epoch) step(epoch->inputs, epoch->labels);
    loader_fed += seconds_since(start);
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps / rounds; ++i) step(fixed.inputs, fixed.labels);
    fixed_batch += seconds_since(start);
  }
  std::cout << "loader_fed_seconds " << loader_fed << "\nfixed_batch_seconds " << fixed_batch
            << "\n";
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string usage =
      "usage: bench_loader epoch ARCHIVE BATCH WORKERS AUGMENT | train ARCHIVE BATCH WORKERS STEPS "
      "THREADS";
  if (argc < 6) fail(usage);
  const std::string mode = argv[1], archive = argv[2];
  const std::int64_t batch = std::stoll(argv[3]);
  const int workers = std::stoi(argv[4]);
  if (mode == "epoch") {
    set_num_threads(1);
    if (std::string(argv[5]) == "1")
      time_epoch(
          archive, batch, workers,
          transforms::Compose(transforms::RandomCrop(32, 4), transforms::RandomHorizontalFlip(),
                              transforms::ToTensor(), normalize()));
    else
      time_epoch(archive, batch, workers, transforms::Compose(transforms::ToTensor(), normalize()));
  } else if (mode == "train" && argc == 7) {
    set_num_threads(std::stoi(argv[6]));
    time_training(archive, batch, workers, std::stoi(argv[5]));
  } else {
    fail(usage);
  }
} catch (const std::exception& e) {
  std::cerr << "bench_loader: " << e.what() << "\n";
  return 1;
}
