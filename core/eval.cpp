#include <mutex>
#include <unordered_map>
#include <unordered_set>

#ifdef WMX_THREADS
#include <condition_variable>
#include <deque>
#include <thread>
#endif

#include "backend/gpu/gpu_backend.h"
#include "error.h"
#include "graph_walk.h"
#include "primitive.h"
#include "primitives/to_device.h"
#include "transforms.h"

namespace wmx {

namespace {
// One evaluation at a time: the graph's nodes are updated in place.
std::recursive_mutex g_eval_mutex;
void eval_locked(const std::vector<array>& outputs);
void run_tape(std::vector<array>& tape, const std::unordered_map<const ArrayNode*, size_t>& index,
              std::vector<int>& consumers, const std::unordered_set<const ArrayNode*>& wanted);

bool reads_gpu_on_cpu(const array& a) {
  if (a.device() != Device::cpu || !a.has_primitive()) return false;
  auto move = dynamic_cast<const ToDevice*>(&a.primitive());
  return move && a.inputs()[0].device() == Device::gpu;
}
}  // namespace

std::vector<array> gpu_reads_pending(const std::vector<array>& outputs) {
  std::lock_guard<std::recursive_mutex> lock(g_eval_mutex);
  // blocked: the node's graph has a GPU read without a host copy below it.
  std::unordered_map<const ArrayNode*, bool> blocked;
  std::vector<array> pending;
  std::unordered_set<const ArrayNode*> listed;
  auto enter = [&](const array& a) { return !a.is_evaluated() && !blocked.count(a.id()); };
  walk_post_order(outputs, enter, [&](array& a) {
    bool below = false;
    for (auto& in : a.inputs()) {
      auto it = blocked.find(in.id());
      if (it != blocked.end() && it->second) below = true;
    }
    bool self = false;
    if (reads_gpu_on_cpu(a)) {
      const array& src = a.inputs()[0];
      if (!src.host_readable()) {
        self = true;
        if (!below && listed.insert(src.id()).second) pending.push_back(src);
      }
    }
    blocked[a.id()] = below || self;
  });
  return pending;
}

std::unique_lock<std::recursive_mutex> hold_evaluation() { return std::unique_lock<std::recursive_mutex>(g_eval_mutex); }

bool graph_uses_gpu(const std::vector<array>& outputs) {
  std::lock_guard<std::recursive_mutex> lock(g_eval_mutex);
  bool uses = false;
  std::unordered_set<const ArrayNode*> seen;
  for (auto& o : outputs)
    if (o.device() == Device::gpu) return true;
  auto enter = [&](const array& a) { return !uses && !a.is_evaluated() && seen.insert(a.id()).second; };
  walk_post_order(outputs, enter, [&](array& a) {
    if (a.device() == Device::gpu) uses = true;
    for (auto& in : a.inputs())
      if (in.device() == Device::gpu) uses = true;
  });
  return uses;
}

void eval(const std::vector<array>& outputs) {
  std::lock_guard<std::recursive_mutex> lock(g_eval_mutex);
  eval_locked(outputs);
}

// As in MLX: a transform's tracers can't be evaluated on another thread while
// the transform runs (and the promise would outlive the trace).
static void check_not_tracing_async() {
  if (tracing_depth() > 0)
    fail("async_eval", "Asynchronous evaluation is not allowed inside a graph transformation (grad, vjp, jvp, vmap, "
         "compile).");
}

#ifdef WMX_THREADS
namespace {
// The async thread: one persistent pthread (the host sized its pool with a
// spare one for it) that runs queued evaluations in order.
class AsyncEvaluator {
 public:
  void submit(std::vector<array> outputs, std::function<void(std::exception_ptr)> done) {
    std::lock_guard<std::mutex> lk(mu_);
    if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    jobs_.push_back({std::move(outputs), std::move(done)});
    cv_.notify_one();
  }

 private:
  struct Job {
    std::vector<array> outputs;
    std::function<void(std::exception_ptr)> done;
  };
  void run() {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait(lk, [this] { return !jobs_.empty(); });
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      std::exception_ptr error;
      try {
        eval(job.outputs);
      } catch (...) {  // only catch (...) off the main thread: see the Makefile's MT_EH_FIX note
        error = std::current_exception();
      }
      job.outputs.clear();
      job.done(error);
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  std::thread thread_;  // lives as long as the module
};
}  // namespace

void eval_async(std::vector<array> outputs, std::function<void(std::exception_ptr)> done) {
  check_not_tracing_async();
  static AsyncEvaluator* evaluator = new AsyncEvaluator();  // never destroyed: its thread never exits
  evaluator->submit(std::move(outputs), std::move(done));
}
#else
void eval_async(std::vector<array> outputs, std::function<void(std::exception_ptr)> done) {
  check_not_tracing_async();
  std::exception_ptr error;
  try {
    eval(outputs);
  } catch (...) {
    error = std::current_exception();
  }
  done(error);
}
#endif

namespace {
void eval_locked(const std::vector<array>& outputs) {
  // 1. Post-order of the unevaluated nodes reachable from `outputs`, by an
  //    explicit-stack DFS. Siblings of a multi-output primitive are visited
  //    as one unit, represented by the node we reached first.
  std::vector<array> tape;
  std::unordered_set<const ArrayNode*> seen;
  auto enter = [&](const array& a) {
    if (a.is_evaluated() || seen.count(a.id())) return false;
    seen.insert(a.id());
    for (auto& s : a.outputs())  // live siblings; stand-ins for dropped ones have no primitive
      if (s.has_primitive()) seen.insert(s.id());
    return true;
  };
  walk_post_order(outputs, enter, [&](array& a) { tape.push_back(std::move(a)); });

  // 2. How many tape nodes consume each tape node, to free intermediates early.
  std::unordered_map<const ArrayNode*, size_t> index;
  for (size_t i = 0; i < tape.size(); ++i) index[tape[i].id()] = i;
  std::vector<int> consumers(tape.size(), 0);
  for (auto& a : tape)
    for (auto& in : a.inputs()) {
      auto it = index.find(in.id());
      if (it != index.end()) consumers[it->second]++;
    }
  std::unordered_set<const ArrayNode*> wanted;
  for (auto& o : outputs) wanted.insert(o.id());

  // 3. Run the primitives in order, each on its device's backend; GPU work
  //    recorded so far is submitted at the end (also when a node fails).
  try {
    run_tape(tape, index, consumers, wanted);
  } catch (...) {
    gpu::flush();
    throw;
  }
  gpu::flush();
}

void run_tape(std::vector<array>& tape, const std::unordered_map<const ArrayNode*, size_t>& index,
              std::vector<int>& consumers, const std::unordered_set<const ArrayNode*>& wanted) {
  for (size_t i = 0; i < tape.size(); ++i) {
    array a = tape[i];
    std::vector<array> outs = a.outputs();
    const std::vector<array> inputs = a.inputs();
    if (a.device() == Device::gpu) a.primitive().eval_gpu(inputs, outs);
    else a.primitive().eval_cpu(inputs, outs);
    if (!a.is_tracer())
      for (auto& s : outs) s.detach();
    for (auto& in : inputs) {
      auto it = index.find(in.id());
      if (it != index.end() && --consumers[it->second] == 0 && !wanted.count(in.id()))
        tape[it->second] = array();
    }
    if (consumers[i] == 0 && !wanted.count(a.id())) tape[i] = array();
  }
}

}  // namespace

}  // namespace wmx
