// gpu-grid.svg: how a CUDA kernel's threads cover an array. A grid of 3 blocks of 64 threads;
// each block runs as warps of 32 threads; thread threadIdx.x of block blockIdx.x handles element
// blockIdx.x * blockDim.x + threadIdx.x. Below, a close-up contrasts coalesced reads (neighbouring
// threads, neighbouring addresses) with strided ones.
//   figure_gpu_grid docs/images/gpu-grid.svg
#include <string>

#include "svg.hpp"

using namespace figures;

namespace {

constexpr int blocks = 3, block_dim = 64, warp = 32, elements = blocks * block_dim;
const char* block_fill[blocks] = {colour::light_blue, colour::light_orange, colour::light_green};
const char* block_stroke[blocks] = {colour::blue, colour::orange, colour::green};

std::string text(int n) { return std::to_string(n); }

}  // namespace

int main(int argc, char** argv) {
  Svg svg(780, 596, "A CUDA grid of blocks of threads, mapped onto an array");
  svg.text(20, 26, "A grid of 3 blocks x 64 threads covers an array of 192 floats",
           {.size = 15, .bold = true});
  svg.text(20, 46,
           "kernel<<<3, 64>>>(a): a grid of 3 blocks (gridDim.x) of 64 threads (blockDim.x)",
           {.size = 12, .colour = colour::muted});
  svg.text(
      20, 64,
      "thread threadIdx.x of block blockIdx.x handles a[blockIdx.x * blockDim.x + threadIdx.x]",
      {.size = 12, .monospace = true});

  const double left = 70, unit = 3.6, threads_y = 118, bar = 26, array_y = 208;
  auto x_of = [&](int element) { return left + element * unit; };

  svg.begin_group("the grid: blocks, each made of warps");
  for (int b = 0; b < blocks; ++b) {
    const double x = x_of(b * block_dim), w = block_dim * unit;
    svg.text(x + w / 2, threads_y - 22, "block " + text(b),
             {.size = 13, .anchor = "middle", .colour = block_stroke[b], .bold = true});
    svg.text(x + w / 2, threads_y - 8, "blockIdx.x = " + text(b),
             {.size = 10, .anchor = "middle", .colour = colour::muted, .monospace = true});
    for (int wp = 0; wp < block_dim / warp; ++wp) {
      const double wx = x + wp * warp * unit;
      svg.rect(wx, threads_y, warp * unit, bar,
               {.fill = block_fill[b], .stroke = block_stroke[b], .stroke_width = 1});
      for (int t = 1; t < warp; ++t)  // one thin tick per thread
        svg.line(wx + t * unit, threads_y + bar - 6, wx + t * unit, threads_y + bar,
                 {.stroke = block_stroke[b], .stroke_width = 0.5});
      svg.centred_text(wx, threads_y, warp * unit, bar - 6, "warp " + text(wp), {.size = 10});
    }
  }
  svg.text(left - 8, threads_y + bar / 2 + 4, "threads",
           {.size = 11, .anchor = "end", .colour = colour::muted});
  svg.end_group();

  svg.begin_group("the array, one element per thread");
  for (int b = 0; b < blocks; ++b) {
    svg.rect(x_of(b * block_dim), array_y, block_dim * unit, bar,
             {.fill = block_fill[b], .stroke = colour::ink, .stroke_width = 1});
    for (int i = 1; i < block_dim; ++i)
      svg.line(x_of(b * block_dim + i), array_y, x_of(b * block_dim + i), array_y + bar,
               {.stroke = colour::muted, .stroke_width = 0.3});
  }
  for (int i : {0, 64, 128, 191})
    svg.text(x_of(i) + unit / 2, array_y + bar + 14, text(i),
             {.size = 11, .anchor = "middle", .colour = colour::muted});
  svg.text(left - 8, array_y + bar / 2 + 4, "a[ ]",
           {.size = 11, .anchor = "end", .colour = colour::muted});
  for (int i = 0; i < elements; i += 8)  // a sample of the thread -> element arrows
    svg.line(x_of(i) + unit / 2, threads_y + bar + 2, x_of(i) + unit / 2, array_y - 2,
             {.stroke = colour::muted, .stroke_width = 0.6});
  svg.end_group();

  // The close-up: threads 0..7 of block 1 and the elements they read.
  const int zoom_threads = 8, first = block_dim;  // block 1 starts at element 64
  const double zoom_y = 340, cell = 38, mem_y = 440;
  svg.begin_group("the close-up frame");
  svg.rect(x_of(first) - 1, threads_y - 2, zoom_threads * unit + 2, bar + 4,
           {.stroke = colour::ink, .stroke_width = 1.4});
  svg.line(x_of(first), threads_y + bar + 2, 24, zoom_y - 66,
           {.stroke = colour::muted, .stroke_width = 0.8, .dash = "3 3"});
  svg.line(x_of(first + zoom_threads), threads_y + bar + 2, 756, zoom_y - 66,
           {.stroke = colour::muted, .stroke_width = 0.8, .dash = "3 3"});
  svg.rect(24, zoom_y - 66, 732, mem_y - zoom_y + 180,
           {.stroke = colour::ink, .stroke_width = 0.8, .corner = 6, .dash = "3 3"});
  svg.end_group();

  // Left: coalesced, thread t reads a[64 + t]. Right: strided, thread t reads a[64 + 2t].
  for (int panel = 0; panel < 2; ++panel) {
    const bool strided = panel == 1;
    const double px = panel == 0 ? 40 : 420, element_w = strided ? cell / 2 : cell;
    svg.begin_group(strided ? "strided reads" : "coalesced reads");
    svg.text(px, zoom_y - 40,
             strided ? "strided: thread t reads a[64 + 2t]" : "coalesced: thread t reads a[64 + t]",
             {.size = 13, .colour = strided ? colour::purple : colour::ink, .bold = true});
    for (int t = 0; t < zoom_threads; ++t) {
      const double x = px + t * cell;
      svg.rect(x, zoom_y, cell, bar,
               {.fill = colour::light_orange, .stroke = colour::orange, .stroke_width = 1});
      svg.centred_text(x, zoom_y, cell, bar, text(t), {.size = 11});
      const int element = strided ? 2 * t : t;
      svg.arrow(x + cell / 2, zoom_y + bar + 2, px + (element + 0.5) * element_w, mem_y - 2,
                strided ? colour::purple : colour::ink, 1.2);
    }
    const int shown = strided ? 2 * zoom_threads : zoom_threads;
    for (int e = 0; e < shown; ++e) {
      const bool read = !strided || e % 2 == 0;
      svg.rect(px + e * element_w, mem_y, element_w, bar,
               {.fill = read ? colour::light_orange : colour::grey,
                .stroke = colour::ink,
                .stroke_width = 0.8});
    }
    svg.text(px, mem_y + bar + 16, "a[64]",
             {.size = 10, .colour = colour::muted, .monospace = true});
    svg.text(px + shown * element_w, mem_y + bar + 16, "a[" + text(first + shown - 1) + "]",
             {.size = 10, .anchor = "end", .colour = colour::muted, .monospace = true});
    svg.text(px, zoom_y - 8, "threads 0-7 of warp 0, block 1",
             {.size = 11, .colour = colour::muted});
    svg.text(px, mem_y + bar + 36,
             strided ? "addresses 8 bytes apart: the warp's 32 reads"
                     : "addresses 4 bytes apart: the warp's 32 reads",
             {.size = 12});
    svg.text(px, mem_y + bar + 52,
             strided ? "span 256 bytes: eight 32-byte sectors,"
                     : "are one 128-byte line: four 32-byte sectors,",
             {.size = 12});
    svg.text(px, mem_y + bar + 68,
             strided ? "twice the traffic, half of it wasted" : "every byte of them used",
             {.size = 12});
    svg.end_group();
  }
  svg.text(
      20, 580,
      "A warp's 32 threads execute each instruction together; their 32 loads are combined when "
      "the addresses are consecutive.",
      {.size = 12, .colour = colour::muted});
  return svg.save(output_path(argc, argv, "gpu-grid.svg"));
}
