#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <exception>

#ifdef WMX_THREADS
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>
#endif

namespace wmx {

#ifndef WMX_THREADS

void set_num_threads(int) {}
int num_threads() { return 1; }
void parallel_for(int64_t n, int64_t, const std::function<void(int64_t, int64_t)>& fn) {
  if (n > 0) fn(0, n);
}

#else

namespace {

thread_local bool t_inside_parallel = false;

// Putting a thread to sleep and waking it costs tens of microseconds (a
// futex; Atomics.wait in wasm), as much as a whole small op: a pool that
// sleeps between the back-to-back jobs of a graph's evaluation has its
// workers join each job late, and the caller then sleeps waiting for them.
// So workers, and the caller waiting for a job's end, spin this many checks
// (some tens of microseconds) before they block.
constexpr int kSpinChecks = 1 << 18;

class Pool {
 public:
  ~Pool() { resize(1); }

  void resize(int total) {
    std::lock_guard<std::mutex> own(owner_);
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_.store(true);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
    workers_.clear();
    stop_.store(false);
    for (int i = 1; i < total; ++i) workers_.emplace_back([this] { work(); });
  }
  int size() const { return int(workers_.size()) + 1; }

  void run(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
    // One job at a time; another thread arriving meanwhile computes alone.
    std::unique_lock<std::mutex> own(owner_, std::try_to_lock);
    if (!own.owns_lock() || workers_.empty()) return fn(0, n);
    int64_t max_chunks = int64_t(size()) * 4;
    int64_t chunk = std::max<int64_t>(grain, (n + max_chunks - 1) / max_chunks);
    {
      std::lock_guard<std::mutex> lk(mu_);
      fn_ = &fn;
      n_ = n;
      chunk_ = chunk;
      next_.store(0);
      pending_ = (n + chunk - 1) / chunk;
      error_ = nullptr;
      ++generation_;
    }
    cv_.notify_all();
    t_inside_parallel = true;
    drain();
    t_inside_parallel = false;
    std::unique_lock<std::mutex> lk(mu_);
    // Wait for the chunks and for every worker to leave drain(), so none can
    // touch this job's state once the next job starts.
    lk.unlock();
    for (int i = 0; i < kSpinChecks && (pending_.load() != 0 || active_.load() != 0); ++i) {
    }
    lk.lock();
    done_cv_.wait(lk, [this] { return pending_ == 0 && active_ == 0; });
    fn_ = nullptr;
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Take chunks until none are left.
  void drain() {
    for (;;) {
      int64_t begin = next_.fetch_add(chunk_);
      if (begin >= n_) return;
      int64_t end = std::min(n_, begin + chunk_);
      try {
        (*fn_)(begin, end);
      } catch (...) {  // only catch (...) off the main thread: see the Makefile's MT_EH_FIX note
        std::lock_guard<std::mutex> lk(mu_);
        if (!error_) error_ = std::current_exception();
      }
      std::lock_guard<std::mutex> lk(mu_);
      if (--pending_ == 0) done_cv_.notify_all();
    }
  }

  void work() {
    t_inside_parallel = true;
    uint64_t seen = 0;
    for (;;) {
      for (int i = 0; i < kSpinChecks && generation_.load() == seen && !stop_.load(); ++i) {
      }
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (fn_ == nullptr) continue;  // that job ended before this worker got to it
        ++active_;
      }
      drain();
      std::lock_guard<std::mutex> lk(mu_);
      if (--active_ == 0) done_cv_.notify_all();
    }
  }

  std::mutex owner_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::vector<std::thread> workers_;
  // Written under mu_ (the condition variables need it), atomic so that
  // spinning threads can read them without it.
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> generation_{0};
  std::atomic<int64_t> pending_{0};
  std::atomic<int> active_{0};  // workers inside drain()
  const std::function<void(int64_t, int64_t)>* fn_ = nullptr;
  int64_t n_ = 0, chunk_ = 1;
  std::atomic<int64_t> next_{0};
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void set_num_threads(int n) { pool().resize(std::max(1, n)); }
int num_threads() { return pool().size(); }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  if (t_inside_parallel || n <= grain) return fn(0, n);
  pool().run(n, std::max<int64_t>(grain, 1), fn);
}

#endif

}  // namespace wmx
