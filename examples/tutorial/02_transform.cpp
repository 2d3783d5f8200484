// Tutorial step 2: the transform every image goes through.
//   transform = transforms.Compose([transforms.ToTensor(),
//                                   transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
// ToTensor turns 32×32 RGB bytes into a 3×32×32 tensor in [0, 1]; Normalize maps it to [-1, 1].
#include <algorithm>
#include <iostream>

#include "tapenet/data.hpp"

using namespace tapenet;

int main() {
  auto transform = transforms::Compose(transforms::ToTensor(),
                                       transforms::Normalize({0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}));

  io::Image image = io::Image::zeros(32, 32, 3);  // a red-to-black gradient, blue at 255
  for (std::int64_t y = 0; y < 32; ++y)
    for (std::int64_t x = 0; x < 32; ++x) {
      image.at(y, x, 0) = static_cast<std::uint8_t>(255 - 8 * x);
      image.at(y, x, 2) = 255;
    }
  Tensor<cpu> tensor = transform(image);
  auto values = tensor.to_vector();
  std::cout << "image " << image.height << "x" << image.width << "x" << image.channels
            << " bytes -> tensor " << tensor.shape() << ", values in ["
            << *std::min_element(values.begin(), values.end()) << ", "
            << *std::max_element(values.begin(), values.end()) << "]\n";
}
