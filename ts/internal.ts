// Hooks for webmx's own tests (exported as mx._internal, not part of the API):
// they switch host-dependent paths so one host can test all of them.
export { simulateNoAsyncContext, hasAsyncContext } from "./scope.js";
export { pressure, unownedArrays } from "./safety_net.js";
