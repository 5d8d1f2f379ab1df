// Resets every family macro of wasm/op_tables.def to expand to nothing, so an
// expansion defines only the family it wants (see op_tables.h). No include guard:
// it is included before each expansion.
#undef WMX_UNARY
#define WMX_UNARY(...)
#undef WMX_BINARY
#define WMX_BINARY(...)
#undef WMX_REDUCE
#define WMX_REDUCE(...)
#undef WMX_SCAN
#define WMX_SCAN(...)
#undef WMX_CONV
#define WMX_CONV(...)
#undef WMX_INDEX_ENTRY
#define WMX_INDEX_ENTRY(...)
#undef WMX_INDEX_UPDATE
#define WMX_INDEX_UPDATE(...)
