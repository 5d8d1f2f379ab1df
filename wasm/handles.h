// The handle table shared by every file of the C ABI: JS holds int32 handles,
// this table holds the arrays. Also the exception guard every export uses.
#pragma once
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "allocator.h"
#include "array.h"

// Stores an array and returns its new handle.
int32_t wmx_put(wmx::array a);
// The array behind a handle; throws "[webmx] Invalid array handle ..." for a released one.
const wmx::array& wmx_get(int32_t h);
// Replaces the array behind a live handle (same values, e.g. a contiguous copy).
void wmx_replace(int32_t h, wmx::array a);
// Frees a handle's slot.
void wmx_drop(int32_t h);

// The message of the last failed call (read by JS through wmx_last_error).
void wmx_set_error(std::string message);
const std::string& wmx_error();
// Handles currently held by JS.
int32_t wmx_live_count();

// Runs f, turning a C++ exception into (error text, `on_error` return value).
template <typename R, typename F>
R guard(R on_error, F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {  // a container or node the allocator didn't make
    wmx_set_error(std::string("[malloc] Unable to allocate memory: ") + wmx::allocator::kOutOfMemoryAdvice);
  } catch (const std::exception& e) {
    wmx_set_error(e.what());
  } catch (...) {
    wmx_set_error("[webmx] Unknown internal error.");
  }
  return on_error;
}

// For exports that return one new array: its handle, or -1 on error.
template <typename F>
int32_t make(F&& f) {
  return guard<int32_t>(-1, [&] { return wmx_put(f()); });
}

inline wmx::Shape read_shape(const int32_t* p, int32_t n) { return wmx::Shape(p, p + n); }
inline std::vector<int> read_ints(const int32_t* p, int32_t n) { return std::vector<int>(p, p + n); }
// The arrays behind n handles.
inline std::vector<wmx::array> read_arrays(const int32_t* hs, int32_t n) {
  std::vector<wmx::array> out;
  out.reserve(size_t(n));
  for (int32_t i = 0; i < n; ++i) out.push_back(wmx_get(hs[i]));
  return out;
}
// An optional axis passed as (axis, has_axis); has_axis == 0 means none.
inline std::optional<int> read_axis(int32_t axis, int32_t has_axis) {
  return has_axis ? std::optional<int>(axis) : std::nullopt;
}
