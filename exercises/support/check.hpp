#pragma once
// What every exercise's checks share: reading the PyTorch fixtures that
// tools/torch_reference/make_exercise_fixtures.py writes, and comparing numbers with a message
// that says which element differs, what was expected and what came out.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace exercise_check {

// One line of a fixture file: "<case>.<name> <dtype> <rank> <sizes...> <values...>".
struct Fixture {
  std::vector<std::int64_t> dims;
  std::vector<double> values;

  double scalar() const { return values.at(0); }
  std::vector<std::int64_t> integers() const { return {values.begin(), values.end()}; }
};

class Fixtures {
 public:
  // Reads exercises/fixtures/<name>.txt.
  explicit Fixtures(const std::string& name) {
    std::string path = std::string(EXERCISE_FIXTURE_DIR) + "/" + name + ".txt";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open the fixture file " + path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      std::string key, dtype, word;
      int rank = 0;
      words >> key >> dtype >> rank;
      Fixture fixture;
      std::int64_t count = 1;
      for (int d = 0; d < rank; ++d) {
        fixture.dims.push_back(0);
        words >> fixture.dims.back();
        count *= fixture.dims.back();
      }
      // strtod, not operator>> or stod: they refuse "nan", "inf" and subnormal numbers
      while (words >> word) fixture.values.push_back(std::strtod(word.c_str(), nullptr));
      if (static_cast<std::int64_t>(fixture.values.size()) != count)
        throw std::runtime_error("fixture " + key + " in " + path + " is cut short");
      entries_[key] = std::move(fixture);
    }
  }

  const Fixture& operator[](const std::string& key) const {
    auto it = entries_.find(key);
    if (it == entries_.end()) throw std::runtime_error("no fixture named " + key);
    return it->second;
  }

 private:
  std::map<std::string, Fixture> entries_;
};

// "[1, 0, 2]": where flat element i sits in a row-major array of shape dims.
inline std::string index_text(std::size_t i, const std::vector<std::int64_t>& dims) {
  if (dims.empty()) return "";
  std::vector<std::int64_t> index(dims.size());
  for (std::size_t d = dims.size(); d-- > 0;) {
    index[d] = static_cast<std::int64_t>(i) % dims[d];
    i /= static_cast<std::size_t>(dims[d]);
  }
  std::ostringstream text;
  text << " [";
  for (std::size_t d = 0; d < index.size(); ++d) text << (d ? ", " : "") << index[d];
  text << "]";
  return text.str();
}

inline bool close(double expected, double got, double rtol, double atol) {
  if (std::isnan(expected)) return std::isnan(got);
  return std::abs(got - expected) <= atol + rtol * std::abs(expected);  // false for nan and inf
}

// One check: `got` must equal `expected` element by element, within atol + rtol * |expected|.
// The failure message names the first element that differs and counts the others. Returns
// whether they matched.
inline bool check_close(const std::string& what, const std::vector<double>& expected,
                        const std::vector<double>& got, const std::vector<std::int64_t>& dims = {},
                        double rtol = 1e-9, double atol = 1e-12) {
  std::ostringstream message;
  message.precision(10);
  if (got.size() != expected.size()) {
    message << what << ": expected " << expected.size() << " numbers, got " << got.size();
    FAIL_CHECK(message.str());
    return false;
  }
  std::size_t wrong = 0, first = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!close(expected[i], got[i], rtol, atol) && wrong++ == 0) first = i;
  if (wrong == 0) return true;
  message << what << ": element " << first << index_text(first, dims) << " should be "
          << expected[first] << " but is " << got[first];
  if (wrong > 1) message << " (" << wrong << " of " << got.size() << " elements are wrong)";
  FAIL_CHECK(message.str());
  return false;
}

inline bool check_close(const std::string& what, double expected, double got, double rtol = 1e-9,
                        double atol = 1e-12) {
  return check_close(what, std::vector<double>{expected}, std::vector<double>{got}, {}, rtol, atol);
}

inline bool check_close(const std::string& what, const Fixture& expected,
                        const std::vector<double>& got, double rtol = 1e-9, double atol = 1e-12) {
  return check_close(what, expected.values, got, expected.dims, rtol, atol);
}

// This exercise's fixtures, exercises/fixtures/EXERCISE_NAME.txt, read once.
inline const Fixtures& fixtures() {
  static const Fixtures loaded(EXERCISE_NAME);
  return loaded;
}

}  // namespace exercise_check
