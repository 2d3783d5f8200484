#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <set>

#include "tapenet/tapenet.hpp"

using namespace tapenet;

namespace {

// Example i is the 1×2 tensor {i, random draw}, labelled i % 10: what a batch holds shows which
// examples it took and which random numbers they drew.
struct CountingDataset {
  std::int64_t count = 10;
  std::int64_t throw_at = -1;
  std::shared_ptr<std::atomic<int>> fetched = std::make_shared<std::atomic<int>>(0);

  std::int64_t size() const { return count; }
  datasets::Example<Tensor<cpu, float>> get(std::int64_t index, Generator& generator) const {
    ++*fetched;
    if (index == throw_at) fail("example ", index, " is unreadable");
    return {Tensor<cpu, float>::from({1, 2}, {float(index), generator.uniform01<float>()}),
            index % 10};
  }
};

struct Epoch {
  std::vector<std::vector<float>> inputs;
  std::vector<std::vector<std::int64_t>> labels;
  bool operator==(const Epoch&) const = default;
};

template <class Loader>
Epoch run_epoch(Loader& loader) {
  Epoch epoch;
  for (auto& [inputs, labels] : loader) {
    epoch.inputs.push_back(inputs.to_vector());
    epoch.labels.push_back(labels.to_vector());
  }
  return epoch;
}

std::vector<float> example_ids(const Epoch& epoch) {
  std::vector<float> ids;
  for (const auto& batch : epoch.inputs)
    for (std::size_t i = 0; i < batch.size(); i += 2) ids.push_back(batch[i]);
  return ids;
}

}  // namespace

TEST_CASE("DataLoader stacks examples into batches, in order without shuffle", "[fast][data]") {
  data::DataLoader loader(CountingDataset{.count = 10}, {.batch_size = 4});
  REQUIRE(loader.size() == 3);
  std::vector<std::int64_t> batch_sizes;
  for (auto& [inputs, labels] : loader) {
    REQUIRE(inputs.dim() == 3);
    REQUIRE(inputs.size(1) == 1);
    REQUIRE(inputs.size(2) == 2);
    REQUIRE(labels.numel() == inputs.size(0));
    batch_sizes.push_back(inputs.size(0));
  }
  REQUIRE(batch_sizes == std::vector<std::int64_t>{4, 4, 2});
  Epoch epoch = run_epoch(loader);
  REQUIRE(example_ids(epoch) == std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  REQUIRE(epoch.labels[2] == std::vector<std::int64_t>{8, 9});

  data::DataLoader dropping(CountingDataset{.count = 10}, {.batch_size = 4, .drop_last = true});
  REQUIRE(dropping.size() == 2);
  REQUIRE(run_epoch(dropping).inputs.size() == 2);
}

TEST_CASE("DataLoader shuffles every epoch differently, from the seed only", "[fast][data]") {
  data::DataLoader loader(CountingDataset{.count = 50},
                          {.batch_size = 8, .shuffle = true, .seed = 1});
  Epoch first = run_epoch(loader), second = run_epoch(loader);
  REQUIRE(loader.epoch() == 2);
  auto ids = example_ids(first);
  REQUIRE(ids != example_ids(second));
  std::sort(ids.begin(), ids.end());
  for (std::size_t i = 0; i < ids.size(); ++i) REQUIRE(ids[i] == float(i));  // each example once

  data::DataLoader again(CountingDataset{.count = 50},
                         {.batch_size = 8, .shuffle = true, .seed = 1});
  REQUIRE(run_epoch(again) == first);
  again.set_epoch(1);  // resuming at epoch 1 gives epoch 1's batches
  REQUIRE(run_epoch(again) == second);
  data::DataLoader other_seed(CountingDataset{.count = 50},
                              {.batch_size = 8, .shuffle = true, .seed = 2});
  REQUIRE(example_ids(run_epoch(other_seed)) != example_ids(first));
}

TEST_CASE("DataLoader batches do not depend on num_workers, random draws included",
          "[fast][data]") {
  std::vector<Epoch> epochs;
  for (int workers : {0, 1, 3}) {
    data::DataLoader loader(CountingDataset{.count = 103},
                            {.batch_size = 5, .shuffle = true, .num_workers = workers, .seed = 42});
    run_epoch(loader);
    epochs.push_back(run_epoch(loader));  // the second epoch
  }
  REQUIRE(epochs[0] == epochs[1]);
  REQUIRE(epochs[0] == epochs[2]);
}

TEST_CASE("DataLoader with augmentation over an image dataset is reproducible across worker counts",
          "[fast][data]") {
  auto images = std::make_shared<datasets::ImageSet>();
  images->height = images->width = 8;
  images->channels = 3;
  for (int i = 0; i < 20 * 8 * 8 * 3; ++i)
    images->pixels.push_back(static_cast<std::uint8_t>(i * 13 % 256));
  for (int i = 0; i < 20; ++i) images->labels.push_back(i % 10);
  auto augment = transforms::Compose(transforms::RandomCrop(8, 2),
                                     transforms::RandomHorizontalFlip(), transforms::ToTensor());
  datasets::LabelledImages dataset(images, augment);
  data::DataLoader serial(dataset, {.batch_size = 6, .shuffle = true, .seed = 7});
  data::DataLoader parallel(dataset,
                            {.batch_size = 6, .shuffle = true, .num_workers = 2, .seed = 7});
  REQUIRE(run_epoch(serial) == run_epoch(parallel));
}

TEST_CASE("A loop left early stops the workers promptly", "[fast][data]") {
  CountingDataset dataset{.count = 100'000};
  data::DataLoader loader(
      dataset, {.batch_size = 2, .shuffle = true, .num_workers = 3, .prefetch_factor = 2});
  auto start = std::chrono::steady_clock::now();
  int seen = 0;
  for (auto& batch : loader) {
    REQUIRE(batch.inputs.size(0) == 2);
    if (++seen == 5) break;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(seconds < 5);
  // The workers ran at most prefetch_factor × num_workers batches ahead, plus those in progress.
  REQUIRE(*dataset.fetched <= 2 * (5 + 2 * 3 + 3));
  int fetched_when_stopped = *dataset.fetched;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(*dataset.fetched == fetched_when_stopped);   // nothing runs in the background any more
  REQUIRE(run_epoch(loader).inputs.size() == 50'000);  // and the next epoch starts afresh
}

TEST_CASE("An exception in a worker reaches the loop", "[fast][data]") {
  for (int workers : {0, 2}) {
    INFO(workers << " workers");
    data::DataLoader loader(CountingDataset{.count = 40, .throw_at = 13},
                            {.batch_size = 4, .num_workers = workers});
    std::int64_t batches = 0;
    REQUIRE_THROWS_WITH(
        [&] {
          for (auto& batch : loader) batches += batch.inputs.size(0) > 0;
        }(),
        "example 13 is unreadable");
    REQUIRE(batches == 3);
  }
}

TEST_CASE("DataLoader checks its options and the examples' sizes", "[fast][data]") {
  REQUIRE_THROWS_WITH(data::DataLoader(CountingDataset{}, {.batch_size = 0}),
                      "DataLoader: batch_size is 0, expected >= 1");
  REQUIRE_THROWS_WITH(data::DataLoader(CountingDataset{}, {.num_workers = -1}),
                      "DataLoader: num_workers is -1, expected >= 0");

  auto images = std::make_shared<datasets::ImageSet>();
  images->height = images->width = 4;
  images->channels = 1;
  images->pixels.assign(2 * 16, 0);
  images->labels = {0, 1};
  datasets::LabelledImages dataset(
      images, transforms::Compose(transforms::Resize(4, 4), transforms::CenterCrop(3),
                                  transforms::ToTensor()));
  data::DataLoader fine(dataset, {.batch_size = 2});
  REQUIRE(run_epoch(fine).inputs[0].size() == 2 * 9);

  struct TwoSizes {
    std::int64_t size() const { return 2; }
    datasets::Example<Tensor<cpu, float>> get(std::int64_t index, Generator&) const {
      return {Tensor<cpu, float>::zeros({1, 2 + index, 2}), 0};
    }
  };
  data::DataLoader mixed(TwoSizes{}, {.batch_size = 2});
  REQUIRE_THROWS_WITH(
      run_epoch(mixed),
      "DataLoader: example 1 has shape [1, 3, 2] but the batch's first example has [1, 2, 2]; "
      "examples in a batch must be the same size (add a Resize or a crop)");
}
