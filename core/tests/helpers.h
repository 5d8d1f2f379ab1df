// Test helpers: build arrays from literals and read them back as doubles.
#pragma once
#include <cmath>
#include <vector>

#include "array.h"
#include "transforms.h"

namespace wmx::test {

template <typename T>
array make(const std::vector<T>& values, Shape shape) {
  array a = array::empty(std::move(shape), dtype_of<T>::value);
  std::copy(values.begin(), values.end(), a.data<T>());
  return a;
}
inline array f32(const std::vector<float>& v, Shape s) { return make<float>(v, std::move(s)); }

// Evaluates and returns the values in row-major order, converted to double.
inline std::vector<double> values(array a) {
  eval(a);
  std::vector<double> out;
  auto L_shape = a.shape();
  std::vector<int64_t> idx(a.ndim(), 0);
  for (int64_t n = 0; n < a.size(); ++n) {
    int64_t off = 0;
    for (int d = 0; d < a.ndim(); ++d) off += idx[d] * a.strides()[d];
    dispatch_dtype(a.dtype(), [&](auto t) {
      using T = decltype(t);
      out.push_back(double(compute_t<T>(a.data<T>()[off])));
    });
    for (int d = a.ndim() - 1; d >= 0; --d) {
      if (++idx[d] < a.shape()[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

}  // namespace wmx::test
