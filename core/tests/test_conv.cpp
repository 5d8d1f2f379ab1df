// Convolutions: a numpy fixture, a direct nested-loop reference over many
// parameter sets, conv_transpose against a scatter reference, float64
// finite-difference gradients (also of the adjoint modes), jvp, vmap vs a
// loop, and errors.
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "conv_ops.h"
#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "shape_ops.h"
#include "tests/helpers.h"

using namespace wmx;
using wmx::test::make;
using wmx::test::values;

namespace {

array f64(const std::vector<double>& v, Shape s) { return make<double>(v, std::move(s)); }
std::vector<double> rvec(int64_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> v(n);
  for (auto& x : v) x = u(g);
  return v;
}
array rnd(Shape s, unsigned seed) { return f64(rvec(shape_size(s), seed), s); }

struct P {
  int sh, sw, ph, pw, dh, dw, g;
};

// Direct convolution: x (N,H,W,C), w (O,KH,KW,C/g).
std::vector<double> ref_conv(const std::vector<double>& x, Shape xs, const std::vector<double>& w, Shape ws, P p,
                             Shape& ys) {
  int64_t N = xs[0], H = xs[1], W = xs[2], C = xs[3], O = ws[0], KH = ws[1], KW = ws[2], Cg = ws[3];
  int64_t OH = (H + 2 * p.ph - p.dh * (KH - 1) - 1) / p.sh + 1, OW = (W + 2 * p.pw - p.dw * (KW - 1) - 1) / p.sw + 1;
  int64_t Og = O / p.g;
  ys = {N, OH, OW, O};
  std::vector<double> y(N * OH * OW * O, 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox)
        for (int64_t o = 0; o < O; ++o) {
          double acc = 0;
          int64_t g = o / Og;
          for (int64_t ky = 0; ky < KH; ++ky)
            for (int64_t kx = 0; kx < KW; ++kx) {
              int64_t iy = oy * p.sh + ky * p.dh - p.ph, ix = ox * p.sw + kx * p.dw - p.pw;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (int64_t c = 0; c < Cg; ++c)
                acc += x[((n * H + iy) * W + ix) * C + g * Cg + c] * w[((o * KH + ky) * KW + kx) * Cg + c];
            }
          y[((n * OH + oy) * OW + ox) * O + o] = acc;
        }
  return y;
}

// Direct transposed convolution: x (N,H,W,C), w (O,KH,KW,C/g): out[n, i*s+k*d-p, o] += x[n,i,c] w[o,k,c].
std::vector<double> ref_conv_t(const std::vector<double>& x, Shape xs, const std::vector<double>& w, Shape ws, P p,
                               Shape& ys) {
  int64_t N = xs[0], H = xs[1], W = xs[2], C = xs[3], O = ws[0], KH = ws[1], KW = ws[2], Cg = ws[3];
  int64_t OH = (H - 1) * p.sh - 2 * p.ph + p.dh * (KH - 1) + 1, OW = (W - 1) * p.sw - 2 * p.pw + p.dw * (KW - 1) + 1;
  int64_t Og = O / p.g;
  ys = {N, OH, OW, O};
  std::vector<double> y(N * OH * OW * O, 0.0);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t i = 0; i < H; ++i)
      for (int64_t j = 0; j < W; ++j)
        for (int64_t ky = 0; ky < KH; ++ky)
          for (int64_t kx = 0; kx < KW; ++kx) {
            int64_t oy = i * p.sh + ky * p.dh - p.ph, ox = j * p.sw + kx * p.dw - p.pw;
            if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
            for (int64_t o = 0; o < O; ++o) {
              int64_t g = o / Og;
              for (int64_t c = 0; c < Cg; ++c)
                y[((n * OH + oy) * OW + ox) * O + o] +=
                    x[((n * H + i) * W + j) * C + g * Cg + c] * w[((o * KH + ky) * KW + kx) * Cg + c];
            }
          }
  return y;
}

void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-9) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(tol).scale(1.0));
}

array c2(const array& x, const array& w, P p) {
  return conv2d(x, w, {p.sh, p.sw}, {p.ph, p.pw}, {p.dh, p.dw}, p.g);
}
array ct2(const array& x, const array& w, P p) {
  return conv_transpose2d(x, w, {p.sh, p.sw}, {p.ph, p.pw}, {p.dh, p.dw}, p.g);
}

void check_grad(const Fn& f, std::vector<array> inputs, unsigned seed = 7) {
  array y = f(inputs)[0];
  array r = rnd(y.shape(), seed);
  auto [outs, grads] = vjp(f, inputs, {r});
  const double h = 1e-6;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<double> base = values(inputs[i]), g = values(grads[i]);
    REQUIRE(g.size() == base.size());
    for (size_t k = 0; k < base.size(); ++k) {
      auto at = [&](double d) {
        std::vector<double> v = base;
        v[k] += d;
        std::vector<array> in = inputs;
        in[i] = f64(v, inputs[i].shape());
        return values(sum(multiply(f(in)[0], r)))[0];
      };
      CHECK(g[k] == doctest::Approx((at(h) - at(-h)) / (2 * h)).epsilon(1e-6).scale(1.0));
    }
  }
}

template <typename F>
void check_throws_tag(F&& f, const std::string& tag) {
  try {
    f();
    FAIL("expected an error tagged " << tag);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).rfind("[" + tag + "]", 0) == 0);
  }
}

const P kParams[] = {
    {1, 1, 0, 0, 1, 1, 1}, {2, 1, 1, 1, 1, 2, 2}, {1, 2, 2, 0, 2, 1, 1}, {3, 2, 1, 2, 1, 1, 4}, {2, 2, 1, 1, 2, 2, 2},
};

}  // namespace

TEST_CASE("conv2d matches a numpy fixture (groups, stride, padding, dilation)") {
  std::vector<double> xv(2 * 4 * 5 * 2), wv(4 * 3 * 2 * 1);
  for (size_t i = 0; i < xv.size(); ++i) xv[i] = double(int(i) % 7 - 3);
  for (size_t i = 0; i < wv.size(); ++i) wv[i] = double(int(i) % 5 - 2);
  for (Dtype t : {Dtype::float32, Dtype::float64, Dtype::float16}) {
    array y = conv2d(astype(f64(xv, {2, 4, 5, 2}), t), astype(f64(wv, {4, 3, 2, 1}), t), {2, 1}, {1, 1}, {1, 2}, 2);
    CHECK(y.dtype() == t);
    CHECK(y.shape() == Shape{2, 2, 5, 4});
    CHECK(values(y) == std::vector<double>{
                           -5, -4, 0,  3, 7,  2, -9, 0,  9, 2,   3,  3,  -10, 2, 8,  -1, -2, 5,  -6, 6,
                           -6, -5, 5,  9, -5, 2, -10, -1, 5, 0,  -10, 1, 8,   -9, 11, 3, -2, 7,  7,  -6,
                           -3, -6, 4,  3, -9, 2, 7,  -3, 7, 2,   -9, 0,  9,   2, 3,  3,  -6, 7,  6,  -4,
                           5,  7,  7,  5, -8, 4, 11, 4,  -5, 2,  -10, -1, 5,  0, -10, 1, 12, -3, 5,  -4});
  }
}

TEST_CASE("conv2d, conv1d and conv_transpose2d match direct loops") {
  for (const P& p : kParams) {
    Shape xs{2, 7, 6, 4}, ws{4, 3, 2, 4 / p.g}, ys;
    auto xv = rvec(shape_size(xs), 1), wv = rvec(shape_size(ws), 2);
    std::vector<double> want = ref_conv(xv, xs, wv, ws, p, ys);
    array y = c2(f64(xv, xs), f64(wv, ws), p);
    CHECK(y.shape() == ys);
    check_close(values(y), want);
    // float32 goes through the packed GEMM
    array yf = c2(astype(f64(xv, xs), Dtype::float32), astype(f64(wv, ws), Dtype::float32), p);
    check_close(values(yf), want, 1e-4);
    std::vector<double> wt = ref_conv_t(xv, xs, wv, ws, p, ys);
    array t = ct2(f64(xv, xs), f64(wv, ws), p);
    CHECK(t.shape() == ys);
    check_close(values(t), wt);
  }
  // conv1d is conv2d of height 1
  Shape xs{2, 9, 4}, ws{6, 3, 2}, ys;
  auto xv = rvec(18 * 4, 3), wv = rvec(36, 4);
  P p{1, 2, 0, 1, 1, 2, 2};
  std::vector<double> want = ref_conv(xv, {2, 1, 9, 4}, wv, {6, 1, 3, 2}, p, ys);
  array y = conv1d(f64(xv, xs), f64(wv, ws), 2, 1, 2, 2);
  CHECK(y.shape() == Shape{2, ys[2], 6});
  check_close(values(y), want);
  want = ref_conv_t(xv, {2, 1, 9, 4}, wv, {6, 1, 3, 2}, p, ys);
  array t = conv_transpose1d(f64(xv, xs), f64(wv, ws), 2, 1, 2, 2);
  CHECK(t.shape() == Shape{2, ys[2], 6});
  check_close(values(t), want);
  // 1x1 kernels (the pointwise path: no im2col), with groups, and their adjoints
  for (int g : {1, 2}) {
    P q{1, 1, 0, 0, 1, 1, g};
    Shape px{2, 3, 4, 4}, pw{6, 1, 1, 4 / g};
    auto pxv = rvec(shape_size(px), 7), pwv = rvec(shape_size(pw), 8);
    check_close(values(c2(f64(pxv, px), f64(pwv, pw), q)), ref_conv(pxv, px, pwv, pw, q, ys));
    check_close(values(ct2(f64(pxv, px), f64(pwv, pw), q)), ref_conv_t(pxv, px, pwv, pw, q, ys));
    check_grad([q](const std::vector<array>& in) { return std::vector<array>{c2(in[0], in[1], q)}; },
               {f64(pxv, px), f64(pwv, pw)});
  }
  // a large float32 case exercises the chunked im2col
  Shape bx{1, 70, 70, 16}, bw{8, 5, 5, 16};
  auto bxv = rvec(shape_size(bx), 5), bwv = rvec(shape_size(bw), 6);
  P q{1, 1, 2, 2, 1, 1, 1};
  want = ref_conv(bxv, bx, bwv, bw, q, ys);
  check_close(values(c2(astype(f64(bxv, bx), Dtype::float32), astype(f64(bwv, bw), Dtype::float32), q)), want, 1e-3);
}

TEST_CASE("conv gradients by finite differences, first and second order") {
  for (const P& p : {kParams[1], kParams[3], kParams[4]}) {
    Shape xs{2, 5, 6, 4}, ws{4, 2, 3, 4 / p.g};
    check_grad([p](const std::vector<array>& in) { return std::vector<array>{c2(in[0], in[1], p)}; },
               {rnd(xs, 10), rnd(ws, 11)});
    check_grad([p](const std::vector<array>& in) { return std::vector<array>{ct2(in[0], in[1], p)}; },
               {rnd({1, 3, 2, 4}, 12), rnd({4, 2, 3, 4 / p.g}, 13)});
  }
  // the gradient w.r.t. the weight is itself differentiable (WeightGrad mode)
  P p = kParams[1];
  check_grad(
      [p](const std::vector<array>& in) {
        Fn f = [&](const std::vector<array>& a) { return std::vector<array>{sum(square(c2(a[0], a[1], p)))}; };
        auto [v, g] = vjp(f, {in[0], in[1]}, {array::scalar(1.0, Dtype::float64)});
        return std::vector<array>{add(sum(square(g[1])), sum(square(g[0])))};
      },
      {rnd({1, 4, 4, 4}, 14), rnd({4, 2, 3, 2}, 15)});
}

TEST_CASE("conv jvp is linear in each argument") {
  P p = kParams[4];
  array x = rnd({2, 6, 6, 4}, 20), w = rnd({4, 3, 3, 2}, 21), tx = rnd({2, 6, 6, 4}, 22), tw = rnd({4, 3, 3, 2}, 23);
  auto f = [p](const std::vector<array>& in) { return std::vector<array>{c2(in[0], in[1], p)}; };
  auto [o, t] = jvp(f, {x, w}, {tx, tw});
  check_close(values(t[0]), values(add(c2(tx, w, p), c2(x, tw, p))));
  auto g = [p](const std::vector<array>& in) { return std::vector<array>{ct2(in[0], in[1], p)}; };
  auto [o2, t2] = jvp(g, {x, w}, {tx, tw});
  check_close(values(t2[0]), values(add(ct2(tx, w, p), ct2(x, tw, p))));
}

TEST_CASE("conv under vmap matches a loop") {
  P p = kParams[1];
  array X = rnd({3, 2, 5, 5, 4}, 30), W = rnd({3, 4, 3, 2, 2}, 31);
  array x0 = take(X, array::scalar(0, Dtype::int32), 0), w0 = take(W, array::scalar(0, Dtype::int32), 0);
  auto f = [p](const std::vector<array>& in) { return std::vector<array>{c2(in[0], in[1], p)}; };
  auto pick = [](const array& a, int i, int ax = 0) { return take(a, array::scalar(i, Dtype::int32), ax); };
  array vx = vmap(f, {X, w0}, {0, kNoAxis}, {0})[0];
  array vw = vmap(f, {x0, W}, {kNoAxis, 0}, {0})[0];
  array vb = vmap(f, {moveaxis(X, 0, 2), W}, {2, 0}, {1})[0];
  for (int i = 0; i < 3; ++i) {
    check_close(values(pick(vx, i)), values(c2(pick(X, i), w0, p)));
    check_close(values(pick(vw, i)), values(c2(x0, pick(W, i), p)));
    check_close(values(pick(vb, i, 1)), values(c2(pick(X, i), pick(W, i), p)));
  }
  // conv_transpose (InputGrad) with a batched weight, and both batched
  auto ft = [p](const std::vector<array>& in) { return std::vector<array>{ct2(in[0], in[1], p)}; };
  array tw = vmap(ft, {x0, W}, {kNoAxis, 0}, {0})[0];
  array tb = vmap(ft, {X, W}, {0, 0}, {0})[0];
  for (int i = 0; i < 3; ++i) {
    check_close(values(pick(tw, i)), values(ct2(x0, pick(W, i), p)));
    check_close(values(pick(tb, i)), values(ct2(pick(X, i), pick(W, i), p)));
  }
  // vmap of the gradient w.r.t. the weight (WeightGrad with batched operands)
  auto gw = [p](const std::vector<array>& in) {
    Fn f = [&](const std::vector<array>& a) { return std::vector<array>{sum(square(c2(a[0], a[1], p)))}; };
    return std::vector<array>{vjp(f, in, {array::scalar(1.0, Dtype::float64)}).second[1]};
  };
  array vg = vmap(gw, {X, w0}, {0, kNoAxis}, {0})[0];
  array vgw = vmap(gw, {x0, W}, {kNoAxis, 0}, {0})[0];
  for (int i = 0; i < 3; ++i) {
    check_close(values(pick(vg, i)), values(gw({pick(X, i), w0})[0]));
    check_close(values(pick(vgw, i)), values(gw({x0, pick(W, i)})[0]));
  }
}

TEST_CASE("conv errors carry their op's tag") {
  array x = rnd({1, 5, 5, 4}, 1), w = rnd({2, 3, 3, 4}, 2);
  check_throws_tag([&] { conv2d(rnd({5, 5, 4}, 1), w); }, "conv2d");
  check_throws_tag([&] { conv2d(x, rnd({2, 3, 3, 3}, 2)); }, "conv2d");
  check_throws_tag([&] { conv2d(x, w, {0, 1}); }, "conv2d");
  check_throws_tag([&] { conv2d(x, w, {1, 1}, {-1, 0}); }, "conv2d");
  check_throws_tag([&] { conv2d(x, rnd({2, 7, 3, 4}, 2)); }, "conv2d");
  check_throws_tag([&] { conv2d(x, rnd({3, 3, 3, 2}, 2), {1, 1}, {0, 0}, {1, 1}, 2); }, "conv2d");
  check_throws_tag([&] { conv2d(astype(x, Dtype::int32), astype(w, Dtype::int32)); }, "conv2d");
  check_throws_tag([&] { conv1d(x, w); }, "conv1d");
  check_throws_tag([&] { conv_transpose2d(x, rnd({2, 3, 3, 3}, 2)); }, "conv_transpose2d");
  check_throws_tag([&] { conv_transpose2d(rnd({1, 1, 1, 4}, 1), w, {1, 1}, {2, 2}); }, "conv_transpose2d");
}
