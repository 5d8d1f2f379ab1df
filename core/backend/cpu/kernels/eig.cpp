#include "backend/cpu/kernels/eig.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace wmx::lin {

namespace {

using cd = std::complex<double>;

struct Mat {
  int n;
  std::vector<cd> d;
  explicit Mat(int n_) : n(n_), d(size_t(n_) * size_t(n_)) {}
  cd& operator()(int i, int j) { return d[size_t(i) * size_t(n) + size_t(j)]; }
};

// H = Q^H A Q upper Hessenberg (Householder), accumulating Q into z.
void hessenberg(Mat& h, Mat& z) {
  const int n = h.n;
  std::vector<cd> u(static_cast<size_t>(n));
  for (int k = 0; k + 2 < n; ++k) {
    double alpha = 0;
    for (int i = k + 1; i < n; ++i) alpha += std::norm(h(i, k));
    alpha = std::sqrt(alpha);
    if (alpha == 0) continue;
    // u = x + e^{i arg x0} |x| e1, normalized: (I - 2 u u^H) x = -e^{i arg x0} |x| e1.
    const cd x0 = h(k + 1, k);
    const cd phase = std::abs(x0) > 0 ? x0 / std::abs(x0) : cd(1);
    for (int i = k + 1; i < n; ++i) u[i] = h(i, k);
    u[k + 1] += phase * alpha;
    double un = 0;
    for (int i = k + 1; i < n; ++i) un += std::norm(u[i]);
    un = std::sqrt(un);
    for (int i = k + 1; i < n; ++i) u[i] /= un;
    for (int j = 0; j < n; ++j) {  // H = P H
      cd s = 0;
      for (int i = k + 1; i < n; ++i) s += std::conj(u[i]) * h(i, j);
      for (int i = k + 1; i < n; ++i) h(i, j) -= 2.0 * u[i] * s;
    }
    for (int i = 0; i < n; ++i) {  // H = H P, Z = Z P
      cd s = 0, t = 0;
      for (int j = k + 1; j < n; ++j) {
        s += h(i, j) * u[j];
        t += z(i, j) * u[j];
      }
      for (int j = k + 1; j < n; ++j) {
        h(i, j) -= 2.0 * s * std::conj(u[j]);
        z(i, j) -= 2.0 * t * std::conj(u[j]);
      }
    }
    for (int i = k + 2; i < n; ++i) h(i, k) = 0;
  }
}

// The complex Schur form of the Hessenberg h in place, accumulating into z.
bool schur(Mat& h, Mat& z) {
  const int n = h.n;
  const double eps = std::numeric_limits<double>::epsilon();
  int hi = n - 1, iter = 0;
  while (hi > 0) {
    int l = hi;
    while (l > 0 && std::abs(h(l, l - 1)) > eps * (std::abs(h(l - 1, l - 1)) + std::abs(h(l, l)))) --l;
    if (l > 0) h(l, l - 1) = 0;
    if (l == hi) {
      --hi;
      iter = 0;
      continue;
    }
    if (++iter > 100 * n) return false;
    // Wilkinson shift: the eigenvalue of the trailing 2 x 2 nearer its last entry;
    // every tenth iteration an exceptional one breaks cycles.
    const cd a = h(hi - 1, hi - 1), b = h(hi - 1, hi), c = h(hi, hi - 1), d = h(hi, hi);
    cd mu;
    if (iter % 10 == 0) {
      mu = d + std::abs(c) * 0.75;
    } else {
      const cd m = (a + d) * 0.5, disc = std::sqrt((a - d) * (a - d) * 0.25 + b * c);
      mu = std::abs(m + disc - d) < std::abs(m - disc - d) ? m + disc : m - disc;
    }
    // One implicit QR step on rows/columns l..hi: chase the bulge with Givens rotations.
    cd x = h(l, l) - mu, y = h(l + 1, l);
    for (int k = l; k < hi; ++k) {
      if (k > l) {
        x = h(k, k - 1);
        y = h(k + 1, k - 1);
      }
      const double r = std::sqrt(std::norm(x) + std::norm(y));
      if (r == 0) continue;
      // G = [[conj(x), conj(y)], [-y, x]] / r maps (x, y) to (r, 0).
      const cd g11 = std::conj(x) / r, g12 = std::conj(y) / r, g21 = -y / r, g22 = x / r;
      for (int j = k > l ? k - 1 : l; j < n; ++j) {
        const cd p = h(k, j), q = h(k + 1, j);
        h(k, j) = g11 * p + g12 * q;
        h(k + 1, j) = g21 * p + g22 * q;
      }
      if (k > l) h(k + 1, k - 1) = 0;
      const int last = std::min(k + 2, hi);
      for (int i = 0; i <= last; ++i) {  // columns k, k+1 times G^H
        const cd p = h(i, k), q = h(i, k + 1);
        h(i, k) = p * std::conj(g11) + q * std::conj(g12);
        h(i, k + 1) = p * std::conj(g21) + q * std::conj(g22);
      }
      for (int i = 0; i < n; ++i) {
        const cd p = z(i, k), q = z(i, k + 1);
        z(i, k) = p * std::conj(g11) + q * std::conj(g12);
        z(i, k + 1) = p * std::conj(g21) + q * std::conj(g22);
      }
    }
  }
  return true;
}

}  // namespace

bool eig(const double* a, int n, std::complex<double>* w, std::complex<double>* v) {
  Mat h(n), z(n);
  double norm = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      h(i, j) = a[size_t(i) * size_t(n) + size_t(j)];
      norm = std::max(norm, std::abs(h(i, j)));
      z(i, j) = i == j ? 1.0 : 0.0;
    }
  hessenberg(h, z);
  if (!schur(h, z)) return false;
  for (int k = 0; k < n; ++k) w[k] = h(k, k);
  if (!v) return true;
  // (T - w_k I) y = 0 with y_k = 1, y_j = 0 for j > k; then v_k = Z y.
  const double small = std::max(norm, 1.0) * std::numeric_limits<double>::epsilon();
  std::vector<cd> y(static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    for (int j = 0; j < n; ++j) y[j] = 0;
    y[k] = 1;
    for (int j = k - 1; j >= 0; --j) {
      cd s = 0;
      for (int m = j + 1; m <= k; ++m) s += h(j, m) * y[m];
      cd den = h(j, j) - w[k];
      if (std::abs(den) < small) den = small;  // repeated eigenvalue: perturb, as LAPACK's trevc
      y[j] = -s / den;
    }
    double nrm = 0;
    int big = 0;
    double bigabs = -1;
    std::vector<cd> col(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      cd s = 0;
      for (int m = 0; m <= k; ++m) s += z(i, m) * y[m];
      col[i] = s;
      nrm += std::norm(s);
      if (std::abs(s) > bigabs) {
        bigabs = std::abs(s);
        big = i;
      }
    }
    nrm = std::sqrt(nrm);
    const cd phase = bigabs > 0 ? std::conj(col[big]) / bigabs : cd(1);
    for (int i = 0; i < n; ++i) v[size_t(i) * size_t(n) + size_t(k)] = nrm > 0 ? col[i] * phase / nrm : col[i];
  }
  return true;
}

}  // namespace wmx::lin
