#include "results.h"

#include "handles.h"

namespace {
std::vector<wmx::array> g_results;  // the last multi-result call's arrays, until JS takes them
}  // namespace

int32_t wmx_set_results(std::vector<wmx::array> results, const std::vector<wmx::array>& more) {
  results.insert(results.end(), more.begin(), more.end());
  g_results = std::move(results);
  return int32_t(g_results.size());
}

int32_t wmx_move_results(int32_t* out) {
  int32_t n = int32_t(g_results.size());
  for (int32_t i = 0; i < n; ++i) out[i] = wmx_put(std::move(g_results[i]));
  g_results.clear();
  return n;
}
