// State dicts in safetensors: round trips, files written by PyTorch, and every kind of bad file.
#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/backends.hpp"
#include "support/fixtures.hpp"

using namespace tapenet;
using testing::require_close;
namespace fs = std::filesystem;

namespace {
fs::path scratch_dir() {
  auto dir = fs::temp_directory_path() / "tapenet_io_test";
  fs::create_directories(dir);
  return dir;
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// A file with the given JSON header and `data_size` bytes of data.
std::string safetensors_bytes(const std::string& header, std::size_t data_size) {
  std::string out(8, '\0');
  std::uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  return out + header + std::string(data_size, '\x01');
}

auto small_net() { return nn::Sequential(nn::Conv2d<cpu>(3, 4, 3), nn::BatchNorm2d<cpu>(4)); }
}  // namespace

TEST_CASE("a saved state dict loads back exactly, counters included", "[fast]") {
  auto path = (scratch_dir() / "roundtrip.safetensors").string();
  auto net = small_net();
  net(Var<cpu>(Tensor<cpu>::randn({2, 3, 5, 5})));  // moves running statistics, counts a batch
  io::save_state_dict(net, path, {{"epoch", "3"}});
  auto other = small_net();
  io::load_state_dict(other, path);
  CHECK(other.get<0>().weight.value().to_vector() == net.get<0>().weight.value().to_vector());
  CHECK(other.get<1>().running_var.to_vector() == net.get<1>().running_var.to_vector());
  CHECK(other.get<1>().num_batches_tracked == 1);
  CHECK(io::read_safetensors(path).metadata.at("epoch") == "3");
  // nothing but the file itself is left in the directory: the temporary was renamed
  for (const auto& entry : fs::directory_iterator(scratch_dir()))
    CHECK(entry.path().filename().string().find(".XXXXXX") == std::string::npos);
}

TEST_CASE("a state dict written by PyTorch loads with its values", "[fast][parity]") {
  auto net = small_net();
  io::load_state_dict(net, std::string(TAPENET_FIXTURE_DIR) + "/tiny_state.safetensors");
  testing::Fixtures expected("tiny_state.txt");
  require_close(net.get<0>().weight.value(), expected.tensor<cpu>("tiny.0.weight"), 0, 0);
  require_close(net.get<0>().bias.value(), expected.tensor<cpu>("tiny.0.bias"), 0, 0);
  require_close(net.get<1>().running_mean, expected.tensor<cpu>("tiny.1.running_mean"), 0, 0);
  require_close(net.get<1>().running_var, expected.tensor<cpu>("tiny.1.running_var"), 0, 0);
  CHECK(net.get<1>().num_batches_tracked == 1);
}

TEST_CASE("loading checks keys, shapes and dtypes and leaves the model unchanged on error",
          "[fast]") {
  auto path = (scratch_dir() / "mismatch.safetensors").string();
  auto wide = nn::Sequential(nn::Conv2d<cpu>(3, 8, 3), nn::BatchNorm2d<cpu>(8));
  io::save_state_dict(wide, path);
  auto net = small_net();
  auto before = net.get<0>().weight.value().to_vector();
  CHECK_THROWS_WITH(io::load_state_dict(net, path),
                    path + ": key \"0.weight\" has shape [8, 3, 3, 3], expected [4, 3, 3, 3]");
  CHECK(net.get<0>().weight.value().to_vector() == before);

  auto no_bias = nn::Sequential(nn::Conv2d<cpu>(3, 4, 3, {.bias = false}), nn::BatchNorm2d<cpu>(4));
  io::save_state_dict(no_bias, path);
  CHECK_THROWS_WITH(io::load_state_dict(net, path), path + ": missing key \"0.bias\" (shape [4])");
  io::save_state_dict(net, path);
  CHECK_THROWS_WITH(
      io::load_state_dict(no_bias, path),
      path + ": unexpected key \"0.bias\": the model has no such parameter or buffer");

  write_bytes(path,
              safetensors_bytes(
                  R"({"0.weight":{"dtype":"I32","shape":[4,3,3,3],"data_offsets":[0,432]}})", 432));
  CHECK_THROWS_WITH(io::load_state_dict(net, path),
                    Catch::Contains("key \"0.weight\" has dtype I32, expected F32 or F64"));
}

TEST_CASE("malformed safetensors files give one clear error each", "[fast]") {
  auto path = (scratch_dir() / "bad.safetensors").string();
  auto expect_error = [&](const std::string& bytes, const std::string& message) {
    write_bytes(path, bytes);
    INFO("expecting: " << message);
    CHECK_THROWS_WITH(io::read_safetensors(path), Catch::Contains(message));
  };
  CHECK_THROWS_WITH(io::read_safetensors((scratch_dir() / "missing.safetensors").string()),
                    Catch::Contains("missing.safetensors: cannot read"));
  expect_error("", "too short for the 8-byte header size");
  expect_error(std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + "{}",
               "the header claims 9223372036854775807 bytes");
  expect_error(safetensors_bytes("{not json", 0), "the header is not JSON");
  expect_error(safetensors_bytes("[1, 2]", 0), "the header is not a JSON object");
  expect_error(safetensors_bytes(R"({"a": 5})", 0), "tensor \"a\": expected an object");
  expect_error(safetensors_bytes(R"({"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}})", 4),
               "tensor \"a\": unknown dtype \"F33\"");
  expect_error(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
               "has an invalid size");
  expect_error(
      safetensors_bytes(
          R"({"a":{"dtype":"F32","shape":[4000000000,4000000000],"data_offsets":[0,4]}})", 4),
      "has an invalid size");
  expect_error(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,400]}})", 8),
               "are outside the 8 bytes of data");
  expect_error(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
               "data_offsets span 8 bytes but F32 [3] needs 12");
  expect_error(safetensors_bytes(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                 R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                 12),
               "two tensors' data_offsets overlap");
  expect_error(safetensors_bytes(R"({"__metadata__":{"k":1}})", 0),
               "__metadata__ value of \"k\" is not a string");
  // a file cut short in its data: the header's offsets point past the end
  std::string whole =
      safetensors_bytes(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 16);
  expect_error(whole.substr(0, whole.size() - 5), "are outside the 11 bytes of data");
}

TEST_CASE("saving is atomic: a failed save leaves the previous file whole", "[fast]") {
  auto path = (scratch_dir() / "keep.safetensors").string();
  auto net = small_net();
  io::save_state_dict(net, path);
  auto size_before = fs::file_size(path);
  CHECK_THROWS_WITH(
      io::save_state_dict(net, (scratch_dir() / "no_such_dir" / "x.safetensors").string()),
      Catch::Contains("cannot create a temporary file next to it"));
  CHECK(fs::file_size(path) == size_before);
  io::load_state_dict(net, path);
}
