// C++'s expansion of wasm/op_tables.def: for each family an enum of its codes
// (kUnary_abs, kBinary_add, ...) ending in a count, and its names in code order
// (for wmx_op_names). The dispatch switches expand the same file where they
// live, with the family's arguments in scope.
#pragma once
#include <cstdint>

namespace wmx_abi {

// One enum per family: reset every family macro to nothing, then define one.
#include "op_tables_none.h"
#undef WMX_UNARY
#define WMX_UNARY(name, ...) kUnary_##name,
enum UnaryCode : int32_t {
#include "op_tables.def"
  kUnaryCount
};

#include "op_tables_none.h"
#undef WMX_BINARY
#define WMX_BINARY(name, ...) kBinary_##name,
enum BinaryCode : int32_t {
#include "op_tables.def"
  kBinaryCount
};

#include "op_tables_none.h"
#undef WMX_REDUCE
#define WMX_REDUCE(name, ...) kReduce_##name,
enum ReduceCode : int32_t {
#include "op_tables.def"
  kReduceCount
};

#include "op_tables_none.h"
#undef WMX_SCAN
#define WMX_SCAN(name, ...) kScan_##name,
enum ScanCode : int32_t {
#include "op_tables.def"
  kScanCount
};

#include "op_tables_none.h"
#undef WMX_CONV
#define WMX_CONV(name, ...) kConv_##name,
enum ConvCode : int32_t {
#include "op_tables.def"
  kConvCount
};

#include "op_tables_none.h"
#undef WMX_INDEX_ENTRY
#define WMX_INDEX_ENTRY(name, ...) kIndexEntry_##name,
enum IndexEntryCode : int32_t {
#include "op_tables.def"
  kIndexEntryCount
};

#include "op_tables_none.h"
#undef WMX_INDEX_UPDATE
#define WMX_INDEX_UPDATE(name, ...) kIndexUpdate_##name,
enum IndexUpdateCode : int32_t {
#include "op_tables.def"
  kIndexUpdateCount
};

#include "op_tables_none.h"

// The names of a family's entries in code order, comma-separated (the family
// as the TS tables name it: "unary", "binary", ...); nullptr for an unknown family.
const char* op_names(const char* family);

}  // namespace wmx_abi
