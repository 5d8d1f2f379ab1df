#include "dtype.h"

#include "error.h"

namespace wmx {

namespace {
struct DtypeInfo {
  const char* name;
  uint8_t size;
  DtypeKind kind;
};
constexpr DtypeInfo kInfo[kNumDtypes] = {
    {"bool", 1, DtypeKind::boolean},         {"uint8", 1, DtypeKind::unsigned_int},
    {"uint16", 2, DtypeKind::unsigned_int},  {"uint32", 4, DtypeKind::unsigned_int},
    {"uint64", 8, DtypeKind::unsigned_int},  {"int8", 1, DtypeKind::signed_int},
    {"int16", 2, DtypeKind::signed_int},     {"int32", 4, DtypeKind::signed_int},
    {"int64", 8, DtypeKind::signed_int},     {"float16", 2, DtypeKind::floating},
    {"bfloat16", 2, DtypeKind::floating},    {"float32", 4, DtypeKind::floating},
    {"float64", 8, DtypeKind::floating},     {"complex64", 8, DtypeKind::complex},
};
}  // namespace

size_t size_of(Dtype t) { return kInfo[int(t)].size; }
const char* name_of(Dtype t) { return kInfo[int(t)].name; }
DtypeKind kind_of(Dtype t) { return kInfo[int(t)].kind; }

Dtype dtype_from_code(int code, const char* op) {
  if (code < 0 || code >= kNumDtypes) fail(op, "Unknown dtype code ", code, ".");
  return Dtype(code);
}

void dtype_unsupported(Dtype t) { fail("webmx", name_of(t), " is not supported by this kernel."); }

Dtype promote_types(Dtype a, Dtype b) {
  if (a == b) return a;
  // complex64 absorbs every other dtype, float64 included (MLX).
  if (is_complex(a) || is_complex(b)) return Dtype::complex64;
  DtypeKind ka = kind_of(a), kb = kind_of(b);
  if (ka == DtypeKind::boolean) return b;
  if (kb == DtypeKind::boolean) return a;
  if (ka == DtypeKind::floating || kb == DtypeKind::floating) {
    if (ka != DtypeKind::floating) return b;  // int with float -> that float (MLX)
    if (kb != DtypeKind::floating) return a;
    // two different floats
    if ((a == Dtype::float16 && b == Dtype::bfloat16) || (a == Dtype::bfloat16 && b == Dtype::float16))
      return Dtype::float32;
    return size_of(a) >= size_of(b) ? a : b;
  }
  if (ka == kb) return size_of(a) >= size_of(b) ? a : b;
  // one signed, one unsigned
  Dtype u = ka == DtypeKind::unsigned_int ? a : b;
  Dtype s = ka == DtypeKind::unsigned_int ? b : a;
  if (u == Dtype::uint64) return Dtype::float32;  // no integer type holds both (MLX)
  size_t need = size_of(u) * 2;
  size_t have = size_of(s) > need ? size_of(s) : need;
  switch (have) {
    case 2: return Dtype::int16;
    case 4: return Dtype::int32;
    default: return Dtype::int64;
  }
}

}  // namespace wmx
