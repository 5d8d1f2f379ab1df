// What the GPU benches share: timing a batch of queued runs and printing it.

/** Runs `batch` (which returns ms per run) once to warm up, then three times: the min and median. */
export async function minMedian(batch) {
  await batch();
  const t = [await batch(), await batch(), await batch()].sort((a, b) => a - b);
  return { min: t[0], med: t[1] };
}

/** "min X ms (rate unit), median Y ms (rate unit)", the rate being `per` over the time. */
export const fmt = (t, unit, per) =>
  `min ${t.min.toFixed(3)} ms (${(per / t.min).toFixed(1)} ${unit}), median ${t.med.toFixed(3)} ms (${(per / t.med).toFixed(1)} ${unit})`;
