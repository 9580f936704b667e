/**
 * The command line as CI steps, scripts and migrations use it (issue 14): streams, selection, dry runs,
 * progress, CI report formats, the demo's output folder, help, exit codes. Each item is tested in-process
 * and once end to end through `deno run cli.ts`.
 */
import { assertEquals, assertOk } from "./_assert.ts";
import { run } from "./_cli.ts";
import type { CliIO } from "../src/cli/args.ts";
import { COMMANDS } from "../src/cli/main.ts";
import { parseCommand } from "../src/cli/args.ts";
import { Progress } from "../src/cli/progress.ts";
import { globRegExp, parseInstant, parseSteps, Selection } from "../src/convert/select.ts";
import { MetricBatch } from "../src/model/batch.ts";
import { ReportSchema } from "../src/validate/report.ts";

const FIX = new URL("../fixtures/", import.meta.url).pathname;
const CLI = new URL("../cli.ts", import.meta.url).pathname;
const RUN0 = "0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c";

/** `deno run cli.ts <args>` with optional stdin bytes. */
async function exec(args: string[], opts: { stdin?: Uint8Array; cwd?: string; script?: string } = {}) {
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", opts.script ?? CLI, ...args],
    stdin: opts.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    cwd: opts.cwd,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  }).spawn();
  if (opts.stdin) {
    const w = p.stdin.getWriter();
    await w.write(opts.stdin);
    await w.close();
  }
  const o = await p.output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr), bytes: o.stdout };
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text.split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

// ---------------------------------------------------------------------------------------------- 1. streams
Deno.test("streams: --out - writes JSONL to stdout and the report to stderr", async () => {
  // Files outside the event layout (outputs/, plxlogs/) cannot go to stdout: named as lost, exit 1 ...
  const lossy = await run("convert", FIX + "runs", "--to", "jsonl", "--out", "-");
  assertEquals(lossy.code, 1, lossy.err);
  assertOk(lossy.err.includes("outputs/env.json: the target format does not carry run files"), lossy.err);
  // ... unless accepted.
  const r = await run("convert", FIX + "runs", "--to", "jsonl", "--out", "-", "--accept-loss");
  assertEquals(r.code, 0, r.err);
  const lines = jsonLines(r.out);
  assertEquals(lines.length, 47);
  assertEquals(new Set(lines.map((l) => l.run)).size, 4);
  assertOk(r.err.includes("4 runs: 4 ok, 0 failed"), r.err);
  assertOk(r.err.includes("jsonl on stdout: asset files (event kept, file not copied)"), r.err);
  const wrong = await run("convert", FIX + "runs", "--to", "plx", "--out", "-");
  assertEquals(wrong.code, 2);
  assertOk(wrong.err.includes("--out - writes JSONL to standard output; it needs --to jsonl"), wrong.err);
});

Deno.test("streams end to end: convert --out - | convert - --to plx, and - | inspect -", async () => {
  const dump = await exec([
    "convert",
    FIX + "runs",
    "--to",
    "jsonl",
    "--out",
    "-",
    "--quiet",
    "--accept-loss",
  ]);
  assertEquals(dump.code, 0, dump.err);
  assertEquals(jsonLines(dump.out).length, 47);
  const out = await Deno.makeTempDir();
  try {
    const back = await exec(["convert", "-", "--to", "plx", "--out", out + "/runs"], { stdin: dump.bytes });
    assertEquals(back.code, 0, back.err);
    assertOk(back.out.includes("4 runs: 4 ok"), back.out);
    const names = [];
    for await (const e of Deno.readDir(out + "/runs")) if (!e.name.startsWith(".")) names.push(e.name);
    assertEquals(names.sort().length, 4);
    const insp = await exec(["inspect", "-", "--json", "--kind", "metric"], { stdin: dump.bytes });
    assertEquals(insp.code, 0, insp.err);
    const doc = JSON.parse(insp.out);
    assertEquals(doc.runs.length, 4);
    const bad = await exec(["convert", "-", "--from", "plx", "--to", "jsonl", "--out", "-"], {
      stdin: dump.bytes,
    });
    assertEquals(bad.code, 2);
    assertOk(bad.err.includes("--from plx cannot be read from it"), bad.err);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

// -------------------------------------------------------------------------------------------- 2. selection
Deno.test("selection: globs, sanitized names, steps, instants", () => {
  assertOk(globRegExp("loss*").test("loss/train"));
  assertOk(!globRegExp("loss?").test("loss"));
  assertOk(globRegExp("[ab]x").test("bx"));
  assertOk(!globRegExp("[!ab]x").test("ax"));
  assertOk(globRegExp("a.b").test("a.b") && !globRegExp("a.b").test("axb"));
  const s = new Selection({ names: ["train/*"], kinds: ["metric"] });
  assertOk(s.stream("metric", "train__lr"), "original name train/lr -> file name train__lr");
  assertOk(s.stream("metric", "train/lr"));
  assertOk(!s.stream("text", "train__lr"));
  assertOk(!s.stream("metric", "loss"));
  assertOk(s.file("events/metric/train__lr.plx") && !s.file("events/metric/loss.plx"));
  assertOk(!s.file("run.plx.json"), "with --kind/--name only event files are chosen");
  assertEquals(parseSteps("10:20"), { from: 10, to: 20 });
  assertEquals(parseSteps("10:"), { from: 10 });
  assertEquals(parseSteps(":20"), { to: 20 });
  assertEquals(parseSteps("7"), { from: 7, to: 7 });
  for (const bad of ["", ":", "a:b", "5:1", "1.5:2"]) {
    let msg = "";
    try {
      parseSteps(bad);
    } catch (e) {
      msg = String(e);
    }
    assertOk(msg.includes("--steps"), `${bad}: ${msg}`);
  }
  assertEquals(parseInstant("2025-03-01", "--since"), Date.UTC(2025, 2, 1) * 1000);
  assertEquals(
    parseInstant("2025-03-01T09:15:12.5+01:00", "--since"),
    (Date.UTC(2025, 2, 1, 8, 15, 12) + 500) * 1000,
  );
  assertEquals(parseInstant("1740820512", "--until"), 1740820512e6);
  let msg = "";
  try {
    parseInstant("yesterday", "--until");
  } catch (e) {
    msg = String(e);
  }
  assertOk(msg.includes("--until") && msg.includes("yesterday"), msg);
});

Deno.test("selection: metric columns keep only the selected rows, value bytes included", () => {
  const n = 5;
  const cols = {
    run: "r",
    scope: "events" as const,
    kind: "metric",
    name: "loss",
    length: n,
    step: Float64Array.from([0, 1, 2, NaN, 4]),
    micros: Float64Array.from([10, 20, 30, 40, 50]),
    offset: new Float64Array(n),
    value: Float64Array.from([0.5, 1.5, 2.5, 3.5, 4.5]),
    line: Float64Array.from([2, 3, 4, 5, 6]),
    valueBytes: new TextEncoder().encode("0.51.52.53.54.5"),
    valueSpan: Int32Array.from([0, 3, 3, 6, 6, 9, 9, 12, 12, 15]),
  };
  const b = new Selection({ steps: { from: 1, to: 4 }, until: 50 }).batch(new MetricBatch(cols, []));
  const m = b.metrics!;
  assertEquals([...m.step], [1, 2]);
  assertEquals([...m.value], [1.5, 2.5]);
  assertEquals([...m.line], [3, 4]);
  assertEquals(new TextDecoder().decode(m.valueBytes!.subarray(m.valueSpan![2], m.valueSpan![3])), "2.5");
  assertEquals(b.events.map((e) => e.step), [1, 2]);
  const none = new Selection({ kinds: ["text"] }).batch(new MetricBatch(cols, []));
  assertEquals(none.events.length, 0);
});

Deno.test("selection on every command: inspect, convert and validate take the same flags", async () => {
  const i = JSON.parse(
    (await run(
      "inspect",
      FIX + "runs",
      "--json",
      "--kind",
      "metric",
      "--name",
      "train/*",
      "--steps",
      "0:100",
      "--run",
      "sample-v2",
    )).out,
  );
  assertEquals(i.runs.length, 1);
  assertEquals(i.runs[0].id, RUN0);
  assertEquals(i.runs[0].events, 2);
  const since = JSON.parse(
    (await run(
      "inspect",
      FIX + "runs/" + RUN0,
      "--json",
      "--name",
      "accuracy",
      "--since",
      "2025-03-01T09:15:10Z",
    ))
      .out,
  );
  assertOk(since.runs[0].events >= 1 && since.runs[0].events < 3, JSON.stringify(since.runs[0]));
  const c = await run(
    "convert",
    FIX + "runs",
    "--to",
    "jsonl",
    "--out",
    "-",
    "--kind",
    "metric",
    "--run",
    "0f*,1a*",
  );
  const lines = jsonLines(c.out);
  assertOk(lines.length > 0 && lines.every((l) => l.kind === "metric"), c.out);
  assertEquals([...new Set(lines.map((l) => l.run))].sort(), [RUN0, "1a2b3c4d5e6f47089a0b1c2d3e4f5a6b"]);
  const v = await run("validate", FIX + "runs", "--kind", "text", "--run", "1a*");
  assertEquals(v.code, 0, v.out);
  assertOk(v.out.includes("valid: 1 run, 1 file"), v.out);
  const vs = await run("validate", FIX + "runs", "--steps", "1:2");
  assertEquals(vs.code, 2);
  assertOk(vs.err.includes("--steps selects events"), vs.err);
});

Deno.test("inputs: quoted globs and @list.txt; a glob matching nothing or a missing list is a usage error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      dir + "/list.txt",
      `# runs to check\n${FIX}runs/${RUN0}\n\n${FIX}bad/asset-missing\n`,
    );
    const l = await run("validate", "@" + dir + "/list.txt", "--quiet");
    assertEquals(l.code, 1);
    assertOk(l.out.includes("INVALID: 2 runs"), l.out);
    const g = await run("validate", FIX + "runs/[01]*");
    assertOk(g.out.includes("valid: 2 runs"), g.out);
    const none = await run("validate", FIX + "runs/zz*");
    assertEquals(none.code, 2);
    assertOk(none.err.includes(`no path matches ${FIX}runs/zz*`), none.err);
    const missing = await run("convert", "@" + dir + "/nope.txt", "--to", "jsonl", "--out", "-");
    assertEquals(missing.code, 2);
    assertOk(missing.err.includes(`@${dir}/nope.txt`), missing.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("selection and globs end to end", async () => {
  const r = await exec(["inspect", FIX + "runs/0f*", "--kind", "metric", "--name", "loss", "--json"]);
  assertEquals(r.code, 0, r.err);
  const doc = JSON.parse(r.out);
  assertEquals(doc.runs.length, 1);
  assertEquals(doc.runs[0].events, 3);
});

// -------------------------------------------------------------------------------------------- 3. dry run
Deno.test("dry run writes nothing, prints per run what would be written and dropped, exits as the real run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = dir + "/tb";
    const d = await run("convert", FIX + "runs", "--to", "tensorboard", "--out", out, "--dry-run");
    assertEquals(d.code, 0, d.err);
    let exists = true;
    await Deno.stat(out).catch(() => (exists = false));
    assertEquals(exists, false);
    // the event file, side files, and the original bytes of an event file written back otherwise (.plx-original/)
    assertOk(d.out.includes(`${RUN0}: would write 31 events (6 files,`), d.out);
    assertOk(d.out.includes("  not carried over: 1 × tensorboard: span events"), d.out);
    assertOk(/would write 16 files, [\d.]+ kB in all/.test(d.out), d.out);
    assertOk(d.out.includes("dry run, nothing written: 4 runs: 4 would convert"), d.out);
    const real = await run("convert", FIX + "runs", "--to", "tensorboard", "--out", out);
    assertOk(real.out.includes("47 events written"), real.out);
    assertOk(d.out.includes("47 events would be written"), d.out);
    // A failing input: the dry run exits 1 as the real run does, and writes nothing.
    const bad = FIX + "bad/bad-step";
    const dj = await run("convert", bad, "--to", "jsonl", "--out", dir + "/j", "-n", "--format", "json");
    const rj = await run("convert", bad, "--to", "jsonl", "--out", dir + "/k");
    assertEquals(rj.code, 1);
    assertEquals(dj.code, rj.code);
    const doc = JSON.parse(dj.out);
    assertEquals(doc.dryRun, true);
    assertEquals(doc.wouldWrite.runs[0].id, "bad-step");
    await Deno.stat(dir + "/j").then(() => assertOk(false, "dry run wrote"), () => {});
    // Resuming: runs whose output exists are foreseen as a real rerun treats them.
    await run("convert", FIX + "runs/" + RUN0, "--to", "plx", "--out", dir + "/plx");
    const again = await run("convert", FIX + "runs", "--to", "plx", "--out", dir + "/plx", "--dry-run");
    assertOk(again.out.includes(`${RUN0}: already done (its output exists; a real run skips it)`), again.out);
    const realAgain = await run("convert", FIX + "runs", "--to", "plx", "--out", dir + "/plx");
    const last = (t: string) => t.trim().split("\n").at(-1)!;
    assertEquals(
      last(again.out),
      "dry run, nothing written: " +
        last(realAgain.out).replace("3 ok", "3 would convert").replace("0 failed", "0 would fail")
          .replace("events written", "events would be written").replace(" carried;", " would be carried;"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dry run end to end", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await exec(["convert", FIX + "runs", "--to", "parquet", "--out", dir + "/p", "--dry-run"]);
    assertEquals(r.code, 0, r.err);
    assertOk(r.out.includes("dry run, nothing written: 4 runs"), r.out);
    assertEquals([...Deno.readDirSync(dir)].length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// -------------------------------------------------------------------------------------------- 4. progress
function fakeIO(tty: boolean) {
  let t = 0;
  const err: string[] = [];
  const status: string[] = [];
  const io: CliIO = {
    out: () => {},
    err: (s) => err.push(s),
    status: (s) => status.push(s),
    errIsTty: tty,
    color: false,
    now: () => t,
  };
  return { io, err, status, advance: (ms: number) => (t += ms) };
}

Deno.test("progress: a live line on a terminal with runs done/total, events, MB/s and ETA", () => {
  const f = fakeIO(true);
  const p = new Progress(f.io, { totals: { runs: 4 } });
  p.run(10);
  assertEquals(f.status.length, 0, "nothing in the first half second");
  f.advance(1000);
  p.run(30);
  assertEquals(f.status.at(-1), "2/4 runs, 40 events, 0.0 MB/s, ETA 0:01");
  p.run(5);
  assertEquals(f.status.length, 1, "at most ten redraws a second");
  p.finish();
  assertEquals(f.status.at(-1), "", "the line is erased at the end");
});

Deno.test("progress off a terminal: nothing for short work, then a plain line at most every 10 s; none when quiet", () => {
  const f = fakeIO(false);
  const p = new Progress(f.io, { totals: { runs: 100 }, label: "plxkit convert" });
  for (let i = 0; i < 9; i++) {
    f.advance(1000);
    p.run(1);
  }
  assertEquals(f.err.length, 0);
  f.advance(1500);
  p.run(1);
  assertEquals(f.err, ["plxkit convert: 10/100 runs, 10 events, 0.0 MB/s, ETA 1:35 (0:11 elapsed)"]);
  f.advance(5000);
  p.run(1);
  assertEquals(f.err.length, 1);
  f.advance(5000);
  p.tick();
  assertEquals(f.err.length, 2);
  const q = fakeIO(false);
  const quiet = new Progress(q.io, { quiet: true });
  q.advance(60_000);
  quiet.run(1);
  assertEquals(q.err.length + q.status.length, 0);
});

Deno.test("progress and --quiet end to end: short work off a terminal prints no progress; quiet prints only the final line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await exec(["convert", FIX + "runs", "--to", "jsonl", "--out", dir + "/a.jsonl"]);
    assertEquals(r.code, 0);
    assertEquals(r.err, "", "no progress lines for short work");
    // Everything is carried (no "not carried over" section); the report ends with its totals line.
    assertOk(!r.out.includes("not carried over:") && r.out.endsWith(" 0 unreadable lines or files\n"), r.out);
    const q = await exec(["convert", FIX + "runs", "--to", "jsonl", "--out", dir + "/b.jsonl", "--quiet"]);
    assertEquals(
      q.out,
      "4 runs: 4 ok, 0 failed, 0 already done; 47 events written; 9 files carried; 0 unreadable lines or files\n",
    );
    const v = await exec(["validate", FIX + "runs", "--quiet"]);
    assertEquals(
      v.out,
      "valid: 4 runs, 34 files, 47 events, 4 records; 0 errors, 1 warning, 0 notes\n",
      "warnings not printed",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ----------------------------------------------------------------------------------------- 5. CI reports
Deno.test("validate --format github prints Actions annotations with file, line and code", async () => {
  const r = await run(
    "validate",
    FIX + "bad/asset-missing",
    FIX + "bad/confusion-shape",
    "--format",
    "github",
  );
  assertEquals(r.code, 1);
  const lines = r.out.trim().split("\n");
  assertEquals(
    lines[0],
    `::error file=${FIX}bad/asset-missing/events/image/img.plx,line=2,title=plxkit asset::asset "assets/image/img_1.png" is missing`,
  );
  assertOk(
    lines.some((l) =>
      l.startsWith(`::warning file=${FIX}bad/confusion-shape/events/confusion/c.plx,line=2,`)
    ),
  );
  assertOk(lines.at(-1)!.startsWith("INVALID: 2 runs"), lines.at(-1));
});

Deno.test("the JSON report has a version and matches the schema 'plxkit schema report' prints", async () => {
  const r = await run("validate", FIX + "runs", FIX + "bad/pipe-in-text", "--format", "json");
  const doc = JSON.parse(r.out);
  assertEquals([doc.report, doc.reportVersion, doc.tool], ["plxkit-validate", 1, "plxkit"]);
  ReportSchema.parse(doc);
  const schema = JSON.parse((await run("schema", "report")).out);
  assertEquals(schema.properties.reportVersion.const, 1);
  assertOk(
    schema.required.includes("runs") && schema.required.includes("summary"),
    JSON.stringify(schema.required),
  );
  assertOk((await run("schema", "--list")).out.includes("report "));
});

Deno.test("CI reports end to end: github annotations and JUnit with one suite per run path", async () => {
  const g = await exec(["validate", FIX + "bad/bad-step", "--format", "github"]);
  assertEquals(g.code, 1);
  assertOk(g.out.startsWith(`::error file=${FIX}bad/bad-step/events/metric/loss.plx,line=2,`), g.out);
  const j = await exec(["validate", FIX + "runs", "--format", "junit"]);
  assertEquals((j.out.match(/<testsuite /g) ?? []).length, 4);
  assertOk(j.out.includes(`<testsuite name="${FIX}runs/${RUN0}"`), j.out);
  assertEquals((j.out.match(/<testcase [^>]*file="/g) ?? []).length, 34);
});

// ------------------------------------------------------------------------------------------------- 6. demo
Deno.test("the demo writes its conversions under out/demo/, so validate runs/ sees one run", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const d = await exec([], { cwd: dir, script: new URL("../demo.ts", import.meta.url).pathname });
    assertEquals(d.code, 0, d.err);
    assertOk(d.out.includes("conversions go to out/demo/"), d.out);
    assertEquals([...Deno.readDirSync(dir + "/runs")].length, 1);
    const outs = [...Deno.readDirSync(dir + "/out/demo")].map((e) => e.name).sort();
    assertEquals(outs, [
      "back-from-jsonl",
      "back-from-parquet",
      "back-from-tensorboard",
      "jsonl",
      "parquet",
      "tensorboard",
    ]);
    const v = await exec(["validate", "runs/"], { cwd: dir });
    assertOk(v.out.includes("valid: 1 run,"), v.out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// ------------------------------------------------------------------------------------------------- 7. help
Deno.test("help teaches: 3-5 examples per command whose flags all exist; --version; nearest flag", async () => {
  for (const cmd of COMMANDS) {
    const h = await run(cmd.name, "--help");
    assertEquals(h.code, 0);
    const ex = h.out.slice(h.out.indexOf("\nExamples:\n"));
    const lines = ex.split("\n").filter((l) =>
      /^ {2}(plxkit|\S.*\| plxkit) /.test(l) || l.startsWith("  plxkit")
    );
    assertOk(h.out.trimEnd().endsWith(lines.at(-1)!), `${cmd.name}: examples come last`);
    assertOk(lines.length >= 3 && lines.length <= 5, `${cmd.name}: ${lines.length} examples`);
    for (const e of cmd.examples!) {
      // The part of the line that plxkit parses: up to a pipe or redirection.
      const words = e.cmd.replace(/^.*\| plxkit /, "").split(/\s+[|<>]/)[0].split(/\s+/)
        .map((w) => w.replace(/^'(.*)'$/, "$1"));
      assertEquals(words[0], cmd.name, e.cmd);
      parseCommand(cmd, words.slice(1)); // throws on an unknown flag
    }
  }
  const v = await run("--version");
  assertOk(
    v.out.startsWith("plxkit 0.1.0\nPolyaxon event file generations: v1-csv, v1.1-csv, v2-jsonl"),
    v.out,
  );
  const u = await run("convert", FIX + "runs", "--dryrun");
  assertEquals(u.code, 2);
  assertOk(u.err.includes("unknown option '--dryrun'; did you mean --dry-run?"), u.err);
  const c = await run("inspekt");
  assertOk(c.err.includes("did you mean inspect?"), c.err);
});

Deno.test("help end to end", async () => {
  const h = await exec(["convert", "--help"]);
  assertOk(h.out.includes("Examples:\n  # a tree of Polyaxon runs into one Parquet dataset"), h.out);
  const v = await exec(["--version"]);
  assertOk(v.out.includes("formats: parquet (read/write), jsonl (read/write)"), v.out);
  const u = await exec(["validate", FIX + "runs", "--strct"]);
  assertEquals(u.code, 2);
  assertOk(u.err.includes("did you mean --strict?"), u.err);
});

// ----------------------------------------------------------------------------------- 8. exit codes, names
Deno.test("usage errors exit 2 and name the flag or path at fault", async () => {
  const cases: [string[], string][] = [
    [["inspect", FIX + "runs", "--steps", "x"], "--steps"],
    [["inspect", FIX + "runs", "--since", "soon"], "--since"],
    [["inspect", FIX + "runs", "--since", "2025-02-01", "--until", "2025-01-01"], "--until"],
    [["convert", FIX + "runs", "--to", "nope", "--out", "-"], "--to"],
    [["convert", FIX + "runs", "--to", "jsonl"], "--out"],
    [["convert", FIX + "runs", "--to", "jsonl", "--out", "-", "--set", "x=1"], "--set"],
    [["convert", FIX + "runs", "--to", "jsonl", "--out", "-", "--shard", "3/2"], "--shard"],
    [["validate", FIX + "runs", "--format", "xml"], "--format"],
    [["inspect", FIX + "runs", "--from", "nope"], "--from"],
    [["inspect", FIX + "runs", "--kind", "metrics"], "--kind metrics is no kind; did you mean metric?"],
    [["validate", FIX + "nothing-here-*"], FIX + "nothing-here-*"],
    [["convert", "-", FIX + "runs", "--to", "jsonl", "--out", "-"], "- (standard input)"],
  ];
  for (const [args, name] of cases) {
    const r = await run(...args);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assertOk(r.err.includes(name), `${args.join(" ")}: ${r.err}`);
  }
  assertEquals((await run("validate", FIX + "runs")).code, 0);
  assertEquals((await run("validate", FIX + "bad/bad-step")).code, 1);
});

Deno.test("exit codes end to end: 0 ok, 1 findings, 2 usage naming the flag", async () => {
  assertEquals((await exec(["inspect", FIX + "runs", "--kind", "metric"])).code, 0);
  assertEquals((await exec(["validate", FIX + "bad/bad-step", "--format", "github"])).code, 1);
  const u = await exec(["convert", FIX + "runs", "--to", "jsonl", "--out", "-", "--steps", "9:1"]);
  assertEquals(u.code, 2);
  assertOk(u.err.includes("--steps 9:1"), u.err);
});
