/**
 * Every case of the bad-input corpus (fixtures/bad/) gives the exact file, line and message a user sees.
 */
import { assertEquals } from "../_assert.ts";
import { validateRun } from "../../src/validate/validate.ts";

const BAD = new URL("../../fixtures/bad/", import.meta.url).pathname;

type Row = [file: string, line: number | undefined, severity: string, message: string];

async function findings(name: string): Promise<Row[]> {
  const r = await validateRun({ id: name, path: BAD + name });
  const rows: Row[] = r.diagnostics.map((d) => [d.file, d.line, d.severity, d.message]);
  for (const f of r.files) {
    for (const d of f.diagnostics) rows.push([d.file, d.line ?? d.offset, d.severity, d.message]);
  }
  return rows;
}

const CASES: Record<string, Row[]> = {
  "truncated-last-line": [[
    "events/metric/loss.plx",
    3,
    "warning",
    'last line is incomplete (a partial write?) and was skipped: expected 3 fields separated by "|", found 2',
  ]],
  "pipe-in-text": [[
    "events/text/t.plx",
    2,
    "error",
    'expected 3 fields separated by "|", found 4 (a "|" inside a value?)',
  ]],
  "wrong-header": [[
    "events/metric/loss.plx",
    1,
    "error",
    'expected the header "step|timestamp|metric" (any order), found "step|time|metric"',
  ]],
  "header-kind-mismatch": [[
    "events/metric/loss.plx",
    1,
    "error",
    'header names the value column "image" but the folder kind is "metric"',
  ]],
  "non-numeric-metric": [["events/metric/loss.plx", 2, "error", 'metric value "abc" is not a number']],
  "bad-step": [["events/metric/loss.plx", 2, "error", 'step "1.5" is not an integer']],
  "bad-timestamp": [["events/metric/loss.plx", 2, "error", 'timestamp "yesterday" is not a datetime']],
  "invalid-json-cell": [[
    "events/image/img.plx",
    2,
    "error",
    "image value is not valid JSON: Expected double-quoted property name in JSON at position 12",
  ]],
  "schema-violation": [[
    "events/image/img.plx",
    2,
    "error",
    "image value: height: Invalid input: expected number, received string",
  ]],
  "invalid-utf8": [[
    "events/metric/loss.plx",
    3,
    "error",
    "invalid UTF-8 at byte 30 of the line (binary data or another text encoding?)",
  ]],
  "binary-garbage": [[
    "events/metric/loss.plx",
    0,
    "error",
    "binary data (a NUL byte at offset 0), not a text event file",
  ]],
  "empty-file": [],
  "header-only": [],
  "asset-dotdot": [[
    "events/image/img.plx",
    2,
    "error",
    'asset path "../../etc/passwd" leaves the run folder',
  ]],
  "asset-absolute": [[
    "events/image/img.plx",
    2,
    "error",
    'asset path "/etc/passwd" is absolute; asset paths must be relative to the run folder',
  ]],
  "asset-missing": [["events/image/img.plx", 2, "error", 'asset "assets/image/img_1.png" is missing']],
  "steps-backwards": [
    ["events/metric/loss.plx", 3, "warning", "step 1 comes after step 2 (line 2): steps go backwards"],
    ["events/metric/loss.plx", 4, "warning", "step 1 repeats (also at line 3)"],
  ],
  "histogram-shape": [[
    "events/histogram/h.plx",
    2,
    "warning",
    'histogram has 2 frequencies ("values") but 2 edges ("counts"); expected 3 edges',
  ]],
  "confusion-shape": [[
    "events/confusion/c.plx",
    2,
    "warning",
    "confusion matrix is not square with matching labels: 2 x-labels, 2 y-labels, 2 rows of lengths 2/1",
  ]],
  "bad-jsonl": [[
    "events/text/t.plx",
    3,
    "error",
    "invalid JSON line: Unterminated string in JSON at position 76",
  ]],
  "unknown-file": [
    ["stray.bin", undefined, "info", "not part of the Polyaxon run layout; not checked"],
    ["events/notes.txt", undefined, "info", "not part of the Polyaxon run layout; not checked"],
  ],
  "bad-run-json": [[
    "run.plx.json",
    1,
    "error",
    "invalid JSON: Expected ',' or '}' after property value in JSON at position 42 (line 1 column 43)",
  ]],
};

Deno.test("bad-input corpus: exact file, line and message", async (t) => {
  for (const [name, expected] of Object.entries(CASES)) {
    await t.step(name, async () => assertEquals(await findings(name), expected));
  }
});

Deno.test("bad-input corpus: every case folder has an expectation", async () => {
  const names: string[] = [];
  for await (const e of Deno.readDir(BAD)) if (e.isDirectory) names.push(e.name);
  assertEquals(names.sort(), Object.keys(CASES).sort());
});

Deno.test("a line of several MB is read, and one over the limit is reported and skipped", async () => {
  const dir = await Deno.makeTempDir();
  const big = "x".repeat(3 * 1024 * 1024);
  await Deno.mkdir(`${dir}/events/text`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/events/text/t.plx`,
    `\n{"timestamp": "2025-03-01 09:15:02+00:00", "step": 1, "text": "${big}"}\n` +
      `{"timestamp": "2025-03-01 09:15:03+00:00", "step": 2, "text": "short"}`,
  );
  const r = await validateRun({ id: "r", path: dir });
  assertEquals(r.files[0].events, 2);
  assertEquals(r.files[0].diagnostics, []);
  const { PlxReader } = await import("../../src/formats/plx/read.ts");
  const { readChunks } = await import("../../src/io/files.ts");
  const reader = new PlxReader({
    run: "r",
    scope: "events",
    kind: "text",
    name: "t",
    file: "events/text/t.plx",
  }, {
    maxLineBytes: 1024 * 1024,
  });
  const diags = [];
  let events = 0;
  for await (const b of reader.read(readChunks(`${dir}/events/text/t.plx`))) {
    diags.push(...b.diagnostics);
    events += b.events.length;
  }
  assertEquals(events, 1);
  assertEquals(diags.map((d) => [d.line, d.message]), [[2, "line is longer than 1048576 bytes; skipped"]]);
  await Deno.remove(dir, { recursive: true });
});
