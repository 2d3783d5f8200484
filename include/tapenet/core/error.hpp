#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace tapenet {

// The one exception type for mistakes a user can make: a bad shape, a bad file, a bad value.
// Its message names the thing, the value it had and what was expected, on one line.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// fail("matmul: inner sizes differ: ", a, " vs ", b) streams its arguments into one message.
template <class... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  std::ostringstream message;
  (message << ... << parts);
  throw Error(message.str());
}

// count(1, "channel") is "1 channel" and count(3, "channel") "3 channels": a message says what a
// person would write. A plural that is not the singular plus "s" is given: count(n, "index",
// "indices").
template <class Number>
std::string count(Number n, const std::string& singular, const std::string& plural = "") {
  std::ostringstream text;
  text << n << ' ' << (n == Number(1) ? singular : plural.empty() ? singular + "s" : plural);
  return text.str();
}

}  // namespace tapenet
