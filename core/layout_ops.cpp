#include "layout_ops.h"

#include <memory>

#include "error.h"
#include "primitives/layout.h"

namespace wmx {

array view(const array& a, Dtype dtype) {
  if (a.dtype() == dtype) return a;
  Shape shape = a.shape();
  const int64_t ib = int64_t(size_of(a.dtype())), ob = int64_t(size_of(dtype));
  if (a.ndim() == 0 && ib != ob)
    fail("view", "Changing the type of a scalar is only allowed for types with the same size.");
  if (ib < ob) {
    if (shape.back() % (ob / ib) != 0)
      fail("view",
           "When viewing as a larger dtype, the size in bytes of the last axis must be a multiple of the requested "
           "type size.");
    shape.back() /= ob / ib;
  } else if (ib > ob) {
    shape.back() *= ib / ob;
  }
  return array(shape, dtype, std::make_shared<View>(a.dtype(), dtype), {a});
}

array contiguous(const array& a) { return array(a.shape(), a.dtype(), std::make_shared<Contiguous>(), {a}); }

std::vector<array> depends(const std::vector<array>& inputs, const std::vector<array>& dependencies) {
  if (inputs.empty()) fail("depends", "At least one input is required.");
  std::vector<array> all = inputs;
  all.insert(all.end(), dependencies.begin(), dependencies.end());
  std::vector<Shape> shapes;
  std::vector<Dtype> dtypes;
  for (const array& x : inputs) shapes.push_back(x.shape()), dtypes.push_back(x.dtype());
  return array::make_arrays(shapes, dtypes, std::make_shared<Depends>(int(inputs.size())), all);
}

}  // namespace wmx
