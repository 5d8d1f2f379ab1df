import { registerLoader } from "../runtime.js";
import { loadBrowser } from "../host/browser.js";
registerLoader(loadBrowser);
export * from "../index.js";
