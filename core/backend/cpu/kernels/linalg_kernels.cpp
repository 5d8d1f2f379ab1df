#include "backend/cpu/kernels/linalg_kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

namespace wmx::lin {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr int kMaxSweeps = 100;

double dot(const double* x, const double* y, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += x[i] * y[i];
  return s;
}

// Rotates the rows x, y of length n: x <- c x - s y, y <- s x + c y.
void rotate(double* x, double* y, int n, double c, double s) {
  for (int i = 0; i < n; ++i) {
    const double xi = x[i], yi = y[i];
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
}

// The Jacobi rotation (c, s) that zeroes the off-diagonal entry g of the
// symmetric 2 x 2 matrix [[a, g], [g, b]] when applied as above.
std::pair<double, double> jacobi_rotation(double a, double b, double g) {
  const double zeta = (b - a) / (2 * g);
  const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::fabs(zeta) + std::sqrt(1 + zeta * zeta));
  const double c = 1 / std::sqrt(1 + t * t);
  return {c, c * t};
}

// Rows [0, have) of the n x n row-major `rows` are orthonormal (or marked
// unusable by ok[i] = false); fills every unusable row and rows [have, n)
// with unit vectors orthogonal to all the others (Gram-Schmidt over the
// standard basis, picking the candidate that keeps the most of its norm).
void complete_basis(double* rows, int n, std::vector<bool> ok) {
  ok.resize(n, false);
  std::vector<double> cand(n), best(n);
  for (int r = 0; r < n; ++r) {
    if (ok[r]) continue;
    double best_norm = -1;
    for (int e = 0; e < n; ++e) {
      std::fill(cand.begin(), cand.end(), 0.0);
      cand[e] = 1;
      for (int pass = 0; pass < 2; ++pass)
        for (int j = 0; j < n; ++j) {
          if (!ok[j]) continue;
          const double p = dot(rows + int64_t(j) * n, cand.data(), n);
          for (int i = 0; i < n; ++i) cand[i] -= p * rows[int64_t(j) * n + i];
        }
      const double nrm = std::sqrt(dot(cand.data(), cand.data(), n));
      if (nrm > best_norm) best_norm = nrm, best = cand;
    }
    for (int i = 0; i < n; ++i) rows[int64_t(r) * n + i] = best[i] / best_norm;
    ok[r] = true;
  }
}

// One-sided Jacobi on the k columns (stored as rows of length len in `cols`)
// until they are mutually orthogonal; the same rotations go to the rows of
// `v` (k rows of length k).
void orthogonalize_columns(double* cols, int k, int len, double* v) {
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    bool rotated = false;
    for (int p = 0; p < k - 1; ++p)
      for (int q = p + 1; q < k; ++q) {
        double* x = cols + int64_t(p) * len;
        double* y = cols + int64_t(q) * len;
        const double a = dot(x, x, len), b = dot(y, y, len), g = dot(x, y, len);
        if (g == 0 || std::fabs(g) <= kEps * std::sqrt(a * b)) continue;
        rotated = true;
        auto [c, s] = jacobi_rotation(a, b, g);
        rotate(x, y, len, c, s);
        rotate(v + int64_t(p) * k, v + int64_t(q) * k, k, c, s);
      }
    if (!rotated) return;
  }
}

}  // namespace

int lu_factor(double* a, int m, int n, int* piv) {
  const int k = std::min(m, n);
  int info = 0;
  for (int j = 0; j < k; ++j) {
    int p = j;
    for (int i = j + 1; i < m; ++i)
      if (std::fabs(a[int64_t(i) * n + j]) > std::fabs(a[int64_t(p) * n + j])) p = i;
    piv[j] = p;
    if (p != j) std::swap_ranges(a + int64_t(p) * n, a + int64_t(p) * n + n, a + int64_t(j) * n);
    const double d = a[int64_t(j) * n + j];
    if (d == 0) {
      if (info == 0) info = j + 1;
      continue;
    }
    for (int i = j + 1; i < m; ++i) {
      double* row = a + int64_t(i) * n;
      const double l = row[j] /= d;
      const double* prow = a + int64_t(j) * n;
      for (int c = j + 1; c < n; ++c) row[c] -= l * prow[c];
    }
  }
  return info;
}

int inverse(double* a, int n) {
  std::vector<int> piv(n);
  const int info = lu_factor(a, n, n, piv.data());
  if (info != 0) return info;
  // Solve A X = I column by column: permute, then forward and back substitution.
  std::vector<double> x(int64_t(n) * n, 0.0);
  std::vector<int> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  for (int j = 0; j < n; ++j) std::swap(perm[j], perm[piv[j]]);
  std::vector<double> col(n);
  for (int c = 0; c < n; ++c) {
    for (int i = 0; i < n; ++i) col[i] = perm[i] == c ? 1.0 : 0.0;
    for (int i = 0; i < n; ++i) {
      double s = col[i];
      for (int k = 0; k < i; ++k) s -= a[int64_t(i) * n + k] * col[k];
      col[i] = s;
    }
    for (int i = n - 1; i >= 0; --i) {
      double s = col[i];
      for (int k = i + 1; k < n; ++k) s -= a[int64_t(i) * n + k] * col[k];
      col[i] = s / a[int64_t(i) * n + i];
    }
    for (int i = 0; i < n; ++i) x[int64_t(i) * n + c] = col[i];
  }
  std::copy(x.begin(), x.end(), a);
  return 0;
}

int tri_inverse(double* a, int n, bool upper) {
  // Work on the lower triangle; an upper one is its transpose.
  std::vector<double> l(int64_t(n) * n, 0.0), x(int64_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) l[int64_t(i) * n + j] = upper ? a[int64_t(j) * n + i] : a[int64_t(i) * n + j];
  for (int i = 0; i < n; ++i)
    if (l[int64_t(i) * n + i] == 0) return i + 1;
  for (int j = 0; j < n; ++j) {
    x[int64_t(j) * n + j] = 1 / l[int64_t(j) * n + j];
    for (int i = j + 1; i < n; ++i) {
      double s = 0;
      for (int k = j; k < i; ++k) s += l[int64_t(i) * n + k] * x[int64_t(k) * n + j];
      x[int64_t(i) * n + j] = -s / l[int64_t(i) * n + i];
    }
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) a[int64_t(i) * n + j] = upper ? x[int64_t(j) * n + i] : x[int64_t(i) * n + j];
  return 0;
}

void cholesky(double* a, int n, bool upper) {
  std::vector<double> l(int64_t(n) * n, 0.0);
  auto in = [&](int i, int j) { return upper ? a[int64_t(j) * n + i] : a[int64_t(i) * n + j]; };  // i >= j
  for (int j = 0; j < n; ++j) {
    double d = in(j, j);
    for (int k = 0; k < j; ++k) d -= l[int64_t(j) * n + k] * l[int64_t(j) * n + k];
    // Not positive definite: NaN from here on (std::sqrt of a negative).
    const double ljj = d > 0 ? std::sqrt(d) : std::numeric_limits<double>::quiet_NaN();
    l[int64_t(j) * n + j] = ljj;
    for (int i = j + 1; i < n; ++i) {
      double s = in(i, j);
      for (int k = 0; k < j; ++k) s -= l[int64_t(i) * n + k] * l[int64_t(j) * n + k];
      l[int64_t(i) * n + j] = s / ljj;
    }
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) a[int64_t(i) * n + j] = upper ? l[int64_t(j) * n + i] : l[int64_t(i) * n + j];
}

void qr(const double* a, int m, int n, double* q, double* r) {
  const int k = std::min(m, n);
  std::vector<double> w(a, a + int64_t(m) * n);
  std::vector<double> vs(int64_t(k) * m, 0.0);  // Householder vectors, zero above their step
  for (int j = 0; j < k; ++j) {
    double* v = vs.data() + int64_t(j) * m;
    double tail2 = 0;
    for (int i = j + 1; i < m; ++i) tail2 += w[int64_t(i) * n + j] * w[int64_t(i) * n + j];
    if (tail2 == 0) continue;  // already zero below the diagonal: H = I, as LAPACK's dlarfg
    const double x0 = w[int64_t(j) * n + j];
    const double norm2 = tail2 + x0 * x0;
    const double alpha = x0 >= 0 ? -std::sqrt(norm2) : std::sqrt(norm2);
    for (int i = j; i < m; ++i) v[i] = w[int64_t(i) * n + j];
    v[j] -= alpha;
    const double vn = std::sqrt(dot(v + j, v + j, m - j));
    for (int i = j; i < m; ++i) v[i] /= vn;
    for (int c = j; c < n; ++c) {
      double p = 0;
      for (int i = j; i < m; ++i) p += v[i] * w[int64_t(i) * n + c];
      for (int i = j; i < m; ++i) w[int64_t(i) * n + c] -= 2 * p * v[i];
    }
    for (int i = j + 1; i < m; ++i) w[int64_t(i) * n + j] = 0;
  }
  for (int i = 0; i < k; ++i)
    for (int c = 0; c < n; ++c) r[int64_t(i) * n + c] = c < i ? 0.0 : w[int64_t(i) * n + c];
  // Q = H_0 ... H_{k-1} applied to the first k columns of the identity.
  for (int i = 0; i < m; ++i)
    for (int c = 0; c < k; ++c) q[int64_t(i) * k + c] = i == c ? 1.0 : 0.0;
  for (int j = k - 1; j >= 0; --j) {
    const double* v = vs.data() + int64_t(j) * m;
    for (int c = 0; c < k; ++c) {
      double p = 0;
      for (int i = j; i < m; ++i) p += v[i] * q[int64_t(i) * k + c];
      if (p == 0) continue;
      for (int i = j; i < m; ++i) q[int64_t(i) * k + c] -= 2 * p * v[i];
    }
  }
}

void svd(const double* a, int m, int n, double* s, double* u, double* vt) {
  // Work on the taller of A and A^T: A^T = U' S V'^T gives A = V' S U'^T.
  const bool wide = m < n;
  const int rows = wide ? n : m, k = wide ? m : n;  // B is rows x k with rows >= k
  // cols: B's k columns as rows of length `rows`; v: the k x k right factor (rows are V's columns).
  std::vector<double> cols(int64_t(k) * rows), v(int64_t(k) * k, 0.0);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      const double x = a[int64_t(i) * n + j];
      if (wide) cols[int64_t(i) * rows + j] = x;
      else cols[int64_t(j) * rows + i] = x;
    }
  for (int i = 0; i < k; ++i) v[int64_t(i) * k + i] = 1;
  orthogonalize_columns(cols.data(), k, rows, v.data());
  std::vector<double> sig(k);
  for (int j = 0; j < k; ++j) sig[j] = std::sqrt(dot(cols.data() + int64_t(j) * rows, cols.data() + int64_t(j) * rows, rows));
  std::vector<int> order(k);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return sig[x] > sig[y]; });
  for (int j = 0; j < k; ++j) s[j] = sig[order[j]];
  if (!u && !vt) return;
  // Left vectors of B (rows x rows, as rows) and right ones (k x k, as rows).
  const double tiny = (k > 0 ? s[0] : 0) * rows * kEps;
  std::vector<double> left(int64_t(rows) * rows, 0.0), right(int64_t(k) * k);
  std::vector<bool> ok(k);
  for (int j = 0; j < k; ++j) {
    const int o = order[j];
    std::copy(v.begin() + int64_t(o) * k, v.begin() + int64_t(o) * k + k, right.begin() + int64_t(j) * k);
    ok[j] = s[j] > tiny && s[j] > 0;
    if (ok[j])
      for (int i = 0; i < rows; ++i) left[int64_t(j) * rows + i] = cols[int64_t(o) * rows + i] / s[j];
  }
  complete_basis(left.data(), rows, ok);
  // Tall: U = left^T (m x m), Vt = right (n x n). Wide: U = right^T, Vt = left.
  const double* uu = wide ? right.data() : left.data();   // rows are U's columns (m of length m)
  const double* vv = wide ? left.data() : right.data();   // rows are Vt's rows (n of length n)
  if (u)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) u[int64_t(i) * m + j] = uu[int64_t(j) * m + i];
  if (vt) std::copy(vv, vv + int64_t(n) * n, vt);
}

void eigh(const double* a, int n, bool upper, double* w, double* v) {
  std::vector<double> s(int64_t(n) * n), vec(int64_t(n) * n, 0.0);  // vec: eigenvectors as rows
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) {
      const double x = upper ? a[int64_t(j) * n + i] : a[int64_t(i) * n + j];
      s[int64_t(i) * n + j] = s[int64_t(j) * n + i] = x;
    }
  for (int i = 0; i < n; ++i) vec[int64_t(i) * n + i] = 1;
  auto at = [&](int i, int j) -> double& { return s[int64_t(i) * n + j]; };
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    bool rotated = false;
    for (int p = 0; p < n - 1; ++p)
      for (int q = p + 1; q < n; ++q) {
        const double g = at(p, q);
        if (g == 0 || std::fabs(g) <= kEps * 0.5 * std::sqrt(std::fabs(at(p, p) * at(q, q)))) continue;
        rotated = true;
        auto [c, sn] = jacobi_rotation(at(p, p), at(q, q), g);
        // S <- J^T S J with J rotating columns p and q as `rotate` does rows.
        rotate(&at(p, 0), &at(q, 0), n, c, sn);
        for (int i = 0; i < n; ++i) {
          const double x = at(i, p), y = at(i, q);
          at(i, p) = c * x - sn * y;
          at(i, q) = sn * x + c * y;
        }
        at(p, q) = at(q, p) = 0;
        rotate(vec.data() + int64_t(p) * n, vec.data() + int64_t(q) * n, n, c, sn);
      }
    if (!rotated) break;
  }
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return at(x, x) < at(y, y); });
  for (int j = 0; j < n; ++j) w[j] = at(order[j], order[j]);
  if (v)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) v[int64_t(i) * n + j] = vec[int64_t(order[j]) * n + i];
}

}  // namespace wmx::lin
