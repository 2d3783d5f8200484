#pragma once
// summary(net, input_shape): a table of every layer with its output shape, parameter count and
// FLOPs for one forward pass of that input, like torchsummary. It runs the network once on zeros,
// in evaluation mode (so BatchNorm's statistics do not move) and without recording a tape.
#include <cstdio>
#include <functional>
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
// Listens to a forward pass: each layer without children that runs becomes a row, named by where
// it sits in the network (found by walking the declared children beforehand).
template <class Net>
class SummaryRecorder : public ForwardListener {
 public:
  std::vector<SummaryRow> rows;

  explicit SummaryRecorder(Net& net) { add_layers(net, ""); }

  void layer_called(const void* layer, const Shape& input, const Shape& output) override {
    for (const auto& known : layers_)
      if (known.address == layer) rows.push_back(known.row(input, output));
  }

 private:
  struct KnownLayer {
    const void* address;
    std::function<SummaryRow(const Shape&, const Shape&)> row;
  };
  std::vector<KnownLayer> layers_;

  template <class L>
  void add_layers(L& layer, const std::string& name) {
    if constexpr (Composite<L>) {
      for_each_child(layer, [&](const std::string& child_name, auto& child) {
        add_layers(child, join_name(name, child_name));
      });
    } else {
      layers_.push_back({&layer, [&layer, name](const Shape& input, const Shape& output) {
                           SummaryRow row{name, type_name<L>(), output, parameter_count(layer)};
                           if constexpr (requires { layer.flops(input, output); })
                             row.flops = layer.flops(input, output);
                           return row;
                         }});
    }
  }
};

// Installs a listener for as long as it lives.
class ListenToForward {
 public:
  explicit ListenToForward(ForwardListener& listener) : saved_(forward_listener) {
    forward_listener = &listener;
  }
  ~ListenToForward() { forward_listener = saved_; }

 private:
  ForwardListener* saved_;
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
template <Module Net>
std::vector<SummaryRow> summary_rows(Net& net, const Shape& input_shape) {
  using B = typename Net::backend_type;
  using T = typename Net::value_type;
  NoGradGuard no_grad;
  detail::SummaryRecorder recorder(net);
  detail::ListenToForward listening(recorder);
  bool was_training = net.training;
  net.eval();
  try {
    net(Var<B, T>(Tensor<B, T>::zeros(input_shape)));
  } catch (...) {
    net.train(was_training);
    throw;
  }
  net.train(was_training);
  return recorder.rows;
}

template <Module Net>
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
