// Every suite imports mx from here: it loads the build that this vitest run
// targets (WEBMX_TEST_THREADS=0: single-thread build; N: threaded, N threads).
import * as mx from "webmx";

export const THREADS = Number(process.env.WEBMX_TEST_THREADS ?? 0) || 0;
await mx.init({ threads: THREADS > 1 ? THREADS : false });
export { mx };
