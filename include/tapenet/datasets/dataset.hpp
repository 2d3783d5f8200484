#pragma once
// A dataset is anything with size() and get(index, generator) returning an Example {input, label},
// like a torch.utils.data.Dataset. LabelledImages is the one CIFAR-10 and Fashion-MNIST share:
// images held in memory as bytes, a transform applied to each one as it is fetched.
#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tapenet/core/error.hpp"
#include "tapenet/core/random.hpp"
#include "tapenet/io/image.hpp"
#include "tapenet/transforms/transforms.hpp"

namespace tapenet::datasets {

using io::Image;

template <class Input>
struct Example {
  Input input;
  std::int64_t label = 0;
};

template <class D>
concept Dataset = requires(const D& dataset, std::int64_t index, Generator& generator) {
  { dataset.size() } -> std::convertible_to<std::int64_t>;
  { dataset.get(index, generator).label } -> std::convertible_to<std::int64_t>;
};

// Equally sized images, stored one after another as HWC bytes, with a label each.
struct ImageSet {
  std::int64_t height = 0, width = 0, channels = 0;
  std::vector<std::uint8_t> pixels;
  std::vector<std::int64_t> labels;
  std::vector<std::string> classes;

  std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
  Image image(std::int64_t index) const {
    const std::int64_t bytes = height * width * channels;
    auto first = pixels.begin() + index * bytes;
    return {height, width, channels, std::vector<std::uint8_t>(first, first + bytes)};
  }
};

template <class Transform = transforms::Identity>
class LabelledImages {
 public:
  LabelledImages(std::shared_ptr<const ImageSet> images, Transform transform)
      : images_(std::move(images)), transform_(std::move(transform)) {}

  std::int64_t size() const { return images_->size(); }
  const std::vector<std::string>& classes() const { return images_->classes; }
  const std::vector<std::int64_t>& targets() const { return images_->labels; }
  const ImageSet& images() const { return *images_; }
  const Transform& transform() const { return transform_; }

  // The index-th image, transformed, and its label. Random transforms draw from `generator`.
  auto get(std::int64_t index, Generator& generator = default_generator()) const {
    if (index < 0 || index >= size())
      fail("dataset index ", index, " is out of range for a dataset of ", count(size(), "example"));
    using Input = decltype(transforms::apply(transform_, images_->image(index), generator));
    return Example<Input>{transforms::apply(transform_, images_->image(index), generator),
                          images_->labels[static_cast<std::size_t>(index)]};
  }
  auto operator[](std::int64_t index) const { return get(index); }

 private:
  std::shared_ptr<const ImageSet> images_;  // shared: copies of a dataset are cheap
  Transform transform_;
};

}  // namespace tapenet::datasets
