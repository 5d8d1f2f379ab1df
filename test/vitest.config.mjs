// vitest configuration (run from the repository root by the Makefile):
//   WEBMX_TEST_THREADS=0 vitest run --config test/vitest.config.mjs   single-thread build
//   WEBMX_TEST_THREADS=2 vitest run --config test/vitest.config.mjs   threaded build, 2 threads
//   WEBMX_TEST_TARGETS=1 vitest run --config test/vitest.config.mjs   host tests (test/targets)
//   WEBMX_TEST_GPU=1 vitest run --config test/vitest.config.mjs       GPU suites (test/gpu; needs a WebGPU adapter)
// `webmx` resolves to the built dist/node.js, loaded by Node itself (not
// transformed), so the tests exercise exactly what is published.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("..", import.meta.url));
const targets = !!process.env.WEBMX_TEST_TARGETS;
const gpu = !!process.env.WEBMX_TEST_GPU;

export default defineConfig({
  root,
  resolve: {
    alias: [{ find: /^webmx$/, replacement: fileURLToPath(new URL("../dist/node.js", import.meta.url)) }],
  },
  test: {
    include: targets ? ["test/targets/**/*.test.ts"] : gpu ? ["test/gpu/**/*.test.ts"] : ["test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(targets ? [] : ["test/targets/**"]), ...(gpu ? [] : ["test/gpu/**"])],
    setupFiles: ["test/yield.setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
    // Separate processes: each suite loads its own wasm instance (and thread pool).
    pool: "forks",
    env: {
      WEBMX_TEST_THREADS: process.env.WEBMX_TEST_THREADS ?? "0",
    },
    server: {
      deps: {
        // dist/ (bundle + emscripten glue) is loaded by Node as is.
        external: [/\/dist\//],
      },
    },
  },
});
