#pragma once
// Crash-safe checkpoints for a training loop. A checkpoint is three files in one folder:
//   DIR/model.safetensors      the network (io::save_state_dict)
//   DIR/optimizer.safetensors  the optimiser's state (io::save_optimizer_state)
//   DIR/run.json               the loop's own JSON (epoch, step, metrics, ...), the MD5 of the two
//                              files, and the learning-rate schedule's state when there is one
// A kill can land anywhere while they are being written, so they are written in an order that
// always leaves one whole checkpoint behind:
//   1. the new model and optimiser files go to DIR/next/ (each written atomically);
//   2. run.json is replaced (atomically): from this moment the new checkpoint is the valid one;
//   3. the two files move from next/ into DIR.
// Recovering finishes step 3 when a kill interrupted it (the files in next/ match run.json), and
// otherwise throws next/ away (the kill came before step 2, so DIR still holds the old checkpoint).
//
//   if (io::has_checkpoint(dir)) first_epoch = io::load_checkpoint(dir, net, sgd).at("epoch");
//   for (int epoch = first_epoch; epoch < epochs; ++epoch) {
//     ...  // one epoch of training
//     io::save_checkpoint(dir, net, sgd, {{"epoch", epoch + 1}});
//   }
#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tapenet/core/file.hpp"
#include "tapenet/download/md5.hpp"
#include "tapenet/io/optimizer_state.hpp"
#include "tapenet/io/state_dict.hpp"
#include "tapenet/optim/scheduler.hpp"

namespace tapenet::io {

inline const std::array<std::string, 2> checkpoint_files = {"model.safetensors",
                                                            "optimizer.safetensors"};

// Whether `folder` holds a checkpoint: its run.json exists (the files are checked when it is read).
inline bool has_checkpoint(const std::string& folder) {
  std::error_code error;
  return std::filesystem::is_regular_file(std::filesystem::path(folder) / "run.json", error);
}

// The run.json of the checkpoint in `folder`, as saved. Reading it checks nothing else: for the
// loop's own fields (class names, hyper-parameters) without loading the checkpoint.
inline nlohmann::json read_run_json(const std::string& folder) {
  const std::string path = (std::filesystem::path(folder) / "run.json").string();
  std::vector<std::uint8_t> bytes = read_file_bytes(path, 100 << 20);
  nlohmann::json run;
  try {
    run = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& error) {
    fail(path, ": not valid JSON: ", error.what());
  }
  if (!run.is_object()) fail(path, ": holds ", run.type_name(), ", expected a JSON object");
  return run;
}

namespace detail {

inline std::string checkpoint_path(const std::string& folder, const std::string& name) {
  return (std::filesystem::path(folder) / name).string();
}

// Step 3 of a save that a kill interrupted: moves the staged files run.json expects into place.
inline void finish_moving(const std::string& folder, const nlohmann::json& run) {
  const std::string next = checkpoint_path(folder, "next");
  for (const auto& file : checkpoint_files) {
    const std::string staged = next + "/" + file;
    const auto expected = run.find(file + ".md5");
    if (expected != run.end() && expected->is_string() && std::filesystem::exists(staged) &&
        download::md5_of_file(staged) == expected->get<std::string>())
      rename_durably(staged, checkpoint_path(folder, file));
  }
}

}  // namespace detail

// Makes the checkpoint in `folder` whole after a crash (finishing or discarding an interrupted
// save, see above), checks both files against the MD5 in run.json, and returns run.json.
inline nlohmann::json recover_checkpoint(const std::string& folder) {
  nlohmann::json run = read_run_json(folder);
  const std::string run_json = detail::checkpoint_path(folder, "run.json");
  for (const auto& file : checkpoint_files)
    if (!run.contains(file + ".md5") || !run[file + ".md5"].is_string())
      fail(run_json, ": no \"", file, ".md5\" (not a checkpoint written by io::save_checkpoint)");
  detail::finish_moving(folder, run);
  for (const auto& file : checkpoint_files) {
    const std::string path = detail::checkpoint_path(folder, file);
    if (!std::filesystem::exists(path)) fail(path, ": missing (", run_json, " was saved with it)");
    if (download::md5_of_file(path) != run[file + ".md5"].get<std::string>())
      fail(path, " does not match the MD5 in ", run_json, " (changed since it was saved?)");
  }
  std::filesystem::remove_all(detail::checkpoint_path(folder, "next"));
  remove_unfinished_writes(run_json);
  return run;
}

// Saves a checkpoint of `net` and `optimizer` to `folder` (created if need be), with `run` (a JSON
// object: the epoch, the step, anything the loop wants back) as its run.json. A crash at any moment
// leaves the previous checkpoint or this one.
template <nn::Module M, class Optimizer>
void save_checkpoint(const std::string& folder, M& net, const Optimizer& optimizer,
                     nlohmann::json run = nlohmann::json::object()) {
  const std::string run_json = detail::checkpoint_path(folder, "run.json");
  if (!run.is_object())
    fail("save_checkpoint: ", run_json, " must hold a JSON object, not ", run.type_name());
  const std::string next = detail::checkpoint_path(folder, "next");
  if (std::filesystem::exists(next)) {  // left by a save that a kill interrupted
    if (has_checkpoint(folder)) {
      try {
        detail::finish_moving(folder, read_run_json(folder));
      } catch (const Error&) {  // an unreadable run.json: nothing in next/ belongs to it
      }
    }
    std::filesystem::remove_all(next);
  }
  std::filesystem::create_directories(next);
  save_state_dict(net, next + "/model.safetensors");
  save_optimizer_state(optimizer, next + "/optimizer.safetensors");
  for (const auto& file : checkpoint_files)
    run[file + ".md5"] = download::md5_of_file(next + "/" + file);
  write_file_atomically(run_json, run.dump(2) + "\n");  // the commit
  for (const auto& file : checkpoint_files)
    rename_durably(next + "/" + file, detail::checkpoint_path(folder, file));
  std::filesystem::remove_all(next);
}

// The same, with an epoch-based learning-rate schedule's state (its epoch count and initial lr),
// stored in run.json as "scheduler".
template <nn::Module M, class Optimizer>
void save_checkpoint(const std::string& folder, M& net, const Optimizer& optimizer,
                     const optim::EpochSchedule<Optimizer>& schedule, nlohmann::json run) {
  if (run.is_object())
    run["scheduler"] = {{"last_epoch", schedule.last_epoch()}, {"base_lr", schedule.base_lr()}};
  save_checkpoint(folder, net, optimizer, std::move(run));
}

// Recovers the checkpoint in `folder` (recover_checkpoint), loads it into `net` and `optimizer`
// (made as for a fresh run: every key and shape is checked), and returns its run.json.
template <nn::Module M, class Optimizer>
nlohmann::json load_checkpoint(const std::string& folder, M& net, Optimizer& optimizer) {
  nlohmann::json run = recover_checkpoint(folder);
  load_state_dict(net, detail::checkpoint_path(folder, "model.safetensors"));
  load_optimizer_state(optimizer, detail::checkpoint_path(folder, "optimizer.safetensors"));
  return run;
}

// The same, and `schedule` (made on `optimizer` as for a fresh run) continues where it stopped.
template <nn::Module M, class Optimizer>
nlohmann::json load_checkpoint(const std::string& folder, M& net, Optimizer& optimizer,
                               optim::EpochSchedule<Optimizer>& schedule) {
  const std::string run_json = detail::checkpoint_path(folder, "run.json");
  nlohmann::json run = recover_checkpoint(folder);
  int last_epoch = 0;
  double base_lr = 0;
  try {
    last_epoch = run.at("scheduler").at("last_epoch");
    base_lr = run.at("scheduler").at("base_lr");
  } catch (const nlohmann::json::exception& error) {
    fail(run_json, ": no learning-rate schedule's state (saved without one?): ", error.what());
  }
  load_state_dict(net, detail::checkpoint_path(folder, "model.safetensors"));
  load_optimizer_state(optimizer, detail::checkpoint_path(folder, "optimizer.safetensors"));
  schedule.resume(last_epoch, base_lr);
  return run;
}

}  // namespace tapenet::io
