// ResNet18 as torchvision builds it: architecture, names, and whole-model parity with PyTorch.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "support/backends.hpp"
#include "support/fixtures.hpp"

using namespace tapenet;

namespace {
const testing::Fixtures& fixtures() {
  static const testing::Fixtures file("resnet18.txt");
  return file;
}

// The weights tools/torch_reference/make_layer_fixtures.py gives its network: uniform values in
// [-1, 1) from an integer hash of (name, index), identical in Python and C++.
std::vector<double> hashed_values(std::uint64_t salt, std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t z = i + (salt << 32) + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    out[i] = double(z >> 11) / 9007199254740992.0 * 2.0 - 1.0;
  }
  return out;
}
std::uint64_t salt_of(const std::string& name) {
  std::uint64_t total = 0;
  for (unsigned char c : name) total += c;
  return total * 131 + name.size();
}
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<float> fixture_values(const std::string& name, const Shape& shape) {
  auto u = hashed_values(salt_of(name), static_cast<std::size_t>(shape.numel()));
  std::vector<float> v(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) {
    float x = float(u[i]);
    if (ends_with(name, "running_var"))
      v[i] = 1.0f + 0.5f * std::abs(x);
    else if (ends_with(name, "running_mean") || ends_with(name, "bias"))
      v[i] = 0.1f * x;
    else if (shape.rank() == 1)
      v[i] = 1.0f + 0.2f * x;
    else {
      double std = shape.rank() == 4 ? std::sqrt(2.0 / double(shape[0] * shape[2] * shape[3]))
                                     : 1.0 / std::sqrt(3.0 * double(shape[1]));
      v[i] = x * float(std) * float(std::sqrt(3.0));
    }
  }
  return v;
}

template <class T>
std::vector<T> fixture_values_as(const std::string& name, const Shape& shape) {
  auto values = fixture_values(name, shape);
  return std::vector<T>(values.begin(), values.end());
}

template <class B, class T>
void fill_like_fixture(models::ResNet<B, T>& net) {
  net.visit("", [](const std::string& name, auto& item) {
    using Item = std::decay_t<decltype(item)>;
    if constexpr (std::is_same_v<Item, Var<B, T>>)
      item.data() = Tensor<B, T>::from(item.shape(), fixture_values_as<T>(name, item.shape()));
    else if constexpr (std::is_same_v<Item, Tensor<B, T>>)
      item = Tensor<B, T>::from(item.shape(), fixture_values_as<T>(name, item.shape()));
  });
}

// Compares a tensor with the summary PyTorch's was reduced to: the sum and the maximum of absolute
// values within 1e-4 relative, and 16 picked elements within 1e-4 of the largest.
template <class B, class T>
void require_matches_summary(const Tensor<B, T>& actual, const std::string& key) {
  INFO(key);
  auto expected = fixtures().tensor<cpu, double>(key).to_vector();
  auto values = actual.to_vector();
  double abs_sum = 0, max_abs = 0;
  for (T v : values) abs_sum += std::abs(v), max_abs = std::max(max_abs, double(std::abs(v)));
  CHECK(abs_sum == Approx(expected[0]).epsilon(1e-4));
  CHECK(max_abs == Approx(expected[1]).epsilon(1e-4));
  std::size_t n = values.size();
  for (std::size_t k = 0; k < 16; ++k) {
    std::size_t index = std::min(k * n / 16 + k % 3, n - 1);
    INFO("element " << index);
    CHECK(std::abs(values[index] - expected[2 + k]) <= 1e-4 * expected[1] + 1e-12);
  }
}

template <class B, class T>
double max_abs(const Tensor<B, T>& t) {
  double m = 0;
  for (T v : t.to_vector()) m = std::max(m, double(std::abs(v)));
  return m;
}

template <class T>
std::vector<T> fixture_images() {
  auto u = hashed_values(7, 4 * 3 * 32 * 32);
  std::vector<T> v(u.size());
  for (std::size_t i = 0; i < u.size(); ++i) v[i] = T(float(u[i]));
  return v;
}

// One forward and backward pass on the fixture batch, compared with PyTorch's in the same
// precision ("f64" or "f32") and mode.
template <class B, class T>
void check_pass(const std::string& precision, const std::string& mode) {
  INFO(precision << " " << mode << " mode");
  std::string prefix = precision + "." + mode;
  auto images = Var<B, T>(Tensor<B, T>::from({4, 3, 32, 32}, fixture_images<T>()));
  auto labels = Tensor<B, std::int64_t>::from({4}, {3, 8, 0, 6});
  auto net = models::resnet18<B, T>(10);
  fill_like_fixture(net);
  net.train(mode == "train");
  auto logits = net(images);
  auto expected_logits = fixtures().tensor<B, T>(prefix + ".logits");
  testing::require_close(logits.value(), expected_logits, 1e-4, 1e-4 * max_abs(expected_logits));
  auto loss = nn::CrossEntropyLoss{}(logits, labels);
  CHECK(loss.item() ==
        Approx(fixtures().tensor<cpu, double>(prefix + ".loss").item()).epsilon(1e-4));
  loss.backward();
  for (auto& [name, p] : nn::named_parameters(net))
    require_matches_summary(p.grad(), prefix + ".grad." + name);
  if (mode == "train") {
    net.visit("", [&](const std::string& name, auto& item) {
      if constexpr (std::is_same_v<std::decay_t<decltype(item)>, Tensor<B, T>>)
        require_matches_summary(item, prefix + ".state." + name);
    });
  }
}
}  // namespace

TEST_CASE("resnet18 has torchvision's parameter counts", "[fast]") {
  auto net = models::resnet18<cpu>();
  CHECK(nn::parameter_count(net) == 11689512);
  CHECK(net.fc.in_features() == 512);
  net.fc = nn::Linear<cpu>(net.fc.in_features(), 10);
  CHECK(nn::parameter_count(net) == 11181642);
  auto ten_classes = models::resnet18<cpu>(10);
  CHECK(nn::parameter_count(ten_classes) == 11181642);
  auto deeper = models::resnet34<cpu>();
  CHECK(nn::parameter_count(deeper) == 21797672);
}

TEST_CASE("resnet18's state has torchvision's names and shapes, in its order", "[fast]") {
  auto net = models::resnet18<cpu>(10);
  std::vector<std::string> ours;
  net.visit("", [&](const std::string& name, auto& item) {
    using Item = std::decay_t<decltype(item)>;
    std::ostringstream entry;
    entry << name;
    if constexpr (std::is_same_v<Item, Var<cpu>>)
      for (auto d : item.shape().dims()) entry << " " << d;
    else if constexpr (std::is_same_v<Item, Tensor<cpu>>)
      for (auto d : item.shape().dims()) entry << " " << d;
    ours.push_back(entry.str());
  });
  std::vector<std::string> theirs;
  std::istringstream keys(fixtures().text("keys"));
  for (std::string line; std::getline(keys, line, ';');) theirs.push_back(line);
  CHECK(ours == theirs);
}

TEST_CASE("resnet18_cifar keeps 32x32 images through the stem", "[fast]") {
  auto net = models::resnet18_cifar<cpu>();
  CHECK(nn::parameter_count(net) == 11181642 - 9408 + 64 * 3 * 9);
  CHECK_FALSE(net.maxpool.has_value());
  auto rows = nn::summary_rows(net, {2, 3, 32, 32});
  CHECK(rows[0].output == Shape{2, 64, 32, 32});
  CHECK(rows.back().output == Shape{2, 10});
  CHECK_THROWS_WITH(net(Var<cpu>(Tensor<cpu>::zeros({2, 1, 32, 32}))),
                    "ResNet: expects images of shape [N, 3, H, W], got [2, 1, 32, 32]");
}

// In float64, where PyTorch's own rounding is negligible, in both modes; in float32 in evaluation
// mode. (In training mode at batch 4, BatchNorm over 4 values per channel in layer4 amplifies
// rounding: PyTorch's float32 gradients are themselves up to 1.6e-4 away from its float64 ones.)
TEMPLATE_TEST_CASE("resnet18 matches PyTorch: logits and every gradient, train and eval mode",
                   "[slow][parity]", TAPENET_BACKENDS) {
  using B = TestType;
  check_pass<B, double>("f64", "train");
  check_pass<B, double>("f64", "eval");
  check_pass<B, float>("f32", "eval");
}

TEMPLATE_TEST_CASE("resnet18 matches PyTorch after three SGD-momentum steps", "[slow][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  using T = double;
  auto images = fixture_images<T>();
  std::vector<std::int64_t> labels{3, 8, 0, 6};
  auto net = models::resnet18<B, T>(10);
  fill_like_fixture(net);
  std::vector<Tensor<B, T>> before;
  for (auto& p : net.parameters()) before.push_back(p.value().clone());
  optim::SGD optimizer(net.parameters(), {.lr = 0.01, .momentum = 0.9, .weight_decay = 5e-4});
  nn::CrossEntropyLoss criterion;
  for (int step = 0; step < 3; ++step) {
    // the batch rolled by `step` images, as torch.roll does
    std::vector<T> batch(images.size());
    std::vector<std::int64_t> target(4);
    std::size_t image_size = images.size() / 4;
    for (std::size_t i = 0; i < 4; ++i) {
      std::size_t from = (i + 4 - std::size_t(step)) % 4;
      std::copy_n(images.begin() + std::ptrdiff_t(from * image_size), image_size,
                  batch.begin() + std::ptrdiff_t(i * image_size));
      target[i] = labels[from];
    }
    optimizer.zero_grad();
    criterion(net(Var<B, T>(Tensor<B, T>::from({4, 3, 32, 32}, batch))),
              Tensor<B, std::int64_t>::from({4}, target))
        .backward();
    optimizer.step();
  }
  auto named = nn::named_parameters(net);
  for (std::size_t i = 0; i < named.size(); ++i)
    require_matches_summary(kernels::zip(named[i].second.value(), before[i], kernels::Sub{}),
                            "f64.sgd.delta." + named[i].first);
}
