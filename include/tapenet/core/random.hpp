#pragma once
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace tapenet {

// A seedable source of random numbers. It runs on the host, and tensors copy its numbers to their
// backend, so the same seed gives the same tensor on every backend.
// std::mt19937 is specified bit for bit by the C++ standard, but std::normal_distribution and
// friends are not, so the conversions to floating point are written out here.
class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : engine_(static_cast<std::uint32_t>(seed)) {}

  void manual_seed(std::uint64_t seed) {
    engine_.seed(static_cast<std::uint32_t>(seed));
    has_spare_normal_ = false;
  }

  std::uint32_t next_u32() { return static_cast<std::uint32_t>(engine_()); }

  // Uniform in [0, 1): the top 24 bits fill a float's mantissa exactly, 53 bits a double's.
  template <class T>
  T uniform01() {
    if constexpr (sizeof(T) <= 4) {
      return static_cast<T>(next_u32() >> 8) * static_cast<T>(1.0 / 16777216.0);
    } else {
      std::uint64_t high = next_u32() >> 5, low = next_u32() >> 6;  // 27 + 26 = 53 bits
      return static_cast<T>((high * 67108864.0 + low) * (1.0 / 9007199254740992.0));
    }
  }

  // Standard normal by the Box-Muller transform; each pair of uniforms gives two normals.
  double normal() {
    if (has_spare_normal_) {
      has_spare_normal_ = false;
      return spare_normal_;
    }
    double u1 = 1.0 - uniform01<double>();  // in (0, 1], so log(u1) is finite
    double u2 = uniform01<double>();
    double radius = std::sqrt(-2.0 * std::log(u1));
    double angle = 2.0 * std::numbers::pi * u2;
    spare_normal_ = radius * std::sin(angle);
    has_spare_normal_ = true;
    return radius * std::cos(angle);
  }

 private:
  std::mt19937 engine_;
  double spare_normal_ = 0;
  bool has_spare_normal_ = false;
};

// The generator used when a call does not pass one, like the global one torch.manual_seed seeds
// (here one per thread, so threads never race on it).
inline Generator& default_generator() {
  static thread_local Generator generator(0);
  return generator;
}

inline void manual_seed(std::uint64_t seed) { default_generator().manual_seed(seed); }

}  // namespace tapenet
