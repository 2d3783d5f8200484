#pragma once
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

#include "tapenet/core/config.hpp"
#include "tapenet/core/error.hpp"

namespace tapenet {

// "[2, 3, 4]": how shapes are written in every message.
inline std::string format_dims(const std::vector<std::int64_t>& dims) {
  std::string text = "[";
  for (std::size_t d = 0; d < dims.size(); ++d) text += (d ? ", " : "") + std::to_string(dims[d]);
  return text + "]";
}

// The sizes of a tensor's dimensions, outermost first: an image batch is {N, C, H, W}.
// A shape with no dimensions is a scalar and holds one element.
class Shape {
 public:
  static constexpr int max_rank = 8;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> dims) : dims_(dims) { validate(); }
  explicit Shape(std::vector<std::int64_t> dims) : dims_(std::move(dims)) { validate(); }

  int rank() const { return static_cast<int>(dims_.size()); }
  std::int64_t operator[](int dim) const { return dims_.at(static_cast<std::size_t>(dim)); }
  const std::vector<std::int64_t>& dims() const { return dims_; }

  std::int64_t numel() const {
    std::int64_t count = 1;
    for (auto d : dims_) count *= d;
    return count;
  }

  // Row-major strides: how far apart in memory two neighbours along each dimension are.
  std::vector<std::int64_t> strides() const {
    std::vector<std::int64_t> result(dims_.size(), 1);
    for (int d = rank() - 2; d >= 0; --d) result[d] = result[d + 1] * dims_[d + 1];
    return result;
  }

  std::string str() const { return format_dims(dims_); }

  friend bool operator==(const Shape&, const Shape&) = default;

  friend std::ostream& operator<<(std::ostream& out, const Shape& shape) {
    return out << shape.str();
  }

 private:
  void validate() const {
    if (rank() > max_rank) fail("Shape: rank ", rank(), " is over the limit of ", max_rank);
    for (auto d : dims_)
      if (d < 0) fail("Shape ", str(), ": a size is negative; sizes must be >= 0");
  }

  std::vector<std::int64_t> dims_;
};

// The shape two operands broadcast to, as NumPy and PyTorch define it: align the shapes on the
// right; each pair of sizes must be equal or one of them 1, and the result takes the larger.
inline Shape broadcast_shapes(const Shape& a, const Shape& b) {
  int rank = a.rank() > b.rank() ? a.rank() : b.rank();
  std::vector<std::int64_t> dims(static_cast<std::size_t>(rank));
  for (int i = 0; i < rank; ++i) {
    std::int64_t da = i < rank - a.rank() ? 1 : a[i - (rank - a.rank())];
    std::int64_t db = i < rank - b.rank() ? 1 : b[i - (rank - b.rank())];
    if (da != db && da != 1 && db != 1)
      fail("cannot broadcast shapes ", a, " and ", b, ": size ", da, " vs ", db, " at dimension ",
           i, " (sizes must be equal or one of them 1)");
    dims[static_cast<std::size_t>(i)] = da == 1 ? db : da;
  }
  return Shape(std::move(dims));
}

}  // namespace tapenet
