// Stopping a training run after an epoch and resuming it in a fresh process state (new network,
// optimiser and loader, restored from files) must reach exactly the weights an uninterrupted run
// reaches: same batches, same augmentation, same momentum, same BatchNorm statistics.
#include <catch2/catch.hpp>

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
  auto images = std::make_shared<data::ImageSet>();
  images->height = images->width = 8;
  images->channels = 3;
  std::mt19937 random(4);
  for (int i = 0; i < 24 * 8 * 8 * 3; ++i)
    images->pixels.push_back(static_cast<std::uint8_t>(random()));
  for (int i = 0; i < 24; ++i) images->labels.push_back(i % 10);
  return data::LabelledImages(
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
