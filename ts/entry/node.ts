import { registerLoader } from "../runtime.js";
import { loadNode } from "../backend/node.js";
registerLoader(loadNode);
export * from "../index.js";
