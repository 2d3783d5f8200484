// A ```cpp title="include/..." block in docs/ quotes a header: it must still be in that header,
// line for line (leading spaces aside), or the chapter is describing code that no longer exists.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {
std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string strip(const std::string& line) {
  auto first = line.find_first_not_of(' ');
  return first == std::string::npos ? "" : line.substr(first);
}

std::vector<std::string> stripped_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(strip(line));
  return lines;
}

bool contains_lines(const std::vector<std::string>& haystack,
                    const std::vector<std::string>& needle) {
  if (needle.empty()) return true;
  for (std::size_t start = 0; start + needle.size() <= haystack.size(); ++start)
    if (std::equal(needle.begin(), needle.end(), haystack.begin() + static_cast<long>(start)))
      return true;
  return false;
}
}  // namespace

TEST_CASE("docs: every quoted excerpt still matches its header", "[fast]") {
  const std::filesystem::path root = TAPENET_SOURCE_DIR;
  const std::regex opening(R"re(^```cpp title="([^"]+)"\s*$)re");
  int excerpts = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root / "docs")) {
    if (entry.path().extension() != ".md") continue;
    std::istringstream chapter(read_file(entry.path()));
    std::string line, quoted_file, block;
    bool inside = false;
    for (int number = 1; std::getline(chapter, line); ++number) {
      std::smatch match;
      if (!inside && std::regex_match(line, match, opening)) {
        inside = true;
        quoted_file = match[1];
        block.clear();
      } else if (inside && line.rfind("```", 0) == 0) {
        inside = false;
        ++excerpts;
        INFO(entry.path().filename().string() << " line " << number << " quotes " << quoted_file);
        REQUIRE(std::filesystem::exists(root / quoted_file));
        CHECK(contains_lines(stripped_lines(read_file(root / quoted_file)), stripped_lines(block)));
      } else if (inside) {
        block += line + "\n";
      }
    }
  }
  CHECK(excerpts > 0);
}
