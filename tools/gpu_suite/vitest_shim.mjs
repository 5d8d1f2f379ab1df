// The part of vitest's API that test/gpu uses, for running those suites where
// vitest isn't installed (the H100 machine carries node, Dawn and dist/ only).
// Suites register with describe/it; run() executes them in order and reports.
const tests = [];
let prefix = [];

export function describe(name, body) {
  prefix.push(name);
  try { body(); } finally { prefix.pop(); }
}
export function it(name, body) {
  tests.push({ name: [...prefix, name].join(" > "), body });
}

function fail(msg) { throw new Error(msg); }
const show = (v) => { try { return JSON.stringify(v); } catch { return String(v); } };
function deepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

export function expect(value, label = "") {
  const where = label ? ` (${label})` : "";
  return {
    toBe: (w) => Object.is(value, w) || fail(`expected ${show(value)} to be ${show(w)}${where}`),
    toEqual: (w) => deepEqual(value, w) || fail(`expected ${show(value)} to equal ${show(w)}${where}`),
    toBeNaN: () => Number.isNaN(value) || fail(`expected ${show(value)} to be NaN${where}`),
    toBeUndefined: () => value === undefined || fail(`expected ${show(value)} to be undefined${where}`),
    toHaveLength: (n) => value?.length === n || fail(`expected length ${n}, got ${value?.length}${where}`),
    toBeLessThan: (w) => value < w || fail(`expected ${value} < ${w}${where}`),
    toBeGreaterThan: (w) => value > w || fail(`expected ${value} > ${w}${where}`),
    toBeGreaterThanOrEqual: (w) => value >= w || fail(`expected ${value} >= ${w}${where}`),
    toMatch: (re) => (typeof value === "string" && (typeof re === "string" ? value.includes(re) : re.test(value))) || fail(`expected ${show(value)} to match ${re}${where}`),
    toBeCloseTo: (w, digits = 2) => Math.abs(value - w) < 10 ** -digits / 2 || fail(`expected ${value} to be close to ${w}${where}`),
    toContain: (w) => value?.includes?.(w) || fail(`expected ${show(value)} to contain ${show(w)}${where}`),
    toBeNull: () => value === null || fail(`expected ${show(value)} to be null${where}`),
    rejects: {
      toThrow: async (pattern) => {
        try { await value; } catch (e) {
          if (pattern && !pattern.test(String(e?.message ?? e))) fail(`rejected with ${e?.message}, not matching ${pattern}${where}`);
          return;
        }
        fail(`expected a rejection${where}`);
      },
    },
    toThrow: (pattern) => {
      try { value(); } catch (e) {
        if (pattern && !pattern.test(String(e?.message ?? e))) fail(`threw ${e?.message}, not matching ${pattern}${where}`);
        return;
      }
      fail(`expected a throw${where}`);
    },
  };
}

export async function run() {
  let passed = 0, failed = 0;
  const t0 = performance.now();
  for (const t of tests) {
    const s = performance.now();
    try {
      await t.body();
      passed++;
      console.log(`  ok   ${t.name} (${(performance.now() - s).toFixed(0)} ms)`);
    } catch (e) {
      failed++;
      console.log(`  FAIL ${t.name}\n       ${String(e?.stack ?? e).split("\n").slice(0, 3).join("\n       ")}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return failed;
}
