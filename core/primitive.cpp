#include "primitive.h"

#include "error.h"

namespace wmx {

std::vector<array> Primitive::vjp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&, const std::vector<array>&) {
  fail(name(), "The vjp of this primitive is not implemented.");
}

std::vector<array> Primitive::jvp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&) {
  fail(name(), "The jvp of this primitive is not implemented.");
}

std::pair<std::vector<array>, std::vector<int>> Primitive::vmap(const std::vector<array>&,
                                                                const std::vector<int>&) {
  fail(name(), "vmap of this primitive is not implemented.");
}

}  // namespace wmx
