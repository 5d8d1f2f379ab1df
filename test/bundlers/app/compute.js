// What every bundled test app does with webmx: init() with the defaults (the
// threaded build on a cross-origin-isolated page, else single-thread), one
// product big enough to run on the thread pool, and what ran it.
export async function compute(mx) {
  try {
    await mx.init();
    const n = 256;
    const sum = mx.matmul(mx.ones([n, n]), mx.ones([n, n])).sum().item();
    return { ok: true, sum, info: mx.backendInfo(), isolated: globalThis.crossOriginIsolated === true };
  } catch (e) {
    return { ok: false, message: String((e && e.stack) || e) };
  }
}
