#include "support/backends.hpp"
#include "support/fixtures.hpp"

#include <sstream>

using namespace tapenet;

namespace {
template <class B, class T>
std::string printed(const Tensor<B, T>& t) {
  std::ostringstream out;
  out << t;
  std::string text = out.str();
  for (auto& c : text)
    if (c == '\n') c = '|';  // the fixture file stores newlines as '|'
  return text;
}
}  // namespace

TEST_CASE("tensors print exactly as PyTorch prints them", "[fast][parity]") {
  testing::Fixtures fixtures("print.txt");
  for (std::string name :
       {"decimals", "integers", "scientific_ratio", "scientific_small", "scalar", "wrapped_row",
        "summarized", "summarized_3d", "nonfinite", "nonfinite_integers", "zeros", "three_d",
        "empty", "empty_2d", "large_integers"}) {
    INFO(name);
    CHECK(printed(fixtures.tensor<cpu>(name + ".tensor")) == fixtures.text(name + ".expected"));
  }
  CHECK(printed(fixtures.tensor<cpu, double>("float64.tensor")) ==
        fixtures.text("float64.expected"));
  CHECK(printed(fixtures.tensor<cpu, std::int64_t>("int64.tensor")) ==
        fixtures.text("int64.expected"));
}

TEST_CASE("tensors on another backend print their device", "[fast]") {
  auto t = Tensor<thrust_omp>::from({2}, {1.5f, -2.0f});
  CHECK(printed(t) == "tensor([ 1.5000, -2.0000], device='thrust_omp')");
}
