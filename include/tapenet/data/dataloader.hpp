#pragma once
// DataLoader: a dataset's examples in batches, like torch.utils.data.DataLoader.
//   for (auto& [inputs, labels] : loader) { ... }   // one pass over the dataset = one epoch
// Each epoch visits the examples in an order drawn from (seed, epoch). With num_workers > 0,
// background threads build the next batches while the training step runs; at most
// prefetch_factor × num_workers finished batches wait in memory. Batch b of an epoch is always
// built from the same examples with the same random draws, whichever thread builds it, so the
// batches do not depend on num_workers. Leaving the loop early stops and joins the threads.
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>
#include <vector>

#include "tapenet/backend/cpu_storage.hpp"
#include "tapenet/core/error.hpp"
#include "tapenet/core/random.hpp"
#include "tapenet/core/tensor.hpp"
#include "tapenet/datasets/dataset.hpp"

namespace tapenet::data {

struct DataLoaderOptions {
  std::int64_t batch_size = 1;
  bool shuffle = false;
  int num_workers = 0;  // 0: batches are built in the loop's own thread
  bool drop_last = false;
  std::uint64_t seed = 0;
  int prefetch_factor = 2;
};

template <class T>
struct Batch {
  Tensor<cpu, T> inputs;             // examples stacked: N × (the example's shape)
  Tensor<cpu, std::int64_t> labels;  // N
};

namespace detail {

// SplitMix64's mixing step: nearby inputs give unrelated outputs.
inline std::uint64_t mix_seed(std::uint64_t value) {
  value += 0x9e3779b97f4a7c15ull;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ull;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebull;
  return value ^ (value >> 31);
}

}  // namespace detail

template <datasets::Dataset D>
class DataLoader {
  using Example = decltype(std::declval<const D&>().get(0, std::declval<Generator&>()));
  using Input = decltype(Example::input);
  static_assert(
      requires(const Input& input) {
        input.data();
        input.shape();
      },
      "DataLoader stacks tensors: the dataset's transform must end with ToTensor()");
  using Scalar = std::remove_cvref_t<decltype(*std::declval<const Input&>().data())>;

 public:
  using BatchType = Batch<Scalar>;

  DataLoader(D dataset, DataLoaderOptions options)
      : dataset_(std::move(dataset)), options_(options) {
    if (options.batch_size < 1)
      fail("DataLoader: batch_size is ", options.batch_size, ", expected >= 1");
    if (options.num_workers < 0)
      fail("DataLoader: num_workers is ", options.num_workers, ", expected >= 0");
    if (options.prefetch_factor < 1)
      fail("DataLoader: prefetch_factor is ", options.prefetch_factor, ", expected >= 1");
  }

  // Batches per epoch, like len(loader).
  std::int64_t size() const {
    const std::int64_t n = dataset_.size(), b = options_.batch_size;
    return options_.drop_last ? n / b : (n + b - 1) / b;
  }
  const D& dataset() const { return dataset_; }
  const DataLoaderOptions& options() const { return options_; }

  // The epoch the next loop runs (0 first). Set it to resume a run: epoch e's batches are the same
  // whether or not epochs 0 … e-1 ran in this process.
  std::int64_t epoch() const { return epoch_; }
  void set_epoch(std::int64_t epoch) { epoch_ = epoch; }

  // The example indices epoch `epoch` visits, in order.
  std::vector<std::int64_t> order(std::int64_t epoch) const {
    std::vector<std::int64_t> indices(static_cast<std::size_t>(dataset_.size()));
    for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = static_cast<std::int64_t>(i);
    if (!options_.shuffle) return indices;
    Generator generator(stream_seed(epoch, -1));
    for (std::size_t i = indices.size(); i > 1; --i) {  // Fisher-Yates
      auto j = static_cast<std::size_t>((std::uint64_t(generator.next_u32()) * i) >> 32);
      std::swap(indices[i - 1], indices[j]);
    }
    return indices;
  }

  // The seed of one random stream: epoch `epoch`'s order (batch -1) or batch `batch`'s transforms.
  std::uint64_t stream_seed(std::int64_t epoch, std::int64_t batch) const {
    using detail::mix_seed;
    return mix_seed(mix_seed(mix_seed(options_.seed) ^ static_cast<std::uint64_t>(epoch)) ^
                    static_cast<std::uint64_t>(batch + 1));
  }

  // Batch `index` of epoch `epoch`, built in the calling thread.
  BatchType make_batch(std::int64_t epoch, std::int64_t index,
                       const std::vector<std::int64_t>& order) const {
    const std::int64_t first = index * options_.batch_size;
    const std::int64_t count = std::min<std::int64_t>(options_.batch_size, dataset_.size() - first);
    Generator generator(stream_seed(epoch, index));
    BatchType batch;
    std::vector<std::int64_t> labels;
    Shape example_shape;
    std::int64_t example_numel = 0;
    for (std::int64_t k = 0; k < count; ++k) {
      const std::int64_t example_index = order[static_cast<std::size_t>(first + k)];
      auto example = dataset_.get(example_index, generator);
      if (k == 0) {
        example_shape = example.input.shape();
        example_numel = example_shape.numel();
        std::vector<std::int64_t> dims{count};
        dims.insert(dims.end(), example_shape.dims().begin(), example_shape.dims().end());
        batch.inputs = Tensor<cpu, Scalar>::empty(Shape(dims));
      } else if (example.input.shape() != example_shape) {
        fail("DataLoader: example ", example_index, " has shape ", example.input.shape(),
             " but the batch's first example has ", example_shape,
             "; examples in a batch must be the same size (add a Resize or a crop)");
      }
      std::copy_n(example.input.data(), example_numel, batch.inputs.data() + k * example_numel);
      labels.push_back(example.label);
    }
    batch.labels = Tensor<cpu, std::int64_t>::from({count}, labels);
    return batch;
  }

 private:
  // One pass over the data: the order, the worker threads and the finished batches.
  class EpochRun {
   public:
    EpochRun(const DataLoader& loader, std::int64_t epoch)
        : loader_(loader), epoch_(epoch), order_(loader.order(epoch)), batches_(loader.size()) {
      for (int w = 0; w < loader.options_.num_workers; ++w)
        workers_.emplace_back([this] { work(); });
    }
    EpochRun(const EpochRun&) = delete;
    EpochRun& operator=(const EpochRun&) = delete;
    ~EpochRun() {
      {
        std::lock_guard lock(mutex_);
        stopping_ = true;
      }
      wanted_.notify_all();
      for (auto& worker : workers_) worker.join();
    }

    // The next batch in order, or nothing after the last one. A worker's exception is rethrown
    // here.
    std::optional<BatchType> next() {
      if (next_to_take_ >= batches_) return std::nullopt;
      if (workers_.empty()) return loader_.make_batch(epoch_, next_to_take_++, order_);
      std::unique_lock lock(mutex_);
      finished_.wait(lock, [&] { return ready_.count(next_to_take_) > 0; });
      auto node = ready_.extract(next_to_take_++);
      lock.unlock();
      wanted_.notify_all();
      if (auto* error = std::get_if<std::exception_ptr>(&node.mapped()))
        std::rethrow_exception(*error);
      return std::move(std::get<BatchType>(node.mapped()));
    }

   private:
    void work() {
      const std::int64_t in_flight =
          std::int64_t(loader_.options_.prefetch_factor) * loader_.options_.num_workers;
      while (true) {
        std::unique_lock lock(mutex_);
        wanted_.wait(lock, [&] {
          return stopping_ || next_to_make_ >= batches_ ||
                 next_to_make_ < next_to_take_ + in_flight;
        });
        if (stopping_ || next_to_make_ >= batches_) return;
        const std::int64_t index = next_to_make_++;
        lock.unlock();
        std::variant<BatchType, std::exception_ptr> result;
        try {
          result = loader_.make_batch(epoch_, index, order_);
        } catch (...) {
          result = std::current_exception();
        }
        lock.lock();
        ready_.emplace(index, std::move(result));
        lock.unlock();
        finished_.notify_all();
      }
    }

    const DataLoader& loader_;
    const std::int64_t epoch_;
    const std::vector<std::int64_t> order_;
    const std::int64_t batches_;
    std::mutex mutex_;
    std::condition_variable wanted_, finished_;
    std::map<std::int64_t, std::variant<BatchType, std::exception_ptr>> ready_;
    std::int64_t next_to_make_ = 0, next_to_take_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
  };

 public:
  struct Sentinel {};

  // Move-only: it owns the epoch's threads, and destroying it (the loop ending) stops them.
  class Iterator {
   public:
    using value_type = BatchType;
    using difference_type = std::ptrdiff_t;

    explicit Iterator(std::unique_ptr<EpochRun> run) : run_(std::move(run)) {
      current_ = run_->next();
    }
    BatchType& operator*() { return *current_; }
    BatchType* operator->() { return &*current_; }
    Iterator& operator++() {
      current_ = run_->next();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(Sentinel) const { return !current_; }

   private:
    std::unique_ptr<EpochRun> run_;
    std::optional<BatchType> current_;
  };

  // Starts the next epoch.
  Iterator begin() { return Iterator(std::make_unique<EpochRun>(*this, epoch_++)); }
  Sentinel end() const { return {}; }

 private:
  D dataset_;
  DataLoaderOptions options_;
  std::int64_t epoch_ = 0;
};

}  // namespace tapenet::data
