// The complex64 primitives. Every other complex op is built from these and
// real float32 ops (core/complex_ops.cpp), so the templated real kernels are
// never instantiated for complex64:
//   - MakeComplex(re, im): two float32 arrays of one shape -> complex64;
//   - Real, Imag: complex64 -> its float32 parts;
//   - FFT: the unscaled discrete Fourier transform of complex64 along one
//     axis (inverse: the conjugate transform, without the 1/n);
//   - Eig: eigenvalues (and eigenvectors) of real square matrices, complex64
//     (mx.linalg.eig / eigvals; no gradient, as in MLX).
// Gradients follow MLX's convention: the cotangent of a complex value is
// dL/d(re) + i dL/d(im).
#pragma once
#include "primitive.h"

namespace wmx {

class MakeComplex : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  const char* name() const override { return "MakeComplex"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const MakeComplex*>(&o); }
};

// Real (imag = false) or imaginary (imag = true) part.
class ComplexPart : public Primitive {
 public:
  explicit ComplexPart(bool imag) : imag_(imag) {}
  WMX_ACCEPTS_COMPLEX
  const char* name() const override { return imag_ ? "Imag" : "Real"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override {
    auto p = dynamic_cast<const ComplexPart*>(&o);
    return p && p->imag_ == imag_;
  }
  PrimitiveState state() const override { return {{"imag", imag_}}; }

 private:
  bool imag_;
};

class FFT : public Primitive {
 public:
  FFT(int axis, bool inverse) : axis_(axis), inverse_(inverse) {}
  WMX_ACCEPTS_COMPLEX
  const char* name() const override { return "FFT"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override {
    auto p = dynamic_cast<const FFT*>(&o);
    return p && p->axis_ == axis_ && p->inverse_ == inverse_;
  }
  PrimitiveState state() const override { return {{"axis", int64_t(axis_)}, {"inverse", inverse_}}; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override { return {inputs[0]}; }

 private:
  int axis_;
  bool inverse_;
};

// Outputs: eigenvalues (..., n), and with `vectors` the eigenvectors as
// columns (..., n, n); batched over the leading axes.
class Eig : public Primitive {
 public:
  explicit Eig(bool vectors) : vectors_(vectors) {}
  WMX_ACCEPTS_COMPLEX
  const char* name() const override { return "Eig"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  bool is_equivalent(const Primitive& o) const override {
    auto p = dynamic_cast<const Eig*>(&o);
    return p && p->vectors_ == vectors_;
  }
  PrimitiveState state() const override { return {{"vectors", vectors_}}; }

 private:
  bool vectors_;
};

}  // namespace wmx
