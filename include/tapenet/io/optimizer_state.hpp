#pragma once
// An SGD optimiser's state in safetensors, under the names PyTorch's optimizer.state_dict() uses:
//   state.<i>.momentum_buffer   parameter i's momentum buffer (absent before its first step)
//   metadata "param_groups"     {"lr": ..., "momentum": ..., "dampening": ..., "weight_decay": ...,
//                                "nesterov": ..., "params": <how many parameters>}
// With the model's state dict and the DataLoader's epoch it is everything a run needs to continue
// exactly where it stopped.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tapenet/io/state_dict.hpp"
#include "tapenet/optim/sgd.hpp"

namespace tapenet::io {

template <Backend B, class T>
void save_optimizer_state(const optim::SGD<B, T>& optimizer, const std::string& path) {
  std::vector<std::pair<std::string, StoredTensor>> tensors;
  for (std::size_t i = 0; i < optimizer.parameters().size(); ++i)
    if (optimizer.momentum_buffer(i).defined())
      tensors.emplace_back("state." + std::to_string(i) + ".momentum_buffer",
                           detail::store(optimizer.momentum_buffer(i)));
  const optim::SGDOptions& o = optimizer.options;
  nlohmann::json group = {{"lr", o.lr},
                          {"momentum", o.momentum},
                          {"dampening", o.dampening},
                          {"weight_decay", o.weight_decay},
                          {"nesterov", o.nesterov},
                          {"params", optimizer.parameters().size()}};
  write_safetensors(path, tensors, {{"param_groups", group.dump()}});
}

// Checks the whole file against the optimiser (parameter count, every buffer's shape and dtype)
// before changing anything, so an error leaves the optimiser as it was.
template <Backend B, class T>
void load_optimizer_state(optim::SGD<B, T>& optimizer, const std::string& path) {
  SafetensorsFile file = read_safetensors(path);
  const std::size_t count = optimizer.parameters().size();
  auto it = file.metadata.find("param_groups");
  if (it == file.metadata.end())
    fail(path, ": no \"param_groups\" metadata: not an optimiser state saved by tapenet");
  optim::SGDOptions options;
  try {
    auto group = nlohmann::json::parse(it->second);
    options = {.lr = group.at("lr"),
               .momentum = group.at("momentum"),
               .dampening = group.at("dampening"),
               .weight_decay = group.at("weight_decay"),
               .nesterov = group.at("nesterov")};
    if (group.at("params").get<std::size_t>() != count)
      fail(path, ": holds the state of ",
           tapenet::count(group.at("params").get<std::size_t>(), "parameter"),
           ", but the optimiser has ", count);
  } catch (const nlohmann::json::exception& error) {
    fail(path, ": malformed \"param_groups\" metadata: ", error.what());
  }
  try {
    optim::SGD<B, T>::check(options);
  } catch (const Error& error) {
    fail(path, ": ", error.what());
  }

  std::vector<const StoredTensor*> buffers(count, nullptr);
  for (const auto& [name, stored] : file.tensors) {
    const std::string prefix = "state.", suffix = ".momentum_buffer";
    std::size_t index = count;
    if (name.starts_with(prefix) && name.ends_with(suffix) &&
        name.size() > prefix.size() + suffix.size()) {
      const std::string digits =
          name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
      if (digits.find_first_not_of("0123456789") == std::string::npos && digits.size() < 10)
        index = std::stoul(digits);
    }
    if (index >= count) fail(path, ": unexpected key \"", name, "\"");
    const Shape& expected = optimizer.parameters()[index].shape();
    if (stored.dtype != "F32" && stored.dtype != "F64")
      fail(path, ": key \"", name, "\" has dtype ", stored.dtype, ", expected F32 or F64");
    if (Shape(stored.shape) != expected)
      fail(path, ": key \"", name, "\" has shape ", Shape(stored.shape), ", expected ", expected,
           " (the shape of parameter ", index, ")");
    buffers[index] = &stored;
  }

  optimizer.options = options;
  for (std::size_t i = 0; i < count; ++i)
    optimizer.momentum_buffer(i) =
        buffers[i] ? Tensor<B, T>::from(Shape(buffers[i]->shape), detail::values_as<T>(*buffers[i]))
                   : Tensor<B, T>();
}

}  // namespace tapenet::io
