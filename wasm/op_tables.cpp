// wmx_op_names: C++'s side of the op tables, for the test that holds the TS
// tables (generated from the same file by tools/gen_boundary.mjs) to it.
#include <emscripten/emscripten.h>

#include <cstring>

#include "op_tables.h"

namespace wmx_abi {

const char* op_names(const char* family) {
#include "op_tables_none.h"
#undef WMX_UNARY
#define WMX_UNARY(name, ...) #name ","
  if (std::strcmp(family, "unary") == 0) return
#include "op_tables.def"
      ;
#include "op_tables_none.h"
#undef WMX_BINARY
#define WMX_BINARY(name, ...) #name ","
  if (std::strcmp(family, "binary") == 0) return
#include "op_tables.def"
      ;
#include "op_tables_none.h"
#undef WMX_REDUCE
#define WMX_REDUCE(name, ...) #name ","
  if (std::strcmp(family, "reduce") == 0) return
#include "op_tables.def"
      ;
#include "op_tables_none.h"
#undef WMX_SCAN
#define WMX_SCAN(name, ...) #name ","
  if (std::strcmp(family, "scan") == 0) return
#include "op_tables.def"
      ;
#include "op_tables_none.h"
#undef WMX_CONV
#define WMX_CONV(name, ...) #name ","
  if (std::strcmp(family, "conv") == 0) return
#include "op_tables.def"
      ;
#include "op_tables_none.h"
#undef WMX_INDEX_ENTRY
#define WMX_INDEX_ENTRY(name, ...) #name ","
  if (std::strcmp(family, "index_entry") == 0) return
#include "op_tables.def"
      ;
#include "op_tables_none.h"
#undef WMX_INDEX_UPDATE
#define WMX_INDEX_UPDATE(name, ...) #name ","
  if (std::strcmp(family, "index_update") == 0) return
#include "op_tables.def"
      ;
#include "op_tables_none.h"
  return nullptr;
}

}  // namespace wmx_abi

extern "C" {

// The names of `family`'s entries in code order, each followed by a comma; 0
// for an unknown family.
EMSCRIPTEN_KEEPALIVE const char* wmx_op_names(const char* family) { return wmx_abi::op_names(family); }

}  // extern "C"
