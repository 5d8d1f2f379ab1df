// The factorization primitives of mx.linalg (core/linalg.h), as MLX's: each
// takes one float32/float64 operand whose last two axes are the matrices and
// computes in float64 (core/backend/cpu/kernels/linalg_kernels.h). Gradients where the
// derivative is well defined (inverse, Cholesky, eigh, SVD); vmap for all.
#pragma once
#include <string>

#include "primitive.h"

namespace wmx {

// Inverse of a square matrix, or of its lower/upper triangle (tri_inv).
class Inverse : public Primitive {
 public:
  Inverse(bool tri, bool upper) : tri_(tri), upper_(upper) {}
  const char* name() const override { return "Inverse"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  PrimitiveState state() const override { return {{"tri", tri_}, {"upper", upper_}}; }
  bool is_equivalent(const Primitive& o) const override;

 private:
  bool tri_, upper_;
};

class Cholesky : public Primitive {
 public:
  explicit Cholesky(bool upper) : upper_(upper) {}
  const char* name() const override { return "Cholesky"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  PrimitiveState state() const override { return {{"upper", upper_}}; }
  bool is_equivalent(const Primitive& o) const override;

 private:
  bool upper_;
};

// Outputs Q and R.
class QRF : public Primitive {
 public:
  const char* name() const override { return "QRF"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const QRF*>(&o); }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
};

// Outputs U, S, Vt, or S alone.
class SVD : public Primitive {
 public:
  explicit SVD(bool compute_uv) : compute_uv_(compute_uv) {}
  const char* name() const override { return "SVD"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  // Through S and the first min(m, n) columns of U and V (the rest complete
  // a basis arbitrarily: their cotangents are ignored, their tangents zero).
  WMX_TRANSFORM_RULES
  PrimitiveState state() const override { return {{"compute_uv", compute_uv_}}; }
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;

 private:
  bool compute_uv_;
};

// Outputs the eigenvalues, and the eigenvectors when asked.
class Eigh : public Primitive {
 public:
  Eigh(std::string uplo, bool vectors) : uplo_(std::move(uplo)), vectors_(vectors) {}
  const char* name() const override { return "Eigh"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  PrimitiveState state() const override { return {{"uplo", uplo_}, {"vectors", vectors_}}; }
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;

 private:
  std::string uplo_;
  bool vectors_;
};

// Outputs the packed LU factors, the pivots and the row indices (uint32).
class LUF : public Primitive {
 public:
  const char* name() const override { return "LUF"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const LUF*>(&o); }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
};

}  // namespace wmx
