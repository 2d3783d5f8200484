#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "support/files.hpp"
#include "tapenet/tapenet.hpp"

using namespace tapenet;
using namespace tapenet::testing;
namespace fs = std::filesystem;

namespace {

// The pixel a CIFAR record stores for (row y, column x, channel c) of its image.
std::uint8_t record_pixel(const Bytes& records, int record, int y, int x, int c) {
  return records[static_cast<std::size_t>(record * 3073 + 1 + c * 1024 + y * 32 + x)];
}

// The real CIFAR-10 archive, when this machine has it: $TAPENET_CIFAR10, or the shared folder next
// to the checkout. Empty when there is none (the tests that need it then skip).
std::string real_cifar10_archive() {
  std::vector<std::string> candidates{TAPENET_SOURCE_DIR "/../shared/data/cifar-10-binary.tar.gz",
                                      "/work/shared/data/cifar-10-binary.tar.gz"};
  if (const char* variable = std::getenv("TAPENET_CIFAR10"))
    candidates.insert(candidates.begin(), variable);
  for (const auto& candidate : candidates)
    if (std::filesystem::is_regular_file(candidate)) return candidate;
  return "";
}

void require_error(const std::function<void()>& action, const std::string& fragment) {
  try {
    action();
  } catch (const Error& error) {
    INFO("message: " << error.what());
    REQUIRE(std::string(error.what()).find(fragment) != std::string::npos);
    return;
  }
  FAIL("expected an Error containing: " << fragment);
}

}  // namespace

TEST_CASE("CIFAR10 reads the tar.gz without unpacking it", "[fast][data]") {
  TempDir dir;
  write_bytes(dir / "cifar-10-binary.tar.gz", small_cifar_archive(3));
  datasets::CIFAR10 train(dir.path().string());
  datasets::CIFAR10 test(dir.path().string(), {.train = false});
  REQUIRE(train.size() == 15);
  REQUIRE(test.size() == 3);
  REQUIRE(train.classes().size() == 10);
  REQUIRE(train.classes()[0] == "airplane");
  REQUIRE(train.classes()[9] == "truck");
  REQUIRE_FALSE(fs::exists(dir / "cifar-10-batches-bin"));

  // Record 1 of data_batch_2 is example 4: planes become HWC pixels.
  Bytes batch2 = cifar_records(3, 2);
  io::Image image = train[4].input;
  REQUIRE(image.height == 32);
  REQUIRE(image.width == 32);
  REQUIRE(image.channels == 3);
  REQUIRE(train[4].label == 1);
  for (auto [y, x] : {std::pair{0, 0}, {5, 17}, {31, 31}})
    for (int c = 0; c < 3; ++c) REQUIRE(image.at(y, x, c) == record_pixel(batch2, 1, y, x, c));
  REQUIRE(test[2].label == 2);
}

TEST_CASE("CIFAR10 reads the unpacked folder, the archive path itself, and extracts on request",
          "[fast][data]") {
  TempDir dir;
  const std::string archive = dir / "cifar-10-binary.tar.gz";
  write_bytes(archive, small_cifar_archive(2));
  datasets::CIFAR10 from_file(archive, {.train = false});
  REQUIRE(from_file.size() == 2);

  datasets::CIFAR10 extracted(dir.path().string(), {.train = true, .extract = true});
  REQUIRE(fs::file_size(dir / "cifar-10-batches-bin/data_batch_3.bin") == 2 * 3073);
  REQUIRE(fs::exists(dir / "cifar-10-batches-bin/test_batch.bin"));
  fs::remove(archive);
  datasets::CIFAR10 from_folder(dir.path().string());
  REQUIRE(from_folder.size() == 10);
  for (std::int64_t i = 0; i < 10; ++i) {
    REQUIRE(from_folder[i].input == extracted[i].input);
    REQUIRE(from_folder[i].label == extracted[i].label);
  }
}

TEST_CASE("CIFAR10 applies its transform", "[fast][data]") {
  TempDir dir;
  write_bytes(dir / "cifar-10-binary.tar.gz", small_cifar_archive(1));
  datasets::CIFAR10 train(
      dir.path().string(), {},
      transforms::Compose(transforms::ToTensor(), transforms::Normalize({0.5}, {0.5})));
  auto [input, label] = train[0];
  REQUIRE(input.shape() == Shape{3, 32, 32});
  Bytes batch1 = cifar_records(1, 1);
  REQUIRE(input.at({1, 2, 3}) == Approx((record_pixel(batch1, 0, 2, 3, 1) / 255.0f - 0.5f) / 0.5f));
  REQUIRE(label == 0);
}

TEST_CASE("CIFAR10 names the file and the problem for bad input", "[fast][data]") {
  TempDir dir;
  const std::string root = dir.path().string();
  const std::string folder = dir / "cifar-10-batches-bin";

  SECTION("nothing there") {
    require_error(
        [&] { datasets::CIFAR10 d(root); },
        "expected " + folder + "/ or " + root + "/cifar-10-binary.tar.gz (download it from");
  }
  SECTION("in the folder layout") {
    fs::create_directories(folder);
    write_bytes(folder + "/batches.meta.txt", text_bytes(cifar_class_lines));
    for (int b = 1; b <= 5; ++b)
      write_bytes(folder + "/data_batch_" + std::to_string(b) + ".bin", cifar_records(2, 1));
    const std::string file = folder + "/data_batch_4.bin";
    SECTION("a missing file") {
      fs::remove(file);
      require_error([&] { datasets::CIFAR10 d(root); }, file + ": no such file");
    }
    SECTION("an empty file") {
      write_bytes(file, {});
      require_error([&] { datasets::CIFAR10 d(root); }, file + ": empty");
    }
    SECTION("a truncated file") {
      Bytes records = cifar_records(2, 1);
      records.resize(3073 + 100);
      write_bytes(file, records);
      require_error(
          [&] { datasets::CIFAR10 d(root); },
          file +
              ": 3173 bytes is not a whole number of 3,073-byte records; the record at byte 3073");
    }
    SECTION("a wrong label") {
      write_bytes(file, cifar_records(3, 1, {4, 11, 2}));
      require_error([&] { datasets::CIFAR10 d(root); },
                    file + ": record 1 at byte 3073 has label 11, expected 0 to 9");
    }
    SECTION("wrong class names") {
      write_bytes(folder + "/batches.meta.txt", text_bytes("cat\ndog\n"));
      require_error([&] { datasets::CIFAR10 d(root); },
                    "batches.meta.txt: has 2 class names, expected 10");
    }
  }
  SECTION("a cut archive") {
    Bytes archive = small_cifar_archive(3);
    archive.resize(archive.size() / 2);
    write_bytes(dir / "cifar-10-binary.tar.gz", archive);
    require_error([&] { datasets::CIFAR10 d(root); },
                  "cifar-10-binary.tar.gz: the compressed stream is cut short");
  }
  SECTION("corrupt compressed data") {
    Bytes archive = small_cifar_archive(3);
    for (std::size_t i = 100; i < 200; ++i) archive[i] ^= 0x5a;
    write_bytes(dir / "cifar-10-binary.tar.gz", archive);
    require_error([&] { datasets::CIFAR10 d(root); },
                  "cifar-10-binary.tar.gz: corrupt compressed data");
  }
  SECTION("not a tar archive") {
    write_bytes(dir / "cifar-10-binary.tar.gz", gzip(Bytes(2048, 'x')));
    require_error([&] { datasets::CIFAR10 d(root); }, "the tar header at byte 0 is corrupt");
  }
  SECTION("an archive without the test batch") {
    write_bytes(
        dir / "cifar-10-binary.tar.gz",
        gzip(tar({{"cifar-10-batches-bin/batches.meta.txt", text_bytes(cifar_class_lines)}})));
    require_error([&] { datasets::CIFAR10 d(root, {.train = false}); },
                  "cifar-10-binary.tar.gz: has no cifar-10-batches-bin/test_batch.bin");
  }
  SECTION("a bad record inside the archive names the member and offset") {
    write_bytes(
        dir / "cifar-10-binary.tar.gz",
        gzip(tar({{"cifar-10-batches-bin/batches.meta.txt", text_bytes(cifar_class_lines)},
                  {"cifar-10-batches-bin/test_batch.bin", cifar_records(3, 1, {1, 2, 200})}})));
    require_error([&] { datasets::CIFAR10 d(root, {.train = false}); },
                  "cifar-10-binary.tar.gz: cifar-10-batches-bin/test_batch.bin: record 2 at byte "
                  "6146 has label 200");
  }
  SECTION("an index out of range") {
    write_bytes(dir / "cifar-10-binary.tar.gz", small_cifar_archive(1));
    datasets::CIFAR10 d(root, {.train = false});
    require_error([&] { (void)d[1]; },
                  "dataset index 1 is out of range for a dataset of 1 example");
  }
}

TEST_CASE("CIFAR10 on the real archive: sizes, classes, first records, a loader round trip",
          "[slow][data][real_data]") {
  const std::string real_cifar_archive = real_cifar10_archive();
  if (real_cifar_archive.empty()) {
    WARN("skipped: no real CIFAR-10 archive (set TAPENET_CIFAR10 to its path)");
    return;
  }
  datasets::CIFAR10 train(real_cifar_archive, {.train = true});
  datasets::CIFAR10 test(real_cifar_archive, {.train = false});
  REQUIRE(train.size() == 50'000);
  REQUIRE(test.size() == 10'000);
  REQUIRE(train.classes() == std::vector<std::string>{"airplane", "automobile", "bird", "cat",
                                                      "deer", "dog", "frog", "horse", "ship",
                                                      "truck"});
  for (const auto* set : {&train, &test}) {
    std::vector<int> per_class(10, 0);
    for (auto label : set->targets()) ++per_class[static_cast<std::size_t>(label)];
    for (int count : per_class) REQUIRE(count == set->size() / 10);
  }
  // The first record of each set, against the raw bytes of its .bin member.
  for (auto [set, member] : {std::pair{&train, "data_batch_1.bin"}, {&test, "test_batch.bin"}}) {
    INFO(member);
    download::TarReader tar(real_cifar_archive);
    Bytes records;
    while (auto entry = tar.next())
      if (entry->name == std::string("cifar-10-batches-bin/") + member) records = tar.read_member();
    REQUIRE(records.size() == 10'000 * 3073);
    REQUIRE(set->targets()[0] == records[0]);
    io::Image first = (*set)[0].input;
    for (auto [y, x] : {std::pair{0, 0}, {7, 30}, {31, 31}})
      for (int c = 0; c < 3; ++c) REQUIRE(first.at(y, x, c) == record_pixel(records, 0, y, x, c));
  }

  // Every example once per epoch through a shuffling, multi-threaded loader.
  datasets::CIFAR10 tensors(real_cifar_archive, {.train = false}, transforms::ToTensor());
  data::DataLoader loader(tensors,
                          {.batch_size = 128, .shuffle = true, .num_workers = 2, .seed = 5});
  std::vector<int> per_class(10, 0);
  double pixel_sum = 0;
  std::int64_t batches = 0;
  for (auto& [images, labels] : loader) {
    ++batches;
    for (auto label : labels.to_vector()) ++per_class[static_cast<std::size_t>(label)];
    for (float v : images.to_vector()) pixel_sum += v;
  }
  REQUIRE(batches == 79);
  for (int count : per_class) REQUIRE(count == 1000);
  double direct_sum = 0;
  for (std::int64_t i = 0; i < tensors.size(); ++i)
    for (float v : tensors[i].input.to_vector()) direct_sum += v;
  REQUIRE(pixel_sum == Approx(direct_sum).epsilon(1e-9));
}
