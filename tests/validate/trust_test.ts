/**
 * The validator never lies (issue 10.1-3, 7, 8): no false failure from names, no false pass for files named
 * on the command line, missing inputs are usage errors that create nothing, one vocabulary of counts, and
 * warnings where Polyaxon's own (pandas) reader would fail.
 */
import * as path from "node:path";
import { assertEquals, assertOk } from "../_assert.ts";
import { run } from "../_cli.ts";
import { discover } from "../../src/formats/plx/layout.ts";
import { detectTensorboardDir } from "../../src/formats/tensorboard/layout.ts";
import { validatePaths } from "../../src/validate/validate.ts";
import type { RunReport } from "../../src/model/report.ts";

const FIX = new URL("../../fixtures/", import.meta.url).pathname;
const RUN = FIX + "runs/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c";
const TB_FILE = (() => {
  for (const e of Deno.readDirSync(FIX + "tensorboard/logdirs/tf2/run1")) {
    if (e.name.includes("tfevents")) return FIX + "tensorboard/logdirs/tf2/run1/" + e.name;
  }
  throw new Error("no TensorBoard fixture");
})();
const H = "step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|0.5";

async function reports(paths: string[]): Promise<RunReport[]> {
  const out: RunReport[] = [];
  const { VALIDATE_EXTRAS } = await import("../../src/validate/extras.ts");
  for await (const r of validatePaths(paths, { extra: VALIDATE_EXTRAS })) out.push(r);
  return out;
}

function codes(rs: RunReport[]): string[] {
  return rs.flatMap((r) => [...r.diagnostics, ...r.files.flatMap((f) => f.diagnostics)]).map((d) =>
    `${d.severity}:${d.code}`
  );
}

async function tmp(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "plxkit-trust-" });
}

Deno.test("10.1: folders named like data files are not data files (tfevents, run markers, .jsonl, assets)", async () => {
  const root = await tmp();
  try {
    // A checkout of a repo called tfevents-js/, a testdata/tfevents/ folder, a folder named like an event
    // file, beside one real run.
    await Deno.mkdir(`${root}/tfevents-js/src`, { recursive: true });
    await Deno.mkdir(`${root}/testdata/tfevents`, { recursive: true });
    await Deno.mkdir(`${root}/logs/events.out.tfevents.1.host`, { recursive: true });
    // A file named like a run marker is not one; neither is a folder named run.plx.json.
    await Deno.mkdir(`${root}/notes/run.plx.json`, { recursive: true });
    await Deno.writeTextFile(`${root}/notes/events`, "a file called events");
    // A folder named like a JSONL file.
    await Deno.mkdir(`${root}/export.jsonl`, { recursive: true });
    await Deno.mkdir(`${root}/runs/r1/events/metric`, { recursive: true });
    await Deno.writeTextFile(`${root}/runs/r1/events/metric/loss.plx`, H);
    const rs = await reports([root]);
    assertEquals(rs.map((r) => [r.format, r.id]), [["plx", "r1"]]);
    assertEquals(codes(rs), []);
    const cli = await run("validate", root);
    assertEquals(cli.code, 0, cli.out + cli.err);
    assertOk(cli.out.includes("valid: 1 run, 1 file, 1 event, 0 records;"), cli.out);
    // The TensorBoard detector sees only files: a folder named like an event file does not make a run.
    const found = [];
    for await (const t of discover([`${root}/logs`], { detectors: [detectTensorboardDir] })) found.push(t);
    assertEquals(found, []);
    // Format detection for convert/inspect: a folder named x.jsonl is not JSONL input.
    const { detectFormat } = await import("../../src/formats/registry.ts");
    assertEquals((await detectFormat([`${root}/runs`])).name, "plx");
    assertEquals((await detectFormat([`${root}/export.jsonl`]).catch(() => null))?.name, undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("10.1: an image asset that is a folder is an error; a model folder is fine", async () => {
  const root = await tmp();
  try {
    const r = `${root}/r`;
    await Deno.mkdir(`${r}/events/image`, { recursive: true });
    await Deno.mkdir(`${r}/events/model`, { recursive: true });
    await Deno.mkdir(`${r}/assets/image/x_1.png`, { recursive: true });
    await Deno.mkdir(`${r}/assets/model/net`, { recursive: true });
    await Deno.writeTextFile(
      `${r}/events/image/x.plx`,
      'step|timestamp|image\n1|2025-03-01 09:15:02+00:00|{"path": "assets/image/x_1.png"}',
    );
    await Deno.writeTextFile(
      `${r}/events/model/net.plx`,
      'step|timestamp|model\n1|2025-03-01 09:15:02+00:00|{"path": "assets/model/net", "framework": "torch"}',
    );
    const rs = await reports([r]);
    const ds = rs[0].files.flatMap((f) => f.diagnostics);
    assertEquals(ds.map((d) => [d.file, d.code, d.message]), [[
      "events/image/x.plx",
      "asset",
      'asset "assets/image/x_1.png" is a folder, not a file',
    ]]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("10.2: a file named on the command line is checked by its format; unknown files are errors", async () => {
  const root = await tmp();
  try {
    // Random bytes under a TensorBoard name.
    const junk = new Uint8Array(3000).map((_, i) => (i * 7919 + 13) % 251);
    await Deno.writeFile(`${root}/events.out.tfevents.1.host`, junk);
    let r = await run("validate", `${root}/events.out.tfevents.1.host`);
    assertEquals(r.code, 1, r.out);
    assertOk(
      r.out.includes(`${root}/events.out.tfevents.1.host@0: error: does not start with a TFRecord`),
      r.out,
    );
    // A broken JSONL file: errors with line numbers.
    const good =
      '{"run":"r","scope":"events","kind":"metric","name":"loss","step":1,"timestamp":"2025-03-01T09:15:02.000000+00:00","type":"metric","value":1}';
    await Deno.writeTextFile(
      `${root}/broken.jsonl`,
      `${good}\n{"run":"r", oops\n${good.replace("1,", "2,")}\n[]\n`,
    );
    r = await run("validate", `${root}/broken.jsonl`);
    assertEquals(r.code, 1, r.out);
    assertOk(r.out.includes(`${root}/broken.jsonl:2: error:`), r.out);
    assertOk(r.out.includes(`${root}/broken.jsonl:4: error:`), r.out);
    assertOk(r.out.includes("1 run, 1 file, 2 events, 0 records; 2 errors"), r.out);
    // A good JSONL file, gzip too, and one found by content without the .jsonl name.
    r = await run("validate", FIX + "jsonl/small.jsonl");
    assertEquals(r.code, 0, r.out);
    assertOk(r.out.includes("valid: 2 runs, 1 file, 20 events, 2 records;"), r.out);
    const { gzipSync } = await import("node:zlib");
    await Deno.writeFile(`${root}/ok.jsonl.gz`, gzipSync(good + "\n"));
    assertEquals((await run("validate", `${root}/ok.jsonl.gz`)).code, 0);
    await Deno.writeFile(`${root}/cut.jsonl.gz`, gzipSync(good + "\n" + good + "\n").subarray(0, 40));
    r = await run("validate", `${root}/cut.jsonl.gz`, "--strict");
    assertEquals(r.code, 1, r.out);
    await Deno.writeTextFile(`${root}/events.txt`, good + "\n");
    r = await run("validate", `${root}/events.txt`);
    assertEquals([r.code, r.out.includes("1 event")], [0, true], r.out);
    // A real TensorBoard event file, renamed: found by its TFRecord framing.
    await Deno.copyFile(TB_FILE, `${root}/renamed.bin`);
    r = await run("validate", `${root}/renamed.bin`);
    assertEquals(r.code, 0, r.out);
    assertOk(r.out.includes("14 events"), r.out);
    // A lone .plx outside a kind folder: the header names its kind.
    await Deno.writeTextFile(`${root}/loss.plx`, H);
    r = await run("validate", `${root}/loss.plx`);
    assertEquals(r.code, 0, r.out);
    await Deno.writeTextFile(`${root}/bad.plx`, H + "\n2|2025-03-01 09:15:03+00:00|abc");
    r = await run("validate", `${root}/bad.plx`);
    assertEquals(r.code, 1, r.out);
    assertOk(r.out.includes(`${root}/bad.plx:3: error: metric value "abc" is not a number`), r.out);
    // Parquet: a part file, a damaged one, the dataset folder.
    const part = FIX + "parquet/small-dataset/kind=metric/part-s1of1-00000.parquet";
    r = await run("validate", part);
    assertEquals(r.code, 0, r.out);
    const bytes = await Deno.readFile(part);
    await Deno.writeFile(`${root}/cut.parquet`, bytes.subarray(0, bytes.length - 10));
    r = await run("validate", `${root}/cut.parquet`);
    assertEquals(r.code, 1, r.out);
    assertOk(r.out.includes("no Parquet footer"), r.out);
    r = await run("validate", FIX + "parquet/small-dataset");
    assertEquals(r.code, 0, r.out);
    assertOk(r.out.includes("valid: 2 runs, 1 file, 20 events, 2 records;"), r.out);
    // Anything else: an error, never "not checked" and valid.
    await Deno.writeTextFile(`${root}/README.md`, "# hello\n");
    r = await run("validate", `${root}/README.md`);
    assertEquals(r.code, 1, r.out);
    assertOk(r.out.includes(`${root}/README.md: error: not a file plxkit can check`), r.out);
    r = await run("validate", RUN + "/outputs/env.json");
    assertEquals(r.code, 1, r.out);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("10.2: plxkit JSONL files and Parquet datasets in a tree are validated; other .jsonl left alone", async () => {
  const root = await tmp();
  try {
    await Deno.mkdir(`${root}/a`);
    await Deno.copyFile(FIX + "jsonl/small.jsonl", `${root}/a/small.jsonl`);
    await Deno.writeTextFile(`${root}/a/other.jsonl`, '{"level": "info", "msg": "not plxkit"}\n');
    await Deno.writeTextFile(`${root}/a/metrics.jsonl`, '{"run": "abc", "loss": 0.5}\n'); // another tool's
    await new Deno.Command("cp", { args: ["-r", FIX + "parquet/small-dataset", `${root}/ds`] }).output();
    const rs = await reports([root]);
    assertEquals(rs.map((r) => [r.format, path.relative(root, r.path), r.runs]), [
      ["jsonl", "a/small.jsonl", 2],
      ["parquet", "ds", 2],
    ]);
    assertEquals(codes(rs), []);
    // A damaged row group in the dataset is found.
    const part = `${root}/ds/kind=metric/part-s1of1-00000.parquet`;
    const b = await Deno.readFile(part);
    b.fill(0, 8, Math.min(b.length - 8, 200));
    await Deno.writeFile(part, b);
    const r = await run("validate", `${root}/ds`);
    assertEquals(r.code, 1, r.out);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("10.3: a missing input is 'no such file or directory', exit 2, for every command; nothing is created", async () => {
  const root = await tmp();
  try {
    const missing = `${root}/no/such/path`;
    const cases: string[][] = [
      ["validate", missing],
      ["validate", RUN, missing],
      ["inspect", missing],
      ["inspect", missing, "--from", "plx"],
      ["convert", missing, "--to", "jsonl", "--out", `${root}/out.jsonl`],
      ["convert", missing, "--from", "plx", "--to", "jsonl", "--out", `${root}/out.jsonl`],
      ["convert", missing, "--from", "jsonl", "--to", "parquet", "--out", `${root}/ds`],
      ["convert", RUN, missing, "--to", "plx", "--out", `${root}/plx`],
    ];
    for (const args of cases) {
      const r = await run(...args);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
      assertEquals(r.err.split("\n")[0], `plxkit ${args[0]}: no such file or directory: ${missing}`);
      assertEquals(r.out, "");
    }
    // A broken link is missing too.
    await Deno.symlink(`${root}/nowhere`, `${root}/link`);
    assertEquals((await run("validate", `${root}/link`)).code, 2);
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name), ["link"]);
    // --from naming a format the input is not: a usage error before any output exists.
    const r = await run("convert", RUN, "--from", "jsonl", "--to", "jsonl", "--out", `${root}/o.jsonl`);
    assertEquals(r.code, 2, r.err);
    assertOk(r.err.includes("does not look like jsonl input (it looks like plx)"), r.err);
    assertEquals([...Deno.readDirSync(root)].map((e) => e.name), ["link"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("10.7: validate and inspect count the same events and records", async () => {
  for (
    const p of [RUN, FIX + "jsonl/small.jsonl", FIX + "parquet/small-dataset", FIX + "tensorboard/logdirs"]
  ) {
    const v = JSON.parse((await run("validate", p, "--no-assets", "--format", "json")).out).summary;
    const i = JSON.parse((await run("inspect", p, "--json")).out).runs as {
      events: number;
      records: { run: number; lineage: number; log: number };
    }[];
    const rec = i.reduce((n, r) => n + r.records.run + r.records.lineage + r.records.log, 0);
    assertEquals(
      [v.runs, v.events, v.records],
      [i.length, i.reduce((n, r) => n + r.events, 0), rec],
      p,
    );
  }
  // The sample run: 27 events + 4 resource events; 1 run record, 1 lineage record, 2 log records.
  const v = await run("validate", RUN);
  assertOk(v.out.includes("valid: 1 run, 22 files, 31 events, 4 records;"), v.out);
  const i = await run("inspect", RUN);
  assertOk(i.out.includes("31 events in 19 series, 4 records (run 1, lineage 1, log 2)"), i.out);
});

Deno.test("10.8: warnings where Polyaxon's pandas reader fails: mixed UTC offsets, times out of range", async () => {
  const root = await tmp();
  try {
    await Deno.mkdir(`${root}/r/events/metric`, { recursive: true });
    await Deno.mkdir(`${root}/r/events/text`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/r/events/metric/loss.plx`,
      [
        "step|timestamp|metric",
        "1|2025-03-01 09:15:02+00:00|0.5",
        "2|2025-03-01 14:45:03+05:30|0.4",
        "3|2025-03-01 09:15:04+00:00|0.3",
        "4|2025-03-01 09:15:05|0.2",
        "5|2300-01-01 00:00:00+00:00|0.1",
      ].join("\n"),
    );
    await Deno.writeTextFile(
      `${root}/r/events/text/t.plx`,
      '\n{"timestamp": "2025-03-01 09:15:02+00:00", "step": 1, "text": "a"}' +
        '\n{"timestamp": "2025-03-01 02:15:02-07:00", "step": 2, "text": "b"}',
    );
    const rs = await reports([`${root}/r`]);
    const ds = rs[0].files.flatMap((f) => f.diagnostics).map((d) => [d.file, d.line, d.severity, d.message]);
    assertEquals(ds, [
      [
        "events/metric/loss.plx",
        6,
        "warning",
        "timestamp outside 1677-09-21..2262-04-11: Polyaxon's reader (pandas, nanosecond timestamps) fails on this file",
      ],
      [
        "events/metric/loss.plx",
        3,
        "warning",
        "timestamps mix UTC offsets (+00:00 at lines 2, 4, 6; +05:30 at line 3; no UTC offset (naive) at line 5): " +
        "Polyaxon's reader (pandas) cannot parse this file's timestamps; plxkit reads each with its own offset",
      ],
      [
        "events/text/t.plx",
        3,
        "warning",
        "timestamps mix UTC offsets (+00:00 at line 2; -07:00 at line 3): Polyaxon's reader (pandas) cannot " +
        "parse this file's timestamps; plxkit reads each with its own offset",
      ],
    ]);
    // Warnings: valid, but not under --strict.
    assertEquals((await run("validate", `${root}/r`)).code, 0);
    assertEquals((await run("validate", `${root}/r`, "--strict")).code, 1);
    // One offset throughout (any offset) is fine.
    await Deno.writeTextFile(
      `${root}/r/events/metric/loss.plx`,
      "step|timestamp|metric\n1|2025-03-01 14:45:03+05:30|0.5\n2|2025-03-01 14:45:04.5+05:30|0.4",
    );
    await Deno.remove(`${root}/r/events/text/t.plx`);
    assertEquals(codes(await reports([`${root}/r`])), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("validate on every fixture tree: exit codes exactly as documented", async () => {
  const cases: [string[], number][] = [
    [[FIX + "runs"], 0],
    [[FIX + "runs", "--strict"], 1], // the mixed file warns
    [[FIX + "upstream", "--no-assets"], 0],
    [[FIX + "bad"], 1],
    [[FIX + "tensorboard/logdirs"], 0],
    [[FIX + "jsonl"], 0],
    [[FIX + "parquet/small-dataset"], 0],
    [[TB_FILE], 0],
    [[RUN + "/run.plx.json"], 0],
    [[RUN + "/plxlogs/logs.jsonl"], 0],
    [[RUN + "/events/metric/loss.plx"], 0],
  ];
  for (const [args, code] of cases) {
    const r = await run("validate", ...args);
    assertEquals(r.code, code, `${args.join(" ")}\n${r.out}${r.err}`);
  }
  // Every bad-corpus case alone is invalid under --strict (no false pass); empty and header-only files are
  // valid, as in Polyaxon, and a file the layout does not define is a note (docs/validation.md).
  for (const e of Deno.readDirSync(FIX + "bad")) {
    if (e.name === "empty-file" || e.name === "header-only" || e.name === "unknown-file") continue;
    const r = await run("validate", FIX + "bad/" + e.name, "--strict");
    assertEquals(r.code, 1, `${e.name}: ${r.out}`);
  }
});
