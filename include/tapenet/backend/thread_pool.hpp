#pragma once
// The CPU backend's threads. A job is cut into chunks, and each thread has a share of them: the
// same part of every job, as OpenMP's static schedule would give it, so that a thread keeps
// working on the part of each tensor that its core's cache already holds. A thread that has
// finished its share takes chunks nobody has taken yet from the others' shares, until none are
// left. The thread that posted the job works too, and returns when every chunk is done: it never
// waits for a thread that has not started.
//
// Why not an OpenMP parallel region? Its end is a barrier that every thread of the team must
// reach, and a static schedule gives each thread a fixed share. On a busy machine (a browser, a
// second program, the data loader's threads) the operating system often has one of our threads
// switched out: the others finish their share and wait for it, a few milliseconds each time, at
// every one of the hundreds of regions a training step has. Here the threads that do run take
// the stalled one's chunks instead, and one that wakes late finds nothing left to do.
// (Measured in tools/bench/contention.py, and in chapter 13 of the course.)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "tapenet/backend/free_cores.hpp"

#if defined(__linux__)
#include <sched.h>
#endif

namespace tapenet::detail {

// Tells a core that this thread is spinning, so that it spends less power on it (and, with
// hyper-threading, gives more of the core to its sibling).
// (The instruction itself, not <immintrin.h>'s _mm_pause: that header costs every program that
// includes tapenet half a second of compiling.)
inline void spin_pause() {
#if defined(__x86_64__) || defined(__i386__)
  __asm__ __volatile__("pause");
#endif
}

class ThreadPool {
 public:
  static ThreadPool& instance() {
    static ThreadPool pool(default_threads());
    return pool;
  }

  // OMP_NUM_THREADS when it is set (PyTorch reads it too), else every core this process may use.
  static int default_threads() {
    if (const char* value = std::getenv("OMP_NUM_THREADS"); value && std::atoi(value) > 0)
      return std::atoi(value);
#if defined(__linux__)
    cpu_set_t cores;
    if (sched_getaffinity(0, sizeof cores, &cores) == 0) return CPU_COUNT(&cores);
#endif
    return int(std::max(1u, std::thread::hardware_concurrency()));
  }

  explicit ThreadPool(int threads) { start(threads); }
  ~ThreadPool() { stop(); }
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return int(workers_.size()) + 1; }  // the workers and the caller

  // Exactly `threads` threads from now on, however busy the machine (set_num_threads). Not while
  // a job runs: the caller of run() must be the caller of pin().
  void pin(int threads) {
    pinned_ = true;
    if (threads == this->threads()) return;
    stop();
    start(threads);
  }

  // The threads the next job gets: all of them when pinned, else no more than other programs
  // leave cores free (free_cores.hpp).
  int active_threads() { return pinned_ ? threads() : free_cores_.now(threads()); }

  // Calls body(chunk) once for every chunk in [0, chunks), on whichever threads are free, and
  // returns when all are done. body must not throw. Called from inside a chunk, or by a second
  // thread of the program while a job runs, it runs the chunks itself, one after another: the
  // pool's threads are busy.
  template <class Body>
  void run(std::int64_t chunks, const Body& body) {
    bool mine = chunks > 1 && !inside_a_chunk() && !posting_.exchange(true);
    int active = mine ? active_threads() : 1;
    if (active == 1) {
      for (std::int64_t chunk = 0; chunk < chunks; ++chunk) body(chunk);
      if (mine) posting_.store(false);
      return;
    }
    Job job{&call<Body>, &body, chunks, active, 0};
    {
      std::lock_guard lock(job_mutex_);
      job.generation = ++job_.generation;
      job_ = job;
      finished_.value.store(0, std::memory_order_relaxed);
      for (int share = 0; share < job.shares; ++share)
        next_chunk_[share].value.store(std::uint64_t(job.generation) << 32 | job.first(share),
                                       std::memory_order_relaxed);
    }
    generation_.store(job.generation);
    wake_sleepers();
    work_on(job, 0);
    wait_until_finished(chunks);
    posting_.store(false);
  }

 private:
  struct Job {
    void (*run)(const void* body, std::int64_t chunk);
    const void* body;
    std::int64_t chunks;
    int shares;  // one per active thread: the caller's is share 0, worker i's is share i
    std::uint32_t generation;
    std::uint64_t first(int share) const { return std::uint64_t(chunks * share / shares); }
  };

  // An atomic alone on its cache line: threads that write different ones do not slow each other.
  template <class T>
  struct alignas(64) OwnLine {
    std::atomic<T> value{0};
  };

  template <class Body>
  static void call(const void* body, std::int64_t chunk) {
    (*static_cast<const Body*>(body))(chunk);
  }

  static bool& inside_a_chunk() {
    thread_local bool inside = false;
    return inside;
  }

  // Takes the chunks of its own share, then those left in the others' shares. Each share's next
  // chunk is stored beside the job's generation, so a thread that read an older job can never
  // take a chunk of a newer one.
  void work_on(const Job& job, int own_share) {
    inside_a_chunk() = true;
    for (int i = 0; i < job.shares; ++i) {
      int share = (own_share + i) % job.shares;
      std::uint64_t end = job.first(share + 1);
      auto& next_chunk = next_chunk_[share].value;
      std::uint64_t next = next_chunk.load(std::memory_order_relaxed);
      while (std::uint32_t(next >> 32) == job.generation && (next & 0xffffffffu) < end) {
        if (!next_chunk.compare_exchange_weak(next, next + 1, std::memory_order_acquire)) continue;
        job.run(job.body, std::int64_t(next & 0xffffffffu));
        finished_.value.fetch_add(1, std::memory_order_release);
        next = next_chunk.load(std::memory_order_relaxed);
      }
    }
    inside_a_chunk() = false;
  }

  // Spin for a moment (the next chunk is usually done within microseconds), then give the core
  // away: the thread that holds the last chunk may be waiting for it.
  void wait_until_finished(std::int64_t chunks) {
    auto start = std::chrono::steady_clock::now();
    for (int spins = 0; finished_.value.load(std::memory_order_acquire) < chunks; ++spins) {
      if (spins < 64 || std::chrono::steady_clock::now() - start < spin_time)
        spin_pause();
      else
        std::this_thread::yield();
    }
  }

  // `seen` is the generation when the worker was made: a job posted later wakes it, even one
  // posted before the thread got to run.
  void worker_loop(int share, std::uint32_t seen) {
    bool left_out = false;  // the last job had no share for this worker: sleep, don't spin
    while (true) {
      wait_for_a_new_job(seen, left_out ? std::chrono::microseconds(0) : spin_time);
      if (stopping_.load()) return;
      Job job{};
      {
        std::lock_guard lock(job_mutex_);
        job = job_;
      }
      seen = job.generation;
      left_out = share >= job.shares;
      if (!left_out) work_on(job, share);
    }
  }

  // Jobs come back to back in a training step: spin a little before sleeping, since waking a
  // sleeping thread costs more than most chunks take.
  void wait_for_a_new_job(std::uint32_t seen, std::chrono::microseconds spin) {
    auto start = std::chrono::steady_clock::now();
    for (int spins = 0; generation_.load() == seen && !stopping_.load(); ++spins) {
      if (spins % 64 == 0 && std::chrono::steady_clock::now() - start >= spin) {
        sleep_until_a_new_job(seen);
        return;
      }
      spin_pause();
    }
  }

  // sleepers_ is counted up before the worker looks at generation_, and the poster looks at
  // sleepers_ after changing generation_: so either the poster sees a sleeper and wakes it, or the
  // sleeper sees the new job. Taking sleep_mutex_ before notifying means that a worker between
  // its look and its wait cannot miss the notification.
  void sleep_until_a_new_job(std::uint32_t seen) {
    std::unique_lock lock(sleep_mutex_);
    sleepers_.fetch_add(1);
    wake_up_.wait(lock, [&] { return generation_.load() != seen || stopping_.load(); });
    sleepers_.fetch_sub(1);
  }

  void wake_sleepers() {
    if (sleepers_.load() == 0) return;
    { std::lock_guard lock(sleep_mutex_); }
    wake_up_.notify_all();
  }

  void start(int threads) {
    stopping_.store(false);
    std::uint32_t now = generation_.load();
    next_chunk_ = std::make_unique<OwnLine<std::uint64_t>[]>(std::size_t(threads));
    for (int i = 1; i < threads; ++i)
      workers_.emplace_back([this, i, now] { worker_loop(i, now); });
  }

  void stop() {
    stopping_.store(true);
    {
      std::lock_guard lock(job_mutex_);
      generation_.store(++job_.generation);
    }
    wake_sleepers();
    for (auto& worker : workers_) worker.join();
    workers_.clear();
  }

  static constexpr auto spin_time = std::chrono::microseconds(50);

  std::vector<std::thread> workers_;
  std::mutex job_mutex_;
  Job job_{nullptr, nullptr, 0, 1, 0};                    // the newest job, read under job_mutex_
  std::unique_ptr<OwnLine<std::uint64_t>[]> next_chunk_;  // per share: generation << 32 | chunk
  OwnLine<std::int64_t> finished_;                        // chunks of the newest job that are done
  alignas(64) std::atomic<std::uint32_t> generation_{0};  // changes when a job is posted (or stop)
  std::atomic<int> sleepers_{0};                          // workers asleep, waiting on wake_up_
  std::mutex sleep_mutex_;
  std::condition_variable wake_up_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> posting_{false};  // a thread is running a job on the pool
  bool pinned_ = false;
  FreeCores free_cores_;
};

}  // namespace tapenet::detail
