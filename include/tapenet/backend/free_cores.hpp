#pragma once
// How many of this process's cores other programs leave free, measured. The CPU backend uses no
// more threads than that by default: on a laptop where a browser keeps one of two cores busy, a
// second thread would only take turns with the browser, and the threads that wait for it at the
// end of every job would make training slower than one thread alone.
//
// The measure, every quarter of a second: the time the cores spent busy (from /proc/stat, for the
// cores this process may run on), minus the time this process used (getrusage), over the time
// that passed. Programs started with `nice` do not count: they give way to ours. Where /proc/stat
// cannot be read, every core counts as free.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#if defined(__linux__)
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace tapenet::detail {

class FreeCores {
 public:
  // The number of free cores, between 1 and `cores`, as of the last quarter second.
  int now(int cores) {
    auto clock = std::chrono::steady_clock::now();
    if (clock - last_time_ >= period) update(clock, cores);
    return free_of(cores, others_);
  }

  // What other programs leave of `cores` when they keep `others` cores' worth busy: a core that
  // is more than half free counts as free, and one thread always runs.
  static int free_of(int cores, double others) {
    return std::max(1, std::min(cores, int(std::lround(double(cores) - others))));
  }

#if defined(__linux__)
  // The busy ticks of the cores in `allowed`, from /proc/stat's text: one line per core, "cpuN"
  // then user nice system idle iowait irq softirq steal. Not counted: idle and iowait, and nice,
  // the time of programs that asked for a lower priority (they give way when we compete).
  static double busy_ticks(std::istream& stat, const cpu_set_t& allowed) {
    std::string line;
    double ticks = 0;
    while (std::getline(stat, line)) {
      if (line.rfind("cpu", 0) != 0 || line.size() < 4 || !std::isdigit(line[3])) continue;
      int core = std::atoi(line.c_str() + 3);  // "cpu ..." (no number) is the cores' total
      if (core >= CPU_SETSIZE || !CPU_ISSET(core, &allowed)) continue;
      std::istringstream fields(line.substr(line.find(' ')));
      double value[8] = {};
      for (double& v : value) fields >> v;
      ticks += value[0] + value[2] + value[5] + value[6] + value[7];
    }
    return ticks;
  }
#endif

 private:
  static constexpr auto period = std::chrono::milliseconds(250);

  void update(std::chrono::steady_clock::time_point clock, int cores) {
    double busy = busy_seconds(), mine = my_seconds();
    double wall = std::chrono::duration<double>(clock - last_time_).count();
    if (busy >= 0 && last_busy_ >= 0 && wall > 0)
      others_ = std::clamp((busy - last_busy_ - (mine - last_mine_)) / wall, 0.0, double(cores));
    last_time_ = clock, last_busy_ = busy, last_mine_ = mine;
  }

  // Seconds the cores this process may use have been busy since boot; -1 if unknown.
  static double busy_seconds() {
#if defined(__linux__)
    cpu_set_t allowed;
    std::ifstream stat("/proc/stat");
    if (!stat || sched_getaffinity(0, sizeof allowed, &allowed) != 0) return -1;
    double ticks = busy_ticks(stat, allowed);
    return ticks > 0 ? ticks / double(sysconf(_SC_CLK_TCK)) : -1;
#else
    return -1;
#endif
  }

  // Seconds of CPU this process has used, all its threads together.
  static double my_seconds() {
#if defined(__linux__)
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) * 1e-6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
#else
    return 0;
#endif
  }

  std::chrono::steady_clock::time_point last_time_{};
  double last_busy_ = -1, last_mine_ = 0;
  double others_ = 0;  // cores' worth of time other programs used in the last period
};

}  // namespace tapenet::detail
