// im2col.svg: a 3x3 convolution of a 4x4 image as one matrix product. tapenet's own im2col builds
// the column matrix drawn here, and its conv2d computes the output the product is checked against.
//   figure_im2col docs/images/im2col.svg
#include <functional>
#include <string>
#include <vector>

#include "svg.hpp"
#include "tapenet/ops/conv.hpp"
#include "tapenet/tensor.hpp"

using namespace tapenet;
using namespace figures;

namespace {

constexpr std::int64_t side = 4, k = 3, out_side = side - k + 1;  // padding 0, stride 1
constexpr std::int64_t patch = k * k, positions = out_side * out_side;
constexpr std::int64_t chosen = 1;  // the output position (row 0, column 1) the figure follows

std::string integer(float value) { return std::to_string(static_cast<int>(value)); }

// A rows x cols table of cells; `label(r, c)` is the text, `fill(r, c)` the colour.
void grid(Svg& svg, double x, double y, int rows, int cols, double cell,
          const std::function<std::string(int, int)>& label,
          const std::function<std::string(int, int)>& fill) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      svg.rect(x + c * cell, y + r * cell, cell, cell,
               {.fill = fill(r, c), .stroke = colour::muted, .stroke_width = 0.8});
      svg.centred_text(x + c * cell, y + r * cell, cell, cell, label(r, c), {.size = 12});
    }
}

bool in_chosen_field(int r, int c) {
  const int top = int(chosen / out_side), left = int(chosen % out_side);
  return r >= top && r < top + k && c >= left && c < left + k;
}

}  // namespace

int main(int argc, char** argv) {
  // The image holds 1..16, so every entry of the column matrix says which pixel it came from.
  std::vector<float> pixels(side * side), weights{1, 0, 2, 0, 1, 0, -1, 0, 1};
  for (std::size_t i = 0; i < pixels.size(); ++i) pixels[i] = float(i + 1);
  auto image = Tensor<cpu, float>::from({1, 1, side, side}, pixels);
  auto kernel = Tensor<cpu, float>::from({1, 1, k, k}, weights);

  // tapenet's im2col: a [C*KH*KW, N*OH*OW] matrix, here [9, 4].
  kernels::ConvGeometry g(1, 1, side, side, k, k, 1, 1, 0, 0, 1, 1);
  auto columns = Tensor<cpu, float>::empty({g.patch_size(), g.column_count()});
  kernels::im2col<cpu>(image.data(), columns.data(), g);
  const std::vector<float> cols = columns.to_vector();

  // The product weight_row [1, 9] x columns [9, 4], checked against tapenet's conv2d.
  std::vector<float> product(positions, 0.0f);
  for (std::int64_t p = 0; p < positions; ++p)
    for (std::int64_t r = 0; r < patch; ++r) product[p] += weights[r] * cols[r * positions + p];
  const std::vector<float> convolved =
      conv2d(Var<cpu, float>(image), Var<cpu, float>(kernel), Var<cpu, float>()).data().to_vector();
  if (convolved != product) {
    std::cerr << "im2col: the matrix product differs from conv2d's output\n";
    return 1;
  }

  Svg svg(760, 600, "A 3x3 convolution as a matrix product (im2col)");
  const double cell = 34, small = 30;
  const TextStyle heading{.size = 14, .bold = true}, note{.size = 12, .colour = colour::muted};

  svg.begin_group("the kernel, and the same kernel as one row");
  const double kernel_x = 40, kernel_y = 60;
  svg.text(kernel_x, 30, "kernel w: 3 x 3", heading);
  grid(
      svg, kernel_x, kernel_y, k, k, cell,
      [&](int r, int c) { return integer(weights[r * k + c]); },
      [](int, int) { return colour::light_blue; });
  svg.text(kernel_x, kernel_y + k * cell + 22, "read row by row, it is", note);
  svg.text(kernel_x, kernel_y + k * cell + 38, "the weight row", note);
  svg.end_group();

  svg.begin_group("the input image with the receptive field of output (0, 1)");
  const double input_x = 330, input_y = 60;
  svg.text(input_x, 30, "input x: 1 channel, 4 x 4", heading);
  grid(
      svg, input_x, input_y, side, side, cell,
      [&](int r, int c) { return integer(pixels[r * side + c]); },
      [](int r, int c) { return in_chosen_field(r, c) ? colour::light_orange : colour::paper; });
  svg.rect(input_x + cell, input_y, 3 * cell, 3 * cell,
           {.stroke = colour::orange, .stroke_width = 2.5});
  const TextStyle orange_note{.size = 12, .colour = colour::orange};
  svg.text(input_x + side * cell + 16, input_y + 40, "the 3 x 3 window", orange_note);
  svg.text(input_x + side * cell + 16, input_y + 56, "of output (0, 1),", orange_note);
  svg.text(input_x + side * cell + 16, input_y + 72, "read row by row,", orange_note);
  svg.text(input_x + side * cell + 16, input_y + 88, "is column (0, 1)", orange_note);
  svg.end_group();

  // The product, left to right: weight row [1 x 9] . columns [9 x 4] = output row [1 x 4].
  const double matrix_x = 370, matrix_y = 240, row_y = matrix_y + (patch * small - small) / 2;
  svg.begin_group("weight row");
  const double w_x = 30;
  svg.text(w_x, row_y - 14, "weight row: 1 x 9", heading);
  grid(
      svg, w_x, row_y, 1, int(patch), small, [&](int, int c) { return integer(weights[c]); },
      [](int, int) { return colour::light_blue; });
  svg.text(w_x + patch * small + 20, row_y + small / 2 + 6, "x", {.size = 18, .bold = true});
  svg.arrow(kernel_x + 1.5 * cell, kernel_y + k * cell + 50, kernel_x + 1.5 * cell, row_y - 32,
            colour::blue, 1.6);
  svg.end_group();

  svg.begin_group("the column matrix from im2col");
  for (int p = 0; p < positions; ++p)
    svg.text(
        matrix_x + p * small + small / 2, matrix_y - 8,
        "(" + std::to_string(p / out_side) + "," + std::to_string(p % out_side) + ")",
        {.size = 10, .anchor = "middle", .colour = p == chosen ? colour::orange : colour::muted});
  grid(
      svg, matrix_x, matrix_y, int(patch), int(positions), small,
      [&](int r, int c) { return integer(cols[r * positions + c]); },
      [](int, int c) { return c == chosen ? colour::light_orange : colour::paper; });
  svg.rect(matrix_x + chosen * small, matrix_y, small, patch * small,
           {.stroke = colour::orange, .stroke_width = 2.5});
  const double beside = matrix_x + positions * small + 16;
  svg.text(beside, matrix_y + 4, "columns = im2col(x): 9 x 4", heading);
  svg.text(beside, matrix_y + 22, "one column per output position,", note);
  svg.text(beside, matrix_y + 38, "one row per kernel tap", note);
  svg.arrow(input_x + 2.5 * cell, input_y + side * cell + 4, matrix_x + (chosen + 0.5) * small,
            matrix_y - 22, colour::orange, 1.6);
  svg.end_group();

  svg.begin_group("the output row, and the same numbers as the 2 x 2 output image");
  const double out_x = beside + 40;
  svg.text(beside, row_y + small / 2 + 6, "=", {.size = 18, .bold = true});
  svg.text(out_x, row_y - 14, "output: 1 x 4", heading);
  grid(
      svg, out_x, row_y, 1, int(positions), small, [&](int, int c) { return integer(product[c]); },
      [](int, int c) { return c == chosen ? colour::light_orange : colour::light_green; });
  const double image_x = out_x + 26, image_y = row_y + 90;
  svg.arrow(out_x + positions * small / 2, row_y + small + 6, out_x + positions * small / 2,
            image_y - 8, colour::muted);
  svg.text(image_x + 2 * cell + 12, image_y + cell + 4, "as a 2 x 2", note);
  svg.text(image_x + 2 * cell + 12, image_y + cell + 20, "image", note);
  grid(
      svg, image_x, image_y, int(out_side), int(out_side), cell,
      [&](int r, int c) { return integer(product[r * out_side + c]); },
      [](int r, int c) {
        return r * out_side + c == chosen ? colour::light_orange : colour::light_green;
      });
  svg.end_group();

  svg.begin_group("the arithmetic of the highlighted output");
  std::string sum = "output (0, 1) = ";
  for (int r = 0; r < patch; ++r)
    sum += (r ? " + " : "") + integer(weights[r]) + "*" + integer(cols[r * positions + chosen]);
  sum += " = " + integer(product[chosen]);
  svg.text(30, 562, sum, {.size = 12, .monospace = true});
  svg.text(30, 584,
           "For a batch of N images the columns of all the images sit side by side: "
           "[C*kh*kw, N*Hout*Wout].",
           note);
  svg.end_group();

  return svg.save(output_path(argc, argv, "im2col.svg"));
}
