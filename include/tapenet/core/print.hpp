#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "tapenet/core/tensor.hpp"

namespace tapenet {

namespace detail {

// Prints tensors the way PyTorch does (torch/_tensor_str.py, default print options): one number
// format for the whole tensor, chosen from its values, every column padded to the same width, and
// only the first and last 3 entries of each dimension once the tensor has over 1000 elements.
class TensorPrinter {
 public:
  static constexpr int precision = 4, line_width = 80, edge_items = 3;
  static constexpr std::int64_t threshold = 1000;

  TensorPrinter(std::vector<double> values, std::vector<std::int64_t> dims, bool floating)
      : values_(std::move(values)), dims_(std::move(dims)), floating_(floating) {
    std::int64_t count = 1;
    for (auto d : dims_) count *= d;
    summarize_ = count > threshold;
    std::vector<double> shown;
    collect_shown(0, 0, shown);
    choose_format(shown);
  }

  std::string body(int indent) const {
    if (values_.empty()) return "[]";
    return render(0, 0, indent);
  }

 private:
  std::int64_t stride(std::size_t dim) const {
    std::int64_t s = 1;
    for (std::size_t d = dim + 1; d < dims_.size(); ++d) s *= dims_[d];
    return s;
  }

  // The indices printed along a dimension of the given size; -1 stands for the "..." gap.
  std::vector<std::int64_t> shown_indices(std::int64_t size) const {
    std::vector<std::int64_t> indices;
    if (summarize_ && size > 2 * edge_items) {
      for (std::int64_t i = 0; i < edge_items; ++i) indices.push_back(i);
      indices.push_back(-1);
      for (std::int64_t i = size - edge_items; i < size; ++i) indices.push_back(i);
    } else {
      for (std::int64_t i = 0; i < size; ++i) indices.push_back(i);
    }
    return indices;
  }

  void collect_shown(std::size_t dim, std::int64_t offset, std::vector<double>& out) const {
    if (dim == dims_.size()) {
      out.push_back(values_[static_cast<std::size_t>(offset)]);
      return;
    }
    for (auto i : shown_indices(dims_[dim]))
      if (i >= 0) collect_shown(dim + 1, offset + i * stride(dim), out);
  }

  static std::string printf_format(const char* format, double value, int digits = precision) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, format, digits, value);
    return buffer;
  }

  std::string plain(double value) const {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (!floating_) return std::to_string(static_cast<long long>(value));
    if (sci_mode_) return printf_format("%.*e", value);
    if (int_mode_) return printf_format("%.*f", value, 0) + ".";  // "3." marks a float
    return printf_format("%.*f", value);
  }

  void choose_format(const std::vector<double>& shown) {
    std::vector<double> finite_nonzero;
    for (double v : shown)
      if (std::isfinite(v) && v != 0) finite_nonzero.push_back(v);
    if (!floating_) {
      for (double v : shown) width_ = std::max(width_, plain(v).size());
      return;
    }
    if (finite_nonzero.empty()) return;
    double max_abs = 0, min_abs = INFINITY;
    for (double v : finite_nonzero) {
      max_abs = std::max(max_abs, std::abs(v));
      min_abs = std::min(min_abs, std::abs(v));
      if (v != std::ceil(v)) int_mode_ = false;
    }
    sci_mode_ = max_abs / min_abs > 1000.0 || max_abs > 1e8 || (!int_mode_ && min_abs < 1e-4);
    for (double v : finite_nonzero) width_ = std::max(width_, plain(v).size());
  }

  std::string formatted(double value) const {
    std::string text = plain(value);
    return std::string(width_ > text.size() ? width_ - text.size() : 0, ' ') + text;
  }

  std::string render(std::size_t dim, std::int64_t offset, int indent) const {
    if (dims_.empty()) return formatted(values_[0]);
    auto indices = shown_indices(dims_[dim]);
    std::vector<std::string> items;
    if (dim + 1 == dims_.size()) {
      for (auto i : indices) items.push_back(i < 0 ? " ..." : formatted(values_[offset + i]));
      // A row wraps at 80 columns; each entry takes its width plus ", ".
      std::size_t per_line = std::max<std::size_t>(
          1, static_cast<std::size_t>((line_width - indent) / static_cast<int>(width_ + 2)));
      std::string text = "[";
      for (std::size_t k = 0; k < items.size(); ++k) {
        if (k > 0) text += k % per_line == 0 ? ",\n" + std::string(indent + 1, ' ') : ", ";
        text += items[k];
      }
      return text + "]";
    }
    for (auto i : indices)
      items.push_back(i < 0 ? "..." : render(dim + 1, offset + i * stride(dim), indent + 1));
    std::string separator =
        "," + std::string(dims_.size() - dim - 1, '\n') + std::string(indent + 1, ' ');
    std::string text = "[";
    for (std::size_t k = 0; k < items.size(); ++k) text += (k ? separator : "") + items[k];
    return text + "]";
  }

  std::vector<double> values_;
  std::vector<std::int64_t> dims_;
  bool floating_;
  bool summarize_ = false, int_mode_ = true, sci_mode_ = false;
  std::size_t width_ = 1;
};

template <class T>
constexpr std::string_view dtype_suffix() {
  if constexpr (std::is_same_v<T, double>)
    return "dtype=torch.float64";
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return "dtype=torch.int32";
  else if constexpr (std::is_same_v<T, std::uint8_t>)
    return "dtype=torch.uint8";
  else
    return "";  // float32 and int64 are PyTorch's defaults and are not printed
}

}  // namespace detail

// std::cout << tensor prints "tensor([[1.0000, 2.5000], ...])" like print(tensor) in Python.
template <Backend B, class T>
std::ostream& operator<<(std::ostream& out, const Tensor<B, T>& tensor) {
  if (!tensor.defined()) return out << "tensor(undefined)";
  auto host = tensor.to_vector();
  std::vector<double> values(host.begin(), host.end());
  detail::TensorPrinter printer(std::move(values), tensor.shape().dims(),
                                std::is_floating_point_v<T>);
  const std::string prefix = "tensor(";
  std::string text = prefix + printer.body(static_cast<int>(prefix.size()));

  std::vector<std::string> suffixes;
  if (tensor.numel() == 0 && tensor.dim() != 1)
    suffixes.push_back("size=" + [&] {
      std::string dims = "(";
      for (int d = 0; d < tensor.dim(); ++d)
        dims += (d ? ", " : "") + std::to_string(tensor.size(d));
      return dims + (tensor.dim() == 1 ? ",)" : ")");
    }());
  if (std::string_view(B::name()) != "cpu")
    suffixes.push_back("device='" + std::string(B::name()) + "'");
  if (!detail::dtype_suffix<T>().empty()) suffixes.emplace_back(detail::dtype_suffix<T>());

  // A suffix goes on the same line unless that line would pass 80 columns.
  auto newline = text.rfind('\n');
  std::size_t last_line = newline == std::string::npos
                              ? text.size() + 2
                              : text.size() - newline + 1;  // as PyTorch counts
  for (const auto& suffix : suffixes) {
    if (last_line + suffix.size() + 2 > detail::TensorPrinter::line_width) {
      text += ",\n" + std::string(prefix.size(), ' ') + suffix;
      last_line = prefix.size() + suffix.size();
    } else {
      text += ", " + suffix;
      last_line += suffix.size() + 2;
    }
  }
  return out << text << ')';
}

}  // namespace tapenet
