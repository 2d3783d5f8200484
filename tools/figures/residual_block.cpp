// residual-block.svg: ResNet's BasicBlock, twice: one that keeps the shape (the shortcut is the
// identity) and one that halves the image and doubles the channels (the shortcut is a strided 1x1
// convolution and a batch norm). The shapes are measured by running tapenet's basic_block layer by
// layer, as models/resnet.hpp wires it, on layer1's and layer2's input for a 32x32 image.
//   figure_residual_block docs/images/residual-block.svg
#include <string>
#include <vector>

#include "svg.hpp"
#include "tapenet/autograd/grad_mode.hpp"
#include "tapenet/models/resnet.hpp"
#include "tapenet/tensor.hpp"

using namespace tapenet;
using namespace figures;
using V = Var<cpu, float>;

namespace {

std::string shape_text(const Shape& shape) {  // [1, 64, 8, 8] -> "64 x 8 x 8"
  std::string text;
  for (int d = 1; d < shape.rank(); ++d) text += (d > 1 ? " x " : "") + std::to_string(shape[d]);
  return text;
}

// What each step of one block outputs, in the order the figure draws them.
struct Trace {
  Shape input{}, conv1{}, bn1{}, relu1{}, conv2{}, bn2{}, shortcut{}, sum{}, output{};
  bool has_downsample = false;
};

Trace run_block(std::int64_t in_planes, std::int64_t planes, std::int64_t stride,
                const Shape& input) {
  auto block = models::basic_block<cpu>(in_planes, planes, stride);
  Trace t;
  V x(Tensor<cpu, float>::randn(input));
  t.input = x.shape();
  V out = block.conv1(x);
  t.conv1 = out.shape();
  out = block.bn1(out);
  t.bn1 = out.shape();
  out = block.relu(out);
  t.relu1 = out.shape();
  out = block.conv2(out);
  t.conv2 = out.shape();
  out = block.bn2(out);
  t.bn2 = out.shape();
  t.has_downsample = block.downsample.has_value();
  V identity = t.has_downsample ? (*block.downsample)(x) : x;
  t.shortcut = identity.shape();
  V sum = out + identity;
  t.sum = sum.shape();
  t.output = block.relu(sum).shape();
  if (t.output != block(x).shape()) fail("residual_block: the steps disagree with the block");
  return t;
}

struct Step {
  std::string label;
  const char* fill;
  Shape output;
};

void draw_block(Svg& svg, double x0, const std::string& title, const std::string& subtitle,
                const Trace& t, const std::string& conv1_label) {
  const double main_x = x0 + 130, side_x = x0 + 300, box_w = 170, box_h = 32, gap = 26;
  const TextStyle shape_style{.size = 11, .anchor = "end", .colour = colour::muted};
  svg.begin_group(title);
  svg.text(x0 + 20, 72, title, {.size = 14, .bold = true});
  svg.text(x0 + 20, 90, subtitle, {.size = 12, .colour = colour::muted});

  // the input, and the point where the shortcut leaves
  double y = 124;
  svg.centred_text(main_x - box_w / 2, y - 14, box_w, 20, "x: " + shape_text(t.input),
                   {.size = 13, .bold = true});
  const double split_y = y + 14;
  svg.circle(main_x, split_y, 3, {.fill = colour::ink, .stroke = "none"});
  y = split_y;

  const std::vector<Step> steps{{conv1_label, colour::light_blue, t.conv1},
                                {"BatchNorm", colour::light_orange, t.bn1},
                                {"ReLU", colour::light_green, t.relu1},
                                {"conv 3x3", colour::light_blue, t.conv2},
                                {"BatchNorm", colour::light_orange, t.bn2}};
  for (const auto& step : steps) {
    svg.arrow(main_x, y, main_x, y + gap);
    y += gap;
    svg.rect(main_x - box_w / 2, y, box_w, box_h,
             {.fill = step.fill, .stroke = colour::ink, .stroke_width = 1, .corner = 5});
    svg.centred_text(main_x - box_w / 2, y, box_w, box_h, step.label, {.size = 13});
    y += box_h;
    svg.text(main_x - 6, y + 16, shape_text(step.output), shape_style);
  }

  // the addition, the last ReLU and the output
  const double add_y = y + gap + 14, radius = 14;
  svg.arrow(main_x, y, main_x, add_y - radius);
  svg.circle(main_x, add_y, radius,
             {.fill = colour::paper, .stroke = colour::ink, .stroke_width = 1.4});
  svg.centred_text(main_x - radius, add_y - radius, 2 * radius, 2 * radius, "+",
                   {.size = 20, .bold = true});
  y = add_y + radius;
  svg.arrow(main_x, y, main_x, y + gap);
  y += gap;
  svg.rect(main_x - box_w / 2, y, box_w, box_h,
           {.fill = colour::light_green, .stroke = colour::ink, .stroke_width = 1, .corner = 5});
  svg.centred_text(main_x - box_w / 2, y, box_w, box_h, "ReLU", {.size = 13});
  y += box_h;
  svg.arrow(main_x, y, main_x, y + gap);
  y += gap;
  svg.centred_text(main_x - box_w / 2, y, box_w, 20, "out: " + shape_text(t.output),
                   {.size = 13, .bold = true});

  // the shortcut: right from the split, down, and left into the addition
  const Style path{.stroke = colour::purple, .stroke_width = 1.8};
  svg.line(main_x, split_y, side_x, split_y, path);
  if (t.has_downsample) {
    const double top = split_y + 2.2 * (gap + box_h), w = 130;
    svg.line(side_x, split_y, side_x, top, path);
    svg.arrow(side_x, top - gap, side_x, top, colour::purple, 1.8);
    svg.rect(
        side_x - w / 2, top, w, box_h,
        {.fill = colour::light_blue, .stroke = colour::purple, .stroke_width = 1.4, .corner = 5});
    svg.centred_text(side_x - w / 2, top, w, box_h, "conv 1x1, stride 2", {.size = 12});
    svg.arrow(side_x, top + box_h, side_x, top + box_h + gap, colour::purple, 1.8);
    svg.rect(
        side_x - w / 2, top + box_h + gap, w, box_h,
        {.fill = colour::light_orange, .stroke = colour::purple, .stroke_width = 1.4, .corner = 5});
    svg.centred_text(side_x - w / 2, top + box_h + gap, w, box_h, "BatchNorm", {.size = 12});
    const double below = top + 2 * box_h + gap;
    svg.line(side_x, below, side_x, add_y, path);
    svg.text(side_x + 6, below + 16, shape_text(t.shortcut), {.size = 11, .colour = colour::muted});
    svg.text(side_x + 8, split_y + 40, "downsample", {.size = 12, .colour = colour::purple});
  } else {
    svg.line(side_x, split_y, side_x, add_y, path);
    svg.text(side_x + 8, (split_y + add_y) / 2,
             "identity:", {.size = 12, .colour = colour::purple});
    svg.text(side_x + 8, (split_y + add_y) / 2 + 16, "x itself",
             {.size = 12, .colour = colour::purple});
  }
  svg.arrow(side_x, add_y, main_x + radius, add_y, colour::purple, 1.8);
  svg.text(side_x - 8, add_y - 8, "shortcut",
           {.size = 12, .anchor = "end", .colour = colour::purple});
  svg.end_group();
}

}  // namespace

int main(int argc, char** argv) {
  NoGradGuard no_grad;
  manual_seed(0);
  // layer1.0 and layer2.0 of ResNet18 on a 32x32 image (the stem leaves 64 x 8 x 8)
  const Trace same = run_block(64, 64, 1, {1, 64, 8, 8});
  const Trace halving = run_block(64, 128, 2, {1, 64, 8, 8});

  Svg svg(780, 600, "ResNet's BasicBlock, with an identity shortcut and with a downsampling one");
  svg.text(20, 26, "The residual block (BasicBlock): out = ReLU(F(x) + shortcut(x))",
           {.size = 15, .bold = true});
  svg.text(20, 46, "F: the two convolutions on the left; grey numbers: each step's output shape",
           {.size = 12, .colour = colour::muted});
  draw_block(svg, 0, "Same shape (layer1.0)", "the shortcut adds x unchanged", same, "conv 3x3");
  draw_block(svg, 390, "Halving the image (layer2.0)", "stride 2, twice the channels", halving,
             "conv 3x3, stride 2");
  svg.line(385, 60, 385, 585, {.stroke = colour::faint});
  return svg.save(output_path(argc, argv, "residual-block.svg"));
}
