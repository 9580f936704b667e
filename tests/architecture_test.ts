/**
 * The layering of src/ (docs/architecture.md), checked on the import statements of every source file:
 * formats are leaves that import only the core, the core imports nothing above it, and no file grows past
 * 500 lines.
 */
import { assertEquals, assertOk } from "./_assert.ts";
import { importsOf } from "./_imports.ts";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src");

/** Every `.ts` file under `dir`, as paths relative to the repository root with `/` separators. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = path.join(d, e.name);
      if (e.isDirectory) walk(p);
      else if (e.name.endsWith(".ts")) out.push(path.relative(ROOT, p).split(path.sep).join("/"));
    }
  };
  walk(dir);
  return out.sort();
}

/** The repository-relative files `file` imports by relative path. */
function localImports(file: string): string[] {
  const text = Deno.readTextFileSync(path.join(ROOT, file));
  return importsOf(text)
    .filter((s) => s.startsWith("."))
    .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
}

/** The layer of a repository-relative source file: its first folder under src/ (or the file's name). */
function layer(file: string): string {
  const parts = file.split("/");
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.ts$/, "");
}

/** The format folder of a file under src/formats/<name>/, else null. */
function formatOf(file: string): string | null {
  const m = /^src\/formats\/([^/]+)\//.exec(file);
  return m ? m[1] : null;
}

/** The core: what every format may build on. */
const CORE = new Set(["model", "io", "json", "schema", "diagnostics", "version", "_deps"]);
/** The one module of src/convert that formats may import: the interfaces they implement. */
/** The conversion interfaces and the helpers every format's source and sink share (run files, losses). */
const CONVERT_CORE = new Set(["src/convert/core.ts", "src/convert/carry.ts"]);

const FILES = sourceFiles(SRC);

Deno.test("the import parser finds every kind of import and none in comments", () => {
  const text = [
    `import { a, type B } from "./a.ts";`,
    `import type {`,
    `  C,`,
    `} from "../c.ts";`,
    `import * as path from "node:path";`,
    `export { d } from "./d.ts";`,
    `export * from "./e.ts";`,
    `const f = await import("./f.ts");`,
    `new Worker(new URL("./g.ts", import.meta.url).href, { type: "module" });`,
    `/**`,
    ` * import { X } from "../other/x.ts";`,
    ` */`,
    `// import { Y } from "../other/y.ts";`,
    `const s = "// not a comment"; import "./h.ts";`,
  ].join("\n");
  assertEquals(importsOf(text).sort(), [
    "../c.ts",
    "./a.ts",
    "./d.ts",
    "./e.ts",
    "./f.ts",
    "./g.ts",
    "./h.ts",
    "node:path",
  ]);
});

Deno.test("the walk sees the formats and the core", () => {
  for (const f of ["src/formats/plx/read.ts", "src/formats/tensorboard/sink.ts", "src/model/event.ts"]) {
    assertOk(FILES.includes(f), `${f} not found under src/`);
  }
  assertOk(localImports("src/formats/plx/read.ts").includes("src/model/event.ts"));
});

Deno.test("a format imports no other format", () => {
  const bad: string[] = [];
  for (const file of FILES) {
    const own = formatOf(file);
    if (own === null) continue;
    for (const dep of localImports(file)) {
      if (!dep.startsWith("src/formats/")) continue;
      const other = formatOf(dep);
      if (other !== own) bad.push(`${file} imports ${dep}`);
    }
  }
  assertEquals(bad, [], "formats must share code through the core (src/model, src/io, src/json, ...)");
});

Deno.test("formats import only the core and the conversion interfaces", () => {
  const bad: string[] = [];
  for (const file of FILES) {
    if (!file.startsWith("src/formats/")) continue;
    for (const dep of localImports(file)) {
      const l = layer(dep);
      if (l === "formats" || CORE.has(l) || CONVERT_CORE.has(dep)) continue;
      bad.push(`${file} imports ${dep}`);
    }
  }
  assertEquals(bad, []);
});

Deno.test("the core imports nothing above it", () => {
  const bad: string[] = [];
  for (const file of FILES) {
    if (!CORE.has(layer(file))) continue;
    for (const dep of localImports(file)) {
      if (!CORE.has(layer(dep))) bad.push(`${file} imports ${dep}`);
    }
  }
  assertEquals(bad, []);
});

Deno.test("the conversion interfaces import only the core", () => {
  const bad = [...CONVERT_CORE].flatMap((f) =>
    localImports(f).filter((dep) => !CORE.has(layer(dep)) && !CONVERT_CORE.has(dep))
  );
  assertEquals(bad, []);
});

/** Most lines a source file may have: past this, split it by concern. */
const MAX_LINES = 500;
/**
 * Files still over {@linkcode MAX_LINES}, being split by their owners (the Parquet encoder and sink). Empty it as they land: an entry that is no longer needed fails the test too.
 */
const OVERSIZED_PENDING = new Set([
  "src/formats/parquet/native.ts",
  "src/formats/parquet/sink.ts",
]);

/** Lines of a text file (a last line without a newline counts). */
export function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

Deno.test("line counting counts a last line without a newline", () => {
  assertEquals([lineCount(""), lineCount("a"), lineCount("a\n"), lineCount("a\nb"), lineCount("a\n\n")], [
    0,
    1,
    1,
    2,
    2,
  ]);
});

Deno.test(`no source file is over ${MAX_LINES} lines`, () => {
  const over = FILES.filter((f) => lineCount(Deno.readTextFileSync(path.join(ROOT, f))) > MAX_LINES);
  assertEquals(over.filter((f) => !OVERSIZED_PENDING.has(f)), [], "split these files by concern");
  const stale = [...OVERSIZED_PENDING].filter((f) => !over.includes(f));
  assertEquals(stale, [], "these files are small now (or gone): remove them from OVERSIZED_PENDING");
});

/** Whether `file` is a folder-private module: its name starts with `_` (or it is in a `_` folder). */
function isPrivate(file: string): boolean {
  return file.split("/").some((part) => part.startsWith("_"));
}

/** The folder that owns a private module: the folder of its first `_` path part. */
function ownerOf(file: string): string {
  const parts = file.split("/");
  return parts.slice(0, parts.findIndex((p) => p.startsWith("_"))).join("/");
}

Deno.test("a `_` module is imported only from its own folder and below", () => {
  const bad: string[] = [];
  for (const file of FILES) {
    for (const dep of localImports(file)) {
      if (!isPrivate(dep) || dep.startsWith("src/_deps/")) continue; // (the pinned dependencies serve all)
      if (!file.startsWith(ownerOf(dep) + "/")) bad.push(`${file} imports ${dep}`);
    }
  }
  assertEquals(bad, []);
});
