// mx.linalg (MLX's mlx/linalg.h): norms, factorizations, inverses and solves
// of the last two axes, batched over the leading ones. float32 and float64;
// the factorizations run on the CPU (core/primitives/linalg_decomp.h), and
// errors have MLX's messages, tagged "[linalg.name]" (MLX: "[linalg::name]").
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "array.h"

namespace wmx::linalg {

// norm with no ord: the 2-norm of the flattened array (axis absent) or
// along one axis, the Frobenius norm over two.
array norm(const array& a, const std::optional<std::vector<int>>& axis, bool keepdims);
// A numeric ord: vector norms (one axis: 0, 1, 2, +-inf, any p) or matrix
// norms (two axes: 1, -1, 2, -2, +-inf). Without axis: the vector norm of a
// 1-D array or the matrix norm of a 2-D one.
array norm(const array& a, double ord, const std::optional<std::vector<int>>& axis, bool keepdims);
// ord "fro" (or "f") or "nuc", of two axes.
array norm(const array& a, const std::string& ord, const std::optional<std::vector<int>>& axis, bool keepdims);

// (Q, R) with Q m x k orthonormal columns and R k x n upper, k = min(m, n).
std::vector<array> qr(const array& a);
// (U, S, Vt) with A = U diag(S) Vt, or just S.
std::vector<array> svd(const array& a, bool compute_uv = true);
array inv(const array& a);
array tri_inv(const array& a, bool upper = false);
array pinv(const array& a);
array cholesky(const array& a, bool upper = false);
// The inverse of A = L L^T (or U^T U) from its Cholesky factor.
array cholesky_inv(const array& l, bool upper = false);
// (row indices P, L, U) with A = L[P] U.
std::vector<array> lu(const array& a);
// (LU, pivots): getrf's packed factors and 0-based row swaps (uint32).
std::vector<array> lu_factor(const array& a);
array solve(const array& a, const array& b);
array solve_triangular(const array& a, const array& b, bool upper = false);
// (eigenvalues ascending, eigenvectors as columns) of a symmetric matrix,
// reading the lower ("L") or upper ("U") triangle.
std::vector<array> eigh(const array& a, const std::string& uplo = "L");
array eigvalsh(const array& a, const std::string& uplo = "L");
// (eigenvalues, eigenvectors as columns) of a general square matrix, complex64
// (core/primitives/complex.h); no gradient, as in MLX.
std::vector<array> eig(const array& a);
array eigvals(const array& a);
array cross(const array& a, const array& b, int axis = -1);
// Determinant, and (sign, log|det|): closed forms up to 3 x 3 (differentiable),
// LU beyond. Integer inputs are promoted to float32.
array det(const array& a);
std::vector<array> slogdet(const array& a);

}  // namespace wmx::linalg
