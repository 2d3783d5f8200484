// Convolution, linear, BatchNorm, pooling and the smoothed loss against the real PyTorch, on every
// backend (fixtures from tools/torch_reference/make_layer_fixtures.py).
#include "support/parity.hpp"

using namespace tapenet;
using testing::Inputs;
using testing::require_close;

namespace {
const testing::Fixtures& fixtures() {
  static const testing::Fixtures file("layers.txt");
  return file;
}

struct ConvCase {
  const char* name;
  ConvOptions options;
  bool bias;
};

template <class B>
void check_conv(const ConvCase& c) {
  std::vector<std::string> names{"x", "w"};
  if (c.bias) names.push_back("b");
  testing::check_against_pytorch<B>(
      fixtures(), c.name, names,
      [&](const Inputs<B>& x) { return conv2d(x[0], x[1], c.bias ? x[2] : Var<B>(), c.options); },
      1e-4, 1e-5);
}

const ConvCase kernel_partly_outside[] = {{"conv_1x1_image", {1, 1}, true},
                                          {"conv_2x2_stride2", {2, 1}, false},
                                          {"conv_crop_dilated", {1, {1, 3}, 2}, false}};
}  // namespace

TEMPLATE_TEST_CASE("PyTorch parity: conv2d with stride, padding, dilation and bias",
                   "[fast][parity]", TAPENET_BACKENDS) {
  using B = TestType;
  for (const ConvCase& c :
       {ConvCase{"conv_basic", {}, true}, ConvCase{"conv_stride_pad", {2, 1}, false},
        ConvCase{"conv_rect", {{2, 1}, {1, 2}}, true}, ConvCase{"conv_dilation", {1, 2, 2}, false},
        ConvCase{"conv_1x1_stride2", {2}, false}, ConvCase{"conv_7x7_stem", {2, 3}, false}})
    check_conv<B>(c);
  for (const ConvCase& c : kernel_partly_outside) check_conv<B>(c);
}

TEST_CASE("conv2d's plan drops the kernel taps that meet only padding", "[fast]") {
  // ResNet18's layer4 on 32x32 images: 3x3 kernels over 1x1 images, 8 of 9 taps meet only padding
  for (std::int64_t batch : {1, 128}) {
    ConvPlan cropped = plan_conv2d<float>({batch, 512, 1, 1}, {512, 512, 3, 3}, {.padding = 1});
    CHECK(cropped.crop.drops_taps());
    CHECK((cropped.g.kernel_h == 1 && cropped.g.kernel_w == 1 && cropped.g.pad_h == 0));
    CHECK(cropped.chunk == batch);  // the whole batch: its columns are smaller than the weight
  }
  // 2x2 images, stride 2: the one output's window starts in the padding, so only the kernel's
  // rows and columns 1 and 2 meet the image
  ConvPlan corner = plan_conv2d<float>({4, 8, 2, 2}, {8, 8, 3, 3}, {.stride = 2, .padding = 1});
  CHECK((corner.crop.top == 1 && corner.crop.bottom == 3 && corner.crop.left == 1));
  CHECK_FALSE(plan_conv2d<float>({4, 3, 8, 8}, {8, 3, 3, 3}, {.padding = 1})
                  .crop.drops_taps());  // every tap meets the image
}

TEMPLATE_TEST_CASE("PyTorch parity: linear", "[fast][parity]", TAPENET_BACKENDS) {
  using B = TestType;
  testing::check_against_pytorch<B>(fixtures(), "linear", {"x", "w", "b"},
                                    [](const Inputs<B>& x) { return linear(x[0], x[1], x[2]); });
  testing::check_against_pytorch<B>(
      fixtures(), "linear_nobias", {"x", "w"},
      [](const Inputs<B>& x) { return linear(x[0], x[1], Var<B>()); });
}

TEMPLATE_TEST_CASE("PyTorch parity: batch_norm in training and evaluation mode", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  for (auto [name, training] : {std::pair{"bn_train", true}, std::pair{"bn_eval", false},
                                std::pair{"bn_train_1x1", true}}) {
    std::string case_name = name;
    auto running_mean = fixtures().tensor<B>(case_name + ".running_mean_before");
    auto running_var = fixtures().tensor<B>(case_name + ".running_var_before");
    testing::check_against_pytorch<B>(
        fixtures(), case_name, {"x", "w", "b"},
        [&](const Inputs<B>& x) {
          return batch_norm(x[0], x[1], x[2], running_mean, running_var, training);
        },
        1e-4, 1e-5);
    INFO("running statistics of " << case_name);
    require_close(running_mean, fixtures().tensor<B>(case_name + ".running_mean_after"));
    require_close(running_var, fixtures().tensor<B>(case_name + ".running_var_after"));
  }
}

TEMPLATE_TEST_CASE("PyTorch parity: max_pool2d and adaptive_avg_pool2d", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  testing::check_against_pytorch<B>(fixtures(), "maxpool_resnet", {"x"}, [](const Inputs<B>& x) {
    return max_pool2d(x[0], 3, {.stride = 2, .padding = 1});
  });
  testing::check_against_pytorch<B>(fixtures(), "maxpool_2x2", {"x"},
                                    [](const Inputs<B>& x) { return max_pool2d(x[0], 2); });
  testing::check_against_pytorch<B>(fixtures(), "maxpool_ties", {"x"}, [](const Inputs<B>& x) {
    return max_pool2d(x[0], 2, {.stride = 1});
  });
  testing::check_against_pytorch<B>(fixtures(), "avgpool_global", {"x"}, [](const Inputs<B>& x) {
    return adaptive_avg_pool2d(x[0], 1);
  });
  testing::check_against_pytorch<B>(fixtures(), "avgpool_overlap", {"x"}, [](const Inputs<B>& x) {
    return adaptive_avg_pool2d(x[0], {3, 2});
  });
}

TEMPLATE_TEST_CASE("max_pool2d: a NaN wins every window it is in, the later of two as in PyTorch",
                   "[fast][parity]", TAPENET_BACKENDS) {
  using B = TestType;
  Var<B> x(fixtures().tensor<B, float>("maxpool_nan.x"), true);
  auto out = max_pool2d(x, 3, {.stride = 1, .padding = 1});
  sum(out).backward();  // each window's gradient, 1, goes to the input that won it
  require_close(x.grad(), fixtures().tensor<B, float>("maxpool_nan.grad_x"), 0, 0);
}

TEMPLATE_TEST_CASE("PyTorch parity: cross_entropy with label smoothing", "[fast][parity]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  for (auto [name, smoothing] :
       {std::pair{"ce_smoothing", 0.1}, std::pair{"ce_smoothing_ignore", 0.2}}) {
    std::string case_name = name;
    auto target = fixtures().tensor<B, std::int64_t>(case_name + ".target");
    nn::CrossEntropyLoss criterion{{.label_smoothing = smoothing}};
    testing::check_against_pytorch<B>(fixtures(), case_name, {"a"},
                                      [&](const Inputs<B>& x) { return criterion(x[0], target); });
  }
}
