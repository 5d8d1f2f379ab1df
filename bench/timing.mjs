// What the GPU benches share: timing a batch of queued runs and printing it.

import * as mx from "webmx";

/** Runs `batch` (which returns ms per run) once to warm up, then three times: the min and median. */
export async function minMedian(batch) {
  await batch();
  const t = [await batch(), await batch(), await batch()].sort((a, b) => a - b);
  return { min: t[0], med: t[1] };
}

/** "min X ms (rate unit), median Y ms (rate unit)", the rate being `per` over the time. */
export const fmt = (t, unit, per) =>
  `min ${t.min.toFixed(3)} ms (${(per / t.min).toFixed(1)} ${unit}), median ${t.med.toFixed(3)} ms (${(per / t.med).toFixed(1)} ${unit})`;

/**
 * ms per run of `step` (which evaluates its work with mx.eval, so it is only
 * submitted): `reps` runs queued back to back, then one wait for the GPU, as
 * a training loop runs and as the peers' probe times its kernels (a wait per
 * run would time Dawn's completion callback, milliseconds, instead). Three
 * such batches after a warm-up one: min and median of their per-run times.
 */
export async function timeQueued(step, reps = 10) {
  return minMedian(async () => {
    const t0 = performance.now();
    // Each result is freed once submitted, as a loop frees what it is done
    // with: its buffer goes back to the pool for the next run (the queue
    // orders the reuse after the kernels that write it).
    for (let i = 0; i < reps; ++i) mx.dispose(step());
    await mx.synchronize();
    return (performance.now() - t0) / reps;
  });
}

/** A step that evaluates fn on the GPU (submitting it) and returns what it made. */
export const gpuStep = (fn) => () => {
  const out = mx.withDevice(mx.gpu, () => mx.tidy(fn));
  mx.eval(out);
  return out;
};

/** Uniform numbers in [-1, 1) made on the GPU. */
export const gpuUniform = (shape, seed) => mx.withDevice(mx.gpu, () => mx.random.uniform(-1, 1, shape, { key: mx.random.key(seed) }));
