// stride-padding.svg: a 3x3 kernel sliding with stride 2 over a 5x5 image padded by 1, and the
// output size formula worked for that case. The size comes from tapenet's ConvGeometry, the
// struct its convolution and pooling kernels use.
//   figure_stride_padding docs/images/stride-padding.svg
#include <string>

#include "svg.hpp"
#include "tapenet/tensor/conv.hpp"

using namespace figures;

namespace {

constexpr int size = 5, pad = 1, k = 3, stride = 2, padded = size + 2 * pad;

struct Highlight {
  int out_row, out_col;
  const char* stroke;
  const char* fill;
};
const Highlight windows[] = {{0, 0, colour::blue, colour::light_blue},
                             {0, 1, colour::orange, colour::light_orange},
                             {1, 0, colour::green, colour::light_green}};

}  // namespace

int main(int argc, char** argv) {
  const tapenet::kernels::ConvGeometry g(1, 1, size, size, k, k, stride, stride, pad, pad, 1, 1);
  const int out = int(g.out_height());

  Svg svg(760, 430, "A 3x3 kernel with stride 2 over a 5x5 image padded by 1");
  const double cell = 40, grid_x = 40, grid_y = 90;
  svg.text(20, 26, "Stride 2 and padding 1: a 3 x 3 kernel over a 5 x 5 image",
           {.size = 15, .bold = true});
  svg.text(20, 46, "grey: the padding, zeros around the image; each window gives one output",
           {.size = 12, .colour = colour::muted});

  svg.begin_group("the padded input");
  for (int r = 0; r < padded; ++r)
    for (int c = 0; c < padded; ++c) {
      const bool padding = r < pad || c < pad || r >= pad + size || c >= pad + size;
      svg.rect(grid_x + c * cell, grid_y + r * cell, cell, cell,
               {.fill = padding ? colour::grey : colour::paper,
                .stroke = colour::faint,
                .stroke_width = 1,
                .dash = padding ? "3 2" : ""});
      if (padding)
        svg.centred_text(grid_x + c * cell, grid_y + r * cell, cell, cell, "0",
                         {.size = 11, .colour = colour::muted});
    }
  svg.rect(grid_x + pad * cell, grid_y + pad * cell, size * cell, size * cell,
           {.stroke = colour::ink, .stroke_width = 1.6});
  svg.text(grid_x + pad * cell, grid_y + padded * cell + 20, "the image: 5 x 5, inside the frame",
           {.size = 12});
  svg.end_group();

  svg.begin_group("three of the windows, and the centre of every window");
  for (const auto& w : windows) {
    const double x = grid_x + w.out_col * stride * cell, y = grid_y + w.out_row * stride * cell;
    svg.rect(x + 3, y + 3, k * cell - 6, k * cell - 6, {.stroke = w.stroke, .stroke_width = 2.5});
  }
  for (int r = 0; r < out; ++r)
    for (int c = 0; c < out; ++c)
      svg.circle(grid_x + (c * stride + 1.5) * cell, grid_y + (r * stride + 1.5) * cell, 4,
                 {.fill = colour::ink, .stroke = "none"});
  svg.arrow(grid_x + 1.5 * cell, grid_y - 14, grid_x + 3.5 * cell, grid_y - 14, colour::orange);
  svg.text(grid_x + 2.5 * cell, grid_y - 22, "stride 2",
           {.size = 12, .anchor = "middle", .colour = colour::orange});
  svg.arrow(grid_x - 14, grid_y + 1.5 * cell, grid_x - 14, grid_y + 3.5 * cell, colour::green);
  svg.text(grid_x - 22, grid_y + 2.5 * cell, "stride 2",
           {.size = 12, .anchor = "middle", .colour = colour::green, .rotate = -90});
  svg.end_group();

  svg.begin_group("the output");
  const double out_x = 420, out_y = 130;
  svg.text(out_x, out_y - 16, "output: " + std::to_string(out) + " x " + std::to_string(out),
           {.size = 14, .bold = true});
  for (int r = 0; r < out; ++r)
    for (int c = 0; c < out; ++c) {
      const char* fill = colour::paper;
      for (const auto& w : windows)
        if (w.out_row == r && w.out_col == c) fill = w.fill;
      svg.rect(out_x + c * cell, out_y + r * cell, cell, cell,
               {.fill = fill, .stroke = colour::muted, .stroke_width = 1});
      svg.circle(out_x + (c + 0.5) * cell, out_y + (r + 0.5) * cell, 4,
                 {.fill = colour::ink, .stroke = "none"});
    }
  svg.text(out_x + out * cell + 14, out_y + 20,
           "one output per dot:", {.size = 12, .colour = colour::muted});
  svg.text(out_x + out * cell + 14, out_y + 36, "the window's centre",
           {.size = 12, .colour = colour::muted});
  svg.end_group();

  svg.begin_group("the size formula, worked");
  const double f_x = 420, f_y = 300;
  const TextStyle maths{.size = 14, .monospace = true};
  svg.text(f_x, f_y, "H_out = floor((H + 2p - k) / s) + 1", maths);
  const int top = size + 2 * pad - k;
  if (top / stride + 1 != out) {
    std::cerr << "stride_padding: the formula disagrees with ConvGeometry\n";
    return 1;
  }
  auto text = [](int n) { return std::to_string(n); };
  svg.text(f_x + 51, f_y + 26,
           "= floor((" + text(size) + " + 2*" + text(pad) + " - " + text(k) + ") / " +
               text(stride) + ") + 1",
           maths);
  svg.text(f_x + 51, f_y + 52,
           "= floor(" + text(top) + " / " + text(stride) + ") + 1 = " + text(out), maths);
  svg.text(f_x, f_y + 84, "H = 5 image, p = 1 padding, k = 3 kernel, s = 2 stride;",
           {.size = 12, .colour = colour::muted});
  svg.text(f_x, f_y + 100, "the same for the width. floor: a window that would",
           {.size = 12, .colour = colour::muted});
  svg.text(f_x, f_y + 116, "stick out past the padding is not used.",
           {.size = 12, .colour = colour::muted});
  svg.end_group();

  return svg.save(output_path(argc, argv, "stride-padding.svg"));
}
