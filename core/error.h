// Errors: every bad input throws std::invalid_argument whose message starts
// with the operation's tag in brackets, e.g. "[matmul] ...". The wasm layer
// turns it into a JS Error with the same text.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace wmx {

// "(2,3)" as MLX prints shapes.
std::string shape_str(const std::vector<int64_t>& shape);

template <typename... Args>
[[noreturn]] void fail(const char* op, Args&&... args) {
  std::ostringstream os;
  os << '[' << op << "] ";
  (os << ... << args);
  throw std::invalid_argument(os.str());
}

}  // namespace wmx
