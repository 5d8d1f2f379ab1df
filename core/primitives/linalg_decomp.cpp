#include "primitives/linalg_decomp.h"

#include <algorithm>
#include <cstdint>

#include "error.h"
#include "linalg.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"
#include "reduce_ops.h"
#include "shape_ops.h"
#include "slicing.h"

namespace wmx {

namespace {

Shape with_last(Shape s, std::initializer_list<int64_t> last) {
  s.resize(s.size() - last.size());
  s.insert(s.end(), last.begin(), last.end());
  return s;
}

}  // namespace

// ---- shapes and equivalence ----

std::vector<Shape> QRF::output_shapes(const std::vector<Shape>& in) const {
  const int64_t m = in[0].end()[-2], n = in[0].back(), k = std::min(m, n);
  return {with_last(in[0], {m, k}), with_last(in[0], {k, n})};
}

std::vector<Shape> SVD::output_shapes(const std::vector<Shape>& in) const {
  const int64_t m = in[0].end()[-2], n = in[0].back();
  Shape s(in[0].begin(), in[0].end() - 2);
  s.push_back(std::min(m, n));
  if (!compute_uv_) return {s};
  return {with_last(in[0], {m, m}), s, with_last(in[0], {n, n})};
}

std::vector<Shape> Eigh::output_shapes(const std::vector<Shape>& in) const {
  Shape w(in[0].begin(), in[0].end() - 1);
  if (!vectors_) return {w};
  return {w, in[0]};
}

std::vector<Shape> LUF::output_shapes(const std::vector<Shape>& in) const {
  const int64_t m = in[0].end()[-2], n = in[0].back();
  Shape piv(in[0].begin(), in[0].end() - 2);
  piv.push_back(std::min(m, n));
  return {in[0], piv, Shape(in[0].begin(), in[0].end() - 1)};
}

bool Inverse::is_equivalent(const Primitive& o) const {
  auto* p = dynamic_cast<const Inverse*>(&o);
  return p && p->tri_ == tri_ && p->upper_ == upper_;
}
bool Cholesky::is_equivalent(const Primitive& o) const {
  auto* p = dynamic_cast<const Cholesky*>(&o);
  return p && p->upper_ == upper_;
}
bool SVD::is_equivalent(const Primitive& o) const {
  auto* p = dynamic_cast<const SVD*>(&o);
  return p && p->compute_uv_ == compute_uv_;
}
bool Eigh::is_equivalent(const Primitive& o) const {
  auto* p = dynamic_cast<const Eigh*>(&o);
  return p && p->uplo_ == uplo_ && p->vectors_ == vectors_;
}

}  // namespace wmx

// ---- transform rules ----
// The factorizations read one triangle of their operand (Cholesky, eigh) or
// all of it; each gradient is the derivative with respect to the entries read.

namespace wmx {

namespace {

array mT(const array& x) { return swapaxes(x, -1, -2); }

// The n x n identity, also for n = 0 (which eye rejects).
array identity_of(int64_t n, Dtype dtype) {
  return n > 0 ? eye(int(n), int(n), 0, dtype) : zeros({0, 0}, dtype);
}

array mask_triangle(const array& x, bool upper) { return upper ? triu(x) : tril(x); }

// tril(x) with its diagonal halved (or triu, for upper).
array half_diag_triangle(const array& x, bool upper) {
  const int n = int(x.shape(-1));
  array half_eye = multiply(identity_of(n, x.dtype()), array::scalar(0.5, x.dtype()));
  return subtract(mask_triangle(x, upper), multiply(x, half_eye));
}

// The gradient with respect to the read triangle, given the gradient g of a
// function of a symmetric matrix's full entries: off-diagonal entries count twice.
array triangle_grad(const array& g, bool upper) { return half_diag_triangle(add(g, mT(g)), upper); }

// The symmetric matrix one triangle of x stands for.
array symmetric_from(const array& x, bool upper) {
  array t = mask_triangle(x, upper);
  return add(t, mT(upper ? triu(x, 1) : tril(x, -1)));
}

// F_ij = 1 / (x_j - x_i) off the diagonal, 0 on it (x: the last axis).
array gap_inverse(const array& x) {
  const int n = int(x.shape(-1));
  array id = identity_of(n, x.dtype());
  array gaps = subtract(expand_dims(x, {-2}), expand_dims(x, {-1}));
  return divide(subtract(ones_like(gaps), id), add(gaps, id));
}

std::pair<std::vector<array>, std::vector<int>> batched(std::vector<array> outs) {
  return {outs, std::vector<int>(outs.size(), 0)};
}

}  // namespace

std::vector<array> Inverse::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                const std::vector<array>& outputs) {
  // d(A^-1) = -A^-1 dA A^-1, so dA = -A^-T G A^-T (on the read triangle for tri_inv).
  array yt = mT(outputs[0]);
  array g = negative(matmul(matmul(yt, cot[0]), yt));
  return {tri_ ? mask_triangle(g, upper_) : g};
}

std::vector<array> Inverse::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  array y = tri_ ? linalg::tri_inv(p[0], upper_) : linalg::inv(p[0]);
  array d = tri_ ? mask_triangle(tan[0], upper_) : tan[0];
  return {negative(matmul(matmul(y, d), y))};
}

std::pair<std::vector<array>, std::vector<int>> Inverse::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  array a = batch_first(in[0], ax[0]);
  return batched({tri_ ? linalg::tri_inv(a, upper_) : linalg::inv(a)});
}

// With A = L L^T (L lower; an upper factor is the lower factor of A^T,
// transposed) and phi(X) = tril(X) with a halved diagonal:
// dL = L phi(L^-1 dA L^-T), so the gradient of the full symmetric entries is
// S = L^-T phi(L^T G) L^-1, symmetrised.
std::vector<array> Cholesky::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                 const std::vector<array>& outputs) {
  array l = upper_ ? mT(outputs[0]) : outputs[0];
  array g = upper_ ? mT(cot[0]) : cot[0];
  array linv = linalg::tri_inv(l, false);
  array s = matmul(matmul(mT(linv), half_diag_triangle(matmul(mT(l), g), false)), linv);
  array grad = triangle_grad(s, false);
  return {upper_ ? mT(grad) : grad};
}

std::vector<array> Cholesky::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  array out = linalg::cholesky(p[0], upper_);
  array l = upper_ ? mT(out) : out;
  array d = symmetric_from(upper_ ? mT(tan[0]) : tan[0], false);
  array linv = linalg::tri_inv(l, false);
  array dl = matmul(l, half_diag_triangle(matmul(matmul(linv, d), mT(linv)), false));
  return {upper_ ? mT(dl) : dl};
}

std::pair<std::vector<array>, std::vector<int>> Cholesky::vmap(const std::vector<array>& in,
                                                              const std::vector<int>& ax) {
  return batched({linalg::cholesky(batch_first(in[0], ax[0]), upper_)});
}

// A = V diag(w) V^T: dw_i = v_i^T dA v_i and V^T dV = F o (V^T dA V) with
// F_ij = 1 / (w_j - w_i) off the diagonal, so the gradient of the full
// entries is V (diag(gw) + F o (V^T gV)) V^T.
std::vector<array> Eigh::vjp(const std::vector<array>& p, const std::vector<array>& cot, const std::vector<int>&,
                             const std::vector<array>& outputs) {
  const bool upper = uplo_ == "U";
  array w = outputs[0];
  array v = vectors_ ? outputs[1] : linalg::eigh(p[0], uplo_)[1];
  const int n = int(w.shape(-1));
  array diag_gw = multiply(expand_dims(cot[0], {-1}), identity_of(n, w.dtype()));
  array inner = diag_gw;
  if (vectors_) inner = add(inner, multiply(gap_inverse(w), matmul(mT(v), cot[1])));
  return {triangle_grad(matmul(matmul(v, inner), mT(v)), upper)};
}

std::vector<array> Eigh::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  const bool upper = uplo_ == "U";
  std::vector<array> wv = linalg::eigh(p[0], uplo_);
  array w = wv[0], v = wv[1];
  const int n = int(w.shape(-1));
  array m = matmul(matmul(mT(v), symmetric_from(tan[0], upper)), v);
  array dw = sum(multiply(m, identity_of(n, w.dtype())), {-1});
  if (!vectors_) return {dw};
  return {dw, matmul(v, multiply(gap_inverse(w), m))};
}

std::pair<std::vector<array>, std::vector<int>> Eigh::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  array a = batch_first(in[0], ax[0]);
  return batched(vectors_ ? linalg::eigh(a, uplo_) : std::vector<array>{linalg::eigvalsh(a, uplo_)});
}

std::pair<std::vector<array>, std::vector<int>> QRF::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return batched(linalg::qr(batch_first(in[0], ax[0])));
}

namespace {

// The first `k` entries of axis `axis` (negative: from the end) of x.
array leading(const array& x, int axis, int64_t k) {
  std::vector<SliceArg> s(x.ndim());
  s[axis < 0 ? axis + x.ndim() : axis].stop = k;
  return slice(x, s);
}

// The thin factors of a: U_k (m x k), S (k), V_k (n x k).
struct ThinSvd {
  array u, s, v;
};
ThinSvd thin_svd(const array& a) {
  const int64_t k = std::min(a.shape(-2), a.shape(-1));
  std::vector<array> usv = linalg::svd(a, true);
  return {leading(usv[0], -1, k), usv[1], mT(leading(usv[2], -2, k))};
}

// x with zero columns (or rows, axis -2) appended up to `size` along `axis`.
array pad_to(const array& x, int axis, int64_t size) {
  const int ax = axis + x.ndim();
  if (x.shape(ax) == size) return x;
  Shape z = x.shape();
  z[ax] = size - x.shape(ax);
  return concatenate({x, zeros(z, x.dtype())}, ax);
}

}  // namespace

// A = U S V^T (thin): with F = gap_inverse(S^2), P = U^T dA V,
// dS = diag(P), dU = U (F o (P S + S P^T)) + (I - U U^T) dA V S^-1,
// dV = V (F o (S P + P^T S)) + (I - V V^T) dA^T U S^-1; the vjp is the adjoint.
std::vector<array> SVD::vjp(const std::vector<array>& p, const std::vector<array>& cot, const std::vector<int>&,
                            const std::vector<array>&) {
  ThinSvd f = thin_svd(p[0]);
  const int64_t k = f.s.shape(-1);
  array gs = compute_uv_ ? cot[1] : cot[0];
  array grad = matmul(multiply(f.u, expand_dims(gs, {-2})), mT(f.v));
  if (!compute_uv_) return {grad};
  array gu = leading(cot[0], -1, k), gv = mT(leading(cot[2], -2, k));
  array fm = gap_inverse(square(f.s));
  array row_s = expand_dims(f.s, {-2}), col_s = expand_dims(f.s, {-1});
  array utgu = matmul(mT(f.u), gu), vtgv = matmul(mT(f.v), gv);
  array j = multiply(fm, subtract(utgu, mT(utgu))), kk = multiply(fm, subtract(vtgv, mT(vtgv)));
  array inner = add(multiply(j, row_s), multiply(col_s, kk));
  grad = add(grad, matmul(matmul(f.u, inner), mT(f.v)));
  array sinv_row = reciprocal(row_s);
  if (p[0].shape(-2) > k)  // (I - U U^T) gU S^-1 V^T
    grad = add(grad, matmul(multiply(subtract(gu, matmul(f.u, utgu)), sinv_row), mT(f.v)));
  if (p[0].shape(-1) > k)  // U S^-1 gV^T (I - V V^T)
    grad = add(grad, matmul(multiply(f.u, sinv_row), mT(subtract(gv, matmul(f.v, vtgv)))));
  return {grad};
}

std::vector<array> SVD::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  ThinSvd f = thin_svd(p[0]);
  const int k = int(f.s.shape(-1));
  array pm = matmul(matmul(mT(f.u), tan[0]), f.v);
  array ds = sum(multiply(pm, identity_of(k, pm.dtype())), {-1});
  if (!compute_uv_) return {ds};
  array fm = gap_inverse(square(f.s));
  array row_s = expand_dims(f.s, {-2}), col_s = expand_dims(f.s, {-1});
  array du = matmul(f.u, multiply(fm, add(multiply(pm, row_s), multiply(col_s, mT(pm)))));
  array dv = matmul(f.v, multiply(fm, add(multiply(col_s, pm), multiply(mT(pm), row_s))));
  array sinv_row = reciprocal(row_s);
  const int64_t m = p[0].shape(-2), n = p[0].shape(-1);
  if (m > k) {
    array dav = matmul(tan[0], f.v);
    du = add(du, multiply(subtract(dav, matmul(f.u, matmul(mT(f.u), dav))), sinv_row));
  }
  if (n > k) {
    array datu = matmul(mT(tan[0]), f.u);
    dv = add(dv, multiply(subtract(datu, matmul(f.v, matmul(mT(f.v), datu))), sinv_row));
  }
  return {pad_to(du, -1, m), ds, pad_to(mT(dv), -2, n)};
}

std::pair<std::vector<array>, std::vector<int>> SVD::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return batched(linalg::svd(batch_first(in[0], ax[0]), compute_uv_));
}

std::pair<std::vector<array>, std::vector<int>> LUF::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  array a = batch_first(in[0], ax[0]);
  const int m = int(a.shape(-2)), n = int(a.shape(-1));
  Shape piv(a.shape().begin(), a.shape().end() - 2);
  piv.push_back(std::min(m, n));
  return batched(array::make_arrays({a.shape(), piv, Shape(a.shape().begin(), a.shape().end() - 1)},
                                    {a.dtype(), Dtype::uint32, Dtype::uint32}, std::make_shared<LUF>(), {a}));
}

}  // namespace wmx
