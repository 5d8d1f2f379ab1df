// Reading an array's data from JS: shared by the C ABI's wmx_data (copies
// out) and embind's dataView (a zero-copy view).
#pragma once
#include <cstdint>

#include "array.h"

// The array behind handle `h`, evaluated and row-contiguous: a strided view
// is copied once and the handle now holds the copy (same values), so later
// reads are free. Throws the core's "[op] ..." errors.
const wmx::array& wmx_readable(int32_t h);
