import { registerLoader } from "../runtime.js";
import { loadWorkers } from "../host/workers.js";
registerLoader(loadWorkers);
export * from "../index.js";
