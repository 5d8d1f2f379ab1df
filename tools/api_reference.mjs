#!/usr/bin/env node
// Writes docs/API_REFERENCE.md: every export of the shipped type
// declarations (dist/types/index.d.ts, what `import * as mx from "webmx"`
// gives), namespaces (mx.random, mx.nn, ...) and class members included,
// each with its declaration as TypeScript prints it and its doc comment.
// Symbols marked @internal are left out.
//
//   node tools/api_reference.mjs            writes docs/API_REFERENCE.md
//   node tools/api_reference.mjs --check    exits 1 if the committed file differs
//
// test/api_reference.test.ts runs generate() and compares, so a stale
// reference fails CI; `make api-reference` regenerates it.

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const OUTPUT = join(ROOT, "docs", "API_REFERENCE.md");
const ENTRY = join(ROOT, "dist", "types", "index.d.ts");

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The doc comment of a symbol (text and tags other than @internal), or "". */
function docOf(symbol, checker) {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const tags = symbol
    .getJsDocTags(checker)
    .filter((t) => t.name !== "internal")
    .map((t) => `@${t.name}${t.text ? " " + ts.displayPartsToString(t.text) : ""}`);
  return [text, ...tags].filter(Boolean).join("\n\n");
}

const isInternal = (symbol, checker) => symbol.getJsDocTags(checker).some((t) => t.name === "internal");

/** A declaration's source text without its doc comment, `export`/`declare` and trailing body. */
function declarationText(decl) {
  const sf = decl.getSourceFile();
  let text = sf.text.slice(decl.getStart(sf), decl.end).trim();
  text = text.replace(/^export\s+/, "").replace(/^declare\s+/, "");
  return text;
}

/** A class's own members (constructor, methods, accessors, properties, static ones), without private and @internal ones. */
function classMembers(symbol, checker) {
  const groups = new Map();
  for (const decl of symbol.declarations ?? []) {
    if (!ts.isClassDeclaration(decl)) continue;
    const sf = decl.getSourceFile();
    for (const member of decl.members) {
      if (ts.getCombinedModifierFlags(member) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      const isStatic = ts.getCombinedModifierFlags(member) & ts.ModifierFlags.Static;
      // Symbol-keyed members ([Symbol.iterator]) by their source text; #private fields are left out.
      const n = ts.isConstructorDeclaration(member) ? "constructor" : member.name ? member.name.getText(sf) : "";
      if (!n || n.startsWith("#")) continue;
      const memberSymbol = member.symbol ?? (member.name && checker.getSymbolAtLocation(member.name));
      if (memberSymbol && isInternal(memberSymbol, checker)) continue;
      const key = isStatic ? `${n} (static)` : n;
      const g = groups.get(key) ?? { name: key, texts: [], doc: "" };
      g.texts.push(declarationText(member));
      if (!g.doc && memberSymbol) g.doc = docOf(memberSymbol, checker);
      groups.set(key, g);
    }
  }
  return [...groups.values()].map((g) => ({ name: g.name, text: g.texts.join("\n"), doc: g.doc })).sort(byName);
}

/** The entries of a module: functions, constants, classes, types and nested namespaces. */
function collect(moduleSymbol, checker, path) {
  const entries = { functions: [], constants: [], classes: [], types: [], namespaces: [] };
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const name = exported.name;
    if (name.startsWith("_") || isInternal(exported, checker)) continue;
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (isInternal(symbol, checker)) continue;
    const decls = symbol.declarations ?? [];
    const full = `${path}.${name}`;
    if (symbol.flags & ts.SymbolFlags.ValueModule && decls.some((d) => ts.isSourceFile(d) || ts.isModuleDeclaration(d))) {
      entries.namespaces.push({ name, path: full, entries: collect(symbol, checker, full) });
      continue;
    }
    const doc = docOf(exported, checker) || docOf(symbol, checker);
    const valueDecls = decls.filter((d) => !ts.isInterfaceDeclaration(d) && !ts.isTypeAliasDeclaration(d));
    const typeDecls = decls.filter((d) => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d));
    if (symbol.flags & ts.SymbolFlags.Class) {
      // The class line only ("class Linear extends Module"); the members follow one by one.
      const head = valueDecls.filter(ts.isClassDeclaration).map((d) => declarationText(d).split("{")[0].trim()).join("\n");
      entries.classes.push({ name, path: full, text: head, doc, members: classMembers(symbol, checker) });
    } else if (symbol.flags & ts.SymbolFlags.Function || valueDecls.some((d) => isFunctionLike(d, checker))) {
      entries.functions.push({ name, path: full, text: valueDecls.map(declarationText).join("\n"), doc });
    } else if (valueDecls.length > 0) {
      entries.constants.push({ name, path: full, text: valueDecls.map(declarationText).join("\n"), doc });
    }
    // A name can be both a value and a type (mx.Dtype); the type side is listed among the types.
    if (typeDecls.length > 0 && !(symbol.flags & ts.SymbolFlags.Class))
      entries.types.push({ name, path: full, text: typeDecls.map(declarationText).join("\n"), doc });
  }
  for (const list of Object.values(entries)) list.sort(byName);
  return entries;
}

/** A `const f: (...) => ...` counts as a function. */
function isFunctionLike(decl, checker) {
  if (ts.isFunctionDeclaration(decl)) return true;
  if (ts.isVariableDeclaration(decl)) return checker.getTypeAtLocation(decl).getCallSignatures().length > 0;
  return false;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading) => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
const code = (text) => "```ts\n" + text + "\n```";

function render(entries, path, out, depth) {
  const h = "#".repeat(Math.min(depth, 5));
  const sub = "#".repeat(Math.min(depth + 1, 6));
  const section = (title, list, body) => {
    if (list.length === 0) return;
    out.push(`${h} ${path}: ${title}`, "");
    for (const item of list) body(item);
  };
  section("functions", entries.functions, (f) => {
    out.push(`${sub} \`${f.path}\``, "", code(f.text), "");
    if (f.doc) out.push(f.doc, "");
  });
  section("constants", entries.constants, (c) => {
    out.push(`${sub} \`${c.path}\``, "", code(c.text), "");
    if (c.doc) out.push(c.doc, "");
  });
  section("classes", entries.classes, (c) => {
    out.push(`${sub} \`${c.path}\``, "", code(c.text), "");
    if (c.doc) out.push(c.doc, "");
    for (const m of c.members) {
      out.push(`- \`${c.path}#${m.name}\``, "", indent(code(m.text)), "");
      if (m.doc) out.push(indent(m.doc), "");
    }
  });
  section("types", entries.types, (t) => {
    out.push(`${sub} \`${t.path}\``, "", code(t.text), "");
    if (t.doc) out.push(t.doc, "");
  });
  for (const ns of entries.namespaces) {
    out.push(`${h} Namespace \`${ns.path}\``, "");
    render(ns.entries, ns.path, out, depth + 1);
  }
}

const indent = (text) => text.split("\n").map((l) => (l ? "  " + l : l)).join("\n");

function contents(entries, path, out, level) {
  const count = (e) => e.functions.length + e.constants.length + e.classes.length;
  for (const ns of entries.namespaces) {
    out.push(`${"  ".repeat(level)}- [\`${ns.path}\`](#${anchor(`Namespace ${ns.path}`)}) (${count(ns.entries)})`);
    contents(ns.entries, ns.path, out, level + 1);
  }
}

/** The reference's Markdown text. */
export function generate(entry = ENTRY) {
  const program = ts.createProgram([entry], { noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, types: [] });
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(entry);
  if (!sf) throw new Error(`api_reference: ${entry} is missing; run \`make dist\` first.`);
  const entries = collect(checker.getSymbolAtLocation(sf), checker, "mx");
  const out = [
    "# webmx API reference",
    "",
    `<!-- Generated by tools/api_reference.mjs from ${relative(ROOT, entry)}; do not edit: run \`make api-reference\`. -->`,
    "",
    "Every export of `import * as mx from \"webmx\"`, with its TypeScript declaration and doc comment,",
    "generated from the package's shipped type declarations. Names follow MLX's Python API in camelCase;",
    "arrays are `mx.Array` (the class `MxArray` in the declarations).",
    "",
    "## Contents",
    "",
    `- [\`mx\`](#mx-functions) (${entries.functions.length} functions, ${entries.constants.length} constants, ${entries.classes.length} classes)`,
  ];
  contents(entries, "mx", out, 1);
  out.push("");
  render(entries, "mx", out, 2);
  return out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd() + "\n";
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = generate();
  if (process.argv.includes("--check")) {
    let old = "";
    try {
      old = readFileSync(OUTPUT, "utf8");
    } catch {}
    if (old !== text) {
      console.error("docs/API_REFERENCE.md is stale: run `make api-reference`.");
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${relative(ROOT, OUTPUT)} (${text.split("\n").length} lines)`);
  }
}
