// Placement: which device runs a new node, and the copies its inputs need.
#pragma once
#include <vector>

#include "array.h"

namespace wmx {

// The device for a node of primitive `p` (null: a leaf, in host memory) with
// these inputs and output dtypes: the default device, or the CPU when the GPU
// backend has no kernel for it (a fallback, listed by backendInfo()). Inputs
// living on the other device are replaced by ToDevice nodes, so every copy
// between devices is a node of the graph.
Device place(const Primitive* p, std::vector<array>& inputs, const std::vector<Dtype>& output_dtypes);

// `a` on device `d`: itself, or a ToDevice node reading it.
array to_device(const array& a, Device d);

// Moves an evaluated constant (no primitive, its own row-contiguous buffer)
// to the GPU when the backend stores its dtype, keeping its host bytes as the
// GPU data's host copy. Weights made on a GPU default device are uploaded
// once here instead of by a ToDevice node in every graph that reads them.
void move_constant_to_gpu(const array& a);

}  // namespace wmx
