// Writes a CIFAR-10 archive of 15 training and 3 test images (random pixels) to the path given,
// so the tutorial programs can be run end to end in seconds: make_tiny_cifar OUT.tar.gz
#include <iostream>

#include "support/files.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_tiny_cifar OUT.tar.gz\n";
    return 1;
  }
  std::filesystem::create_directories(std::filesystem::path(argv[1]).parent_path());
  tapenet::testing::write_bytes(argv[1], tapenet::testing::small_cifar_archive(3));
}
