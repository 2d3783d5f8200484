#include <catch2/catch.hpp>

#include "tapenet/core/shape.hpp"

using tapenet::Shape;

TEST_CASE("Shape counts elements and computes row-major strides", "[fast]") {
  Shape shape{2, 3, 4, 5};
  CHECK(shape.rank() == 4);
  CHECK(shape.numel() == 120);
  CHECK(shape.strides() == std::vector<std::int64_t>{60, 20, 5, 1});
  CHECK(shape.str() == "[2, 3, 4, 5]");
  CHECK(Shape{}.numel() == 1);  // a scalar
  CHECK(Shape{3, 0}.numel() == 0);
}

TEST_CASE("Shape rejects negative sizes and too many dimensions", "[fast]") {
  CHECK_THROWS_WITH(Shape({2, -1}), Catch::Contains("[2, -1]") && Catch::Contains("negative"));
  CHECK_THROWS_WITH(Shape({1, 1, 1, 1, 1, 1, 1, 1, 1}), Catch::Contains("rank 9"));
}

TEST_CASE("broadcast_shapes follows NumPy's rules", "[fast]") {
  CHECK(tapenet::broadcast_shapes({4, 5}, {5}) == Shape{4, 5});
  CHECK(tapenet::broadcast_shapes({3, 1}, {1, 4}) == Shape{3, 4});
  CHECK(tapenet::broadcast_shapes({2, 3, 4, 4}, {3, 1, 1}) == Shape{2, 3, 4, 4});
  CHECK(tapenet::broadcast_shapes({}, {2, 2}) == Shape{2, 2});
  CHECK_THROWS_WITH(tapenet::broadcast_shapes({4, 5}, {4}), Catch::Contains("[4, 5]") &&
                                                                Catch::Contains("[4]") &&
                                                                Catch::Contains("5 vs 4"));
}
