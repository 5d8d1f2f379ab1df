// Dense linear-algebra routines for mx.linalg's CPU kernels. Each works on one
// matrix in float64, row-major and contiguous (the primitives widen float32
// inputs and narrow the results), so that float32 results keep their digits.
#pragma once
#include <cstdint>

namespace wmx::lin {

// LU with partial pivoting of the m x n matrix `a`, in place (unit lower L
// below the diagonal, U on and above it, as LAPACK's getrf). piv[k] (k <
// min(m, n)) is the row swapped with row k at step k. Returns 0, or 1 + the
// first column whose pivot is exactly zero (the factorization goes on, as
// getrf's does).
int lu_factor(double* a, int m, int n, int* piv);

// The inverse of the n x n matrix `a`, in place. Returns what lu_factor
// returned: nonzero means the matrix is singular and `a` is left undefined.
int inverse(double* a, int n);

// The inverse of the lower (or upper) triangle of `a`, in place; the other
// triangle is zeroed and never read. Returns 0, or 1 + the first zero
// diagonal entry (singular).
int tri_inverse(double* a, int n, bool upper);

// Cholesky factor of the symmetric positive-definite `a`, in place: lower L
// with a = L L^T reading only the lower triangle, or upper U with a = U^T U
// reading only the upper one; the other triangle is zeroed. A matrix that is
// not positive definite gets NaNs from the first failing column on.
void cholesky(double* a, int n, bool upper);

// Householder QR of the m x n matrix `a`: q is m x k, r is k x n, k = min(m, n),
// with LAPACK's sign convention (r's diagonal may be negative).
void qr(const double* a, int m, int n, double* q, double* r);

// Singular values (descending, min(m, n) of them) of the m x n matrix `a`, by
// one-sided Jacobi. u (m x m) and vt (n x n) are written when not null.
void svd(const double* a, int m, int n, double* s, double* u, double* vt);

// Eigenvalues (ascending) of the symmetric n x n matrix `a`, by cyclic Jacobi;
// reads only the lower (or upper) triangle. When v is not null, its columns
// are the eigenvectors (n x n).
void eigh(const double* a, int n, bool upper, double* w, double* v);

}  // namespace wmx::lin
