// asyncEval on the GPU: evaluation submits GPU work synchronously, but GPU
// memory can only be read asynchronously. A graph that reads GPU values on
// the CPU (ops without a GPU kernel, 64-bit dtypes, {stream: mx.cpu}) is
// evaluated in rounds: evaluate the GPU values the next CPU step needs,
// download them into their host copies, repeat; then evaluate the requested
// arrays and download those on the GPU, so they read synchronously after.

import type { Core } from "../runtime.js";

/** Evaluates `handles` on the calling thread, downloading what the CPU must read. */
export async function evalWithReadback(c: Core, handles: number[]): Promise<void> {
  for (;;) {
    const count = c.check(c.withInts(handles, (p, n) => c.m._wmx_gpu_reads_pending(p, n)));
    if (count === 0) break;
    const pending = c.takeResults(count);
    try {
      c.check(c.withInts(pending, (p, n) => c.m._wmx_eval(p, n)));
      await downloadAll(c, pending);
    } finally {
      for (const h of pending) c.m._wmx_release(h);
    }
  }
  c.check(c.withInts(handles, (p, n) => c.m._wmx_eval(p, n)));
  await downloadAll(c, handles);
}

/** Brings every evaluated GPU array among `handles` back into its host copy. */
async function downloadAll(c: Core, handles: number[]): Promise<void> {
  const gpu = c.gpu!;
  const jobs: Promise<void>[] = [];
  for (const h of handles) {
    // out = [buffer id, bytes]; a second handle keeps the data alive while the download runs.
    const out = c.scratchPtr();
    if (c.check(c.m._wmx_gpu_download_source(h, out)) === 0) continue;
    const f = new Float64Array(c.heap().buffer, out, 2);
    const [buffer, nbytes] = [f[0]!, f[1]!];
    const keep = c.check(c.m._wmx_retain(h));
    jobs.push(
      gpu.download(buffer, nbytes).then(
        (bytes) => {
          try {
            const ptr = c.m._wmx_gpu_host_copy(keep);
            if (ptr === 0) c.fail();
            c.heap().set(bytes, ptr);
          } finally {
            c.m._wmx_release(keep);
          }
        },
        (e) => {
          c.m._wmx_release(keep);
          throw e;
        },
      ),
    );
  }
  await Promise.all(jobs);
  const e = gpu.takeError();
  if (e) throw e;
}
