// The app's module Worker (main-worker.js starts it): webmx runs off the main thread.
import * as mx from "webmx";
import { compute } from "./compute.js";

compute(mx).then((r) => postMessage(r));
