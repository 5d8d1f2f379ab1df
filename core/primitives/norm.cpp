#include "primitives/norm.h"

#include <cmath>
#include <optional>
#include <vector>

#include "fast_ops.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"
#include "shape_ops.h"

namespace wmx {

namespace {

// The dtype the statistics are computed in.
Dtype acc_dtype(const array& x) { return x.dtype() == Dtype::float64 ? Dtype::float64 : Dtype::float32; }

// The sum of a over every axis but the last (a weight's or bias's gradient).
array sum_leading(const array& a) {
  std::vector<int> axes;
  for (int d = 0; d + 1 < a.ndim(); ++d) axes.push_back(d);
  return axes.empty() ? a : sum(a, axes);
}

array scalar_of(double v, Dtype t) { return array::scalar(v, t); }

// A per-feature operand of a batched norm: [B, n] -> [B, 1, ..., 1, n] against
// a batched input of `ndim` dims (batch first); an unbatched one stays [n].
array per_feature(const array& p, int axis, int ndim) {
  if (axis < 0) return p;
  array q = batch_first(p, axis);
  Shape s(ndim, 1);
  s.front() = q.shape(0);
  s.back() = q.shape(1);
  return reshape(q, s);
}

}  // namespace

// ---- RMSNorm: y = x r w, r = (mean(x^2) + eps)^(-1/2) ----

bool RMSNorm::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const RMSNorm*>(&o);
  return p && p->eps_ == eps_ && p->has_weight_ == has_weight_;
}

// With g the cotangent and gw = g w: dx = r gw - x r^3 mean(gw x); dw = sum(g x r).
std::vector<array> RMSNorm::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  const Dtype acc = acc_dtype(p[0]), t = p[0].dtype();
  const array x = astype(p[0], acc), g = astype(cot[0], acc);
  const array r = rsqrt(add(mean(square(x), {-1}, true), scalar_of(eps_, acc)));
  std::vector<array> grads;
  for (int arg : argnums) {
    if (arg == 0) {
      const array gw = has_weight_ ? multiply(g, astype(p[1], acc)) : g;
      const array dx = subtract(multiply(r, gw), multiply(multiply(x, multiply(r, square(r))),
                                                           mean(multiply(gw, x), {-1}, true)));
      grads.push_back(astype(dx, t));
    } else {
      grads.push_back(astype(sum_leading(multiply(g, multiply(x, r))), t));
    }
  }
  return grads;
}

// dy = w (r tx - x r^3 mean(x tx)) + x r tw.
std::vector<array> RMSNorm::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                const std::vector<int>& argnums) {
  const Dtype acc = acc_dtype(p[0]), t = p[0].dtype();
  const array x = astype(p[0], acc);
  const array r = rsqrt(add(mean(square(x), {-1}, true), scalar_of(eps_, acc)));
  std::optional<array> out;
  auto acc_add = [&](const array& v) { out = out ? add(*out, v) : v; };
  for (size_t i = 0; i < argnums.size(); ++i) {
    const array tt = astype(tan[i], acc);
    if (argnums[i] == 0) {
      array d = subtract(multiply(r, tt), multiply(multiply(x, multiply(r, square(r))),
                                                   mean(multiply(x, tt), {-1}, true)));
      if (has_weight_) d = multiply(d, astype(p[1], acc));
      acc_add(d);
    } else {
      acc_add(multiply(multiply(x, r), tt));
    }
  }
  return {astype(*out, t)};
}

std::pair<std::vector<array>, std::vector<int>> RMSNorm::vmap(const std::vector<array>& in,
                                                              const std::vector<int>& ax) {
  const array x = ax[0] >= 0 ? batch_first(in[0], ax[0]) : in[0];
  if (!has_weight_ || ax[1] < 0)
    return {{rms_norm(x, has_weight_ ? std::optional<array>(in[1]) : std::nullopt, eps_)}, {ax[0] >= 0 ? 0 : -1}};
  // A batched weight: normalise without it, then scale by each batch's weight.
  const int nd = x.ndim() + (ax[0] >= 0 ? 0 : 1);
  return {{multiply(rms_norm(x, std::nullopt, eps_), per_feature(in[1], ax[1], nd))}, {0}};
}

// ---- LayerNorm: y = (x - mean) r w + b, r = (var + eps)^(-1/2) ----

bool LayerNorm::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const LayerNorm*>(&o);
  return p && p->eps_ == eps_ && p->has_weight_ == has_weight_ && p->has_bias_ == has_bias_;
}

namespace {
// xhat = (x - mean) r and r of a layer norm's input, in the accumulation dtype.
std::pair<array, array> normalised(const array& x, double eps) {
  const array c = subtract(x, mean(x, {-1}, true));
  const array r = rsqrt(add(mean(square(c), {-1}, true), scalar_of(eps, x.dtype())));
  return {multiply(c, r), r};
}
}  // namespace

// With gw = g w: dx = r (gw - mean(gw) - xhat mean(gw xhat)); dw = sum(g xhat); db = sum(g).
std::vector<array> LayerNorm::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  const Dtype acc = acc_dtype(p[0]), t = p[0].dtype();
  const array x = astype(p[0], acc), g = astype(cot[0], acc);
  const auto [xhat, r] = normalised(x, eps_);
  std::vector<array> grads;
  for (int arg : argnums) {
    if (arg == 0) {
      const array gw = has_weight_ ? multiply(g, astype(p[1], acc)) : g;
      const array inner = subtract(subtract(gw, mean(gw, {-1}, true)), multiply(xhat, mean(multiply(gw, xhat), {-1}, true)));
      grads.push_back(astype(multiply(r, inner), t));
    } else if (arg == 1 && has_weight_) {
      grads.push_back(astype(sum_leading(multiply(g, xhat)), t));
    } else {
      grads.push_back(astype(sum_leading(g), t));
    }
  }
  return grads;
}

// dy = w r (tx - mean(tx) - xhat mean(xhat tx)) + xhat tw + tb.
std::vector<array> LayerNorm::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                  const std::vector<int>& argnums) {
  const Dtype acc = acc_dtype(p[0]), t = p[0].dtype();
  const array x = astype(p[0], acc);
  const auto [xhat, r] = normalised(x, eps_);
  std::optional<array> out;
  auto acc_add = [&](const array& v) { out = out ? add(*out, v) : v; };
  for (size_t i = 0; i < argnums.size(); ++i) {
    const array tt = astype(tan[i], acc);
    if (argnums[i] == 0) {
      array d = multiply(r, subtract(subtract(tt, mean(tt, {-1}, true)), multiply(xhat, mean(multiply(xhat, tt), {-1}, true))));
      if (has_weight_) d = multiply(d, astype(p[1], acc));
      acc_add(d);
    } else if (argnums[i] == 1 && has_weight_) {
      acc_add(multiply(xhat, tt));
    } else {
      acc_add(broadcast_to(tt, x.shape()));
    }
  }
  return {astype(*out, t)};
}

std::pair<std::vector<array>, std::vector<int>> LayerNorm::vmap(const std::vector<array>& in,
                                                                const std::vector<int>& ax) {
  const array x = ax[0] >= 0 ? batch_first(in[0], ax[0]) : in[0];
  const int iw = has_weight_ ? 1 : -1, ib = has_bias_ ? (has_weight_ ? 2 : 1) : -1;
  const bool batched_params = (iw >= 0 && ax[iw] >= 0) || (ib >= 0 && ax[ib] >= 0);
  if (!batched_params) {
    const std::optional<array> w = iw >= 0 ? std::optional<array>(in[iw]) : std::nullopt;
    const std::optional<array> b = ib >= 0 ? std::optional<array>(in[ib]) : std::nullopt;
    return {{layer_norm(x, w, b, eps_)}, {ax[0] >= 0 ? 0 : -1}};
  }
  // Batched weight or bias: normalise without them, then apply each batch's.
  const int nd = x.ndim() + (ax[0] >= 0 ? 0 : 1);
  array y = layer_norm(x, std::nullopt, std::nullopt, eps_);
  if (iw >= 0) y = multiply(y, per_feature(in[iw], ax[iw], nd));
  if (ib >= 0) y = add(y, per_feature(in[ib], ax[ib], nd));
  return {{y}, {0}};
}

}  // namespace wmx
