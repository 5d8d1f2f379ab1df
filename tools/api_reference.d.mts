// Types of tools/api_reference.mjs for test/api_reference.test.ts.
/** Where the reference is written: docs/API_REFERENCE.md. */
export declare const OUTPUT: string;
/** The reference's Markdown text, from dist/types/index.d.ts (or `entry`). */
export declare function generate(entry?: string): string;
