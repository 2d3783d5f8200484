#pragma once
// torchvision's transforms. Until ToTensor an example is an Image (HWC bytes, what PIL holds);
// ToTensor makes it a float tensor C×H×W in [0, 1], and Normalize shifts and scales each channel.
// Random transforms draw from the Generator they are given (the DataLoader gives each batch its
// own, seeded from the loader's seed), so augmentation is reproducible.
#include <cmath>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapenet/backend/cpu.hpp"
#include "tapenet/core/error.hpp"
#include "tapenet/core/random.hpp"
#include "tapenet/core/tensor.hpp"
#include "tapenet/data/image.hpp"

namespace tapenet::transforms {

using data::Image;

// Calls transform(input, generator) when the transform is random, transform(input) otherwise.
template <class Transform, class Input>
auto apply(const Transform& transform, Input&& input, Generator& generator) {
  if constexpr (std::is_invocable_v<const Transform&, Input&&, Generator&>)
    return transform(std::forward<Input>(input), generator);
  else
    return transform(std::forward<Input>(input));
}

struct Identity {
  template <class Input>
  Input operator()(Input input) const {
    return input;
  }
};

// Compose(ToTensor(), Normalize(...)): each step's output is the next one's input; the steps are
// a tuple, so the whole chain is one function the compiler can inline.
template <class... Steps>
class Compose {
 public:
  explicit Compose(Steps... steps) : steps_(std::move(steps)...) {}

  template <class Input>
  auto operator()(Input input, Generator& generator) const {
    return run_from<0>(std::move(input), generator);
  }
  template <class Input>
  auto operator()(Input input) const {
    return run_from<0>(std::move(input), default_generator());
  }

 private:
  template <std::size_t I, class Input>
  auto run_from(Input input, Generator& generator) const {
    if constexpr (I == sizeof...(Steps))
      return input;
    else
      return run_from<I + 1>(apply(std::get<I>(steps_), std::move(input), generator), generator);
  }
  std::tuple<Steps...> steps_;
};

// HWC bytes → CHW floats in [0, 1], as torchvision's ToTensor does for a uint8 PIL image.
struct ToTensor {
  Tensor<cpu, float> operator()(const Image& image) const {
    auto tensor = Tensor<cpu, float>::empty({image.channels, image.height, image.width});
    float* out = tensor.data();
    const std::int64_t plane = image.height * image.width;
    for (std::int64_t i = 0; i < plane; ++i)
      for (std::int64_t c = 0; c < image.channels; ++c)
        out[c * plane + i] =
            image.pixels[static_cast<std::size_t>(i * image.channels + c)] / 255.0f;
    return tensor;
  }
};

// (x - mean[c]) / std[c] per channel, in float32 like torchvision. One value applies to all
// channels, as (0.5,) does in PyTorch.
class Normalize {
 public:
  Normalize(std::vector<double> mean, std::vector<double> std)
      : mean_(mean.begin(), mean.end()), std_(std.begin(), std.end()) {
    if (mean_.empty() || mean_.size() != std_.size())
      fail("Normalize: mean has ", mean_.size(), " values and std ", std_.size(),
           ", expected the same non-zero number");
    for (float s : std_)
      if (!(s != 0.0f)) fail("Normalize: std contains ", s, ", expected non-zero values");
  }

  Tensor<cpu, float> operator()(Tensor<cpu, float> tensor) const {
    if (tensor.dim() != 3) fail("Normalize: expected a C×H×W tensor, got shape ", tensor.shape());
    const std::int64_t channels = tensor.size(0), plane = tensor.size(1) * tensor.size(2);
    if (mean_.size() != 1 && static_cast<std::int64_t>(mean_.size()) != channels)
      fail("Normalize: ", mean_.size(), " means for a tensor of ", channels, " channels");
    float* x = tensor.data();
    for (std::int64_t c = 0; c < channels; ++c) {
      const std::size_t k = mean_.size() == 1 ? 0 : static_cast<std::size_t>(c);
      for (std::int64_t i = 0; i < plane; ++i)
        x[c * plane + i] = (x[c * plane + i] - mean_[k]) / std_[k];
    }
    return tensor;
  }

  const std::vector<float>& mean() const { return mean_; }
  const std::vector<float>& std() const { return std_; }

 private:
  std::vector<float> mean_, std_;
};

// Pixels outside the image read as `fill`; the one cropping routine behind CenterCrop,
// RandomCrop and Pad.
inline Image crop(const Image& image, std::int64_t top, std::int64_t left, std::int64_t height,
                  std::int64_t width, std::uint8_t fill = 0) {
  Image out = Image::zeros(height, width, image.channels);
  if (fill) std::fill(out.pixels.begin(), out.pixels.end(), fill);
  for (std::int64_t y = 0; y < height; ++y) {
    const std::int64_t source_y = top + y;
    if (source_y < 0 || source_y >= image.height) continue;
    const std::int64_t x_begin = std::max<std::int64_t>(0, -left);
    const std::int64_t x_end = std::min(width, image.width - left);
    if (x_begin >= x_end) continue;
    std::copy_n(&image.pixels[static_cast<std::size_t>((source_y * image.width + left + x_begin) *
                                                       image.channels)],
                (x_end - x_begin) * image.channels, &out.at(y, x_begin, 0));
  }
  return out;
}

// `padding` pixels of `fill` on every side.
class Pad {
 public:
  explicit Pad(std::int64_t padding, std::uint8_t fill = 0) : padding_(padding), fill_(fill) {
    if (padding < 0) fail("Pad: padding ", padding, " is negative");
  }
  Image operator()(const Image& image) const {
    return crop(image, -padding_, -padding_, image.height + 2 * padding_,
                image.width + 2 * padding_, fill_);
  }

 private:
  std::int64_t padding_;
  std::uint8_t fill_;
};

// The middle height×width pixels, padded with zeros where the image is smaller (torchvision).
class CenterCrop {
 public:
  explicit CenterCrop(std::int64_t size) : CenterCrop(size, size) {}
  CenterCrop(std::int64_t height, std::int64_t width) : height_(height), width_(width) {
    if (height < 1 || width < 1) fail("CenterCrop: size ", height, "x", width, " must be positive");
  }
  Image operator()(const Image& image) const {
    // torchvision rounds (in - out) / 2 half to even, as Python's round() does.
    auto start = [](std::int64_t in, std::int64_t out) {
      if (out > in) return -((out - in) / 2);
      return static_cast<std::int64_t>(std::nearbyint((in - out) / 2.0));
    };
    return crop(image, start(image.height, height_), start(image.width, width_), height_, width_);
  }

 private:
  std::int64_t height_, width_;
};

// Pads by `padding` zeros, then cuts a size×size window at a random position.
class RandomCrop {
 public:
  explicit RandomCrop(std::int64_t size, std::int64_t padding = 0)
      : size_(size), padding_(padding) {
    if (size < 1 || padding < 0)
      fail("RandomCrop: size ", size, " and padding ", padding,
           ", expected size >= 1 and padding >= 0");
  }
  Image operator()(const Image& image, Generator& generator) const {
    const std::int64_t height = image.height + 2 * padding_, width = image.width + 2 * padding_;
    if (height < size_ || width < size_)
      fail("RandomCrop: crop size ", size_, " is larger than the padded image, ", height, "x",
           width);
    const std::int64_t top = random_below(height - size_ + 1, generator);
    const std::int64_t left = random_below(width - size_ + 1, generator);
    return crop(image, top - padding_, left - padding_, size_, size_);
  }

 private:
  static std::int64_t random_below(std::int64_t n, Generator& generator) {
    return static_cast<std::int64_t>(generator.uniform01<double>() * static_cast<double>(n));
  }
  std::int64_t size_, padding_;
};

class RandomHorizontalFlip {
 public:
  explicit RandomHorizontalFlip(double p = 0.5) : p_(p) {
    if (!(p >= 0 && p <= 1)) fail("RandomHorizontalFlip: p = ", p, ", expected 0 <= p <= 1");
  }
  Image operator()(Image image, Generator& generator) const {
    if (!(generator.uniform01<double>() < p_)) return image;
    for (std::int64_t y = 0; y < image.height; ++y)
      for (std::int64_t left = 0, right = image.width - 1; left < right; ++left, --right)
        for (std::int64_t c = 0; c < image.channels; ++c)
          std::swap(image.at(y, left, c), image.at(y, right, c));
    return image;
  }

 private:
  double p_;
};

// Any channel count to RGB, as PIL's convert('RGB'): grey is repeated, alpha dropped.
struct ToRGB {
  Image operator()(const Image& image) const {
    if (image.channels == 3) return image;
    Image out = Image::zeros(image.height, image.width, 3);
    const bool grey = image.channels <= 2;
    for (std::int64_t y = 0; y < image.height; ++y)
      for (std::int64_t x = 0; x < image.width; ++x)
        for (std::int64_t c = 0; c < 3; ++c) out.at(y, x, c) = image.at(y, x, grey ? 0 : c);
    return out;
  }
};

// To grey, as PIL's convert('L') (and torchvision's Grayscale) does: L = R * 299/1000 +
// G * 587/1000 + B * 114/1000 in PIL's fixed point; alpha is dropped, grey stays as it is.
// Grayscale(3) repeats the result in three channels.
class Grayscale {
 public:
  explicit Grayscale(int num_output_channels = 1) : channels_(num_output_channels) {
    if (channels_ != 1 && channels_ != 3)
      fail("Grayscale: num_output_channels ", channels_, ", expected 1 or 3");
  }
  Image operator()(const Image& image) const {
    Image out = Image::zeros(image.height, image.width, channels_);
    for (std::int64_t y = 0; y < image.height; ++y)
      for (std::int64_t x = 0; x < image.width; ++x) {
        std::uint8_t grey = image.at(y, x, 0);
        if (image.channels >= 3)
          grey = static_cast<std::uint8_t>((image.at(y, x, 0) * 19595 + image.at(y, x, 1) * 38470 +
                                            image.at(y, x, 2) * 7471 + 0x8000) >>
                                           16);
        for (std::int64_t c = 0; c < channels_; ++c) out.at(y, x, c) = grey;
      }
    return out;
  }

 private:
  int channels_;
};

namespace detail {

// One pass of PIL's resampling along one axis: output pixel i is a weighted sum of the input
// pixels under a triangle ("bilinear") filter centred on it. When shrinking, the triangle is
// stretched to cover scale input pixels, so every input pixel contributes: that is the
// antialiasing. Weights are fixed-point with 22 fraction bits and results are rounded to bytes
// after each pass, exactly as PIL does, so the output matches it bit for bit.
struct ResampleTaps {
  std::vector<std::int64_t> first;  // per output pixel: first input pixel
  std::vector<std::vector<std::int32_t>> weights;

  ResampleTaps(std::int64_t in_size, std::int64_t out_size) {
    const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
    const double filter_scale = std::max(scale, 1.0);
    const double support = 1.0 * filter_scale;  // the triangle reaches 1 pixel each way
    for (std::int64_t i = 0; i < out_size; ++i) {
      const double center = (static_cast<double>(i) + 0.5) * scale;
      const auto begin =
          std::max<std::int64_t>(static_cast<std::int64_t>(center - support + 0.5), 0);
      const auto end =
          std::min<std::int64_t>(static_cast<std::int64_t>(center + support + 0.5), in_size);
      std::vector<double> w;
      double total = 0;
      for (std::int64_t x = begin; x < end; ++x) {
        double distance = std::abs((static_cast<double>(x) - center + 0.5) * (1.0 / filter_scale));
        w.push_back(distance < 1 ? 1 - distance : 0);
        total += w.back();
      }
      std::vector<std::int32_t> fixed;
      for (double weight : w)  // the filter is never negative, so +0.5 then truncating rounds
        fixed.push_back(
            static_cast<std::int32_t>(0.5 + (total != 0 ? weight / total : 0) * (1 << 22)));
      first.push_back(begin);
      weights.push_back(std::move(fixed));
    }
  }
};

inline std::uint8_t round_fixed_to_byte(std::int64_t sum) {
  return static_cast<std::uint8_t>(std::clamp<std::int64_t>((sum + (1 << 21)) >> 22, 0, 255));
}

}  // namespace detail

// Resize to height×width with antialiased bilinear filtering, as torchvision does for PIL images.
// Resize(size) alone scales the shorter side to `size` and keeps the aspect ratio.
class Resize {
 public:
  explicit Resize(std::int64_t size) : height_(size), width_(-1) { check(size, size); }
  Resize(std::int64_t height, std::int64_t width) : height_(height), width_(width) {
    check(height, width);
  }

  Image operator()(const Image& image) const {
    if (image.height < 1 || image.width < 1)
      fail("Resize: cannot resize an empty ", image.height, "x", image.width, " image");
    auto [height, width] = output_size(image);
    Image out = image;  // PIL resizes the width first, then the height
    if (width != image.width) out = resample(out, width, true);
    if (height != image.height) out = resample(out, height, false);
    return out;
  }

 private:
  static void check(std::int64_t height, std::int64_t width) {
    if (height < 1 || width < 1) fail("Resize: size ", height, "x", width, " must be positive");
  }

  std::pair<std::int64_t, std::int64_t> output_size(const Image& image) const {
    if (width_ > 0) return {height_, width_};
    const std::int64_t shorter = std::min(image.height, image.width);
    const std::int64_t longer = std::max(image.height, image.width);
    const std::int64_t new_longer = height_ * longer / shorter;  // int(size * long / short)
    return image.width <= image.height ? std::pair{new_longer, height_}
                                       : std::pair{height_, new_longer};
  }

  // One pass along the width (or the height) of the image.
  static Image resample(const Image& in, std::int64_t out_size, bool along_width) {
    detail::ResampleTaps taps(along_width ? in.width : in.height, out_size);
    Image out = along_width ? Image::zeros(in.height, out_size, in.channels)
                            : Image::zeros(out_size, in.width, in.channels);
    for (std::int64_t y = 0; y < out.height; ++y)
      for (std::int64_t x = 0; x < out.width; ++x) {
        const auto i = static_cast<std::size_t>(along_width ? x : y);
        const auto& weights = taps.weights[i];
        for (std::int64_t c = 0; c < in.channels; ++c) {
          std::int64_t sum = 0;
          for (std::size_t k = 0; k < weights.size(); ++k) {
            const std::int64_t source = taps.first[i] + static_cast<std::int64_t>(k);
            sum += std::int64_t(weights[k]) *
                   (along_width ? in.at(y, source, c) : in.at(source, x, c));
          }
          out.at(y, x, c) = detail::round_fixed_to_byte(sum);
        }
      }
    return out;
  }

  std::int64_t height_, width_;
};

}  // namespace tapenet::transforms
