// Primitive: one subclass per operation. core/primitives/ holds what an op is
// (its parameters, output shapes and transform rules: vjp, jvp, vmap); each
// backend holds how it runs (eval_cpu under core/backend/cpu/, eval_gpu
// through core/backend/gpu/). Rules not yet written throw an error naming
// the primitive.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "array.h"
#include "backend/cpu/kernels/runs.h"

namespace wmx {

// A primitive's parameters as plain values (MLX's state()), so that a backend
// outside C++ can run it: reduction axes, a cast's target, a slice's bounds.
using StateValue = std::variant<bool, int64_t, double, std::string, std::vector<int64_t>>;
using PrimitiveState = std::vector<std::pair<std::string, StateValue>>;

class Primitive {
 public:
  virtual ~Primitive() = default;
  virtual const char* name() const = 0;

  // Give every output its data (allocate() or set_view()) and fill it.
  virtual void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) = 0;
  // The same on the GPU backend (placement only puts a node there when the
  // backend has a kernel for it): one kernel by default; views override it
  // to share their input's buffer as on the CPU.
  virtual void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs);
  // The parameters a kernel needs beyond the operands' shapes and dtypes.
  virtual PrimitiveState state() const { return {}; }

  // Cotangents of the inputs listed in argnums, given the outputs' cotangents.
  virtual std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                                 const std::vector<int>& argnums, const std::vector<array>& outputs);
  // Tangents of the outputs, given tangents of the inputs listed in argnums.
  virtual std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                                 const std::vector<int>& argnums);
  // Batched outputs and their batch axes, given inputs with batch axes (-1: not batched).
  virtual std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                               const std::vector<int>& axes);

  // Whether complex64 operands and results are handled (the layout and view
  // primitives, which move 8-byte elements, and those of core/complex_ops.h).
  // The array constructor refuses any other primitive with a complex64
  // operand or result, so no real-only kernel ever sees one.
  virtual bool accepts_complex() const { return false; }

  // Whether `other` computes the same function of the same inputs (used by CSE).
  virtual bool is_equivalent(const Primitive& other) const { return false; }

  // Elementwise primitives that compile may fuse return their float32 run
  // (inputs and output float32, same shape); the others return an empty kernel.
  virtual Float32Kernel float32_kernel() const { return {}; }

  // True when, for inputs of any one shape, the output has that shape
  // (elementwise primitives).
  virtual bool keeps_shape() const { return false; }

  // The output shapes for inputs of these shapes, worked out without the
  // shapes the node was traced with: shapeless compile replays a trace on
  // new shapes through this. Empty when the output shape was fixed when the
  // node was made (a reshape to a given shape, a slice). The default serves
  // elementwise primitives: operands of one shape give that shape, operands
  // of different shapes are an error (they were broadcast by a separate node).
  virtual std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const;

  // For shapeless replay: this primitive for new input and output shapes,
  // when its parameters hold shapes (Broadcast's target, Gather's slice
  // sizes), which its kernel and rules read; null when they hold none and
  // this one serves as it is.
  virtual std::shared_ptr<Primitive> for_shapes(const std::vector<Shape>& inputs,
                                                const std::vector<Shape>& outputs) const {
    return nullptr;
  }
};

// Throws "[op] complex64 is not supported." when `p` is not complex-aware and
// one of the dtypes is complex64 (op: the primitive's name in snake case).
void check_complex_support(const Primitive* p, const std::vector<array>& inputs, const std::vector<Dtype>& outputs);

#define WMX_ACCEPTS_COMPLEX \
  bool accepts_complex() const override { return true; }

// A view primitive runs on the GPU exactly as on the CPU: it only sets strides.
#define WMX_VIEW_ON_GPU \
  void eval_gpu(const std::vector<array>& in, std::vector<array>& out) override { eval_cpu(in, out); }

// Declares the three transform rules in a Primitive subclass.
#define WMX_TRANSFORM_RULES                                                                        \
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents, \
                         const std::vector<int>& argnums, const std::vector<array>& outputs) override; \
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,  \
                         const std::vector<int>& argnums) override;                              \
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,         \
                                                       const std::vector<int>& axes) override;

// An elementwise primitive (unary.h, binary.h, binary_extra.h): a kernel for
// every dtype it takes, the transform rules and a float32 run for fusion.
#define WMX_ELEMENTWISE_PRIMITIVE(Name)                                                            \
  class Name : public Primitive {                                                                  \
   public:                                                                                         \
    const char* name() const override { return #Name; }                                            \
    void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;         \
    WMX_TRANSFORM_RULES                                                                            \
    Float32Kernel float32_kernel() const override;                                                 \
    bool keeps_shape() const override { return true; }                                             \
    bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Name*>(&o); } \
  };

}  // namespace wmx
