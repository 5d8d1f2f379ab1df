#include "array.h"

#include <algorithm>
#include <cstring>

#include "allocator.h"
#include "backend/gpu/gpu_backend.h"
#include "error.h"
#include "placement.h"
#include "primitive.h"
#include "shape_limits.h"

namespace wmx {

// compile.cpp: attributes a node made during a shapeless trace to the user's call.
void note_node_origin(const ArrayNode* node);

std::string shape_str(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ",";
    s += std::to_string(shape[i]);
  }
  return s + ")";
}

namespace {
int g_tracing = 0;  // transforms run on the thread that calls the API
}
int tracing_depth() { return g_tracing; }
TracingScope::TracingScope() { ++g_tracing; }
TracingScope::~TracingScope() { --g_tracing; }

Data::Data(uint64_t n) : ptr(allocator::malloc(n)), nbytes(n) {}
Data::Data(uint64_t n, Device d) : ptr(nullptr), nbytes(n), device(d) {
  if (d == Device::gpu) gpu_buffer = gpu::allocate(n);
  else ptr = allocator::malloc(n);
}
void* Data::make_host_copy() {
  if (!ptr) ptr = allocator::malloc(nbytes);
  return ptr;
}
Data::~Data() {
  if (ptr) allocator::free(ptr, nbytes);
  if (gpu_buffer) gpu::release(gpu_buffer, nbytes);
}

int64_t shape_size(const Shape& shape) {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

Strides row_major_strides(const Shape& shape) {
  Strides s(shape.size());
  int64_t acc = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

bool is_row_contiguous(const Shape& shape, const Strides& strides) {
  int64_t expected = 1;
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

void fail_too_many_dims(const Shape& shape, const char* op) {
  // A 100,000-dimension shape would make a message of megabytes: show its rank only.
  fail(op, "The shape has ", shape.size(), " dimensions; at most ", kMaxNdim, " are supported.");
}

namespace {
// The tag of an error raised while making a node: its primitive's name in
// snake_case (ExpandDims -> expand_dims), as the ops name themselves.
std::string node_tag(const Primitive* p) {
  if (!p) return "array";
  std::string tag;
  for (const char* c = p->name(); *c; ++c) {
    if (*c >= 'A' && *c <= 'Z') {
      if (!tag.empty()) tag += '_';
      tag += char(*c - 'A' + 'a');
    } else {
      tag += *c;
    }
  }
  return tag;
}
}  // namespace

ArrayNode::ArrayNode(Shape s, Dtype t, std::shared_ptr<Primitive> p, std::vector<array> in, Device d)
    : shape(std::move(s)), dtype(t), primitive(std::move(p)), inputs(std::move(in)), device(d) {
  // The one place every array is made: ops check the limit with their own
  // tag first; this catches any that don't (vmap adding an axis, a gather
  // whose indices add dims, ...).
  if (shape.size() > size_t(kMaxNdim)) fail_too_many_dims(shape, node_tag(primitive.get()).c_str());
  size = shape_size(shape);
  strides = row_major_strides(shape);
  // A node computed from a transform's tracer is part of the trace too.
  for (auto& in : inputs)
    if (in.is_tracer()) tracer = true;
  note_node_origin(this);
}

// Destroying a long chain of nodes recursively would exhaust the wasm stack
// (each node's inputs vector releases the next node). Move inputs that we
// hold the last reference to onto an explicit stack instead.
ArrayNode::~ArrayNode() {
  if (inputs.empty()) return;
  std::vector<std::shared_ptr<ArrayNode>> pending;
  auto take = [&pending](std::vector<array>& in) {
    for (auto& a : in) {
      if (a.node() && a.node().use_count() == 1) pending.push_back(a.node());
    }
    in.clear();
  };
  take(inputs);
  while (!pending.empty()) {
    auto n = std::move(pending.back());
    pending.pop_back();
    if (n.use_count() == 1) take(n->inputs);
    // n is released here with an empty inputs vector: no recursion.
  }
}

array::array(Shape shape, Dtype dtype, std::shared_ptr<Primitive> primitive, std::vector<array> inputs) {
  check_complex_support(primitive.get(), inputs, {dtype});
  Device d = place(primitive.get(), inputs, {dtype});
  node_ = std::make_shared<ArrayNode>(std::move(shape), dtype, std::move(primitive), std::move(inputs), d);
}

std::vector<array> array::make_arrays(std::vector<Shape> shapes, const std::vector<Dtype>& dtypes,
                                      const std::shared_ptr<Primitive>& primitive,
                                      const std::vector<array>& inputs) {
  check_complex_support(primitive.get(), inputs, dtypes);
  std::vector<array> placed = inputs;
  const Device d = place(primitive.get(), placed, dtypes);
  std::vector<array> outs;
  outs.reserve(shapes.size());
  for (size_t i = 0; i < shapes.size(); ++i) {
    outs.emplace_back(std::make_shared<ArrayNode>(std::move(shapes[i]), dtypes[i], primitive, placed, d));
    outs.back().node_->position = int(i);
  }
  if (outs.size() > 1) {
    auto group = std::make_shared<OutputGroup>();
    for (auto& o : outs) {
      group->shapes.push_back(o.shape());
      group->dtypes.push_back(o.dtype());
      group->members.push_back(o.node_);
      o.node_->group = group;
    }
  }
  return outs;
}

array array::empty(Shape shape, Dtype dtype) {
  array a(std::move(shape), dtype, nullptr, {});
  a.allocate();
  return a;
}

array array::scalar(double v, Dtype dtype) {
  array a = empty({}, dtype);
  if (dtype == Dtype::complex64) {
    *a.data<complex64_t>() = {float(v), 0.0f};
    return a;
  }
  dispatch_dtype(dtype, [&](auto t) {
    using T = decltype(t);
    *a.data<T>() = static_cast<T>(static_cast<compute_t<T>>(v));
  });
  return a;
}

int64_t array::shape(int axis) const {
  int n = ndim();
  int ax = axis < 0 ? axis + n : axis;
  if (ax < 0 || ax >= n) fail("shape", "Axis ", axis, " is out of range for an array with ", n, " dimensions.");
  return node_->shape[ax];
}

std::vector<array> array::outputs() const {
  const auto& g = node_->group;
  if (!g) return {*this};
  std::vector<array> outs;
  for (size_t i = 0; i < g->members.size(); ++i) {
    auto s = g->members[i].lock();
    outs.push_back(s ? array(s) : array(std::make_shared<ArrayNode>(g->shapes[i], g->dtypes[i], nullptr,
                                                                  std::vector<array>{}, node_->device)));
  }
  return outs;
}

void array::allocate() {
  node_->data = std::make_shared<Data>(nbytes(), node_->device);
  node_->offset = 0;
  node_->strides = row_major_strides(node_->shape);
  node_->row_contiguous = true;
}

void array::set_view(const array& source, Strides strides, int64_t offset) {
  node_->data = source.node_->data;
  node_->offset = offset;
  node_->strides = std::move(strides);
  node_->row_contiguous = is_row_contiguous(node_->shape, node_->strides);
}

void array::detach() {
  node_->primitive.reset();
  node_->inputs.clear();
  node_->group.reset();
}

}  // namespace wmx
