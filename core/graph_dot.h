// A graph as Graphviz DOT text (MLX's export_to_dot): one node per array
// still to compute, labelled with its primitive, device, dtype and shape,
// and one per evaluated input it reads. Placement shows here: a node on the
// CPU between GPU nodes, and the ToDevice copies around it.
#pragma once
#include <string>
#include <vector>

#include "array.h"

namespace wmx {

std::string graph_dot(const std::vector<array>& outputs);

}  // namespace wmx
