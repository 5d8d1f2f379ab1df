// Placeholder: stands in for an input while a transform (vmap, compile)
// traces a function. It has no data; evaluating it — mx.eval inside the
// traced function — is an error tagged with the transform.
#pragma once
#include "error.h"
#include "primitive.h"

namespace wmx {

class Placeholder : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  // `transform`: the tag ("vmap"); `what`: how its inputs are called ("a mapped input").
  Placeholder(const char* transform, const char* what) : transform_(transform), what_(what) {}
  const char* name() const override { return "Placeholder"; }
  void eval_gpu(const std::vector<array>& in, std::vector<array>& out) override { eval_cpu(in, out); }
  void eval_cpu(const std::vector<array>&, std::vector<array>&) override {
    fail(transform_, "Can't evaluate arrays that depend on ", what_, " inside the function being traced (eval inside ",
         transform_, " is not supported).");
  }

 private:
  const char* transform_;
  const char* what_;
};

}  // namespace wmx
