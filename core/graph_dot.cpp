#include "graph_dot.h"

#include <sstream>
#include <unordered_map>

#include "error.h"
#include "graph_walk.h"
#include "primitive.h"
#include "transforms.h"

namespace wmx {

std::string graph_dot(const std::vector<array>& outputs) {
  auto lock = hold_evaluation();
  std::ostringstream s;
  s << "digraph {\n";
  std::unordered_map<const ArrayNode*, int> ids;
  auto describe = [](const array& a) {
    return std::string(device_name(a.device())) + " " + name_of(a.dtype()) + " " + shape_str(a.shape());
  };
  auto id_of = [&](const array& a) {
    auto [it, fresh] = ids.emplace(a.id(), int(ids.size()));
    if (fresh) {
      s << "  n" << it->second << " [label=\"";
      if (a.has_primitive() && !a.is_evaluated()) s << a.primitive().name() << "\\n";
      s << describe(a) << "\"";
      if (!a.has_primitive() || a.is_evaluated()) s << " shape=box";
      s << "];\n";
    }
    return it->second;
  };
  // The walk stops at evaluated arrays: they are the graph's inputs now.
  std::unordered_map<const ArrayNode*, bool> seen;
  auto enter = [&](const array& a) { return !a.is_evaluated() && seen.emplace(a.id(), true).second; };
  for (auto& o : outputs) id_of(o);
  walk_post_order(outputs, enter, [&](array& a) {
    const int me = id_of(a);
    for (auto& in : a.inputs()) {
      const int from = id_of(in);  // may declare the node first: not inside the edge's line
      s << "  n" << from << " -> n" << me << ";\n";
    }
  });
  s << "}\n";
  return s.str();
}

}  // namespace wmx
