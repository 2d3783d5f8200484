#include "support/backends.hpp"
#include "support/fixtures.hpp"

using namespace tapenet;
using tapenet::testing::require_close;

TEMPLATE_TEST_CASE("Tensor factories fill every element", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  CHECK(Tensor<B>::zeros({2, 3}).to_vector() == std::vector<float>(6, 0.0f));
  CHECK(Tensor<B>::ones({4}).to_vector() == std::vector<float>(4, 1.0f));
  CHECK(Tensor<B, double>::full({2, 2}, 2.5).to_vector() == std::vector<double>(4, 2.5));
  auto t = Tensor<B>::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(t.shape() == Shape{2, 3});
  CHECK(t.at({1, 0}) == 4.0f);
  CHECK(t.at({0, 2}) == 3.0f);
  t.set({1, 2}, -1.0f);
  CHECK(t.to_vector() == std::vector<float>{1, 2, 3, 4, 5, -1});
  CHECK(Tensor<B, std::int64_t>::from({3}, {7, -2, 9}).at({1}) == -2);
  CHECK(Tensor<B>::full({1, 1}, 4.0f).item() == 4.0f);
}

TEMPLATE_TEST_CASE("Tensor copies share memory, clones do not", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  auto a = Tensor<B>::zeros({3});
  auto shared = a;
  auto cloned = a.clone();
  a.set({0}, 5.0f);
  CHECK(shared.at({0}) == 5.0f);
  CHECK(cloned.at({0}) == 0.0f);
  CHECK(a.use_count() == 2);
}

TEMPLATE_TEST_CASE("reshape views the same data, inferring one -1", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  auto t = Tensor<B>::from({2, 3}, {1, 2, 3, 4, 5, 6});
  auto r = t.reshape({3, -1});
  CHECK(r.shape() == Shape{3, 2});
  CHECK(r.at({2, 1}) == 6.0f);
  CHECK_THROWS_WITH(t.reshape({4, -1}), Catch::Contains("[2, 3]") && Catch::Contains("[4, -1]"));
  CHECK_THROWS_WITH(t.reshape({-1, -1}), Catch::Contains("only one size may be -1"));
}

TEMPLATE_TEST_CASE("bad element access and bad host data are clear errors", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  auto t = Tensor<B>::zeros({2, 3});
  CHECK_THROWS_WITH(t.at({2, 0}), Catch::Contains("index 2") && Catch::Contains("[2, 3]"));
  CHECK_THROWS_WITH(t.at({0}), Catch::Contains("needs 2 indices"));
  CHECK_THROWS_WITH(t.item(), Catch::Contains("6 elements"));
  CHECK_THROWS_WITH(Tensor<B>::from({2, 2}, {1, 2, 3}), Catch::Contains("3 values"));
  CHECK_THROWS_AS(t.at({0, -1}), Error);
  // a count of one is singular
  auto v = Tensor<B>::zeros({1});
  CHECK_THROWS_WITH(v.at({0, 0}), "at(): tensor of shape [1] needs 1 index, got 2");
  CHECK_THROWS_WITH(Tensor<B>::from({1}, {1, 2}),
                    "Tensor::from: shape [1] holds 1 element but 2 values were given");
  CHECK_THROWS_WITH(Tensor<B>::from({2}, {1}),
                    "Tensor::from: shape [2] holds 2 elements but 1 value was given");
  CHECK_THROWS_WITH(v.reshape({2}), "reshape: cannot view shape [1] (1 element) as [2]");
}

TEST_CASE("count() says 1 channel and 3 channels", "[fast]") {
  CHECK(count(1, "channel") == "1 channel");
  CHECK(count(3, "channel") == "3 channels");
  CHECK(count(0, "channel") == "0 channels");
  CHECK(count(std::size_t(1), "byte") == "1 byte");
  CHECK(count(std::int64_t(-1), "byte") == "-1 bytes");
  CHECK(count(1, "index", "indices") == "1 index");
  CHECK(count(2, "index", "indices") == "2 indices");
}

TEMPLATE_TEST_CASE("randn and uniform give the same stream on every backend", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  Generator on_backend(42), on_cpu(42);
  auto a = Tensor<B>::randn({1000}, on_backend);
  auto b = Tensor<cpu>::randn({1000}, on_cpu);
  CHECK(a.to_vector() == b.to_vector());
  auto u = Tensor<B, double>::uniform({1000}, -2.0, 3.0, on_backend);
  auto v = Tensor<cpu, double>::uniform({1000}, -2.0, 3.0, on_cpu);
  CHECK(u.to_vector() == v.to_vector());

  Generator seed_43(43), seed_42(42);
  CHECK(Tensor<B>::randn({8}, seed_43).to_vector() != Tensor<cpu>::randn({8}, seed_42).to_vector());
}

TEST_CASE("randn has the moments of N(0, 1) and uniform stays within its bounds", "[fast]") {
  Generator generator(7);
  auto values = Tensor<cpu, double>::randn({200000}, generator).to_vector();
  double mean = 0, square = 0;
  for (double v : values) mean += v, square += v * v;
  mean /= values.size();
  double variance = square / values.size() - mean * mean;
  CHECK(std::abs(mean) < 0.01);
  CHECK(std::abs(variance - 1.0) < 0.01);

  auto u = Tensor<cpu>::uniform({100000}, 2.0f, 5.0f, generator).to_vector();
  for (float v : u) REQUIRE((v >= 2.0f && v < 5.0f));
  double u_mean = 0;
  for (float v : u) u_mean += v;
  CHECK(std::abs(u_mean / u.size() - 3.5) < 0.02);
}

TEMPLATE_TEST_CASE("to<Backend>() copies between backends, and is the tensor itself on its own",
                   "[fast]", TAPENET_BACKENDS) {
  auto source = Tensor<cpu>::randn({4, 5});
  auto there = source.template to<TestType>();
  auto back = there.template to<cpu>();
  CHECK(back.to_vector() == source.to_vector());
  there.set({0, 0}, 100.0f);
  const bool same_backend = std::is_same_v<TestType, cpu>;
  CHECK((source.at({0, 0}) == 100.0f) == same_backend);  // like PyTorch: a copy only when it moves
}

TEST_CASE("set_num_threads controls the CPU backend's threads", "[fast]") {
  int before = get_num_threads();
  set_num_threads(1);
  CHECK(get_num_threads() == 1);
  CHECK(Eigen::nbThreads() == 1);
  set_num_threads(before);
  CHECK(get_num_threads() == before);
  CHECK_THROWS_WITH(set_num_threads(0), Catch::Contains("got 0"));
}

TEMPLATE_TEST_CASE("Tensor maths matches PyTorch", "[fast]", TAPENET_BACKENDS) {
  using B = TestType;
  tapenet::testing::Fixtures fixtures("maths.txt");
  auto in = [&](const std::string& name) { return fixtures.tensor<B>(name); };
  auto a = [&](const std::string& c) { return in(c + ".a"); };
  auto b = [&](const std::string& c) { return in(c + ".b"); };
  auto expect = [&](const std::string& c, const Tensor<B>& actual) {
    INFO(c);
    require_close(actual, in(c + ".out"));
  };
  expect("add", a("add") + b("add"));
  expect("sub", a("sub") - b("sub"));
  expect("mul", a("mul") * b("mul"));
  expect("div", a("div") / b("div"));
  expect("add_scalar", a("add_scalar") + 2.5);
  expect("scalar_sub", 1 - a("scalar_sub"));
  expect("mul_scalar", a("mul_scalar") * 3);
  expect("scalar_div", 2 / a("scalar_div"));
  expect("neg", -a("neg"));
  expect("exp", exp(a("exp")));
  expect("log", log(a("log")));
  expect("sqrt", sqrt(a("sqrt")));
  expect("sum_dim1", sum(a("sum_dim1"), 1));
  expect("sum_last_keepdim", sum(a("sum_last_keepdim"), -1, true));
  expect("mean_dim0", mean(a("mean_dim0"), 0));
  expect("max_dim2", max(a("max_dim2"), 2));
  expect("softmax_dim1", softmax(a("softmax_dim1"), 1));
  expect("softmax_dim0", softmax(a("softmax_dim0"), 0));
  auto indices = [&](const std::string& name) { return fixtures.tensor<cpu, std::int64_t>(name); };
  CHECK(argmax(a("argmax_dim1"), 1).to_vector() == indices("argmax_dim1.out").to_vector());
  // ties go to the first largest element, and a NaN beats every number
  CHECK(argmax(a("argmax_ties"), 1).to_vector() == indices("argmax_ties.out").to_vector());
  auto largest = max(a("max_ties"), 1).to_vector();
  CHECK((largest[0] == 3 && std::isnan(largest[1]) && largest[2] == -1));
  auto labels = fixtures.tensor<B, std::int64_t>("correct.labels");
  CHECK((argmax(a("correct"), 1) == labels).sum().item() == indices("correct.out").item());
}

TEMPLATE_TEST_CASE("Reductions count dimensions from the end and name a bad one", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  auto x = Tensor<B>::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(sum(x, 0).to_vector() == std::vector<float>{5, 7, 9});
  CHECK(sum(x, -1, true).shape() == Shape{2, 1});
  CHECK(mean(x, -1).to_vector() == std::vector<float>{2, 5});
  CHECK(x.sum().item() == 21);
  CHECK(x.mean().item() == 3.5);
  CHECK(sum(Tensor<B>::zeros({2, 0}), 1).to_vector() == std::vector<float>{0, 0});
  CHECK_THROWS_WITH(sum(x, 2),
                    "sum: dimension 2 is out of range for shape [2, 3] (expected -2 to 1)");
  CHECK_THROWS_WITH(argmax(Tensor<B>::zeros({2, 0}), 1),
                    "argmax: dimension 1 of shape [2, 0] is empty");
}

TEMPLATE_TEST_CASE("unsqueeze and squeeze add and remove dimensions of size 1", "[fast]",
                   TAPENET_BACKENDS) {
  using B = TestType;
  auto row = Tensor<B>::from({3}, {1, 2, 3});
  CHECK(row.unsqueeze(0).shape() == Shape{1, 3});
  CHECK(row.unsqueeze(-1).shape() == Shape{3, 1});
  CHECK(row.unsqueeze(0).unsqueeze(2).squeeze().shape() == Shape{3});
  CHECK(row.unsqueeze(0).squeeze(0).to_vector() == row.to_vector());
  CHECK(row.squeeze(0).shape() == Shape{3});  // size 3: left alone, as in PyTorch
  CHECK_THROWS_WITH(row.unsqueeze(2), "unsqueeze: dimension 2 is out of range for shape [3]");
}
