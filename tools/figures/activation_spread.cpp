// activation-spread.svg: how the spread of the activations changes, layer by layer, through 20
// layers of Linear(256, 256) + ReLU, for three ways of drawing the starting weights. Measured: the
// program pushes a batch of 512 N(0, 1) inputs through tapenet's layers and prints the numbers.
//   figure_activation_spread docs/images/activation-spread.svg
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "svg.hpp"
#include "tapenet/autograd/grad_mode.hpp"
#include "tapenet/nn/activation.hpp"
#include "tapenet/nn/init.hpp"
#include "tapenet/nn/linear.hpp"
#include "tapenet/tensor.hpp"

using namespace tapenet;
using namespace figures;

namespace {

constexpr int layers = 20, width = 256, batch = 512;

enum class Init { small_normal, pytorch_default, kaiming };

struct Curve {
  Init init;
  std::string label;
  const char* colour;
  std::vector<double> spread;  // spread[l]: the standard deviation after layer l (0: the input)
};

// The standard deviation of all the values in x, as torch.std(x, unbiased=False) computes it.
double standard_deviation(const Var<cpu, float>& x) {
  const std::vector<float> values = x.data().to_vector();
  double sum = 0, squares = 0;
  for (float v : values) sum += v;
  const double mean = sum / double(values.size());
  for (float v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / double(values.size()));
}

// The same input for every curve; each curve draws its own weights from the same seed.
std::vector<double> measure(Init init, const Var<cpu, float>& input) {
  manual_seed(1);
  std::vector<double> spread{standard_deviation(input)};
  Var<cpu, float> x = input;
  for (int l = 0; l < layers; ++l) {
    nn::Linear<cpu> layer(width, width);  // PyTorch's default: U(-1/16, 1/16)
    if (init == Init::small_normal) nn::init::normal_(layer.weight, 0.0, 0.01);
    if (init == Init::kaiming) nn::init::kaiming_normal_(layer.weight);  // N(0, 2 / fan_in)
    nn::init::constant_(layer.bias, 0.0);  // only the weights differ, as in chapter 3's derivation
    x = relu(layer(x));
    spread.push_back(standard_deviation(x));
  }
  return spread;
}

// "10" with the exponent written in superscript digits, e.g. 10⁻⁸.
std::string power_of_ten(int exponent) {
  static const char* digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string out = exponent < 0 ? "⁻" : "", number = std::to_string(std::abs(exponent)), text;
  for (char d : number) out += digits[d - '0'];
  return exponent == 0 ? "1" : "10" + out;
}

}  // namespace

int main(int argc, char** argv) {
  NoGradGuard no_grad;
  Generator input_generator(0);
  const auto input = Var<cpu, float>(Tensor<cpu, float>::randn({batch, width}, input_generator));

  std::vector<Curve> curves{
      {Init::small_normal, "N(0, 0.01²)", colour::blue, {}},
      {Init::pytorch_default, "U(±1/√fan_in), PyTorch's default", colour::orange, {}},
      {Init::kaiming, "Kaiming: N(0, 2/fan_in)", colour::green, {}}};
  std::printf("standard deviation after each Linear(256, 256) + ReLU, batch of 512 N(0, 1)\n");
  std::printf("%5s %14s %14s %14s\n", "layer", "N(0,0.01^2)", "default", "kaiming");
  for (auto& curve : curves) curve.spread = measure(curve.init, input);
  for (int l = 0; l <= layers; ++l)
    std::printf("%5d %14.4g %14.4g %14.4g\n", l, curves[0].spread[l], curves[1].spread[l],
                curves[2].spread[l]);

  // The y axis spans whole powers of ten around every value.
  double low = 1, high = 1;
  for (const auto& curve : curves)
    for (double s : curve.spread) low = std::min(low, s), high = std::max(high, s);
  const int bottom = int(std::floor(std::log10(low))), top = int(std::ceil(std::log10(high)));

  Svg svg(720, 484, "Spread of the activations through 20 layers, for three initialisations");
  const double left = 90, right = 690, plot_top = 84, plot_bottom = 424;
  auto x_of = [&](double layer) { return left + (right - left) * layer / layers; };
  auto y_of = [&](double value) {
    return plot_bottom - (plot_bottom - plot_top) * (std::log10(value) - bottom) / (top - bottom);
  };

  svg.text(20, 26, "Standard deviation of the activations after each layer",
           {.size = 15, .bold = true});
  svg.text(20, 46,
           "20 x (Linear(256, 256) + ReLU), input: 512 samples of N(0, 1), measured with tapenet",
           {.size = 12, .colour = colour::muted});
  svg.text(20, 62, "the three differ only in the weights: every bias starts at zero",
           {.size = 12, .colour = colour::muted});

  svg.begin_group("axes and grid");
  const int step = (top - bottom) > 10 ? 4 : (top - bottom) > 5 ? 2 : 1;
  for (int e = bottom; e <= top; ++e) {
    const double y = y_of(std::pow(10.0, e));
    const bool labelled = e % step == 0;
    svg.line(left, y, right, y,
             {.stroke = labelled ? colour::faint : colour::grey, .stroke_width = 0.8});
    if (labelled)
      svg.text(left - 8, y + 4, power_of_ten(e),
               {.size = 12, .anchor = "end", .colour = colour::muted});
  }
  for (int l = 0; l <= layers; l += 5) {
    svg.line(x_of(l), plot_bottom, x_of(l), plot_bottom + 5, {.stroke = colour::muted});
    svg.text(x_of(l), plot_bottom + 20, std::to_string(l),
             {.size = 12, .anchor = "middle", .colour = colour::muted});
  }
  svg.line(left, plot_top, left, plot_bottom, {.stroke = colour::muted});
  svg.line(left, plot_bottom, right, plot_bottom, {.stroke = colour::muted});
  svg.text((left + right) / 2, plot_bottom + 42, "layer (0 = the input)",
           {.size = 12, .anchor = "middle"});
  svg.text(30, (plot_top + plot_bottom) / 2, "standard deviation (log scale)",
           {.size = 12, .anchor = "middle", .rotate = -90});
  svg.end_group();

  for (const auto& curve : curves) {
    svg.begin_group(curve.label);
    std::vector<Point> points;
    for (int l = 0; l <= layers; ++l) points.push_back({x_of(l), y_of(curve.spread[l])});
    svg.polyline(points, {.stroke = curve.colour, .stroke_width = 2.2});
    for (const auto& p : points) svg.circle(p.x, p.y, 3, {.fill = curve.colour, .stroke = "none"});
    svg.end_group();
  }

  svg.begin_group("legend, in the empty lower left corner");
  const double legend_x = left + 20, legend_y = plot_bottom - 20 - 22 * (curves.size() - 1);
  svg.rect(legend_x - 10, legend_y - 18, 290, 22 * curves.size() + 10,
           {.fill = colour::paper, .stroke = colour::faint, .corner = 4});
  for (std::size_t i = 0; i < curves.size(); ++i) {
    const double y = legend_y + 22 * double(i);
    svg.line(legend_x, y - 4, legend_x + 24, y - 4,
             {.stroke = curves[i].colour, .stroke_width = 2.2});
    svg.text(legend_x + 32, y, curves[i].label, {.size = 12});
  }
  svg.end_group();

  return svg.save(output_path(argc, argv, "activation-spread.svg"));
}
