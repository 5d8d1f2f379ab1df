// A pool worker script that fails as it loads (init_failures.test.ts).
throw new Error("this worker script is broken on purpose");
