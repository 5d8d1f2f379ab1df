import { registerLoader } from "../runtime.js";
import { loadWorkers } from "../backend/workers.js";
registerLoader(loadWorkers);
export * from "../index.js";
