// The results protocol for exports that return several arrays: the export
// stores them here and returns their count; JS then moves them into handles
// (Core.takeResults -> wmx_take_results). Shared by every file of the C ABI.
#pragma once
#include <cstdint>
#include <vector>

#include "array.h"

// Replaces the pending results with `results` followed by `more`; returns their count.
int32_t wmx_set_results(std::vector<wmx::array> results, const std::vector<wmx::array>& more = {});
// Moves the pending results into new handles written at `out`; returns their count.
int32_t wmx_move_results(int32_t* out);
