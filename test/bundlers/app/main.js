// The app's entry on the page's main thread.
import * as mx from "webmx";
import { compute } from "./compute.js";

compute(mx).then((r) => {
  window.result = r;
});
