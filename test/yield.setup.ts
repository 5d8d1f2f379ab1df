// Every test starts with a turn of the event loop. Our tests are mostly
// synchronous wasm work, and vitest chains them through microtasks, so a
// file that computes for over a minute never lets the worker read vitest's
// RPC replies; its 60 s RPC timer then fires first ("Timeout calling
// onTaskUpdate", seen on the threaded build on 2 busy cores).
import { beforeEach } from "vitest";

beforeEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
