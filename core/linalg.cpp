#include "linalg.h"

#include <cmath>
#include <limits>
#include <memory>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/complex.h"
#include "primitives/linalg_decomp.h"
#include "reduce_ops.h"
#include "shape_ops.h"
#include "slicing.h"

namespace wmx::linalg {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void check_float(Dtype d, const char* op) {
  if (d != Dtype::float32 && d != Dtype::float64)
    fail(op, "Arrays must have type float32 or float64. Received array with type ", name_of(d), ".");
}

void check_matrix(const array& a, const char* op) {
  if (a.ndim() < 2)
    fail(op, "Arrays must have >= 2 dimensions. Received array with ", a.ndim(), " dimensions.");
}

void check_square(const array& a, const char* op, const char* what) {
  if (a.shape(-1) != a.shape(-2)) fail(op, what);
}

Dtype at_least_float(Dtype d) { return is_floating(d) ? d : promote_types(d, Dtype::float32); }

array scalar_like(double v, const array& a) { return array::scalar(v, a.dtype()); }

// `a` with the axes row and col (normalized) moved last, in that order.
array matrix_last(const array& a, int row, int col) {
  return row > col ? moveaxis(moveaxis(a, row, -1), col, -1) : moveaxis(moveaxis(a, col, -1), row, -2);
}

// Puts back the two reduced axes of a matrix norm as size-1 axes.
array keep_matrix_dims(const array& x, int row, int col) {
  return expand_dims(x, row < col ? std::vector<int>{row, col} : std::vector<int>{col, row});
}

array l2_norm(const array& a, const std::vector<int>& axis, bool keepdims) {
  return sqrt(sum(square(a), axis, keepdims));
}

array vector_norm(const array& a, double ord, const std::vector<int>& axis, bool keepdims) {
  const Dtype dt = at_least_float(a.dtype());
  if (ord == 0) return astype(sum(not_equal(a, array::scalar(0, a.dtype())), axis, keepdims), dt);
  if (ord == 1) return astype(sum(abs(a), axis, keepdims), dt);
  if (ord == 2) return l2_norm(a, axis, keepdims);
  if (ord == kInf) return astype(max(abs(a), axis, keepdims), dt);
  if (ord == -kInf) return astype(min(abs(a), axis, keepdims), dt);
  return power(sum(power(abs(a), array::scalar(ord, dt)), axis, keepdims), array::scalar(1.0 / ord, dt));
}

array singular_values_of(const array& a, int row, int col) { return svd(matrix_last(a, row, col), false)[0]; }

array matrix_norm(const array& a, double ord, const std::vector<int>& axis, bool keepdims) {
  const Dtype dt = at_least_float(a.dtype());
  int row = normalize_axis(axis[0], a.ndim(), "linalg.norm");
  int col = normalize_axis(axis[1], a.ndim(), "linalg.norm");
  // Reducing one axis first shifts the other when it came after it.
  if (ord == 1 || ord == -1) {
    col -= (!keepdims && col > row && col > 0);
    array s = sum(abs(a), {row}, keepdims);
    return astype(ord == 1 ? max(s, {col}, keepdims) : min(s, {col}, keepdims), dt);
  }
  if (ord == kInf || ord == -kInf) {
    row -= (!keepdims && row > col && row > 0);
    array s = sum(abs(a), {col}, keepdims);
    return astype(ord == kInf ? max(s, {row}, keepdims) : min(s, {row}, keepdims), dt);
  }
  if (ord == 2 || ord == -2) {
    array s = singular_values_of(a, row, col);
    s = ord == 2 ? max(s, {-1}) : min(s, {-1});
    return astype(keepdims ? keep_matrix_dims(s, row, col) : s, dt);
  }
  fail("linalg.norm", "Invalid ord ", ord, " for matrix norm.");
}

std::vector<int> norm_axes(const array& a, const std::optional<std::vector<int>>& axis) {
  if (axis) return *axis;
  return all_axes(a.ndim());
}

// The matrix transpose (MLX's .mT).
array mT(const array& a) { return swapaxes(a, -1, -2); }

// Row-slices [0, stop) of axis `ax` (normalized) of `a`.
array take_first(const array& a, int ax, int64_t stop) {
  std::vector<SliceArg> s(a.ndim());
  s[ax].stop = stop;
  return slice(a, s);
}

void validate_solve(const array& a, const array& b, const char* op) {
  if (a.ndim() < 2) fail(op, "First input must have >= 2 dimensions. Received array with ", a.ndim(), " dimensions.");
  if (b.ndim() < 1) fail(op, "Second input must have >= 1 dimensions. Received array with ", b.ndim(), " dimensions.");
  if (a.shape(-1) != a.shape(-2))
    fail(op, "First input must be a square matrix. Received array with shape ", shape_str(a.shape()), ".");
  const int last = b.ndim() > 1 ? -2 : -1;
  if (a.shape(-1) != b.shape(last))
    fail(op, "Last dimension of first input with shape ", shape_str(a.shape()),
         " must match second to last dimension of second input with shape ", shape_str(b.shape()), ".");
  const Dtype out = promote_types(a.dtype(), b.dtype());
  if (out != Dtype::float32 && out != Dtype::float64)
    fail(op, "Input arrays must promote to float32 or float64. Received arrays with type ", name_of(a.dtype()),
         " and ", name_of(b.dtype()), ".");
}

void validate_eig(const array& a, const std::string& uplo, const char* op) {
  check_float(a.dtype(), op);
  check_matrix(a, op);
  check_square(a, op, "Only defined for square matrices.");
  if (uplo != "L" && uplo != "U") fail(op, "UPLO must be 'L' or 'U', got '", uplo, "'.");
}

}  // namespace

// ---- norm ----

array norm(const array& a, const std::optional<std::vector<int>>& axis, bool keepdims) {
  if (!axis) {
    array out = l2_norm(flatten(a), {0}, keepdims);
    return keepdims ? reshape(out, Shape(a.ndim(), 1)) : out;
  }
  if (axis->size() > 2) fail("linalg.norm", "Received too many axes for norm.");
  return l2_norm(a, *axis, keepdims);
}

array norm(const array& a, double ord, const std::optional<std::vector<int>>& axis, bool keepdims) {
  std::vector<int> ax = norm_axes(a, axis);
  if (ax.size() == 1) return vector_norm(a, ord, ax, keepdims);
  if (ax.size() == 2) return matrix_norm(a, ord, ax, keepdims);
  fail("linalg.norm", "Received too many axes for norm.");
}

array norm(const array& a, const std::string& ord, const std::optional<std::vector<int>>& axis, bool keepdims) {
  std::vector<int> ax = norm_axes(a, axis);
  if (ax.size() != 2)
    fail("linalg.norm", "Norm '", ord, "' only supported for matrices, but received ", ax.size(), " axis/axes.");
  if (ord == "f" || ord == "fro") return l2_norm(a, ax, keepdims);
  if (ord == "nuc") {
    const int row = normalize_axis(ax[0], a.ndim(), "linalg.norm");
    const int col = normalize_axis(ax[1], a.ndim(), "linalg.norm");
    array s = sum(singular_values_of(a, row, col), {-1});
    return keepdims ? keep_matrix_dims(s, row, col) : s;
  }
  fail("linalg.norm", "Invalid ord value '", ord, "' for matrix norm.");
}

// ---- factorizations ----

std::vector<array> qr(const array& a) {
  check_float(a.dtype(), "linalg.qr");
  check_matrix(a, "linalg.qr");
  const int64_t m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  Shape q = a.shape(), r = a.shape();
  q.back() = k;
  r[r.size() - 2] = k;
  return array::make_arrays({q, r}, {a.dtype(), a.dtype()}, std::make_shared<QRF>(), {a});
}

std::vector<array> svd(const array& a, bool compute_uv) {
  check_float(a.dtype(), "linalg.svd");
  if (a.ndim() < 2)
    fail("linalg.svd", "Input array must have >= 2 dimensions. Received array with ", a.ndim(), " dimensions.");
  const int64_t m = a.shape(-2), n = a.shape(-1);
  Shape s(a.shape().begin(), a.shape().end() - 2);
  s.push_back(std::min(m, n));
  auto prim = std::make_shared<SVD>(compute_uv);
  if (!compute_uv) return {array(s, a.dtype(), prim, {a})};
  Shape u = a.shape(), vt = a.shape();
  u[u.size() - 1] = m;
  vt[vt.size() - 2] = n;
  return array::make_arrays({u, s, vt}, {a.dtype(), a.dtype(), a.dtype()}, prim, {a});
}

namespace {
array inverse_node(const array& a, bool tri, bool upper, const char* op) {
  check_float(a.dtype(), op);
  check_matrix(a, op);
  check_square(a, op, "Inverses are only defined for square matrices.");
  return array(a.shape(), a.dtype(), std::make_shared<Inverse>(tri, upper), {a});
}
}  // namespace

array inv(const array& a) { return inverse_node(a, false, false, "linalg.inv"); }

array tri_inv(const array& a, bool upper) { return inverse_node(a, true, upper, "linalg.tri_inv"); }

array pinv(const array& a) {
  check_float(a.dtype(), "linalg.pinv");
  check_matrix(a, "linalg.pinv");
  const int64_t m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  if (a.size() == 0) {
    Shape s = a.shape();
    std::swap(s[s.size() - 1], s[s.size() - 2]);
    return zeros(s, a.dtype());
  }
  std::vector<array> usv = svd(a, true);
  const int rows = a.ndim() - 2, cols = a.ndim() - 1;
  array ut = mT(take_first(usv[0], cols, k));  // k x m
  array v = mT(take_first(usv[2], rows, k));   // n x k
  array s = expand_dims(usv[1], {-2});
  const double eps = a.dtype() == Dtype::float64 ? std::numeric_limits<double>::epsilon()
                                                 : double(std::numeric_limits<float>::epsilon());
  array cutoff = multiply(scalar_like(10.0 * double(std::max(m, n)) * eps, a), max(s, {-1}, true));
  array rs = where(greater(s, cutoff), reciprocal(s), scalar_like(0, a));
  return matmul(multiply(v, rs), ut);
}

array cholesky(const array& a, bool upper) {
  check_float(a.dtype(), "linalg.cholesky");
  check_matrix(a, "linalg.cholesky");
  check_square(a, "linalg.cholesky", "Cholesky decomposition is only defined for square matrices.");
  return array(a.shape(), a.dtype(), std::make_shared<Cholesky>(upper), {a});
}

array cholesky_inv(const array& l, bool upper) {
  check_float(l.dtype(), "linalg.cholesky_inv");
  check_matrix(l, "linalg.cholesky_inv");
  check_square(l, "linalg.cholesky_inv", "Cholesky inverse is only defined for square matrices.");
  array linv = tri_inv(l, upper);
  return upper ? matmul(linv, mT(linv)) : matmul(mT(linv), linv);
}

namespace {
std::vector<array> lu_nodes(const array& a, const char* op) {
  check_float(a.dtype(), op);
  check_matrix(a, op);
  const int64_t m = a.shape(-2), n = a.shape(-1);
  Shape piv(a.shape().begin(), a.shape().end() - 2);
  piv.push_back(std::min(m, n));
  return array::make_arrays({a.shape(), piv, Shape(a.shape().begin(), a.shape().end() - 1)},
                            {a.dtype(), Dtype::uint32, Dtype::uint32}, std::make_shared<LUF>(), {a});
}
}  // namespace

std::vector<array> lu(const array& a) {
  std::vector<array> f = lu_nodes(a, "linalg.lu");
  const int64_t m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  array l = tril(f[0], -1), u = triu(f[0], 0);
  if (n != k) l = take_first(l, a.ndim() - 1, k);
  else if (m != k) u = take_first(u, a.ndim() - 2, k);
  if (m > 0 && k > 0) l = add(l, eye(int(m), int(k), 0, a.dtype()));  // (eye takes no empty shape)
  return {f[2], l, u};
}

std::vector<array> lu_factor(const array& a) {
  std::vector<array> f = lu_nodes(a, "linalg.lu_factor");
  return {f[0], f[1]};
}

// ---- solves ----

// MLX solves with LU and two triangular inverses; solving with the inverse
// instead gives the same results (the factorizations run in float64) and a
// gradient for both operands. A singular matrix fails at eval, as in MLX.
array solve(const array& a, const array& b) {
  validate_solve(a, b, "linalg.solve");
  check_float(a.dtype(), "linalg.solve");  // MLX factors a as it is
  const Dtype dt = promote_types(a.dtype(), b.dtype());
  return matmul(inv(astype(a, dt)), astype(b, dt));
}

array solve_triangular(const array& a, const array& b, bool upper) {
  validate_solve(a, b, "linalg.solve_triangular");
  return matmul(tri_inv(a, upper), b);
}

// ---- symmetric eigenproblems ----

std::vector<array> eigh(const array& a, const std::string& uplo) {
  validate_eig(a, uplo, "linalg.eigh");
  return array::make_arrays({Shape(a.shape().begin(), a.shape().end() - 1), a.shape()}, {a.dtype(), a.dtype()},
                            std::make_shared<Eigh>(uplo, true), {a});
}

array eigvalsh(const array& a, const std::string& uplo) {
  validate_eig(a, uplo, "linalg.eigvalsh");
  return array(Shape(a.shape().begin(), a.shape().end() - 1), a.dtype(), std::make_shared<Eigh>(uplo, false), {a});
}

// ---- general eigenproblems ----

std::vector<array> eig(const array& a) {
  check_float(a.dtype(), "linalg.eig");
  check_matrix(a, "linalg.eig");
  check_square(a, "linalg.eig", "Only defined for square matrices.");
  return array::make_arrays({Shape(a.shape().begin(), a.shape().end() - 1), a.shape()},
                            {Dtype::complex64, Dtype::complex64}, std::make_shared<Eig>(true), {a});
}

array eigvals(const array& a) {
  check_float(a.dtype(), "linalg.eigvals");
  check_matrix(a, "linalg.eigvals");
  check_square(a, "linalg.eigvals", "Only defined for square matrices.");
  return array(Shape(a.shape().begin(), a.shape().end() - 1), Dtype::complex64, std::make_shared<Eig>(false), {a});
}

// ---- cross product ----

array cross(const array& a, const array& b, int axis) {
  auto check = [&](const array& x) {
    const int ax = normalize_axis(axis, x.ndim(), "linalg.cross");
    if (x.shape(ax) < 2 || x.shape(ax) > 3) fail("linalg.cross", "The specified axis must have size 2 or 3.");
  };
  check(a);
  check(b);
  const bool a2 = a.shape(axis) == 2, b2 = b.shape(axis) == 2;
  const Dtype dt = promote_types(a.dtype(), b.dtype());
  Shape as = a.shape(), bs = b.shape();
  as[normalize_axis(axis, a.ndim(), "linalg.cross")] = 3;
  bs[normalize_axis(axis, b.ndim(), "linalg.cross")] = 3;
  Shape out = broadcast_shapes(as, bs, "linalg.cross");
  const int ax = axis < 0 ? axis + int(out.size()) : axis;
  out[ax] = a2 ? 2 : 3;
  std::vector<array> x = split(broadcast_to(astype(a, dt), out), a2 ? 2 : 3, ax);
  out[ax] = b2 ? 2 : 3;
  std::vector<array> y = split(broadcast_to(astype(b, dt), out), b2 ? 2 : 3, ax);
  std::vector<array> parts;
  if (a2 && b2) {
    array z = zeros_like(x[0]);
    parts = {z, z};
  } else if (b2) {
    parts = {negative(multiply(x[2], y[1])), multiply(x[2], y[0])};
  } else if (a2) {
    parts = {multiply(x[1], y[2]), negative(multiply(x[0], y[2]))};
  } else {
    parts = {subtract(multiply(x[1], y[2]), multiply(x[2], y[1])), subtract(multiply(x[2], y[0]), multiply(x[0], y[2]))};
  }
  parts.push_back(subtract(multiply(x[0], y[1]), multiply(x[1], y[0])));
  return concatenate(parts, ax);
}

// ---- determinants ----

namespace {

array determinant_input(const array& a, const char* op) {
  check_matrix(a, op);
  check_square(a, op, "Only defined for square matrices.");
  return astype(a, at_least_float(a.dtype()));
}

// a[..., i, j] over the batch.
array entry(const array& a, int i, int j) {
  std::vector<SliceArg> s(a.ndim());
  s[a.ndim() - 2] = {i, i + 1, std::nullopt};
  s[a.ndim() - 1] = {j, j + 1, std::nullopt};
  return reshape(slice(a, s), Shape(a.shape().begin(), a.shape().end() - 2));
}

// The determinant of matrices up to 3 x 3, by cofactors (MLX's fast path).
array small_det(const array& a) {
  const int n = int(a.shape(-1));
  if (n == 0) return broadcast_to(array::scalar(1, a.dtype()), Shape(a.shape().begin(), a.shape().end() - 2));
  auto e = [&](int i, int j) { return entry(a, i, j); };
  if (n == 1) return e(0, 0);
  auto minor = [&](int r0, int r1, int c0, int c1) {
    return subtract(multiply(e(r0, c0), e(r1, c1)), multiply(e(r0, c1), e(r1, c0)));
  };
  if (n == 2) return minor(0, 1, 0, 1);
  return add(subtract(multiply(e(0, 0), minor(1, 2, 1, 2)), multiply(e(0, 1), minor(1, 2, 0, 2))),
             multiply(e(0, 2), minor(1, 2, 0, 1)));
}

// (sign, log|det|) from the LU factors: the sign flips once per row swap and
// once per negative pivot; a zero pivot gives (0, -inf).
std::vector<array> lu_slogdet(const array& a) {
  std::vector<array> f = lu_factor(a);
  const int n = int(a.shape(-1));
  array diag = sum(multiply(f[0], eye(n, n, 0, a.dtype())), {-1});
  array swaps = sum(astype(not_equal(f[1], arange(0, n, 1, Dtype::uint32)), Dtype::int32), {-1});
  array negatives = sum(astype(less(diag, scalar_like(0, diag)), Dtype::int32), {-1});
  array odd = remainder(add(swaps, negatives), array::scalar(2, Dtype::int32));
  array sign = astype(subtract(array::scalar(1, Dtype::int32), multiply(array::scalar(2, Dtype::int32), odd)), a.dtype());
  array logabs = sum(log(abs(diag)), {-1});
  array singular = any(equal(diag, scalar_like(0, diag)), {-1});
  return {where(singular, scalar_like(0, a), sign), where(singular, scalar_like(-kInf, a), logabs)};
}

}  // namespace

std::vector<array> slogdet(const array& a) {
  array x = determinant_input(a, "linalg.slogdet");
  if (x.shape(-1) <= 3) {
    array d = small_det(x);
    return {sign(d), log(abs(d))};
  }
  return lu_slogdet(x);
}

array det(const array& a) {
  array x = determinant_input(a, "linalg.det");
  if (x.shape(-1) <= 3) return small_det(x);
  std::vector<array> sl = lu_slogdet(x);
  return multiply(sl[0], exp(sl[1]));
}

}  // namespace wmx::linalg
