// The core's limit on dimensions (core/shape_limits.h's kMaxNdim), read once
// from the loaded module so that JS and C++ share one number: shapes are
// read into buffers of this size, and nested lists deeper than this are
// refused before they are walked.
import { core } from "./runtime.js";

let maxNdim_ = 0;

/** The most dimensions an array may have (64). @internal */
export function maxNdim(): number {
  if (maxNdim_ === 0) maxNdim_ = core().m._wmx_max_ndim();
  return maxNdim_;
}
