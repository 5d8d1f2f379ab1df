#include "primitives/random_bits.h"

#include <cstring>

#include "ops.h"
#include "primitives/vmap_util.h"
#include "random.h"

namespace wmx {

bool RandomBits::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const RandomBits*>(&o);
  return p && p->shape_ == shape_ && p->width_ == width_;
}

std::vector<array> RandomBits::vjp(const std::vector<array>& p, const std::vector<array>&, const std::vector<int>&,
                                   const std::vector<array>&) {
  return {full_like(p[0], 0.0, p[0].dtype())};
}
std::vector<array> RandomBits::jvp(const std::vector<array>& p, const std::vector<array>&, const std::vector<int>&) {
  Shape s(p[0].shape().begin(), p[0].shape().end() - 1);
  s.insert(s.end(), shape_.begin(), shape_.end());
  return {zeros(s, width_ == 4 ? Dtype::uint32 : width_ == 2 ? Dtype::uint16 : Dtype::uint8)};
}
std::pair<std::vector<array>, std::vector<int>> RandomBits::vmap(const std::vector<array>& in,
                                                                 const std::vector<int>& ax) {
  // A batch of keys (batch axis first, before the key's own axes) gives a batch of blocks.
  array keys = batch_first(in[0], ax[0]);
  Shape s(keys.shape().begin(), keys.shape().end() - 1);
  s.insert(s.end(), shape_.begin(), shape_.end());
  Dtype t = width_ == 4 ? Dtype::uint32 : width_ == 2 ? Dtype::uint16 : Dtype::uint8;
  return {{array(s, t, std::make_shared<RandomBits>(shape_, width_), {keys})}, {ax[0] >= 0 ? 0 : -1}};
}

}  // namespace wmx
