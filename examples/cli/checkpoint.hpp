#pragma once
// A checkpoint is three files in the run's folder: model.safetensors, optimizer.safetensors and
// run.json, which records the MD5 of the other two. A kill can land anywhere while they are being
// written, so they are written in an order that always leaves one whole checkpoint behind:
//   1. the new model and optimiser files go to DIR/next/ (each written atomically);
//   2. run.json is replaced (atomically): from this moment the new checkpoint is the valid one;
//   3. the two files move from next/ into DIR.
// Resuming finishes step 3 when a kill interrupted it (the files in next/ match run.json), and
// otherwise throws next/ away (the kill came before step 2, so DIR still holds the old checkpoint).
#include <array>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tapenet/tapenet.hpp"

namespace cli {

using namespace tapenet;

inline const std::array<std::string, 2> checkpoint_files = {"model.safetensors",
                                                            "optimizer.safetensors"};

inline nlohmann::json read_run(const std::string& folder) {
  const std::string path = folder + "/run.json";
  std::vector<std::uint8_t> bytes = read_file_bytes(path, 100 << 20);
  try {
    return nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::exception& error) {
    fail(path, ": not valid JSON: ", error.what());
  }
}

template <class Network, class Optimizer>
void save_checkpoint(const std::string& folder, Network& net, const Optimizer& optimizer,
                     nlohmann::json run) {
  const std::string next = folder + "/next";
  std::filesystem::create_directories(next);
  io::save_state_dict(net, next + "/model.safetensors");
  io::save_optimizer_state(optimizer, next + "/optimizer.safetensors");
  for (const auto& file : checkpoint_files)
    run[file + ".md5"] = download::md5_of_file(next + "/" + file);
  write_file_atomically(folder + "/run.json", run.dump(2) + "\n");
  for (const auto& file : checkpoint_files)
    std::filesystem::rename(next + "/" + file, folder + "/" + file);
  std::filesystem::remove(next);
}

// The run.json of the checkpoint in `folder`, once its files are whole and in place.
inline nlohmann::json recover_checkpoint(const std::string& folder) {
  nlohmann::json run = read_run(folder);
  const std::string next = folder + "/next";
  for (const auto& file : checkpoint_files) {
    const std::string expected = run.value(file + ".md5", ""), staged = next + "/" + file;
    if (std::filesystem::exists(staged) && download::md5_of_file(staged) == expected)
      std::filesystem::rename(staged, folder + "/" + file);
    if (download::md5_of_file(folder + "/" + file) != expected)
      fail(folder, "/", file, " does not match run.json (changed since it was saved?); ",
           "start again without --resume");
  }
  std::filesystem::remove_all(next);
  // Temporary files of writes a kill cut short (write_file_atomically names them ".NAME.XXXXXX").
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const std::string name = entry.path().filename().string();
    for (const char* target : {".run.json.", ".report.html."})
      if (name.starts_with(target)) std::filesystem::remove(entry.path());
  }
  return run;
}

}  // namespace cli
