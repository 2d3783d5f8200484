#pragma once
// A network's state (parameters, BatchNorm's running statistics and counters) saved to and loaded
// from safetensors under PyTorch's names, so a torchvision ResNet18's state dict and tapenet's are
// the same file.
#include <cstring>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

#include "tapenet/io/safetensors.hpp"
#include "tapenet/nn/module.hpp"

namespace tapenet::io {

namespace detail {
template <class T>
constexpr const char* dtype_name() {
  if constexpr (std::is_same_v<T, float>) return "F32";
  if constexpr (std::is_same_v<T, double>) return "F64";
  if constexpr (std::is_same_v<T, std::int64_t>) return "I64";
}

template <Backend B, class T>
StoredTensor store(const Tensor<B, T>& tensor) {
  StoredTensor stored{dtype_name<T>(), tensor.shape().dims(), {}};
  auto values = tensor.to_vector();
  stored.bytes.resize(values.size() * sizeof(T));
  std::memcpy(stored.bytes.data(), values.data(), stored.bytes.size());
  return stored;
}

// A counter, stored as PyTorch stores num_batches_tracked: a 0-dimensional I64 tensor.
inline StoredTensor store(std::int64_t counter) {
  std::vector<char> bytes(sizeof counter);
  std::memcpy(bytes.data(), &counter, sizeof counter);
  return {"I64", {}, bytes};
}

// The stored values as T: F32 and F64 convert into either floating type.
template <class T>
std::vector<T> values_as(const StoredTensor& stored) {
  std::vector<T> out(static_cast<std::size_t>(stored.numel()));
  auto convert = [&]<class S>(S) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      S value;
      std::memcpy(&value, stored.bytes.data() + i * sizeof(S), sizeof(S));
      out[i] = static_cast<T>(value);
    }
  };
  if (stored.dtype == "F32") convert(float{});
  if (stored.dtype == "F64") convert(double{});
  if (stored.dtype == "I64") convert(std::int64_t{});
  return out;
}
}  // namespace detail

// Writes every parameter and buffer of `net`, atomically (see write_file_atomically).
template <nn::Module M>
void save_state_dict(M& net, const std::string& path,
                     const std::map<std::string, std::string>& metadata = {}) {
  using B = typename M::backend_type;
  using T = typename M::value_type;
  std::vector<std::pair<std::string, StoredTensor>> tensors;
  nn::visit_state(
      net,
      [&](const std::string& name, Tensor<B, T>& tensor) {
        tensors.emplace_back(name, detail::store(tensor));
      },
      [&](const std::string& name, std::int64_t& counter) {
        tensors.emplace_back(name, detail::store(counter));
      });
  write_safetensors(path, tensors, metadata);
}

// Loads a state dict saved by save_state_dict or by PyTorch. Every key, dtype and shape is checked
// before anything is copied, so on an error the net is left as it was. The first problem is
// reported with the key's name: a missing key, an unexpected one, or a shape that does not fit.
template <nn::Module M>
void load_state_dict(M& net, const std::string& path) {
  using B = typename M::backend_type;
  using T = typename M::value_type;
  SafetensorsFile file = read_safetensors(path);
  std::map<std::string, bool> used;
  for (const auto& [name, tensor] : file.tensors) used[name] = false;

  auto check = [&](const std::string& name, const Shape& shape, bool is_counter) {
    auto it = file.tensors.find(name);
    if (it == file.tensors.end()) fail(path, ": missing key \"", name, "\" (shape ", shape, ")");
    const StoredTensor& stored = it->second;
    bool dtype_ok =
        is_counter ? stored.dtype == "I64" : (stored.dtype == "F32" || stored.dtype == "F64");
    if (!dtype_ok)
      fail(path, ": key \"", name, "\" has dtype ", stored.dtype, ", expected ",
           is_counter ? "I64" : "F32 or F64");
    bool shape_ok =
        is_counter ? stored.numel() == 1 && stored.shape.size() <= 1 : Shape(stored.shape) == shape;
    if (!shape_ok)
      fail(path, ": key \"", name, "\" has shape ", Shape(stored.shape), ", expected ", shape);
    used[name] = true;
  };
  nn::visit_state(
      net,
      [&](const std::string& name, Tensor<B, T>& tensor) { check(name, tensor.shape(), false); },
      [&](const std::string& name, std::int64_t&) { check(name, Shape{}, true); });
  for (const auto& [name, was_used] : used)
    if (!was_used)
      fail(path, ": unexpected key \"", name, "\": the model has no such parameter or buffer");

  nn::visit_state(
      net,
      [&](const std::string& name, Tensor<B, T>& tensor) {
        auto values = detail::values_as<T>(file.tensors.at(name));
        B::upload(tensor.data(), values.data(), tensor.numel());
      },
      [&](const std::string& name, std::int64_t& counter) {
        counter = detail::values_as<std::int64_t>(file.tensors.at(name)).at(0);
      });
}

}  // namespace tapenet::io
