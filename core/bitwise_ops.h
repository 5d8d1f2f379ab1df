// MLX's bitwise ops (primitives/bitwise.h): integer and bool operands only,
// with MLX's type promotion; the shifts turn bool into uint8.
#pragma once
#include "array.h"

namespace wmx {

array bitwise_and(const array& a, const array& b);
array bitwise_or(const array& a, const array& b);
array bitwise_xor(const array& a, const array& b);
// Shift counts outside [0, bits of the dtype) shift every bit out: 0, or the
// sign for a right shift of a negative signed value.
array left_shift(const array& a, const array& b);
array right_shift(const array& a, const array& b);
array bitwise_invert(const array& a);  // bool: logical_not

}  // namespace wmx
