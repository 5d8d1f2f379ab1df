import { registerLoader } from "../runtime.js";
import { loadNode } from "../host/node.js";
registerLoader(loadNode);
export * from "../index.js";
