#include "handles.h"

#include "error.h"

namespace {
std::vector<wmx::array> g_table;
std::vector<int32_t> g_free_slots;
std::string g_error;
}  // namespace

int32_t wmx_put(wmx::array a) {
  if (!g_free_slots.empty()) {
    int32_t h = g_free_slots.back();
    g_free_slots.pop_back();
    g_table[h] = std::move(a);
    return h;
  }
  g_table.push_back(std::move(a));
  return int32_t(g_table.size() - 1);
}

const wmx::array& wmx_get(int32_t h) {
  if (h < 0 || size_t(h) >= g_table.size() || !g_table[h].valid())
    wmx::fail("webmx", "Invalid array handle ", h, " (the array was disposed?).");
  return g_table[h];
}

void wmx_replace(int32_t h, wmx::array a) {
  wmx_get(h);
  g_table[h] = std::move(a);
}

void wmx_drop(int32_t h) {
  wmx_get(h);
  g_table[h] = wmx::array();
  g_free_slots.push_back(h);
}

void wmx_set_error(std::string message) { g_error = std::move(message); }

const std::string& wmx_error() { return g_error; }
int32_t wmx_live_count() { return int32_t(g_table.size() - g_free_slots.size()); }
