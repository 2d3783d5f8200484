#pragma once
// Reads the files tools/torch_reference/make_fixtures.py writes with the real PyTorch.
#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tapenet/tapenet.hpp"

namespace tapenet::testing {

class Fixtures {
 public:
  explicit Fixtures(const std::string& file_name) {
    std::string path = std::string(TAPENET_FIXTURE_DIR) + "/" + file_name;
    std::ifstream in(path);
    if (!in) fail("fixtures: cannot open ", path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto space = line.find(' ');
      lines_[line.substr(0, space)] = line.substr(space + 1);
    }
  }

  bool has(const std::string& name) const { return lines_.count(name) > 0; }

  const std::string& text(const std::string& name) const {
    auto it = lines_.find(name);
    if (it == lines_.end()) fail("fixtures: no entry named ", name);
    return it->second;
  }

  template <Backend B, class T = float>
  Tensor<B, T> tensor(const std::string& name) const {
    std::istringstream in(text(name));
    std::string dtype;
    int rank = 0;
    in >> dtype >> rank;
    std::vector<std::int64_t> dims(static_cast<std::size_t>(rank));
    for (auto& d : dims) in >> d;
    Shape shape(dims);
    std::vector<T> values(static_cast<std::size_t>(shape.numel()));
    for (auto& v : values) {
      std::string word;  // "nan" and "inf" are not read by operator>> for double
      in >> word;
      v = static_cast<T>(std::stod(word));
    }
    if (!in) fail("fixtures: entry ", name, " is cut short");
    return Tensor<B, T>::from(shape, values);
  }

 private:
  std::map<std::string, std::string> lines_;
};

}  // namespace tapenet::testing
