// Shape and indexing ops: values by hand, views, errors, and every
// primitive's vjp (against finite differences), jvp and vmap (against loops).
#include <doctest/doctest.h>

#include <cmath>
#include <functional>

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
array i32(const std::vector<int32_t>& v, Shape s) { return make<int32_t>(v, std::move(s)); }
std::vector<double> seq(int n, double scale = 1) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = (i % 7 - 3) * scale + 0.25 * i;
  return v;
}
std::vector<double> iota_d(int n) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  return v;
}
array iota(Shape s) { return f64(iota_d(int(shape_size(s))), s); }

SliceArg sl(std::optional<int64_t> a = std::nullopt, std::optional<int64_t> b = std::nullopt,
            std::optional<int64_t> c = std::nullopt) {
  return SliceArg{a, b, c};
}
IndexEntry I_(int64_t v) {
  IndexEntry e;
  e.kind = IndexEntry::Int;
  e.value = v;
  return e;
}
IndexEntry S_(std::optional<int64_t> a = std::nullopt, std::optional<int64_t> b = std::nullopt,
              std::optional<int64_t> c = std::nullopt) {
  IndexEntry e;
  e.kind = IndexEntry::Slice;
  e.slice = sl(a, b, c);
  return e;
}
IndexEntry N_() {
  IndexEntry e;
  e.kind = IndexEntry::NewAxis;
  return e;
}
IndexEntry E_() {
  IndexEntry e;
  e.kind = IndexEntry::Ellipsis;
  return e;
}
IndexEntry A_(array a) {
  IndexEntry e;
  e.kind = IndexEntry::Array;
  e.arr = std::move(a);
  return e;
}

using Fn1 = std::function<array(const array&)>;

// Gradient of sum(f(x) * w) (w fixed weights) by vjp vs central differences,
// and the jvp along a direction vs the same differences.
void check_grad(const Fn1& f, const array& x0) {
  auto xv = values(x0);
  array y0 = f(x0);
  auto wv = seq(int(y0.size()), 0.37);
  array w = f64(wv, y0.shape());
  Fn loss = [&](const std::vector<array>& in) { return std::vector<array>{sum(multiply(f(in[0]), w))}; };
  auto [_, g] = value_and_grad(loss, {x0}, {0});
  auto gv = values(g[0]);
  REQUIRE(gv.size() == xv.size());
  const double eps = 1e-6;
  for (size_t i = 0; i < xv.size(); ++i) {
    auto xp = xv, xm = xv;
    xp[i] += eps;
    xm[i] -= eps;
    double lp = values(loss({f64(xp, x0.shape())})[0])[0];
    double lm = values(loss({f64(xm, x0.shape())})[0])[0];
    CHECK(gv[i] == doctest::Approx((lp - lm) / (2 * eps)).epsilon(1e-5));
  }
  // jvp along t
  auto tv = seq(int(xv.size()), 0.11);
  Fn fv = [&](const std::vector<array>& in) { return std::vector<array>{f(in[0])}; };
  auto [outs, tans] = jvp(fv, {x0}, {f64(tv, x0.shape())});
  auto jt = values(tans[0]);
  std::vector<double> xp = xv, xm = xv;
  for (size_t i = 0; i < xv.size(); ++i) {
    xp[i] += eps * tv[i];
    xm[i] -= eps * tv[i];
  }
  auto yp = values(f(f64(xp, x0.shape()))), ym = values(f(f64(xm, x0.shape())));
  REQUIRE(jt.size() == yp.size());
  for (size_t i = 0; i < jt.size(); ++i) CHECK(jt[i] == doctest::Approx((yp[i] - ym[i]) / (2 * eps)).epsilon(1e-5));
}

// vmap(f) over `axes` (kNoAxis: unmapped) vs stacking f on each slice.
void check_vmap(const Fn& f, const std::vector<array>& inputs, const std::vector<int>& axes) {
  int64_t B = -1;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (axes[i] != kNoAxis) B = inputs[i].shape()[axes[i]];
  REQUIRE(B > 0);
  auto got = vmap(f, inputs, axes, {0});
  std::vector<array> per;
  for (int64_t b = 0; b < B; ++b) {
    std::vector<array> args;
    for (size_t i = 0; i < inputs.size(); ++i)
      args.push_back(axes[i] == kNoAxis ? inputs[i] : take(inputs[i], array::scalar(double(b), Dtype::int32), axes[i]));
    per.push_back(f(args)[0]);
  }
  array want = stack(per, 0);
  REQUIRE(got[0].shape() == want.shape());
  CHECK(values(got[0]) == values(want));
}

bool shares(const array& a, const array& b) {
  eval(std::vector<array>{a, b});
  return a.buffer() == b.buffer();
}

}  // namespace

TEST_CASE("slicing is a strided view, with negative steps and clamping") {
  array x = iota({4, 5});
  array s = slice(x, {sl(1, 4, 2), sl(std::nullopt, std::nullopt, -2)});
  CHECK(s.shape() == Shape{2, 3});
  CHECK(values(s) == std::vector<double>{9, 7, 5, 19, 17, 15});
  CHECK(shares(s, x));
  CHECK(values(slice(x, {sl(-100, 100)})).size() == 20);
  CHECK(slice(x, {sl(3, 1)}).shape() == Shape{0, 5});
  CHECK(values(slice(x, {sl(-1, -5, -1), sl(4, 5)})) == std::vector<double>{19, 14, 9, 4});
  // a view of a transposed view
  array t = transpose(x);
  array st = slice(t, {sl(1, 3), sl(std::nullopt, std::nullopt, 3)});
  CHECK(values(st) == std::vector<double>{1, 16, 2, 17});
  CHECK(shares(st, x));
  CHECK_THROWS_WITH(slice(x, {sl(0, 1, 0)}), "[slice] Slice step cannot be zero.");
}

TEST_CASE("index: ints, new axes, ellipsis, slices and arrays, as numpy") {
  array x = iota({2, 3, 4});
  array a = index(x, {I_(1), S_(std::nullopt, std::nullopt, -1), N_(), I_(-1)});
  CHECK(a.shape() == Shape{3, 1});
  CHECK(values(a) == std::vector<double>{23, 19, 15});
  CHECK(shares(a, x));
  CHECK(index(x, {E_(), I_(0)}).shape() == Shape{2, 3});
  CHECK(index(x, {N_(), E_(), N_()}).shape() == Shape{1, 2, 3, 4, 1});
  CHECK(values(index(x, {E_(), I_(1), I_(2)})) == std::vector<double>{6, 18});
  // one array: a gather along that axis
  array idx = i32({2, 0, -1}, {3});
  array g = index(x, {I_(0), S_(), A_(idx)});  // int + array adjacent? no: slice between -> I first
  CHECK(g.shape() == Shape{3, 3});
  CHECK(values(g) == std::vector<double>{2, 6, 10, 0, 4, 8, 3, 7, 11});
  array h = index(x, {S_(), A_(i32({1, 2}, {2, 1})), A_(i32({0, 3}, {2}))});  // adjacent: block at 1
  CHECK(h.shape() == Shape{2, 2, 2});
  CHECK(values(h) == std::vector<double>{4, 7, 8, 11, 16, 19, 20, 23});
  array k = index(x, {A_(i32({1, 0}, {2})), S_(1, 3), A_(i32({3, 0}, {2}))});  // not adjacent: block first
  CHECK(k.shape() == Shape{2, 2});
  CHECK(values(k) == std::vector<double>{19, 23, 4, 8});
  CHECK(index(x, {A_(i32({1}, {1})), N_()}).shape() == Shape{1, 1, 3, 4});
  // indices of other integer dtypes
  CHECK(values(index(x, {A_(make<uint8_t>({1}, {})), I_(0), I_(0)})) == std::vector<double>{12});
  CHECK(values(index(x, {A_(make<int64_t>({-1}, {1}))})).size() == 12);
  CHECK_THROWS_WITH(index(x, {I_(2)}), "[index] Index 2 is out of bounds for axis 0 with size 2.");
  CHECK_THROWS_WITH(index(x, {I_(0), I_(0), I_(0), I_(0)}), doctest::Contains("[index] Too many indices"));
  CHECK_THROWS_WITH(index(x, {E_(), E_()}), doctest::Contains("single ellipsis"));
  CHECK_THROWS_WITH(index(x, {A_(f64({1}, {1}))}), "[index] Indices must be integers, got float64.");
  CHECK_THROWS_WITH(index(x, {A_(make<bool>({true}, {1}))}), doctest::Contains("[index] Boolean mask"));
  CHECK_THROWS_WITH(values(index(x, {A_(i32({2}, {1}))})), "[index] Index 2 is out of bounds for axis 0 with size 2.");
}

TEST_CASE("take, take_along_axis and put_along_axis") {
  array x = iota({3, 4});
  CHECK(values(take(x, i32({5, -1, 0}, {3}))) == std::vector<double>{5, 11, 0});
  array t = take(x, i32({3, 0, 1, 1}, {2, 2}), 1);
  CHECK(t.shape() == Shape{3, 2, 2});
  CHECK(values(t) == std::vector<double>{3, 0, 1, 1, 7, 4, 5, 5, 11, 8, 9, 9});
  CHECK(values(take(x, i32({-1}, {}), 0)) == std::vector<double>{8, 9, 10, 11});
  CHECK(take(x, i32({}, {0}), 0).shape() == Shape{0, 4});
  CHECK(values(take(transpose(x), i32({2}, {1}), -1)) == std::vector<double>{8, 9, 10, 11});
  CHECK_THROWS_WITH(values(take(x, i32({3}, {1}), 0)), "[take] Index 3 is out of bounds for axis 0 with size 3.");
  CHECK_THROWS_WITH(values(take(x, i32({-5}, {1}), 1)), "[take] Index -5 is out of bounds for axis 1 with size 4.");
  CHECK_THROWS_WITH(take(x, f64({0}, {1}), 0), "[take] Indices must be integers, got float64.");
  CHECK_THROWS_WITH(take(x, i32({0}, {1}), 2), "[take] Invalid axis 2 for an array with 2 dimensions.");

  array idx = i32({1, 0, 3, 2, 2, 1}, {3, 2});
  array ta = take_along_axis(x, idx, 1);
  CHECK(values(ta) == std::vector<double>{1, 0, 7, 6, 10, 9});
  CHECK(values(take_along_axis(x, i32({2, 0, 1, 0}, {1, 4}), 0)) == std::vector<double>{8, 1, 6, 3});
  CHECK(values(take_along_axis(x, i32({11, 0}, {2}), std::nullopt)) == std::vector<double>{11, 0});
  CHECK_THROWS_WITH(take_along_axis(x, i32({0}, {1}), 0), doctest::Contains("[take_along_axis] Indices of dimension 1"));
  array pa = put_along_axis(x, i32({0, 3, 1}, {3, 1}), f64({-1, -2, -3}, {3, 1}), 1);
  CHECK(values(pa) == std::vector<double>{-1, 1, 2, 3, 4, 5, 6, -2, 8, -3, 10, 11});
}

TEST_CASE("at updates: set, accumulate with duplicates, and every op") {
  array x = f64({1, 2, 3, 4, 5}, {5});
  array dup = i32({0, 2, 0}, {3});
  CHECK(values(index_update(x, {A_(dup)}, f64({10, 20, 30}, {3}), UpdateOp::set)) ==
        std::vector<double>{30, 2, 20, 4, 5});
  CHECK(values(index_update(x, {A_(dup)}, f64({1}, {}), UpdateOp::add)) == std::vector<double>{3, 2, 4, 4, 5});
  CHECK(values(index_update(x, {A_(dup)}, f64({1}, {}), UpdateOp::subtract)) == std::vector<double>{-1, 2, 2, 4, 5});
  CHECK(values(index_update(x, {A_(dup)}, f64({3}, {}), UpdateOp::multiply)) == std::vector<double>{9, 2, 9, 4, 5});
  CHECK(values(index_update(x, {A_(dup)}, f64({2}, {}), UpdateOp::divide)) == std::vector<double>{0.25, 2, 1.5, 4, 5});
  CHECK(values(index_update(x, {A_(dup)}, f64({0, 7, 1.5}, {3}), UpdateOp::maximum)) ==
        std::vector<double>{1.5, 2, 7, 4, 5});
  CHECK(values(index_update(x, {A_(dup)}, f64({0, 7, -1}, {3}), UpdateOp::minimum)) ==
        std::vector<double>{-1, 2, 3, 4, 5});
  // slices only: a strided region
  CHECK(values(index_update(x, {S_(std::nullopt, std::nullopt, 2)}, f64({1}, {}), UpdateOp::add)) ==
        std::vector<double>{2, 2, 4, 4, 6});
  CHECK(values(index_update(x, {S_(3, 0, -2)}, f64({8, 9}, {2}), UpdateOp::set)) == std::vector<double>{1, 9, 3, 8, 5});
  // mixing arrays, ints, slices and new axes on 3-D
  array y = zeros({2, 3, 4}, Dtype::float32);
  array u = index_update(y, {S_(), A_(i32({2, 0}, {2})), S_(1, 3)}, f64({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2}),
                         UpdateOp::add);
  array want = zeros({2, 3, 4}, Dtype::float32);
  auto uv = values(u);
  CHECK(uv[0 * 12 + 2 * 4 + 1] == 1);
  CHECK(uv[0 * 12 + 2 * 4 + 2] == 2);
  CHECK(uv[0 * 12 + 0 * 4 + 1] == 3);
  CHECK(uv[1 * 12 + 0 * 4 + 2] == 8);
  CHECK(u.dtype() == Dtype::float32);
  double total = 0;
  for (double v : uv) total += v;
  CHECK(total == 36);
  array v2 = index_update(y, {A_(i32({1}, {1})), E_(), A_(i32({3, 0}, {2})), N_()}, f64({5}, {}), UpdateOp::set);
  auto vv = values(v2);
  CHECK(vv[12 + 3] == 5);
  CHECK(vv[12 + 0] == 5);
  CHECK(vv[12 + 4 + 3] == 5);
  CHECK(values(sum(v2))[0] == 30);
  CHECK(values(index_update(i32({1, 2, 3}, {3}), {A_(i32({1}, {1}))}, f64({2}, {}), UpdateOp::divide)) ==
        std::vector<double>{1, 1, 3});
  CHECK_THROWS_WITH(index_update(x, {A_(dup)}, f64({1, 2}, {2}), UpdateOp::set),
                    doctest::Contains("[at] Cannot broadcast the update of shape (2)"));
  CHECK_THROWS_WITH(values(index_update(x, {A_(i32({9}, {1}))}, f64({1}, {}), UpdateOp::add)),
                    "[at] Index 9 is out of bounds for axis 0 with size 5.");
}

TEST_CASE("concatenate, stack and split") {
  array a = iota({2, 3});
  array b = make<int32_t>({6, 7}, {2, 1});
  array c = concatenate({a, b}, -1);
  CHECK(c.shape() == Shape{2, 4});
  CHECK(c.dtype() == Dtype::float64);
  CHECK(values(c) == std::vector<double>{0, 1, 2, 6, 3, 4, 5, 7});
  CHECK(values(concatenate({transpose(a), zeros({0, 2}, Dtype::float64), transpose(a)}, 0)) ==
        std::vector<double>{0, 3, 1, 4, 2, 5, 0, 3, 1, 4, 2, 5});
  CHECK(concatenate({zeros({0, 3}, Dtype::float32), zeros({0, 3}, Dtype::float32)}).shape() == Shape{0, 3});
  CHECK_THROWS_WITH(concatenate({}), "[concatenate] No arrays provided for concatenation.");
  CHECK_THROWS_WITH(concatenate({a, b}, 0), doctest::Contains("[concatenate] All the input array dimensions"));
  CHECK_THROWS_WITH(concatenate({a, iota({6})}), doctest::Contains("same number of dimensions"));
  array s = stack({a, a}, -1);
  CHECK(s.shape() == Shape{2, 3, 2});
  CHECK(values(s) == std::vector<double>{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5});
  CHECK(stack({a, a}, 0).shape() == Shape{2, 2, 3});
  CHECK_THROWS_WITH(stack({a, b}), doctest::Contains("[stack] All arrays must have the same shape"));
  auto parts = split(iota({6, 2}), 3, 0);
  REQUIRE(parts.size() == 3);
  CHECK(values(parts[2]) == std::vector<double>{8, 9, 10, 11});
  CHECK(shares(parts[1], parts[0]));
  auto at = split(iota({2, 5}), std::vector<int64_t>{1, 3, 10}, -1);
  REQUIRE(at.size() == 4);
  CHECK(at[0].shape() == Shape{2, 1});
  CHECK(values(at[1]) == std::vector<double>{1, 2, 6, 7});
  CHECK(at[3].shape() == Shape{2, 0});
  CHECK_THROWS_WITH(split(a, 4, 1), doctest::Contains("[split] Array split does not result in sub arrays with equal size"));
}

TEST_CASE("tile, repeat, pad, flatten, unflatten, swapaxes, broadcast_arrays, as_strided") {
  array a = iota({2, 2});
  CHECK(values(tile(a, {1, 2})) == std::vector<double>{0, 1, 0, 1, 2, 3, 2, 3});
  CHECK(tile(a, {2, 1, 1}).shape() == Shape{2, 2, 2});
  CHECK(values(tile(iota({2}), {2})) == std::vector<double>{0, 1, 0, 1});
  CHECK(tile(a, {0, 1}).shape() == Shape{0, 2});
  CHECK(values(repeat(a, 2, 1)) == std::vector<double>{0, 0, 1, 1, 2, 2, 3, 3});
  CHECK(values(repeat(a, 2, -2)) == std::vector<double>{0, 1, 0, 1, 2, 3, 2, 3});
  CHECK(values(repeat(a, 2)) == std::vector<double>{0, 0, 1, 1, 2, 2, 3, 3});
  CHECK(repeat(a, 0, 0).shape() == Shape{0, 2});
  CHECK_THROWS_WITH(repeat(a, -1, 0), doctest::Contains("[repeat] Number of repeats cannot be negative"));

  array p = pad(a, {{1, 0}, {0, 2}}, f64({9}, {}));
  CHECK(p.shape() == Shape{3, 4});
  CHECK(values(p) == std::vector<double>{9, 9, 9, 9, 0, 1, 9, 9, 2, 3, 9, 9});
  CHECK(values(pad(a, {{1, 1}}, f64({0}, {}), "edge")) ==
        std::vector<double>{0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3});
  CHECK(pad(i32({1, 2}, {2}), {{2, 1}}, f64({0.5}, {})).dtype() == Dtype::int32);
  CHECK_THROWS_WITH(pad(a, {{1, 1}, {1, 1}, {1, 1}}, f64({0}, {})), doctest::Contains("[pad] Invalid number of padding"));
  CHECK_THROWS_WITH(pad(a, {{-1, 1}}, f64({0}, {})), doctest::Contains("[pad] Invalid padding size"));
  CHECK_THROWS_WITH(pad(a, {{1, 1}}, f64({0}, {}), "reflect"), doctest::Contains("[pad] Invalid padding mode"));

  array x = iota({2, 3, 4});
  CHECK(flatten(x).shape() == Shape{24});
  CHECK(flatten(x, 1).shape() == Shape{2, 12});
  CHECK(flatten(x, 0, -2).shape() == Shape{6, 4});
  CHECK(flatten(f64({1}, {})).shape() == Shape{1});
  CHECK_THROWS_WITH(flatten(x, 2, 1), doctest::Contains("[flatten] start_axis"));
  CHECK(unflatten(x, -1, {2, -1}).shape() == Shape{2, 3, 2, 2});
  CHECK_THROWS_WITH(unflatten(x, 1, {2, 2}), doctest::Contains("[unflatten] Cannot unflatten axis 1 of size 3"));
  array sw = swapaxes(x, 0, -1);
  CHECK(sw.shape() == Shape{4, 3, 2});
  CHECK(values(index(sw, {I_(1), I_(2), I_(1)}))[0] == 21);
  CHECK(shares(sw, x));
  auto bs = broadcast_arrays({iota({3, 1}), iota({4}), f64({1}, {})});
  CHECK(bs[0].shape() == Shape{3, 4});
  CHECK(bs[2].shape() == Shape{3, 4});
  CHECK_THROWS_WITH(broadcast_arrays({iota({3}), iota({4})}), doctest::Contains("[broadcast_arrays]"));
  array st = as_strided(iota({6}), {3, 2}, {2, 1}, 0);
  CHECK(values(st) == std::vector<double>{0, 1, 2, 3, 4, 5});
  CHECK(values(as_strided(transpose(iota({2, 3})), {2, 2}, {1, 1}, 1)) == std::vector<double>{3, 1, 1, 4});
  CHECK_THROWS_WITH(as_strided(iota({6}), {4}, {2}, 0), doctest::Contains("[as_strided] The view"));
}

TEST_CASE("dynamic slice and slice update") {
  array x = iota({3, 4});
  array s = slice_dynamic(x, i32({1, 2}, {2}), {0, 1}, {2, 2});
  CHECK(values(s) == std::vector<double>{6, 7, 10, 11});
  CHECK(values(slice_dynamic(x, i32({1}, {}), {1}, {3, 1})) == std::vector<double>{1, 5, 9});
  CHECK_THROWS_WITH(values(slice_dynamic(x, i32({2}, {}), {0}, {2, 4})),
                    doctest::Contains("[slice_dynamic] Start index 2 with a slice of size 2 is out of bounds"));
  array u = slice_update_dynamic(x, f64({-1, -2}, {1, 2}), i32({2, 1}, {2}), {0, 1});
  CHECK(values(u) == std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7, 8, -1, -2, 11});
  CHECK_THROWS_WITH(slice_update_dynamic(x, f64({1}, {1}), i32({0, 0, 0}, {3}), {0, 1}),
                    doctest::Contains("[slice_update] The start indices have 3 elements"));
}

TEST_CASE("vjp and jvp of every shape primitive match finite differences") {
  array x = f64(seq(12, 0.7), {3, 4});
  check_grad([](const array& a) { return slice(a, {sl(2, std::nullopt, -2), sl(1, 4, 2)}); }, x);
  check_grad([](const array& a) { return index(a, {A_(i32({2, 0, 2}, {3})), S_(1)}); }, x);
  check_grad([](const array& a) { return take(a, i32({1, 1, 3}, {3}), 1); }, x);
  check_grad([](const array& a) { return take_along_axis(a, i32({1, 0, 2, 2}, {1, 4}), 0); }, x);
  check_grad([](const array& a) { return concatenate({a, multiply(a, a)}, 1); }, x);
  check_grad([](const array& a) { return stack({a, transpose(transpose(a))}, 1); }, x);
  check_grad([](const array& a) { return split(a, 2, 1)[1]; }, x);
  check_grad([](const array& a) { return pad(a, {{1, 2}}, f64({0.5}, {})); }, x);
  check_grad([](const array& a) { return pad(a, {{1, 0}, {0, 2}}, f64({0}, {}), "edge"); }, x);
  check_grad([](const array& a) { return tile(a, {2, 1}); }, x);
  check_grad([](const array& a) { return repeat(a, 3, 0); }, x);
  check_grad([](const array& a) { return as_strided(a, {3, 3}, {3, 1}, 1); }, x);
  check_grad([](const array& a) { return slice_dynamic(a, i32({1, 1}, {2}), {0, 1}, {2, 2}); }, x);
  array upd = f64(seq(6, 0.3), {2, 3});
  for (UpdateOp op : {UpdateOp::set, UpdateOp::add, UpdateOp::subtract, UpdateOp::multiply, UpdateOp::maximum,
                      UpdateOp::minimum}) {
    // w.r.t. the array and w.r.t. the update
    check_grad([&](const array& a) { return index_update(a, {A_(i32({2, 0}, {2})), S_(0, 3)}, upd, op); }, x);
    check_grad([&](const array& u) { return index_update(x, {A_(i32({2, 0}, {2})), S_(0, 3)}, u, op); }, upd);
  }
  check_grad([&](const array& u) { return index_update(x, {S_(1, 3), S_(0, 3)}, u, UpdateOp::multiply); }, upd);
  check_grad([&](const array& u) { return slice_update_dynamic(x, u, i32({1, 0}, {2}), {0, 1}); }, upd);
  check_grad([&](const array& u) { return put_along_axis(x, i32({3, 0, 1}, {3, 1}), u, 1); },
             f64({1, 2, 3}, {3, 1}));
}

TEST_CASE("gradients with respect to indices are an error naming stopGradient") {
  array x = f64(seq(5), {5});
  Fn f = [&](const std::vector<array>& in) {
    return std::vector<array>{sum(take(x, astype(in[0], Dtype::int32), 0))};
  };
  // An index computed from the differentiated input (through astype).
  Fn g = [&](const std::vector<array>& in) {
    array i = astype(in[0], Dtype::int32);
    return std::vector<array>{sum(take(in[0], i, 0))};
  };
  CHECK_THROWS_WITH(value_and_grad(g, {f64({0, 1, 2}, {3})}, {0}),
                    "[take] Cannot compute the gradient with respect to the indices; wrap them in stopGradient.");
  Fn h = [&](const std::vector<array>& in) {
    array i = stop_gradient(astype(in[0], Dtype::int32));
    return std::vector<array>{sum(take(in[0], i, 0))};
  };
  auto [v, gr] = value_and_grad(h, {f64({0, 1, 2}, {3})}, {0});
  CHECK(values(gr[0]) == std::vector<double>{1, 1, 1});
  (void)f;
}

TEST_CASE("vmap rules of the shape primitives match loops") {
  array x = f64(seq(24), {2, 3, 4});
  auto one = [](std::function<array(const array&)> f) {
    return Fn([f](const std::vector<array>& in) { return std::vector<array>{f(in[0])}; });
  };
  for (int ax : {0, 1, 2}) {
    check_vmap(one([](const array& a) { return slice(a, {sl(1, std::nullopt, -1)}); }), {x}, {ax});
    check_vmap(one([](const array& a) { return take(a, i32({1, 0, -1}, {3}), 0); }), {x}, {ax});
    check_vmap(one([](const array& a) { return index(a, {E_(), A_(i32({1, 0}, {2, 1}))}); }), {x}, {ax});
    check_vmap(one([](const array& a) { return concatenate({a, a}, -1); }), {x}, {ax});
    check_vmap(one([](const array& a) { return pad(a, {{1, 0}}, f64({2}, {})); }), {x}, {ax});
    check_vmap(one([](const array& a) { return as_strided(a, {2, 2}, {1, 2}, 1); }), {x}, {ax});
    check_vmap(one([](const array& a) {
                 return index_update(a, {A_(i32({1, 1}, {2}))}, f64({3}, {}), UpdateOp::add);
               }),
               {x}, {ax});
  }
  // batched indices, unbatched and batched arrays
  array idx = i32({0, 2, 1, 1, 2, 0}, {2, 3});
  Fn tk = [](const std::vector<array>& in) { return std::vector<array>{take(in[0], in[1], 1)}; };
  check_vmap(tk, {x, idx}, {kNoAxis, 0});
  check_vmap(tk, {x, idx}, {0, 0});
  check_vmap(tk, {x, idx}, {0, kNoAxis});
  Fn up = [](const std::vector<array>& in) {
    return std::vector<array>{index_update(in[0], {A_(in[1])}, in[2], UpdateOp::add)};
  };
  array upd = f64(seq(2 * 3 * 4), {2, 3, 4});
  check_vmap(up, {x, idx, upd}, {0, 0, 0});
  check_vmap(up, {x, i32({0, 1, 1, 1, 0, 0}, {2, 3}), f64(seq(12), {3, 4})}, {kNoAxis, 0, kNoAxis});
  check_vmap(up, {x, idx, f64(seq(2 * 4), {2, 4})}, {0, kNoAxis, 0});
  Fn su = [](const std::vector<array>& in) {
    return std::vector<array>{index_update(in[0], {E_(), S_(1, 3), S_()}, in[1], UpdateOp::set)};
  };
  check_vmap(su, {x, f64(seq(8), {2, 4})}, {0, kNoAxis});
  check_vmap(su, {x, f64(seq(16), {2, 2, 4})}, {kNoAxis, 1});
  Fn cc = [](const std::vector<array>& in) { return std::vector<array>{concatenate({in[0], in[1]}, 0)}; };
  check_vmap(cc, {x, f64(seq(8), {2, 4})}, {0, kNoAxis});
  Fn ds = [](const std::vector<array>& in) {
    return std::vector<array>{slice_dynamic(in[0], in[1], {0}, {2, 4})};
  };
  check_vmap(ds, {x, i32({0, 1}, {2})}, {0, 0});
}

TEST_CASE("large gathers and scatters use the thread pool correctly") {
  const int n = 1 << 16;
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = i;
  array x = f64(v, {n / 64, 64});
  std::vector<int32_t> iv(n / 64);
  for (int i = 0; i < n / 64; ++i) iv[i] = (i * 7) % (n / 64);
  array g = take(x, i32(iv, {n / 64}), 0);
  auto gv = values(g);
  for (int i = 0; i < n / 64; i += 97) CHECK(gv[i * 64 + 5] == iv[i] * 64 + 5);
  array e = take(reshape(x, {-1}), i32(iv, {n / 64}));
  CHECK(values(e)[3] == iv[3]);
  array s = index_update(zeros({n / 64, 64}, Dtype::float64), {A_(i32(iv, {n / 64}))}, x, UpdateOp::add);
  CHECK(values(sum(s))[0] == double(n) * (n - 1) / 2);
}

TEST_CASE("no op makes an array with more than 64 dimensions") {
  const Shape ones64(64, 1);
  auto x = make<float>({2.0f}, ones64);  // 64 dims is the limit, and allowed
  CHECK(x.ndim() == 64);
  CHECK_THROWS_WITH(expand_dims(x, {0}), "[expand_dims] The shape has 65 dimensions; at most 64 are supported.");
  CHECK_THROWS_WITH(reshape(x, Shape(65, 1)), "[reshape] The shape has 65 dimensions; at most 64 are supported.");
  CHECK_THROWS_WITH(broadcast_to(x, Shape(65, 1)), "[broadcast_to] The shape has 65 dimensions; at most 64 are supported.");
  CHECK_THROWS_WITH(full(Shape(100000, 1), 1.0, Dtype::float32), "[full] The shape has 100000 dimensions; at most 64 are supported.");
  CHECK_THROWS_WITH(stack({x, x}), "[stack] The shape has 65 dimensions; at most 64 are supported.");
  CHECK_THROWS_WITH(index(x, {N_()}), "[index] The shape has 65 dimensions; at most 64 are supported.");
  // A gather whose indices add dimensions: caught where the node is made.
  // The limit holds for the gather node itself, which has the index's
  // dimensions and all of the array's (the taken axis is squeezed after).
  auto idx = make<int32_t>({0}, Shape(2, 1));
  CHECK_THROWS_WITH(take(x, idx, 0), doctest::Contains("dimensions; at most 64 are supported."));
  auto y = make<float>({1.0f}, Shape(62, 1));
  CHECK(take(y, idx, 0).ndim() == 63);
}
