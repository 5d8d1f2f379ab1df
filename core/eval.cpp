#include <unordered_map>
#include <unordered_set>

#include "primitive.h"
#include "transforms.h"

namespace wmx {

void eval(const std::vector<array>& outputs) {
  // 1. Post-order of the unevaluated nodes reachable from `outputs`, by an
  //    explicit-stack DFS. Siblings of a multi-output primitive are visited
  //    as one unit, represented by the node we reached first.
  std::vector<array> tape;
  std::unordered_set<const ArrayNode*> seen;
  struct Frame {
    array a;
    size_t next_input;
  };
  std::vector<Frame> stack;
  auto visit = [&](const array& a) {
    if (a.is_evaluated() || seen.count(a.id())) return;
    seen.insert(a.id());
    for (auto& s : a.outputs())  // live siblings; stand-ins for dropped ones have no primitive
      if (s.has_primitive()) seen.insert(s.id());
    stack.push_back({a, 0});
  };
  for (auto& o : outputs) {
    visit(o);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next_input < f.a.inputs().size()) {
        const array in = f.a.inputs()[f.next_input++];
        visit(in);  // may reallocate `stack`; `f` is not used after this
      } else {
        tape.push_back(std::move(f.a));
        stack.pop_back();
      }
    }
  }

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

  // 3. Run the primitives in order.
  for (size_t i = 0; i < tape.size(); ++i) {
    array a = tape[i];
    std::vector<array> outs = a.outputs();
    const std::vector<array> inputs = a.inputs();
    a.primitive().eval_cpu(inputs, outs);
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

}  // namespace wmx
