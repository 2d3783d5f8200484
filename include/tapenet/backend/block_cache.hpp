#pragma once
// A caching allocator, shared by the CPU and the CUDA backends. Freed blocks wait here for the
// next allocation of the same size. A training step asks for the same sizes in the same order
// every time, so after the first step nothing goes back to the system: on the CPU fresh pages cost
// a page fault each, and on a GPU cudaMalloc and cudaFree each wait for the whole device.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tapenet::detail {

// Memory says where blocks come from: static obtain(bytes) (nullptr when there is none left),
// release(block), out_of_memory(bytes) (throws), and the alignment every block size is rounded to.
template <class Memory>
class BlockCache {
 public:
  // Under AddressSanitizer nothing is cached, so that a use after free is still caught.
#if defined(__SANITIZE_ADDRESS__)
  static constexpr bool enabled = false;
#else
  static constexpr bool enabled = true;
#endif
  static constexpr std::size_t smallest_cached = 16384;  // smaller blocks are not worth caching
  static constexpr std::size_t max_cached_bytes = std::size_t(2) << 30;

  // Memory for `count` elements of T, given back to the cache when the last owner lets go.
  template <class T>
  std::shared_ptr<T> allocate(std::int64_t count) {
    constexpr std::size_t alignment = Memory::alignment;
    std::size_t bytes = static_cast<std::size_t>(count) * sizeof(T);
    bytes = bytes == 0 ? alignment : (bytes + alignment - 1) / alignment * alignment;
    return std::shared_ptr<T>(static_cast<T*>(take(bytes)),
                              [this, bytes](T* p) { give(p, bytes); });
  }

  void* take(std::size_t bytes) {
    if (enabled && bytes >= smallest_cached) {
      std::lock_guard lock(mutex_);
      auto it = free_.find(bytes);
      if (it != free_.end() && !it->second.empty()) {
        void* block = it->second.back();
        it->second.pop_back();
        cached_bytes_ -= bytes;
        return block;
      }
    }
    void* block = Memory::obtain(bytes);
    if (block == nullptr) {  // the cache may hold enough, in blocks of other sizes
      clear();
      block = Memory::obtain(bytes);
    }
    if (block == nullptr) Memory::out_of_memory(bytes);
    std::lock_guard lock(mutex_);
    reserved_bytes_ += bytes;
    peak_reserved_bytes_ = std::max(peak_reserved_bytes_, reserved_bytes_);
    return block;
  }

  void give(void* block, std::size_t bytes) {
    if (enabled && bytes >= smallest_cached) {
      std::lock_guard lock(mutex_);
      if (cached_bytes_ + bytes <= max_cached_bytes) {
        free_[bytes].push_back(block);
        cached_bytes_ += bytes;
        return;
      }
    }
    Memory::release(block);
    std::lock_guard lock(mutex_);
    reserved_bytes_ -= bytes;
  }

  void clear() {
    std::lock_guard lock(mutex_);
    for (auto& [bytes, blocks] : free_)
      for (void* block : blocks) Memory::release(block);
    free_.clear();
    reserved_bytes_ -= cached_bytes_;
    cached_bytes_ = 0;
  }

  // Free blocks waiting in the cache; all blocks taken from Memory and not given back (in use or
  // cached), and the most there ever were: torch.cuda.max_memory_reserved() in PyTorch's terms.
  std::size_t cached_bytes() {
    std::lock_guard lock(mutex_);
    return cached_bytes_;
  }
  std::size_t peak_reserved_bytes() {
    std::lock_guard lock(mutex_);
    return peak_reserved_bytes_;
  }

  // Never destroyed: tensors freed during static destruction still find it.
  static BlockCache& instance() {
    static BlockCache* cache = new BlockCache;
    return *cache;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::size_t, std::vector<void*>> free_;
  std::size_t cached_bytes_ = 0, reserved_bytes_ = 0, peak_reserved_bytes_ = 0;
};

}  // namespace tapenet::detail
