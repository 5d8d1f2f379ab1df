import { registerLoader } from "../runtime.js";
import { loadBrowser } from "../backend/browser.js";
registerLoader(loadBrowser);
export * from "../index.js";
