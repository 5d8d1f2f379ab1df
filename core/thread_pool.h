// A persistent pool of compute threads. The host decides how many threads the
// core may use (the wasm pthread pool is fixed at load time, and starting more
// threads than it holds deadlocks), so the pool never grows beyond what
// set_num_threads was given. Without WMX_THREADS everything runs inline.
#pragma once
#include <cstdint>
#include <functional>

namespace wmx {

// Total threads used by parallel_for, the calling thread included (>= 1).
void set_num_threads(int n);
int num_threads();

// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items,
// spread over the pool; the caller works too and returns when all is done.
// Nested calls, and calls while another thread owns the pool, run inline.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

}  // namespace wmx
