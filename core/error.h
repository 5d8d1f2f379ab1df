// Errors: every bad input throws std::invalid_argument whose message starts
// with the operation's tag in brackets, e.g. "[matmul] ...". The wasm layer
// turns it into a JS Error with the same text.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace wmx {

// "(2,3)" as MLX prints shapes.
std::string shape_str(const std::vector<int64_t>& shape);

namespace detail {
// Message pieces are appended by hand rather than through <sstream>, which
// would pull iostreams and locales into the wasm binary.
inline void append(std::string& s, std::string_view v) { s += v; }
inline void append(std::string& s, char c) { s += c; }
template <typename T>
  requires std::is_arithmetic_v<T>
void append(std::string& s, T v) {
  s += std::to_string(v);
}
}  // namespace detail

template <typename... Args>
[[noreturn]] void fail(const char* op, Args&&... args) {
  std::string msg = "[";
  msg += op;
  msg += "] ";
  (detail::append(msg, args), ...);
  throw std::invalid_argument(msg);
}

}  // namespace wmx
