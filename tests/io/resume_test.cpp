// Stopping a training run after an epoch and resuming it in a fresh process state (new network,
// optimiser and loader, restored from files) must reach exactly the weights an uninterrupted run
// reaches: same batches, same augmentation, same momentum, same BatchNorm statistics. The same
// through io::save_checkpoint and io::load_checkpoint, with crashes in the middle of a save.
#include <catch2/catch.hpp>

#include <set>

#include "support/files.hpp"
#include "tapenet/tapenet.hpp"

using namespace tapenet;
using namespace tapenet::testing;

namespace {

auto small_network() {
  return nn::Sequential(nn::Conv2d<cpu>(3, 4, 3, {.conv = {.padding = 1}}), nn::BatchNorm2d<cpu>(4),
                        nn::ReLU<cpu>(), nn::AdaptiveAvgPool2d<cpu>(1), nn::Flatten<cpu>(),
                        nn::Linear<cpu>(4, 10));
}
using Network = decltype(small_network());

auto augmented_images() {
  auto images = std::make_shared<datasets::ImageSet>();
  images->height = images->width = 8;
  images->channels = 3;
  std::mt19937 random(4);
  for (int i = 0; i < 24 * 8 * 8 * 3; ++i)
    images->pixels.push_back(static_cast<std::uint8_t>(random()));
  for (int i = 0; i < 24; ++i) images->labels.push_back(i % 10);
  return datasets::LabelledImages(
      images, transforms::Compose(transforms::RandomCrop(8, 2), transforms::RandomHorizontalFlip(),
                                  transforms::ToTensor()));
}

template <class Loader>
void train_one_epoch(Network& net, optim::SGD<cpu>& optimizer, Loader& loader) {
  nn::CrossEntropyLoss criterion;
  for (auto& [inputs, labels] : loader) {
    optimizer.zero_grad();
    criterion(net(Var<cpu>(inputs)), labels).backward();
    optimizer.step();
  }
}

std::map<std::string, std::vector<float>> weights_of(Network& net) {
  std::map<std::string, std::vector<float>> weights;
  net.visit("", [&](const std::string& name, auto& item) {
    using Item = std::decay_t<decltype(item)>;
    if constexpr (std::is_same_v<Item, Var<cpu>>) weights[name] = item.value().to_vector();
    if constexpr (std::is_same_v<Item, Tensor<cpu>>) weights[name] = item.to_vector();
  });
  return weights;
}

const optim::SGDOptions sgd_options{.lr = 0.05, .momentum = 0.9, .weight_decay = 5e-4};
const data::DataLoaderOptions loader_options{
    .batch_size = 5, .shuffle = true, .num_workers = 2, .seed = 3};

}  // namespace

TEST_CASE("A run resumed from saved model and optimiser state ends with the same weights",
          "[fast][io]") {
  auto dataset = augmented_images();

  manual_seed(1);
  Network uninterrupted = small_network();
  optim::SGD<cpu> optimizer(nn::parameters(uninterrupted), sgd_options);
  data::DataLoader loader(dataset, loader_options);
  for (int epoch = 0; epoch < 3; ++epoch) train_one_epoch(uninterrupted, optimizer, loader);

  TempDir dir;
  {
    manual_seed(1);
    Network first_part = small_network();
    optim::SGD<cpu> first_optimizer(nn::parameters(first_part), sgd_options);
    data::DataLoader first_loader(dataset, loader_options);
    for (int epoch = 0; epoch < 2; ++epoch)
      train_one_epoch(first_part, first_optimizer, first_loader);
    io::save_state_dict(first_part, dir / "model.safetensors");
    io::save_optimizer_state(first_optimizer, dir / "optimizer.safetensors");
  }

  manual_seed(99);  // a different initialisation, overwritten by the loaded state
  Network resumed = small_network();
  optim::SGD<cpu> resumed_optimizer(nn::parameters(resumed), {.lr = 1});
  io::load_state_dict(resumed, dir / "model.safetensors");
  io::load_optimizer_state(resumed_optimizer, dir / "optimizer.safetensors");
  REQUIRE(resumed_optimizer.options.lr == 0.05);
  REQUIRE(resumed_optimizer.options.weight_decay == 5e-4);
  data::DataLoader resumed_loader(dataset, loader_options);
  resumed_loader.set_epoch(2);
  train_one_epoch(resumed, resumed_optimizer, resumed_loader);

  REQUIRE(weights_of(resumed) == weights_of(uninterrupted));  // bit for bit

  // Without the optimiser's momentum the same resume drifts away: the test can tell.
  Network no_momentum = small_network();
  io::load_state_dict(no_momentum, dir / "model.safetensors");
  optim::SGD<cpu> fresh_optimizer(nn::parameters(no_momentum), sgd_options);
  data::DataLoader fresh_loader(dataset, loader_options);
  fresh_loader.set_epoch(2);
  train_one_epoch(no_momentum, fresh_optimizer, fresh_loader);
  REQUIRE(weights_of(no_momentum) != weights_of(uninterrupted));
}

TEST_CASE("load_optimizer_state checks the file against the optimiser before changing it",
          "[fast][io]") {
  TempDir dir;
  Var<cpu> a(Tensor<cpu>::ones({2, 3}), true), b(Tensor<cpu>::ones({4}), true);
  optim::SGD<cpu> optimizer({a, b}, {.lr = 0.1, .momentum = 0.9});
  sum(a * a).backward();
  optimizer.step();  // a has a momentum buffer, b (no gradient) has none
  io::save_optimizer_state(optimizer, dir / "state.safetensors");

  optim::SGD<cpu> loaded({a, b}, {.lr = 0.5});
  io::load_optimizer_state(loaded, dir / "state.safetensors");
  REQUIRE(loaded.options.momentum == 0.9);
  REQUIRE(loaded.momentum_buffer(0).to_vector() == optimizer.momentum_buffer(0).to_vector());
  REQUIRE_FALSE(loaded.momentum_buffer(1).defined());

  Var<cpu> c(Tensor<cpu>::ones({3, 2}), true);
  optim::SGD<cpu> wrong_shape({c, b}, {.lr = 0.5});
  REQUIRE_THROWS_WITH(io::load_optimizer_state(wrong_shape, dir / "state.safetensors"),
                      dir / "state.safetensors" +
                          ": key \"state.0.momentum_buffer\" has shape [2, 3], expected [3, 2] "
                          "(the shape of parameter 0)");
  REQUIRE(wrong_shape.options.lr == 0.5);

  optim::SGD<cpu> wrong_count({a}, {.lr = 0.5});
  REQUIRE_THROWS_WITH(
      io::load_optimizer_state(wrong_count, dir / "state.safetensors"),
      dir / "state.safetensors" + ": holds the state of 2 parameters, but the optimiser has 1");

  Network net = small_network();
  io::save_state_dict(net, dir / "model.safetensors");
  REQUIRE_THROWS_WITH(
      io::load_optimizer_state(loaded, dir / "model.safetensors"),
      dir / "model.safetensors" +
          ": no \"param_groups\" metadata: not an optimiser state saved by tapenet");

  io::write_safetensors(
      dir / "bad.safetensors", {},
      {{"param_groups", R"({"lr": -1, "momentum": 0, "dampening": 0, "weight_decay": 0,
                                              "nesterov": false, "params": 2})"}});
  REQUIRE_THROWS_WITH(io::load_optimizer_state(loaded, dir / "bad.safetensors"),
                      dir / "bad.safetensors" + ": SGD: invalid learning rate -1");
  io::write_safetensors(dir / "bad.safetensors", {}, {{"param_groups", "{\"lr\": 1}"}});
  REQUIRE_THROWS_WITH(
      io::load_optimizer_state(loaded, dir / "bad.safetensors"),
      Catch::StartsWith(dir / "bad.safetensors" + ": malformed \"param_groups\" metadata"));
  REQUIRE(loaded.options.momentum == 0.9);  // untouched by the failed loads
}

// io::save_checkpoint and io::load_checkpoint, from a user's own loop: the model, the optimiser,
// the learning-rate schedule and the loop's own counters come back, and a crash at any moment of a
// save leaves the last committed checkpoint or the new one, never a mix.
TEST_CASE("io::save_checkpoint and io::load_checkpoint resume a user's loop exactly",
          "[fast][io]") {
  auto dataset = augmented_images();
  const int epochs = 4;
  manual_seed(1);
  Network reference = small_network();
  optim::SGD<cpu> reference_sgd(nn::parameters(reference), sgd_options);
  optim::CosineAnnealingLR reference_schedule(reference_sgd, epochs);
  data::DataLoader reference_loader(dataset, loader_options);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    train_one_epoch(reference, reference_sgd, reference_loader);
    reference_schedule.step();
  }

  TempDir dir;
  const std::string run = dir / "run";
  // The loop as a user writes it, stopped after epoch `stop`; each call starts from nothing.
  auto loop = [&](int stop) {
    manual_seed(1);
    Network net = small_network();
    optim::SGD<cpu> sgd(nn::parameters(net), sgd_options);
    optim::CosineAnnealingLR schedule(sgd, epochs);
    int first_epoch = 0;
    if (io::has_checkpoint(run))
      first_epoch = io::load_checkpoint(run, net, sgd, schedule).at("epoch");
    data::DataLoader loader(dataset, loader_options);
    loader.set_epoch(first_epoch);
    for (int epoch = first_epoch; epoch < stop; ++epoch) {
      train_one_epoch(net, sgd, loader);
      schedule.step();
      io::save_checkpoint(run, net, sgd, schedule, {{"epoch", epoch + 1}, {"note", "mine"}});
    }
    return std::pair(weights_of(net), sgd.options.lr);
  };
  loop(1);
  loop(3);
  auto [weights, lr] = loop(epochs);
  REQUIRE(weights == weights_of(reference));  // bit for bit
  REQUIRE(lr == reference_sgd.options.lr);    // the schedule went on where it stopped
  const nlohmann::json saved = io::read_run_json(run);
  REQUIRE(saved.at("epoch") == epochs);
  REQUIRE(saved.at("note") == "mine");
  REQUIRE(saved.at("scheduler").at("last_epoch") == epochs);
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(run))
    files.insert(entry.path().filename().string());
  REQUIRE(files == std::set<std::string>{"model.safetensors", "optimizer.safetensors", "run.json"});
}

TEST_CASE("A crash during io::save_checkpoint leaves the old checkpoint or the new one",
          "[fast][io]") {
  TempDir dir;
  const std::string run = dir / "run";
  auto dataset = augmented_images();
  manual_seed(1);
  Network net = small_network();
  optim::SGD<cpu> sgd(nn::parameters(net), sgd_options);
  data::DataLoader loader(dataset, loader_options);
  train_one_epoch(net, sgd, loader);
  io::save_checkpoint(run, net, sgd, {{"epoch", 1}});
  const auto first = weights_of(net);
  std::map<std::string, Bytes> first_files;
  for (const auto& file : io::checkpoint_files) first_files[file] = read_bytes(run + "/" + file);
  loader.set_epoch(1);
  train_one_epoch(net, sgd, loader);
  const auto second = weights_of(net);

  auto load = [](const std::string& folder) {
    Network fresh = small_network();
    optim::SGD<cpu> fresh_sgd(nn::parameters(fresh), {.lr = 1});
    const int epoch = io::load_checkpoint(folder, fresh, fresh_sgd).at("epoch");
    return std::pair(weights_of(fresh), epoch);
  };

  SECTION("killed while the new files were being staged in next/: the old checkpoint") {
    io::save_checkpoint(dir / "elsewhere", net, sgd, {{"epoch", 2}});
    Bytes model = read_bytes(dir / "elsewhere/model.safetensors");
    model.resize(model.size() / 2);  // a file half written
    std::filesystem::create_directories(run + "/next");
    write_bytes(run + "/next/model.safetensors", model);
    write_bytes(run + "/next/.optimizer.safetensors.Ab12Cd", {1, 2, 3});  // a write cut short
    write_bytes(run + "/.run.json.x1Y2z3", text_bytes("{\"epoch\": 2"));
    auto [weights, epoch] = load(run);
    REQUIRE(epoch == 1);
    REQUIRE(weights == first);
    REQUIRE_FALSE(std::filesystem::exists(run + "/next"));
    REQUIRE_FALSE(std::filesystem::exists(run + "/.run.json.x1Y2z3"));
  }

  SECTION("killed after run.json was replaced, before the files moved: the new checkpoint") {
    io::save_checkpoint(run, net, sgd, {{"epoch", 2}});
    std::filesystem::create_directories(run + "/next");  // step 3 undone
    for (const auto& file : io::checkpoint_files) {
      std::filesystem::rename(run + "/" + file, run + "/next/" + file);
      write_bytes(run + "/" + file, first_files[file]);
    }
    auto [weights, epoch] = load(run);
    REQUIRE(epoch == 2);
    REQUIRE(weights == second);
    REQUIRE_FALSE(std::filesystem::exists(run + "/next"));
  }

  SECTION("the next save after a kill cleans next/ up, whatever the kill left there") {
    std::filesystem::create_directories(run + "/next");
    write_bytes(run + "/next/.model.safetensors.Ab12Cd", {1, 2, 3});
    io::save_checkpoint(run, net, sgd, {{"epoch", 2}});
    REQUIRE(load(run) == std::pair(second, 2));
    REQUIRE_FALSE(std::filesystem::exists(run + "/next"));
  }

  SECTION("a file changed since it was saved is refused, by name") {
    Bytes model = first_files["model.safetensors"];
    model.resize(model.size() / 2);
    write_bytes(run + "/model.safetensors", model);
    REQUIRE_THROWS_WITH(load(run), run + "/model.safetensors does not match the MD5 in " + run +
                                       "/run.json (changed since it was saved?)");
  }
}

TEST_CASE("io::load_checkpoint names the file when a checkpoint is missing or damaged",
          "[fast][io]") {
  TempDir dir;
  const std::string run = dir / "run";
  Network net = small_network();
  optim::SGD<cpu> sgd(nn::parameters(net), sgd_options);
  optim::CosineAnnealingLR schedule(sgd, 4);
  REQUIRE_FALSE(io::has_checkpoint(dir / "nowhere"));
  REQUIRE_THROWS_WITH(io::load_checkpoint(dir / "nowhere", net, sgd),
                      dir / "nowhere/run.json" + ": no such file");
  std::filesystem::create_directories(run);
  write_bytes(run + "/run.json", text_bytes("{\"epoch\": 3,"));
  REQUIRE(io::has_checkpoint(run));
  REQUIRE_THROWS_WITH(io::load_checkpoint(run, net, sgd),
                      Catch::StartsWith(run + "/run.json: not valid JSON: "));
  write_bytes(run + "/run.json", text_bytes("[1, 2]"));
  REQUIRE_THROWS_WITH(io::load_checkpoint(run, net, sgd),
                      run + "/run.json: holds array, expected a JSON object");
  write_bytes(run + "/run.json", text_bytes("{\"epoch\": 3}"));
  REQUIRE_THROWS_WITH(io::load_checkpoint(run, net, sgd),
                      run +
                          "/run.json: no \"model.safetensors.md5\" (not a checkpoint written by "
                          "io::save_checkpoint)");

  io::save_checkpoint(run, net, sgd, {{"epoch", 1}});
  REQUIRE_THROWS_WITH(io::load_checkpoint(run, net, sgd, schedule),
                      Catch::StartsWith(run + "/run.json: no learning-rate schedule's state"));
  std::filesystem::remove(run + "/optimizer.safetensors");
  REQUIRE_THROWS_WITH(
      io::load_checkpoint(run, net, sgd),
      run + "/optimizer.safetensors: missing (" + run + "/run.json was saved with it)");
  REQUIRE_THROWS_WITH(io::save_checkpoint(run, net, sgd, nlohmann::json::array()),
                      "save_checkpoint: " + run + "/run.json must hold a JSON object, not array");
}
