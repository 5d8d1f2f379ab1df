// JS functions as C++ transform functions (wasm/transforms.cpp).
#pragma once
#include <cstdint>
#include <vector>

#include "transforms.h"

// The JS function registered under `fn` (Core.withCallback) as an Fn: C++
// hands it handles of the inputs and takes handles of its outputs. With
// `axes`, the JS function answers its output handles followed by one int per
// output (vmap's output axes), which are stored there.
wmx::Fn js_function(int32_t fn, std::vector<int>* axes = nullptr);
