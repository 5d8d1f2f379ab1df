// The one graph walk that eval, the transforms and compile share: an
// iterative post-order DFS. Graphs can be 100k nodes deep (long chains of
// ops), which a recursive walk would overflow the wasm stack on.
#pragma once
#include <vector>

#include "array.h"

namespace wmx {

// Calls visit(a) for every node reachable from `outputs` that enter(a)
// accepts, after the nodes it reads (inputs before their readers). enter(a)
// runs each time the walk reaches a node and keeps its own record of what it
// has seen: it returns true only when `a` should be walked now.
template <typename Enter, typename Visit>
void walk_post_order(const std::vector<array>& outputs, Enter&& enter, Visit&& visit) {
  struct Frame {
    array a;
    size_t next;
  };
  std::vector<Frame> stack;
  for (const array& o : outputs) {
    if (enter(o)) stack.push_back({o, 0});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next < f.a.inputs().size()) {
        const array in = f.a.inputs()[f.next++];
        if (enter(in)) stack.push_back({in, 0});  // may reallocate `stack`: `f` is not used after this
        continue;
      }
      array a = std::move(f.a);
      stack.pop_back();
      visit(a);
    }
  }
}

}  // namespace wmx
