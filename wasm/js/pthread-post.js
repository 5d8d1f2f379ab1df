// --post-js for both threaded glues (web-mt, node-mt). Runs inside the factory,
// after PThread.init() has created the pool (PThread is local to the factory,
// and closure-renamed if --closure is ever used, hence these stable exports).
//
// emscripten 3.1.6 internals used: PThread.unusedWorkers (idle pool workers),
// PThread.runningWorkers (workers hosting a live pthread),
// PThread.allocateUnusedWorker (the only place a Worker is created; also called
// later by getNewWorker when the pool runs dry), PThread.terminateAllThreads.
if (!ENVIRONMENT_IS_PTHREAD) {
  /** Terminate every pool worker. The module is unusable for threaded work afterwards. */
  Module["terminateAllThreads"] = function () {
    PThread.terminateAllThreads();
  };
  /** Number of Workers the pool holds (idle + running). */
  Module["pthreadWorkerCount"] = function () {
    return PThread.unusedWorkers.length + PThread.runningWorkers.length;
  };
  /** The pool's Workers (idle + running): the browser loader watches them start. */
  Module["pthreadWorkers"] = function () {
    return PThread.unusedWorkers.concat(PThread.runningWorkers);
  };

  // Node: pool workers keep the event loop alive, so a script that used the
  // threaded build would never exit. Unref every worker, now and whenever one
  // is created later. refThreads(true) re-refs them (and future ones), e.g.
  // while the only pending work is a result that a worker will post back.
  var wmxThreadsRefd = false;
  var wmxApplyRef = function (w) {
    if (w && typeof w.unref == "function") {
      if (wmxThreadsRefd) w.ref(); else w.unref();
    }
  };
  Module["refThreads"] = function (ref) {
    wmxThreadsRefd = !!ref;
    PThread.unusedWorkers.forEach(wmxApplyRef);
    PThread.runningWorkers.forEach(wmxApplyRef);
  };
  if (typeof ENVIRONMENT_IS_NODE != "undefined" && ENVIRONMENT_IS_NODE) {
    var wmxAllocateUnusedWorker = PThread.allocateUnusedWorker;
    PThread.allocateUnusedWorker = function () {
      var r = wmxAllocateUnusedWorker.apply(this, arguments);
      wmxApplyRef(PThread.unusedWorkers[PThread.unusedWorkers.length - 1]);
      return r;
    };
    Module["refThreads"](false);
    // Undo the runtime's `global.Worker = ...` (node-mt-pre.js saved the old
    // value; the glue itself uses the Worker bound by node-esm-banner.js).
    if (typeof wmxHadGlobalWorker != "undefined") {
      if (wmxHadGlobalWorker) globalThis.Worker = wmxPrevGlobalWorker;
      else delete globalThis.Worker;
    }
  }
}
