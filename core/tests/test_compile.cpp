// compile_trace / compile_replay: replay equals eager, CSE and constant merging.
#include <doctest/doctest.h>

#include "compile.h"
#include "ops.h"
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
