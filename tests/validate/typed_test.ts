/**
 * Typed seams (issue 13.4): one union of diagnostic codes, every emitted code in it and documented; runs()
 * yields a discriminated union; library errors of their own, mapped to exit codes by the CLI.
 */
import * as path from "node:path";
import { assertEquals, assertOk, assertRejects, assertThrows } from "../_assert.ts";
import { run } from "../_cli.ts";
import {
  DIAGNOSTIC_CODES,
  FormatError,
  InputNotFoundError,
  PlxDataError,
  PlxkitError,
  SettingError,
} from "../../src/diagnostics.ts";
import { requireInputs } from "../../src/io/files.ts";
import { detectFormat, tensorboardFormat } from "../../src/formats/registry.ts";
import { shardFilter } from "../../src/convert/shard.ts";
import { PlxSource } from "../../src/formats/plx/source.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory) out.push(...sources(p));
    else if (e.isFile && e.name.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

/** Every diagnostic code written literally in src/: `code: "x"`, `#diag("severity", "x"`, `return ["x", ...]`. */
function emittedCodes(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sources(ROOT + "src")) {
    const text = Deno.readTextFileSync(file);
    const rel = path.relative(ROOT, file);
    for (
      const re of [/\bcode: "([a-z0-9-]+)"/g, /#diag\("[a-z]+", "([a-z0-9-]+)"/g, /return \["([a-z0-9-]+)",/g]
    ) {
      for (const m of text.matchAll(re)) if (!found.has(m[1])) found.set(m[1], rel);
    }
    // TensorBoard framing problems become codes as they are.
    const frame = /problem:\s*((?:\|\s*"[a-z0-9-]+"\s*)+);/.exec(text);
    if (frame) { for (const m of frame[1].matchAll(/"([a-z0-9-]+)"/g)) found.set(m[1], rel); }
  }
  return found;
}

Deno.test("every emitted diagnostic code is in DIAGNOSTIC_CODES, and every listed code is emitted", () => {
  const emitted = emittedCodes();
  const listed = new Set<string>(DIAGNOSTIC_CODES);
  const unlisted = [...emitted].filter(([c]) => !listed.has(c)).map(([c, f]) => `${c} (${f})`);
  assertEquals(unlisted, []);
  const dead = DIAGNOSTIC_CODES.filter((c) => !emitted.has(c));
  assertEquals(dead, []);
  assertEquals(new Set(DIAGNOSTIC_CODES).size, DIAGNOSTIC_CODES.length);
  // One name per finding: the TensorBoard reader's repeated steps are `step-repeat`, as in .plx files.
  assertOk(!emitted.has("repeated-step"));
});

Deno.test("docs/validation.md documents every diagnostic code", () => {
  const doc = Deno.readTextFileSync(ROOT + "docs/validation.md");
  const missing = DIAGNOSTIC_CODES.filter((c) => !doc.includes("`" + c + "`"));
  assertEquals(missing, []);
});

Deno.test("runs() yields { type: 'run' } and { type: 'diagnostic' } items", async () => {
  const types: string[] = [];
  for await (const item of new PlxSource([ROOT + "fixtures/runs", "/no/such/plxkit/path"]).runs()) {
    types.push(
      item.type === "run" ? `run:${item.run.info.id.slice(0, 4)}` : `diagnostic:${item.diagnostic.code}`,
    );
  }
  assertEquals(types, ["run:0f3c", "run:1a2b", "run:2b3c", "run:3c4d", "diagnostic:io"]);
});

Deno.test("library errors are PlxkitErrors with a code and a path; none is the CLI's UsageError", async () => {
  const missing = await assertRejects(() => requireInputs(["deno.json", "/no/such/x"]), InputNotFoundError);
  assertOk(missing instanceof PlxkitError);
  assertEquals([(missing as InputNotFoundError).code, (missing as InputNotFoundError).file], [
    "input-not-found",
    "/no/such/x",
  ]);
  assertEquals(missing.message, "no such file or directory: /no/such/x");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "hello");
    const f = await assertRejects(() => detectFormat([`${dir}/notes.txt`]), FormatError);
    assertEquals((f as FormatError).code, "unknown-format");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const s = assertThrows(() => shardFilter("3/2"), SettingError);
  assertEquals((s as SettingError).code, "bad-setting");
  assertThrows(() => tensorboardFormat.source!(["x"], { settings: { steps: "bogus" } }), SettingError);
  const d = new PlxDataError("bad row", { file: "a.parquet", line: 3 });
  assertEquals([d instanceof PlxkitError, d.code, d.file, d.line, d.message], [
    true,
    "bad-data",
    "a.parquet",
    3,
    "a.parquet:3: bad row",
  ]);
  // Library code never imports the CLI's error.
  const offenders = sources(ROOT + "src").filter((f) =>
    !f.includes(`${path.sep}cli${path.sep}`) && /cli\/errors\.ts|UsageError/.test(Deno.readTextFileSync(f))
  );
  assertEquals(offenders, []);
});

Deno.test("the CLI maps library errors to exit codes: bad settings and unknown formats 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "hello");
    let r = await run("convert", `${dir}/notes.txt`, "--to", "jsonl", "--out", `${dir}/o.jsonl`);
    assertEquals(r.code, 2, r.err);
    assertOk(r.err.includes("cannot tell the format"), r.err);
    r = await run(
      "convert",
      ROOT + "fixtures/runs",
      "--to",
      "jsonl",
      "--out",
      `${dir}/o.jsonl`,
      "--shard",
      "0/2",
    );
    assertEquals(r.code, 2, r.err);
    r = await run("inspect", `${dir}/notes.txt`);
    assertEquals(r.code, 2, r.err);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["notes.txt"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
