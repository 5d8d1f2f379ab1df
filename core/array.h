// array: a cheap handle (shared pointer) to a graph node. A node records its
// shape, dtype, the primitive that produces it and that primitive's inputs;
// once evaluated it also holds a data buffer, viewed with strides and an
// offset so that reshape/transpose/slice/broadcast share memory.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "device.h"
#include "dtype.h"

namespace wmx {

using Shape = std::vector<int64_t>;
using Strides = std::vector<int64_t>;  // in elements

class Primitive;
class array;

// How many transforms are tracing right now (nesting depth).
int tracing_depth();
struct TracingScope {
  TracingScope();
  ~TracingScope();
};


// An owned allocation; freed through its device's allocator when the last
// view drops it. A GPU allocation is a backend buffer id; `ptr` is then its
// read-back copy in host memory (made by asyncEval/data()), or null.
struct Data {
  void* ptr;
  uint64_t nbytes;
  Device device = Device::cpu;
  uint32_t gpu_buffer = 0;
  explicit Data(uint64_t n);  // host memory
  Data(uint64_t n, Device d);
  // Gives a GPU allocation its host copy (uninitialised: the caller fills it).
  void* make_host_copy();
  ~Data();
  Data(const Data&) = delete;
  Data& operator=(const Data&) = delete;
};

// The outputs of one multi-output primitive. Members are weak so that an
// unevaluated group doesn't keep itself alive through a cycle; the shapes
// let eval stand in for an output that nobody holds any more.
struct OutputGroup {
  std::vector<Shape> shapes;
  std::vector<Dtype> dtypes;
  std::vector<std::weak_ptr<struct ArrayNode>> members;
};

struct ArrayNode {
  Shape shape;
  Strides strides;
  Dtype dtype;
  int64_t size;
  std::shared_ptr<Primitive> primitive;  // null for leaves (constants, evaluated+detached)
  std::vector<array> inputs;
  // Set for outputs of a multi-output primitive (null otherwise).
  std::shared_ptr<struct OutputGroup> group;
  int position = 0;  // which output of `primitive` this is
  std::shared_ptr<Data> data;
  int64_t offset = 0;  // in elements, into data
  bool row_contiguous = true;
  bool tracer = false;  // part of a transform's trace: eval must not detach it
  Device device = Device::cpu;  // where the data lives (or will): the backend that runs `primitive`

  ArrayNode(Shape s, Dtype t, std::shared_ptr<Primitive> p, std::vector<array> in, Device d = Device::cpu);
  ~ArrayNode();
};

class array {
 public:
  array() = default;
  explicit array(std::shared_ptr<ArrayNode> n) : node_(std::move(n)) {}
  // A lazy node produced by `primitive` from `inputs`.
  array(Shape shape, Dtype dtype, std::shared_ptr<Primitive> primitive, std::vector<array> inputs);
  // Outputs of one multi-output primitive, wired as siblings.
  static std::vector<array> make_arrays(std::vector<Shape> shapes, const std::vector<Dtype>& dtypes,
                                        const std::shared_ptr<Primitive>& primitive,
                                        const std::vector<array>& inputs);
  // An evaluated, row-contiguous array with uninitialised data.
  static array empty(Shape shape, Dtype dtype);
  // An evaluated scalar holding `v` converted to `dtype`.
  static array scalar(double v, Dtype dtype);

  bool valid() const { return node_ != nullptr; }
  const Shape& shape() const { return node_->shape; }
  int64_t shape(int axis) const;  // negative axes count from the end
  const Strides& strides() const { return node_->strides; }
  Dtype dtype() const { return node_->dtype; }
  int ndim() const { return int(node_->shape.size()); }
  int64_t size() const { return node_->size; }
  size_t itemsize() const { return size_of(node_->dtype); }
  uint64_t nbytes() const { return uint64_t(node_->size) * itemsize(); }

  bool is_evaluated() const { return node_->data != nullptr; }
  Device device() const { return node_->device; }
  // Evaluated and readable from host memory (CPU data, or GPU data read back).
  bool host_readable() const { return node_->data && node_->data->ptr; }
  bool has_primitive() const { return node_->primitive != nullptr; }
  Primitive& primitive() const { return *node_->primitive; }
  const std::shared_ptr<Primitive>& primitive_ptr() const { return node_->primitive; }
  const std::vector<array>& inputs() const { return node_->inputs; }
  // This array and its siblings in position order; a sibling nobody holds is
  // recreated (unevaluated, without primitive) so kernels have somewhere to write.
  std::vector<array> outputs() const;
  int position() const { return node_->position; }
  // A tracer only while some transform is tracing: once the transforms are
  // done, arrays they returned evaluate (and free their graph) normally.
  bool is_tracer() const { return node_->tracer && tracing_depth() > 0; }
  void set_tracer(bool t) { node_->tracer = t; }

  // Data access for kernels (pointer to the first element of this view).
  template <typename T> T* data() { return static_cast<T*>(raw_data()); }
  template <typename T> const T* data() const { return static_cast<const T*>(raw_data()); }
  void* raw_data() const {
    return static_cast<char*>(node_->data->ptr) + node_->offset * int64_t(itemsize());
  }
  bool row_contiguous() const { return node_->row_contiguous; }
  const std::shared_ptr<Data>& buffer() const { return node_->data; }
  int64_t offset() const { return node_->offset; }

  // Kernels call one of these to give an output its data.
  void allocate();  // fresh row-contiguous buffer on the array's device
  void set_view(const array& source, Strides strides, int64_t offset);  // share source's buffer
  // After evaluation: drop primitive and inputs so the graph above can be freed.
  void detach();

  const ArrayNode* id() const { return node_.get(); }
  const std::shared_ptr<ArrayNode>& node() const { return node_; }

 private:
  std::shared_ptr<ArrayNode> node_;
};

Strides row_major_strides(const Shape& shape);
int64_t shape_size(const Shape& shape);
// True when `strides` describe the packed row-major layout of `shape` (size-1 dims ignored).
bool is_row_contiguous(const Shape& shape, const Strides& strides);

}  // namespace wmx
