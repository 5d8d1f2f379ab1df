// File access by path, provided by the host: the Node loader registers
// node:fs here (ts/host/node.ts). The browser and Workers bundles never
// import node:fs; there, a path is an error that says to pass bytes instead.

import { describe } from "../describe.js";

export interface FileHost {
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
}

let host: FileHost | null = null;

/** @internal called by a host loader that has a file system */
export function registerFileHost(h: FileHost | null): void {
  host = h;
}

/** The host's file system, or a "[tag] ..." error where there is none. */
export function fileHost(tag: string, path: unknown): FileHost {
  if (!host)
    throw new Error(
      `[${tag}] Reading and writing files by path (${describe(path)}) needs Node's file system. Here, pass the bytes (a Uint8Array, ArrayBuffer or Response) to load, and pass null as the file to get the bytes of save/saveSafetensors.`,
    );
  return host;
}
