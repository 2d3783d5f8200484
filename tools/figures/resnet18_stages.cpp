// resnet18-stages.svg: the shape of the data as it flows through ResNet18 (torchvision's, with the
// ImageNet stem, as the tutorial uses it) on one 32x32 CIFAR-10 image. The shapes and parameter
// counts come from running tapenet's resnet18 through nn::summary_rows on a 1x3x32x32 input.
//   figure_resnet18_stages docs/images/resnet18-stages.svg
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "svg.hpp"
#include "tapenet/models/resnet.hpp"
#include "tapenet/nn/summary.hpp"
#include "tapenet/tensor.hpp"

using namespace tapenet;
using namespace figures;

namespace {

// One box of the figure: a group of layers (the stem, a stage of blocks, ...) and what it outputs.
struct Stage {
  std::string name;                     // conv1, layer1, ...
  std::vector<std::string> operations;  // what the stage does, a short line or two
  Shape output{};
  std::int64_t parameters = 0;
};

std::string shape_text(const Shape& shape) {  // [1, 64, 16, 16] -> "64 x 16 x 16"
  std::string text;
  for (int d = 1; d < shape.rank(); ++d) text += (d > 1 ? " x " : "") + std::to_string(shape[d]);
  return text;
}

// The stages, in order, from the summary's rows: a row named "layer2.0.conv1" belongs to the
// stage "layer2"; the stem's conv1, bn1 and relu make one stage. A stage's output is its last
// row's; its parameters are its layers' (each layer counted once).
std::vector<Stage> stages_of(const std::vector<nn::SummaryRow>& rows) {
  std::vector<Stage> stages;
  std::set<std::string> counted;
  for (const auto& row : rows) {
    std::string group = row.name.substr(0, row.name.find('.'));
    if (group == "bn1" || group == "relu") group = "conv1";
    if (stages.empty() || stages.back().name != group) stages.push_back({group, {}});
    stages.back().output = row.output;
    if (counted.insert(row.name).second) stages.back().parameters += row.parameters;
  }
  return stages;
}

const std::map<std::string, std::vector<std::string>> operations{
    {"input", {"an RGB image"}},           {"conv1", {"7x7 conv /2", "BN, ReLU"}},
    {"maxpool", {"3x3 max /2"}},           {"layer1", {"2 blocks"}},
    {"layer2", {"2 blocks,", "first /2"}}, {"layer3", {"2 blocks,", "first /2"}},
    {"layer4", {"2 blocks,", "first /2"}}, {"avgpool", {"mean of each", "channel"}},
    {"fc", {"Linear", "512 -> 10"}}};

}  // namespace

int main(int argc, char** argv) {
  manual_seed(0);
  auto net = models::resnet18<cpu>(10);
  const Shape input{1, 3, 32, 32};
  std::vector<Stage> stages = stages_of(nn::summary_rows(net, input));
  stages.insert(stages.begin(), Stage{"input", {}, input, 0});
  for (auto& stage : stages) stage.operations = operations.at(stage.name);

  const double column = 88, left = 24, centre_y = 172;
  Svg svg(left * 2 + column * double(stages.size()), 412,
          "ResNet18 on a 32x32 CIFAR-10 image: the shape after each stage");
  svg.text(left, 28, "ResNet18 on one 32 x 32 CIFAR-10 image: the output of each stage",
           {.size = 15, .bold = true});
  svg.text(
      left, 48,
      "each block of numbers is channels (across) x height (up) x width (into the page); sizes "
      "not to scale",
      {.size = 12, .colour = colour::muted});

  for (std::size_t i = 0; i < stages.size(); ++i) {
    const Stage& stage = stages[i];
    const Shape& s = stage.output;
    const double side = s.rank() == 4 ? double(s[2]) : 1, channels = double(s[1]);
    // A block of numbers seen from the front and a little above: width = channels,
    // height and receding depth = the image's height and width.
    const double h = 16 + 22 * std::log2(side), w = 3.2 * std::sqrt(channels), depth = 0.35 * h;
    const double x = left + column * double(i), box_x = x + (column - w - depth) / 2;
    const double top = centre_y - h / 2;
    const bool is_stage = stage.name.rfind("layer", 0) == 0;
    const char* fill = stage.name == "input" ? colour::grey
                       : is_stage            ? colour::light_blue
                       : stage.name == "fc"  ? colour::light_green
                                             : colour::light_orange;
    svg.begin_group(stage.name);
    const Style face{.fill = fill, .stroke = colour::ink, .stroke_width = 0.9};
    svg.polygon({{box_x, top},
                 {box_x + depth, top - depth},
                 {box_x + w + depth, top - depth},
                 {box_x + w, top}},
                face);  // the top
    svg.polygon({{box_x + w, top},
                 {box_x + w + depth, top - depth},
                 {box_x + w + depth, top + h - depth},
                 {box_x + w, top + h}},
                face);  // the right side
    svg.rect(box_x, top, w, h, face);
    if (i + 1 < stages.size())
      svg.arrow(box_x + w + depth + 3, centre_y, x + column + 6, centre_y, colour::muted, 1.2);
    double y = 260;
    const double middle = x + column / 2;
    svg.text(middle, y, stage.name, {.size = 13, .anchor = "middle", .bold = true});
    for (const auto& line : stage.operations)
      svg.text(middle, y += 17, line, {.size = 11, .anchor = "middle", .colour = colour::muted});
    y = 332;
    svg.text(middle, y, shape_text(s), {.size = 12, .anchor = "middle"});
    if (stage.parameters > 0)
      svg.text(middle, y + 18, nn::detail::with_commas(stage.parameters),
               {.size = 11, .anchor = "middle", .colour = colour::blue});
    svg.end_group();
  }
  svg.text(left, 378,
           "blue numbers: parameters per stage; total " +
               nn::detail::with_commas(nn::parameter_count(net)) +
               " (from nn::summary_rows on a 1 x 3 x 32 x 32 input)",
           {.size = 12, .colour = colour::muted});
  svg.text(
      left, 398,
      "/2: stride 2, which halves the height and the width; each block is two 3x3 convolutions "
      "with batch norm, plus the shortcut",
      {.size = 12, .colour = colour::muted});
  return svg.save(output_path(argc, argv, "resnet18-stages.svg"));
}
