#pragma once
// summary(net, input_shape): a table of every layer with its output shape, parameter count and
// FLOPs for one forward pass of that input, like torchsummary. It runs the network once on zeros,
// in evaluation mode (so BatchNorm's statistics do not move) and without recording a tape.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "tapenet/autograd/grad_mode.hpp"
#include "tapenet/nn/module.hpp"

namespace tapenet::nn {

struct SummaryRow {
  std::string name, type;
  Shape output;
  std::int64_t parameters = 0, flops = 0;
};

namespace detail {
template <Backend B, class T>
struct SummaryRecorder {
  std::vector<SummaryRow>& rows;
  std::string prefix;

  template <Module L>
  Var<B, T> operator()(L& layer, const std::string& name, const Var<B, T>& x) const {
    std::string full_name = join_name(prefix, name);
    if constexpr (Composite<L>) {
      return layer.forward_with(x, SummaryRecorder{rows, full_name});
    } else {
      Var<B, T> y = layer(x);
      SummaryRow row{full_name, L::type_name, y.shape(), parameter_count(layer), 0};
      if constexpr (requires { layer.flops(x.shape(), y.shape()); })
        row.flops = layer.flops(x.shape(), y.shape());
      rows.push_back(row);
      return y;
    }
  }
};

inline std::string with_commas(std::int64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}
}  // namespace detail

// The rows of the table: one per layer that does the work (children of composites, not the
// composites themselves). FLOPs count the multiply-adds of convolutions and linear layers, twice.
template <Composite Net>
std::vector<SummaryRow> summary_rows(Net& net, const Shape& input_shape) {
  using B = typename Net::backend_type;
  using T = typename Net::value_type;
  NoGradGuard no_grad;
  std::vector<SummaryRow> rows;
  bool was_training = net.training;
  net.train(false);
  Var<B, T> x(Tensor<B, T>::zeros(input_shape));
  try {
    net.forward_with(x, detail::SummaryRecorder<B, T>{rows, ""});
  } catch (...) {
    net.train(was_training);
    throw;
  }
  net.train(was_training);
  return rows;
}

template <Composite Net>
std::string summary(Net& net, const Shape& input_shape) {
  auto rows = summary_rows(net, input_shape);
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-28s %-18s %-20s %12s %16s\n", "Layer", "Type", "Output shape",
                "Params", "FLOPs");
  out << line << std::string(98, '-') << "\n";
  std::int64_t flops = 0;
  for (const auto& row : rows) {
    std::snprintf(line, sizeof line, "%-28s %-18s %-20s %12s %16s\n", row.name.c_str(),
                  row.type.c_str(), row.output.str().c_str(),
                  detail::with_commas(row.parameters).c_str(),
                  detail::with_commas(row.flops).c_str());
    out << line;
    flops += row.flops;
  }
  out << std::string(98, '-') << "\n"
      << "Input shape: " << input_shape << "\n"
      << "Total params: " << detail::with_commas(parameter_count(net)) << "\n"
      << "Total FLOPs: " << detail::with_commas(flops) << " (" << double(flops) / 1e9
      << " GFLOPs)\n";
  return out.str();
}

}  // namespace tapenet::nn
