/// <reference types="@webgpu/types" />
import { registerLoader } from "../runtime.js";
import { loadNode } from "../host/node.js";
import { registerHostGpu } from "../webgpu/open.js";
registerLoader(loadNode);
// Node has no navigator.gpu: init({gpu: true}) loads Dawn's binding, the optional `webgpu` package.
registerHostGpu(async () => {
  const spec = "webgpu"; // a variable: bundlers leave this optional import alone
  let mod: { create: (opts: string[]) => GPU };
  try {
    mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec)) as typeof mod;
  } catch {
    throw new Error("[init] No WebGPU in this Node: install Dawn's binding (`npm install webgpu`) or pass a GPUDevice as init({gpu: device}).");
  }
  return mod.create([]);
});
export * from "../index.js";
