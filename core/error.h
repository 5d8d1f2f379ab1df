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

// The user's call (e.g. "take_along_axis") whose node a shapeless compile
// replay is working out shapes for, or null: compile.cpp sets it around each
// node, and a "[compile] ..." failure meanwhile names it. It lives here so
// that every throw site sees it without a typed catch clause rewriting the
// message, which core code can't use (the threaded build's landing pads, see
// the Makefile's MT_EH_FIX note).
inline thread_local const char* shapeless_origin = nullptr;

template <typename... Args>
[[noreturn]] void fail(const char* op, Args&&... args) {
  std::string msg = "[";
  msg += op;
  msg += "] ";
  (detail::append(msg, args), ...);
  if (shapeless_origin && std::string_view(op) == "compile") {
    std::string rest = msg.substr(msg.find("] ") + 2);
    if (rest.rfind("shapeless: ", 0) == 0) rest = rest.substr(11);
    msg = std::string("[compile] shapeless: in ") + shapeless_origin + ": " + rest;
  }
  throw std::invalid_argument(msg);
}

}  // namespace wmx
