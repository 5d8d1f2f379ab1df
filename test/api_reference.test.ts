// docs/API_REFERENCE.md is generated from the shipped type declarations by
// tools/api_reference.mjs: the committed file must be what the generator
// writes now (else run `make api-reference`), and it must list every
// operation that API.md and the ops sweep hold, and the io functions.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OUTPUT, generate } from "../tools/api_reference.mjs";
import { API_OPS } from "./reference_sweep_rows.js";
import { mx } from "./setup.js";

const text: string = generate();
const headings = new Set([...text.matchAll(/^#{2,6} `([^`]+)`$/gm)].map((m) => m[1]));
const members = new Set([...text.matchAll(/^- `([^`]+)`$/gm)].map((m) => m[1]));

describe("the generated API reference", () => {
  it("is up to date: the committed docs/API_REFERENCE.md is what tools/api_reference.mjs writes (run `make api-reference`)", () => {
    const committed = readFileSync(OUTPUT, "utf8");
    // Not toBe(text): a diff of 7000 lines helps nobody; name the first line that differs.
    if (committed !== text) {
      const a = committed.split("\n");
      const b = text.split("\n");
      let i = 0;
      while (i < a.length && a[i] === b[i]) ++i;
      expect.fail(`docs/API_REFERENCE.md is stale (line ${i + 1}: committed ${JSON.stringify(a[i])}, generated ${JSON.stringify(b[i])}); run \`make api-reference\`.`);
    }
  });

  it("lists every operation of API.md and the sweep (array methods as mx.Array members, mx.fast's by bare name)", () => {
    // mx.fast's ops are listed by their bare names (rope, layerNorm, ...).
    const where = (op: string) => headings.has(`mx.${op}`) || headings.has(`mx.fast.${op}`) || members.has(`mx.Array#${op}`);
    expect(API_OPS.filter((op) => !where(op))).toEqual([]);
  });

  it("lists every function and namespace on mx, and the io functions", () => {
    const skip = new Set(["_internal"]);
    for (const [k, v] of Object.entries(mx)) {
      if (skip.has(k)) continue;
      if (typeof v === "function") expect(headings.has(`mx.${k}`), `mx.${k}`).toBe(true);
      else if (v && typeof v === "object" && !(v instanceof mx.Dtype) && !(v instanceof mx.Device) && !(v instanceof mx.DtypeCategory))
        expect(text.includes(`Namespace \`mx.${k}\``), `namespace mx.${k}`).toBe(true);
    }
    for (const f of ["load", "save", "savez", "savezCompressed", "saveSafetensors", "saveGguf"]) expect(headings.has(`mx.${f}`), f).toBe(true);
    for (const c of ["pi", "e", "inf", "nan", "newaxis"]) expect(headings.has(`mx.${c}`), c).toBe(true);
    // Signatures and doc comments come through.
    expect(text).toContain("function savez(file: string, ...arrays: (MxArray | Record<string, MxArray>)[]): void;");
    expect(text).toMatch(/### `mx.load`[\s\S]*?Arrays from a \.safetensors or \.gguf file/);
    expect(text).not.toContain("_internal");
  });
});
