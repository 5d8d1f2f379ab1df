// A pool worker script that loads but never answers: init_failures.test.ts
// passes it as init({ workerUrl }) to play workers that fail to start.
