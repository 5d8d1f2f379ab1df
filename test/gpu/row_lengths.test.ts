// The row kernels at lengths around their reduction sizes, with subgroup
// operations where the device has them (SwiftShader and the H100 both do).
import { rowLengthSuites } from "./row_lengths.js";

rowLengthSuites("subgroups where the device has them");
