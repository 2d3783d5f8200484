// batchnorm-axes.svg: which numbers batch normalisation averages. A batch of N = 4 images with
// C = 3 channels of 4 x 4 is drawn as a grid of feature maps, one row per channel: channel c's mean
// and variance are taken over its whole row (every image, every position), while gamma and beta
// hold one learned number per channel.
//   figure_batchnorm_axes docs/images/batchnorm-axes.svg
#include <string>

#include "svg.hpp"

using namespace figures;

namespace {
constexpr int images = 4, channels = 3, side = 4, chosen = 1;  // chosen: the highlighted channel
}

int main(int argc, char** argv) {
  Svg svg(780, 500, "Batch normalisation: one mean and variance per channel");
  svg.text(20, 26, "Batch norm on an N x C x H x W batch: statistics per channel",
           {.size = 15, .bold = true});
  svg.text(20, 46, "N = 4 images, C = 3 channels, H = W = 4; one small square is one number",
           {.size = 12, .colour = colour::muted});

  const double cell = 16, map = side * cell, column = map + 26, row = map + 30;
  const double grid_x = 110, grid_y = 100;
  const TextStyle head{.size = 12, .anchor = "middle", .colour = colour::muted};

  svg.begin_group("the batch: one row per channel, one column per image");
  svg.rect(
      grid_x - 12, grid_y + chosen * row - 10, images * column - 2, map + 20,
      {.fill = colour::light_orange, .stroke = colour::orange, .stroke_width = 1.5, .corner = 8});
  for (int n = 0; n < images; ++n)
    svg.text(grid_x + n * column + map / 2, grid_y - 18, "image " + std::to_string(n), head);
  for (int c = 0; c < channels; ++c) {
    const double y = grid_y + c * row;
    svg.text(grid_x - 24, y + map / 2 + 4, "channel " + std::to_string(c),
             {.size = 12,
              .anchor = "end",
              .colour = c == chosen ? colour::orange : colour::ink,
              .bold = c == chosen});
    for (int n = 0; n < images; ++n)
      for (int i = 0; i < side; ++i)
        for (int j = 0; j < side; ++j)
          svg.rect(grid_x + n * column + j * cell, y + i * cell, cell, cell,
                   {.fill = c == chosen ? colour::orange : colour::paper,
                    .stroke = c == chosen ? colour::paper : colour::muted,
                    .stroke_width = c == chosen ? 1 : 0.6,
                    .opacity = c == chosen ? 0.75 : 1});
  }
  const double grid_bottom = grid_y + channels * row - 30;
  svg.arrow(grid_x, grid_bottom + 14, grid_x + images * column - 26, grid_bottom + 14,
            colour::muted);
  svg.text(grid_x, grid_bottom + 32, "N: the images of the batch",
           {.size = 12, .colour = colour::muted});
  svg.end_group();

  svg.begin_group("per-channel statistics and parameters");
  const double stats_x = grid_x + images * column + 30, box = 54, gap = 12;
  const char* heads[] = {"mean", "variance", "gamma", "beta"};
  const char* symbols[] = {"μ", "σ", "γ", "β"};
  const char* subscripts[] = {"₀", "₁", "₂"};
  for (int k = 0; k < 4; ++k) {
    const double x = stats_x + k * (box + gap);
    const bool learned = k >= 2;
    svg.text(x + box / 2, grid_y - 18, heads[k], head);
    for (int c = 0; c < channels; ++c) {
      const double y = grid_y + c * row + (map - 34) / 2;
      const bool highlighted = c == chosen;
      const char* fill = learned ? (highlighted ? colour::light_blue : colour::paper)
                                 : (highlighted ? colour::light_orange : colour::paper);
      svg.rect(x, y, box, 34,
               {.fill = fill,
                .stroke = learned ? colour::blue : colour::orange,
                .stroke_width = highlighted ? 2.0 : 1.0,
                .corner = 4});
      svg.centred_text(x, y, box, 34, std::string(symbols[k]) + subscripts[c] + (k == 1 ? "²" : ""),
                       {.size = 13, .bold = highlighted});
    }
  }
  const double note_y = grid_y + channels * row - 4;
  svg.text(stats_x, note_y, "from the batch", {.size = 12, .colour = colour::orange});
  svg.text(stats_x + 2 * (box + gap), note_y, "learned, like weights",
           {.size = 12, .colour = colour::blue});
  svg.text(stats_x, note_y + 16, "(running averages", {.size = 11, .colour = colour::muted});
  svg.text(stats_x, note_y + 30, "kept for eval)", {.size = 11, .colour = colour::muted});
  svg.end_group();

  svg.begin_group("the formula for the highlighted channel");
  const double f_y = 440;
  svg.text(20, f_y,
           "μ₁, σ₁²: the mean and variance of the " + std::to_string(images * side * side) +
               " orange numbers (N x H x W = " + std::to_string(images) + " x " +
               std::to_string(side) + " x " + std::to_string(side) + "), all of channel 1",
           {.size = 13});
  svg.text(20, f_y + 24,
           "every number x of channel 1 becomes   y = γ₁ · (x − μ₁) / √(σ₁² + ε) + β₁",
           {.size = 13});
  svg.text(20, f_y + 46,
           "so BatchNorm2d(C) has 2C learned parameters and 2C running statistics, whatever N, H "
           "and W are",
           {.size = 12, .colour = colour::muted});
  svg.end_group();

  return svg.save(output_path(argc, argv, "batchnorm-axes.svg"));
}
