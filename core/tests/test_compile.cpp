// compile_trace / compile_replay: replay equals eager, CSE and constant merging.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "compile.h"
#include "conv_ops.h"
#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "reduce_ops.h"
#include "shape_ops.h"
#include "tests/helpers.h"

using namespace wmx;
using wmx::test::f32;
using wmx::test::values;

TEST_CASE("a traced graph replays on new inputs without calling the function") {
  int calls = 0;
  Fn f = [&](const std::vector<array>& in) {
    ++calls;
    array two = array::scalar(2, Dtype::float32);
    array a = multiply(in[0], two);
    array b = multiply(in[0], array::scalar(2, Dtype::float32));  // same value: merged by CSE
    return std::vector<array>{sum(add(a, b)), matmul(in[1], in[1])};
  };
  auto g = compile_trace(f, {f32({1, 2}, {2}), f32({1, 0, 0, 1}, {2, 2})});
  CHECK(calls == 1);
  CHECK(compiled_node_count(*g) < compiled_traced_node_count(*g));
  auto out = compile_replay(*g, {f32({3, 4}, {2}), f32({1, 2, 3, 4}, {2, 2})});
  CHECK(calls == 1);
  CHECK(values(out[0]) == std::vector<double>{28});
  CHECK(values(out[1]) == std::vector<double>{7, 10, 15, 22});
  CHECK_THROWS_WITH(compile_replay(*g, {f32({3}, {1}), f32({1, 2, 3, 4}, {2, 2})}),
                    doctest::Contains("[compile] Input 0 has shape (1)"));
  Fn evals = [](const std::vector<array>& in) {
    eval(in[0]);
    return in;
  };
  CHECK_THROWS_WITH(compile_trace(evals, {f32({1}, {1})}), doctest::Contains("[compile] Can't evaluate"));
}

namespace {

// A float32 array of n pseudo-random values in [-1, 1) (deterministic).
array random_f32(Shape shape, uint32_t seed) {
  array a = array::empty(shape, Dtype::float32);
  uint32_t s = seed * 2654435761u + 1;
  for (int64_t i = 0; i < a.size(); ++i) {
    s = s * 1664525u + 1013904223u;
    a.data<float>()[i] = float(s >> 8) / float(1 << 23) - 1.0f;
  }
  return a;
}

void check_close(const array& got, const array& want, double tol = 1e-6) {
  auto g = values(got), w = values(want);
  REQUIRE(g.size() == w.size());
  for (size_t i = 0; i < g.size(); ++i) {
    if (std::isnan(w[i]) || std::isinf(w[i])) {
      CHECK((g[i] == w[i] || (std::isnan(g[i]) && std::isnan(w[i]))));
      continue;
    }
    CHECK(std::abs(g[i] - w[i]) <= tol * (1 + std::abs(w[i])));
  }
}

// x * sigmoid(x) + tanh(b) * 0.5 - exp(-y), with b broadcast along rows.
std::vector<array> chain(const std::vector<array>& in) {
  array x = in[0], y = in[1], b = in[2];
  array t = multiply(x, sigmoid(x));
  array u = multiply(tanh(b), array::scalar(0.5, Dtype::float32));
  return {subtract(add(t, u), exp(negative(y)))};
}

}  // namespace

TEST_CASE("elementwise chains fuse into one node that equals the eager result") {
  for (int64_t rows : {3, 40, 300}) {  // 300 x 257 crosses the threading grain
    CAPTURE(rows);
    std::vector<array> in = {random_f32({rows, 257}, 1), random_f32({rows, 257}, 2), random_f32({257}, 3)};
    auto g = compile_trace(chain, in);
    auto unfused = compile_trace(chain, in, /*fuse=*/false);
    const std::string text = compiled_describe(*g);
    CAPTURE(text);
    CHECK(compiled_node_count(*g) == 2);  // tanh(b) * 0.5 on b's shape, then the rest on x's
    CHECK(text == "Fused(Tanh,Multiply) Fused(Sigmoid,Multiply,Add,Negative,Exp,Subtract)");
    CHECK(compiled_describe(*unfused).find("Fused") == std::string::npos);
    check_close(compile_replay(*g, in)[0], chain(in)[0]);
    check_close(compile_replay(*unfused, in)[0], chain(in)[0]);
  }
}

TEST_CASE("the CPU's fusion cost rule: few steps over broadcast inputs stay unfused") {
  // x * w + b with row vectors w, b: two steps, two gathered inputs.
  Fn affine = [](const std::vector<array>& in) { return std::vector<array>{add(multiply(in[0], in[1]), in[2])}; };
  // The same inputs through six steps: fused.
  Fn longer = [](const std::vector<array>& in) {
    array y = add(multiply(in[0], in[1]), in[2]);
    return std::vector<array>{exp(negative(tanh(multiply(y, y))))};
  };
  std::vector<array> in = {random_f32({6, 5}, 1), random_f32({5}, 2), random_f32({5}, 3)};
  auto g = compile_trace(affine, in);
  CHECK(compiled_describe(*g).find("Fused") == std::string::npos);
  check_close(compile_replay(*g, in)[0], affine(in)[0]);
  auto h = compile_trace(longer, in);
  CHECK(compiled_describe(*h) == "Fused(Multiply,Add,Multiply,Tanh,Negative,Exp)");
  check_close(compile_replay(*h, in)[0], longer(in)[0]);
  // Same-shape inputs fuse from two steps on.
  std::vector<array> same = {random_f32({6, 5}, 1), random_f32({6, 5}, 2), random_f32({6, 5}, 3)};
  CHECK(compiled_describe(*compile_trace(affine, same)) == "Fused(Multiply,Add)");
}

TEST_CASE("fused kernels read strided, broadcast and scalar inputs, and keep NaN and Inf") {
  Fn f = [](const std::vector<array>& in) {
    array a = transpose(in[0]);  // non-contiguous
    return std::vector<array>{maximum(exp(add(a, in[1])), in[2])};
  };
  array a = random_f32({5, 7}, 4), col = random_f32({7, 1}, 5), s = array::scalar(1.0, Dtype::float32);
  a.data<float>()[3] = std::numeric_limits<float>::quiet_NaN();
  a.data<float>()[8] = std::numeric_limits<float>::infinity();
  auto g = compile_trace(f, {a, col, s});
  CHECK(compiled_describe(*g).find("Fused(Add,Exp,Maximum)") != std::string::npos);
  check_close(compile_replay(*g, {a, col, s})[0], f({a, col, s})[0]);
  array a2 = random_f32({5, 7}, 6);
  check_close(compile_replay(*g, {a2, col, s})[0], f({a2, col, s})[0]);
}

TEST_CASE("values read outside a chain end it; identities are removed") {
  Fn f = [](const std::vector<array>& in) {
    array e = exp(reshape(in[0], in[0].shape()));  // reshape to the same shape: removed
    array h = add(e, array::scalar(1, Dtype::float32));
    return std::vector<array>{multiply(h, h), sum(e, {0})};  // e is read by Sum too: its own group
  };
  array x = random_f32({64}, 7);
  auto g = compile_trace(f, {x});
  CHECK(compiled_describe(*g) == "Exp Fused(Add,Multiply) Sum Squeeze");  // sum reduces with keepdims, then squeezes
  auto out = compile_replay(*g, {x});
  auto eager = f({x});
  check_close(out[0], eager[0]);
  check_close(out[1], eager[1], 1e-5);
}

TEST_CASE("fused nodes differentiate, linearise and vectorise through their chain") {
  array x = random_f32({4, 6}, 8), y = random_f32({4, 6}, 9);
  auto g = compile_trace(chain, {x, y, random_f32({6}, 10)});
  REQUIRE(compiled_describe(*g).find("Fused") != std::string::npos);
  Fn compiled = [&](const std::vector<array>& in) { return std::vector<array>{sum(compile_replay(*g, in)[0])}; };
  Fn eager = [&](const std::vector<array>& in) { return std::vector<array>{sum(chain(in)[0])}; };
  std::vector<array> in = {x, y, random_f32({6}, 10)};
  auto [vc, gc] = value_and_grad(compiled, in, {0, 1, 2});
  auto [ve, ge] = value_and_grad(eager, in, {0, 1, 2});
  check_close(vc[0], ve[0], 1e-5);
  for (int i = 0; i < 3; ++i) check_close(gc[i], ge[i], 1e-5);
  std::vector<array> t = {random_f32({4, 6}, 11), random_f32({4, 6}, 12), random_f32({6}, 13)};
  check_close(jvp(compiled, in, t).second[0], jvp(eager, in, t).second[0], 1e-5);
  // vmap over a leading axis of x and y (b unbatched) on the per-example graph.
  auto gs = compile_trace(chain, {random_f32({6}, 1), random_f32({6}, 2), random_f32({6}, 3)});
  Fn per_example = [&](const std::vector<array>& e) { return compile_replay(*gs, e); };
  std::vector<array> batch = {x, y, in[2]};
  check_close(vmap(per_example, batch, {0, 0, kNoAxis}, {0})[0], chain(batch)[0]);
}

TEST_CASE("shapeless graphs replay on new shapes of the traced ranks") {
  Fn f = [](const std::vector<array>& in) {
    array x = in[0], b = in[1];
    return std::vector<array>{add(multiply(tanh(x), array::scalar(2, Dtype::float32)), b), exp(transpose(x))};
  };
  for (bool fuse : {true, false}) {
    CAPTURE(fuse);
    auto g = compile_trace(f, {random_f32({3, 4}, 1), random_f32({4}, 2)}, fuse, /*shapeless=*/true);
    CHECK((compiled_describe(*g).find("Fused") != std::string::npos) == fuse);
    for (Shape xs : {Shape{3, 4}, Shape{5, 2}, Shape{1, 7}, Shape{0, 3}}) {
      CAPTURE(shape_str(xs));
      std::vector<array> in = {random_f32(xs, 3), random_f32({xs[1]}, 4)};
      auto got = compile_replay(*g, in), want = f(in);
      CHECK(got[0].shape() == xs);
      check_close(got[0], want[0]);
      check_close(got[1], want[1]);
    }
    std::vector<array> row = {random_f32({5, 2}, 5), random_f32({1}, 6)};  // b broadcasts from size 1
    check_close(compile_replay(*g, row)[0], f(row)[0]);
    CHECK_THROWS_WITH(compile_replay(*g, {random_f32({5, 2}, 5), random_f32({3}, 6)}),
                      doctest::Contains("[compile] Shapes (5,2) and (3) cannot be broadcast"));
    CHECK_THROWS_WITH(compile_replay(*g, {random_f32({5}, 5), random_f32({5}, 6)}),
                      doctest::Contains("[compile] Input 0 has shape (5)"));
    // Gradients through the replay at a new shape equal the eager ones.
    std::vector<array> in = {random_f32({6, 3}, 7), random_f32({3}, 8)};
    Fn loss = [&](const std::vector<array>& a) { return std::vector<array>{sum(compile_replay(*g, a)[0])}; };
    Fn eager = [&](const std::vector<array>& a) { return std::vector<array>{sum(f(a)[0])}; };
    auto gc = value_and_grad(loss, in, {0, 1}).second, ge = value_and_grad(eager, in, {0, 1}).second;
    check_close(gc[0], ge[0], 1e-5);
    check_close(gc[1], ge[1], 1e-5);
  }
}

TEST_CASE("shapeless graphs of reductions, squeezes, flattens and matmuls follow the batch size") {
  // A two-layer classifier with the usual heads: every output's shape and
  // every count (mean's divisor, var's n) follows the batch size.
  array w1 = random_f32({5, 8}, 1), b1 = random_f32({8}, 2), w2 = random_f32({8, 3}, 3);
  Fn f = [&](const std::vector<array>& in) {
    array x = in[0], seq = in[1];
    array logits = matmul(tanh(add(matmul(x, w1), b1)), w2);
    array per_token = matmul(seq, w1);  // (B, T, 5) @ (5, 8): w1 broadcast over the batch
    return std::vector<array>{log_softmax(logits, {-1}),
                              mean(logits, {0, 1}, false),
                              argmax(logits, -1),
                              var(x, {0}, false, 1),
                              softmax(logits, {1}),
                              sum(flatten(expand_dims(x, {1}), 1, 2), {1}),
                              mean(per_token, {1}),
                              max(squeeze(sum(per_token, {2}, true), {2}), {0})};
  };
  for (bool fuse : {true, false}) {
    CAPTURE(fuse);
    auto g = compile_trace(f, {random_f32({4, 5}, 4), random_f32({4, 2, 5}, 5)}, fuse, /*shapeless=*/true);
    CHECK(compiled_describe(*g).find("Reshape") == std::string::npos);
    for (int64_t batch : {4, 1, 7, 2}) {
      for (int64_t steps : {2, 3}) {
        CAPTURE(batch);
        CAPTURE(steps);
        std::vector<array> in = {random_f32({batch, 5}, 10 + batch), random_f32({batch, steps, 5}, 20 + batch)};
        auto got = compile_replay(*g, in), want = f(in);
        REQUIRE(got.size() == want.size());
        for (size_t k = 0; k < got.size(); ++k) {
          CAPTURE(k);
          CHECK(got[k].shape() == want[k].shape());
          CHECK(got[k].dtype() == want[k].dtype());
          check_close(got[k], want[k], 1e-5);
        }
      }
    }
  }
}

TEST_CASE("shapeless takes (embedding lookups) and concatenations follow the indices' and inputs' shapes") {
  array table = random_f32({6, 3}, 1);
  Fn f = [&](const std::vector<array>& in) {
    array ids = in[0], x = in[1];
    return std::vector<array>{take(table, ids, 0),  // (B, T, 3)
                              take(x, ids, 1),      // rows of x picked by every id: (N, B, T)
                              concatenate({x, multiply(x, x)}, 1)};
  };
  auto ids_of = [](Shape s, int64_t k) {
    array a = array::empty(s, Dtype::int32);
    for (int64_t i = 0; i < a.size(); ++i) a.data<int32_t>()[i] = int32_t((i * 7 + k) % 4);
    return a;
  };
  auto g = compile_trace(f, {ids_of({2, 3}, 0), random_f32({2, 4}, 2)}, true, true);
  for (auto [ids_shape, x_shape] : {std::pair{Shape{2, 3}, Shape{2, 4}}, {Shape{1, 5}, Shape{3, 6}}, {Shape{4, 1}, Shape{1, 4}}}) {
    std::vector<array> in = {ids_of(ids_shape, 1), random_f32(x_shape, 3)};
    auto got = compile_replay(*g, in), want = f(in);
    for (size_t k = 0; k < got.size(); ++k) {
      CAPTURE(k);
      CHECK(got[k].shape() == want[k].shape());
      check_close(got[k], want[k]);
    }
  }
  CHECK_THROWS_WITH(values(compile_replay(*g, {ids_of({2, 3}, 0), random_f32({2, 3}, 2)})[1]),
                    doctest::Contains("[take] Index 3 is out of bounds"));
}

TEST_CASE("a shapeless convolutional classifier follows the batch size and the image size") {
  array w = random_f32({4, 3, 3, 2}, 1), head = random_f32({4, 5}, 2);
  Fn f = [&](const std::vector<array>& in) {
    array y = maximum(conv2d(in[0], w, {2, 2}, {1, 1}), array::scalar(0, Dtype::float32));
    return std::vector<array>{y, matmul(mean(y, {1, 2}), head)};  // global average pooling, then a linear head
  };
  auto g = compile_trace(f, {random_f32({2, 6, 6, 2}, 3)}, true, true);
  for (Shape xs : {Shape{2, 6, 6, 2}, Shape{1, 9, 7, 2}, Shape{3, 4, 5, 2}}) {
    CAPTURE(shape_str(xs));
    std::vector<array> in = {random_f32(xs, 4)};
    auto got = compile_replay(*g, in), want = f(in);
    for (size_t k = 0; k < got.size(); ++k) {
      CHECK(got[k].shape() == want[k].shape());
      check_close(got[k], want[k], 1e-5);
    }
  }
  CHECK_THROWS_WITH(compile_replay(*g, {random_f32({2, 6, 6, 3}, 4)}),
                    doctest::Contains("[compile] shapeless: Conv got an input of shape (2,6,6,3)"));
}

TEST_CASE("a shapeless training step (value and gradients) follows the batch size") {
  // Gradients of reductions broadcast back to their input's shape: under a
  // shapeless trace that broadcast takes the input as its shape donor.
  Fn loss = [](const std::vector<array>& in) {  // w (4,3), b (3), x (B,4), one-hot labels (B,3)
    array logits = add(matmul(in[2], in[0]), in[1]);
    array picked = sum(multiply(log_softmax(logits, {-1}), in[3]), {-1});
    return std::vector<array>{negative(mean(picked, {0}))};
  };
  Fn step = [&](const std::vector<array>& in) {
    auto [value, grads] = value_and_grad(loss, in, {0, 1});
    return std::vector<array>{value[0], grads[0], grads[1]};
  };
  auto one_hot = [](int64_t batch) {
    array a = array::empty({batch, 3}, Dtype::float32);
    for (int64_t i = 0; i < a.size(); ++i) a.data<float>()[i] = (i / 3) % 3 == i % 3 ? 1.f : 0.f;
    return a;
  };
  array w = random_f32({4, 3}, 1), b = random_f32({3}, 2);
  for (bool fuse : {true, false}) {
    CAPTURE(fuse);
    auto g = compile_trace(step, {w, b, random_f32({5, 4}, 3), one_hot(5)}, fuse, true);
    for (int64_t batch : {5, 2, 9}) {
      CAPTURE(batch);
      std::vector<array> in = {w, b, random_f32({batch, 4}, 10 + batch), one_hot(batch)};
      auto got = compile_replay(*g, in), want = step(in);
      for (size_t k = 0; k < got.size(); ++k) {
        CAPTURE(k);
        CHECK(got[k].shape() == want[k].shape());
        check_close(got[k], want[k], 1e-5);
      }
    }
  }
}

TEST_CASE("shapeless mean under vmap counts the per-example axes") {
  Fn centre = [](const std::vector<array>& in) { return std::vector<array>{subtract(in[0], mean(in[0], {0}, true))}; };
  auto g = compile_trace(centre, {random_f32({3, 2}, 1)}, true, true);
  Fn replay = [&](const std::vector<array>& in) { return compile_replay(*g, in); };
  array x = random_f32({4, 6, 2}, 2);  // 4 examples of (6, 2): a new per-example shape too
  check_close(vmap(replay, {x}, {0}, {0})[0], subtract(x, mean(x, {1}, true)), 1e-6);
}

TEST_CASE("shapeless tracing rejects what can't follow new shapes") {
  Fn reshaped = [](const std::vector<array>& in) { return std::vector<array>{exp(reshape(in[0], {12}))}; };
  CHECK_THROWS_WITH(compile_trace(reshaped, {random_f32({3, 4}, 1)}, true, true),
                    doctest::Contains("[compile] shapeless: Reshape fixes its output shape when traced"));
  Fn fixed = [](const std::vector<array>& in) { return std::vector<array>{broadcast_to(in[0], {2, 4})}; };
  CHECK_THROWS_WITH(compile_trace(fixed, {random_f32({4}, 1)}, true, true),
                    doctest::Contains("[compile] shapeless: a broadcast to the fixed shape (2,4) can't follow"));
  // A squeezed axis must stay of size 1.
  Fn squeezed = [](const std::vector<array>& in) { return std::vector<array>{squeeze(in[0], {0})}; };
  auto g = compile_trace(squeezed, {random_f32({1, 4}, 1)}, true, true);
  CHECK(compile_replay(*g, {random_f32({1, 6}, 2)})[0].shape() == Shape{6});
  CHECK_THROWS_WITH(compile_replay(*g, {random_f32({3, 4}, 2)}),
                    doctest::Contains("[compile] shapeless: Squeeze of axis 0 needs size 1"));
  // Matmul operands must still multiply.
  Fn mm = [](const std::vector<array>& in) { return std::vector<array>{matmul(in[0], in[1])}; };
  auto gm = compile_trace(mm, {random_f32({2, 3}, 1), random_f32({3, 4}, 2)}, true, true);
  CHECK(compile_replay(*gm, {random_f32({5, 6}, 1), random_f32({6, 2}, 2)})[0].shape() == Shape{5, 2});
  CHECK_THROWS_WITH(compile_replay(*gm, {random_f32({5, 6}, 1), random_f32({3, 2}, 2)}),
                    doctest::Contains("[compile] shapeless: Matmul got operands of shapes (5,6) and (3,2)"));
  // Constants made inside the function keep their shapes; ones broadcast
  // against an input follow it.
  Fn with_constants = [](const std::vector<array>& in) {
    array r = arange(0, 3, 1, Dtype::float32);
    return std::vector<array>{add(in[0], r), add(sum(r), zeros({2}, Dtype::float32))};
  };
  auto gc = compile_trace(with_constants, {random_f32({2, 3}, 1)}, true, true);
  std::vector<array> in = {random_f32({5, 3}, 3)};
  check_close(compile_replay(*gc, in)[0], with_constants(in)[0]);
  CHECK(values(compile_replay(*gc, in)[1]) == std::vector<double>{3, 3});
  // The same functions compile with shapes.
  CHECK(compile_replay(*compile_trace(reshaped, {random_f32({3, 4}, 1)}), {random_f32({3, 4}, 2)})[0].shape() ==
        Shape{12});
}

TEST_CASE("a shapeless broadcast that comes before its reader's other operands follows them") {
  // The Broadcast of `row` is traced before exp(x), which gives its target.
  Fn f = [](const std::vector<array>& in) {
    array e = exp(in[0]);
    return std::vector<array>{add(in[1], e), min(e, {0}, true)};
  };
  auto g = compile_trace(f, {random_f32({2, 2}, 1), random_f32({1, 2}, 2)}, true, true);
  CHECK(compiled_describe(*g) == "Broadcast Exp Add Min");
  for (Shape xs : {Shape{2, 2}, Shape{3, 5}, Shape{1, 4}}) {
    std::vector<array> in = {random_f32(xs, 3), random_f32({1, xs[1]}, 4)};
    auto got = compile_replay(*g, in), want = f(in);
    check_close(got[0], want[0]);
    check_close(got[1], want[1]);
  }
  // A target that depends on the broadcast itself can't be worked out.
  // (Three steps, so that the CPU's fusion cost rule fuses them.)
  Fn circular = [](const std::vector<array>& in) {
    array b = broadcast_to(in[0], {2, 2});
    return std::vector<array>{add(b, exp(exp(b)))};
  };
  CHECK_THROWS_WITH(compile_trace(circular, {random_f32({1, 2}, 1)}, /*fuse=*/false, true),
                    doctest::Contains("[compile] shapeless: a broadcast's shape depends on values computed from it"));
  CHECK_THROWS_WITH(compile_trace(circular, {random_f32({1, 2}, 1)}, /*fuse=*/true, true),
                    doctest::Contains("[compile] shapeless: Fused's output shape (2,2) can't be worked out"));
}

TEST_CASE("a trace that reaches an array it was called with is an uncaptured input (MLX)") {
  array x = f32({1, 2, 3}, {3});
  Fn closes_over_x = [&](const std::vector<array>& in) { return std::vector<array>{add(in[0], x)}; };
  CHECK_THROWS_WITH(compile_trace(closes_over_x, {x}),
                    doctest::Contains("[compile] Attempting to compile a function with uncaptured inputs"));
  // another array: a constant of the graph, which may be cached
  auto g = compile_trace(closes_over_x, {f32({0, 0, 0}, {3})});
  CHECK(compiled_reusable(*g));
  CHECK(values(compile_replay(*g, {f32({1, 1, 1}, {3})})[0]) == std::vector<double>{2, 3, 4});
}

TEST_CASE("a graph holding a value of an enclosing vmap's trace is for that call only") {
  bool reusable = true;
  Fn per_row = [&](const std::vector<array>& row) {
    Fn inner = [&](const std::vector<array>& k) { return std::vector<array>{add(row[0], k[0])}; };
    auto g = compile_trace(inner, {f32({10}, {})});
    reusable = compiled_reusable(*g);
    return compile_replay(*g, {f32({10}, {})});
  };
  auto out = vmap(per_row, {f32({1, 2, 3, 4}, {2, 2})}, {0}, {0});
  CHECK_FALSE(reusable);
  CHECK(values(out[0]) == std::vector<double>{11, 12, 13, 14});
}
