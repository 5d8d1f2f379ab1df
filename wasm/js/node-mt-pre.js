// --pre-js for the Node threaded glue. Runs before the runtime's environment
// setup, which does `global.Worker = require('worker_threads').Worker`;
// remember what was there so pthread-post.js can restore it.
var wmxHadGlobalWorker = Object.prototype.hasOwnProperty.call(globalThis, "Worker");
var wmxPrevGlobalWorker = globalThis.Worker;
