// augmented-batch.svg: real CIFAR-10 training images, and what the training program's --augment
// makes of them: RandomCrop(32, padding 4) then RandomHorizontalFlip, tapenet's own transforms.
//   figure_augmented_batch docs/images/augmented-batch.svg [cifar-10-binary.tar.gz]
// The archive: the second argument, else $TAPENET_CIFAR10, else ../shared/data/ beside the
// repository. Without one the program prints "skipped: ..." and exits with 77.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "svg.hpp"
#include "tapenet/datasets/cifar10.hpp"
#include "tapenet/io/image.hpp"
#include "tapenet/transforms/transforms.hpp"

using namespace tapenet;
using namespace figures;
using transforms::Image;

namespace {

constexpr int variants = 4, padding = 4, scale = 3;
const char* window_colours[variants] = {colour::blue, colour::orange, colour::green,
                                        colour::purple};

// The archive named on the command line, or else the first of the usual places that has one.
std::string find_archive(int argc, char** argv) {
  std::vector<std::string> candidates;
  if (argc > 2) {
    candidates.push_back(argv[2]);
  } else {
    if (const char* variable = std::getenv("TAPENET_CIFAR10")) candidates.push_back(variable);
    candidates.push_back(TAPENET_SOURCE_DIR "/../shared/data/cifar-10-binary.tar.gz");
  }
  for (const auto& candidate : candidates)
    if (std::filesystem::is_regular_file(candidate)) return candidate;
  return "";
}

Image mirrored(Image image) {
  return transforms::RandomHorizontalFlip(1.0)(image, default_generator());
}

// Where a crop came from: the window of the padded image it equals, and whether it was flipped.
// Found by comparing with every window, so the figure shows what the transform did, not what we
// think it does.
struct Window {
  int top, left;
  bool flipped;
};
std::optional<Window> find_window(const Image& padded, const Image& crop) {
  for (bool flipped : {false, true}) {
    const Image target = flipped ? mirrored(crop) : crop;
    for (int top = 0; top <= 2 * padding; ++top)
      for (int left = 0; left <= 2 * padding; ++left)
        if (transforms::crop(padded, top, left, 32, 32) == target)
          return Window{top, left, flipped};
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string archive = find_archive(argc, argv);
  if (archive.empty()) {
    std::cout << "skipped: no CIFAR-10 archive (give cifar-10-binary.tar.gz as the second "
                 "argument or in $TAPENET_CIFAR10)\n";
    return 77;
  }
  using namespace transforms;
  const auto augment = Compose(RandomCrop(32, padding), RandomHorizontalFlip());
  datasets::CIFAR10 train_set(archive, {.train = true}, augment);

  // The first training image of four classes the tutorial's test batch shows.
  std::vector<std::int64_t> chosen;
  for (std::int64_t wanted : {3, 8, 0, 6})  // cat, ship, airplane, frog
    for (std::int64_t i = 0; i < train_set.size(); ++i)
      if (train_set.targets()[i] == wanted) {
        chosen.push_back(i);
        break;
      }

  Generator generator(0);
  const double side = 32 * scale, padded_side = (32 + 2 * padding) * scale, row = padded_side + 30;
  const double original_x = 110, padded_x = 226, first_variant_x = 376, variant_step = 106;
  Svg svg(first_variant_x + variants * variant_step, 90 + row * double(chosen.size()),
          "CIFAR-10 training images and their random crops and flips");
  svg.text(20, 26, "Data augmentation: RandomCrop(32, padding = 4), then RandomHorizontalFlip",
           {.size = 15, .bold = true});
  svg.text(20, 46,
           "real CIFAR-10 training images through tapenet's transforms; a new crop and flip "
           "every time an image is drawn",
           {.size = 12, .colour = colour::muted});
  const TextStyle column_head{.size = 12, .anchor = "middle", .colour = colour::muted};
  svg.text(original_x + side / 2, 76, "original", column_head);
  svg.text(padded_x + padded_side / 2, 76, "padded to 40 x 40", column_head);
  svg.text(first_variant_x + (variants * variant_step - 10) / 2, 76,
           "four draws of crop + flip (32 x 32)", column_head);

  for (std::size_t r = 0; r < chosen.size(); ++r) {
    const std::int64_t index = chosen[r];
    const Image original = train_set.images().image(index);
    const Image padded = Pad(padding)(original);
    const double y = 90 + row * double(r);
    svg.begin_group("training image " + std::to_string(index));
    svg.text(20, y + padded_side / 2, train_set.classes()[train_set.targets()[index]],
             {.size = 13, .bold = true});
    svg.text(20, y + padded_side / 2 + 16, "#" + std::to_string(index),
             {.size = 11, .colour = colour::muted});
    const double top = y + padding * scale;  // the 32 x 32 images line up with the padded one's
    svg.png(original_x, top, side, side, io::encode_png(original));
    svg.png(padded_x, y, padded_side, padded_side, io::encode_png(padded));
    for (int v = 0; v < variants; ++v) {
      const Image crop = train_set.get(index, generator).input;
      const auto window = find_window(padded, crop);
      if (!window) {
        std::cerr << "augmented_batch: a crop matches no window of the padded image\n";
        return 1;
      }
      const double x = first_variant_x + v * variant_step;
      svg.png(x, top, side, side, io::encode_png(crop));
      svg.rect(x - 2, top - 2, side + 4, side + 4,
               {.stroke = window_colours[v], .stroke_width = 2});
      svg.rect(padded_x + window->left * scale, y + window->top * scale, side, side,
               {.stroke = window_colours[v], .stroke_width = 1.6, .dash = "5 3"});
      const std::string where = "at (" + std::to_string(window->top) + ", " +
                                std::to_string(window->left) + ")" +
                                (window->flipped ? ", flipped" : "");
      svg.text(x + side / 2, top + side + 16, where,
               {.size = 10, .anchor = "middle", .colour = colour::muted});
    }
    svg.end_group();
  }
  return svg.save(output_path(argc, argv, "augmented-batch.svg"));
}
