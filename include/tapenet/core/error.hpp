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

}  // namespace tapenet
