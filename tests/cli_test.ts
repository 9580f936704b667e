import { assertEquals, assertOk } from "./_assert.ts";
import { run } from "./_cli.ts";

const FIX = new URL("../fixtures/", import.meta.url).pathname;

Deno.test("validate: exit 0 on valid runs, 1 on invalid, 2 on usage errors", async () => {
  assertEquals((await run("validate", FIX + "runs")).code, 0);
  assertEquals((await run("validate", FIX + "runs", "--strict")).code, 1); // the mixed file warns
  assertEquals((await run("validate", FIX + "bad")).code, 1);
  assertEquals((await run("validate", FIX + "upstream", "--no-assets")).code, 0);
  assertEquals((await run("validate", FIX + "upstream")).code, 1);
  const usage = await run("validate", "--bogus", FIX);
  assertEquals(usage.code, 2);
  assertOk(usage.err.includes("unknown option '--bogus'"), usage.err);
  assertEquals((await run("validate")).code, 2);
  assertEquals((await run("validate", FIX + "runs", "--format", "xml")).code, 2);
  assertEquals((await run("nope")).code, 2);
  const missing = await run("validate", "/no/such/path");
  assertEquals(missing.code, 2);
  assertEquals(missing.err.trim(), "plxkit validate: no such file or directory: /no/such/path");
});

Deno.test("validate --generation requires a format generation", async () => {
  const v1 = FIX + "runs/1a2b3c4d5e6f47089a0b1c2d3e4f5a6b";
  assertEquals((await run("validate", v1, "--generation", "v1-csv")).code, 0);
  const r = await run("validate", v1, "--generation", "v2-jsonl");
  assertEquals(r.code, 1);
  assertOk(
    r.out.includes(
      "events/text/log.plx: error: format generation is v1-csv or v1.1-csv, not the required v2-jsonl",
    ),
    r.out,
  );
});

Deno.test("validate --format json is one JSON document with file, line and reason", async () => {
  const r = await run("validate", FIX + "bad/pipe-in-text", "--format", "json");
  const doc = JSON.parse(r.out);
  assertEquals(doc.valid, false);
  assertEquals(doc.summary.errors, 1);
  const d = doc.runs[0].files[0].diagnostics[0];
  assertEquals([d.file, d.line, d.severity, d.code], ["events/text/t.plx", 2, "error", "field-count"]);
});

Deno.test("validate --format junit: a testsuite per run named by its path, a testcase per file", async () => {
  const r = await run("validate", FIX + "bad/asset-missing", FIX + "bad/header-only", "--format", "junit");
  assertOk(
    r.out.startsWith(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="plxkit validate" tests="2" failures="1"',
    ),
    r.out,
  );
  assertOk(
    r.out.includes(`<testsuite name="${FIX}bad/asset-missing" id="asset-missing" tests="1" failures="1"`),
    r.out,
  );
  assertOk(
    r.out.includes(
      `<testcase classname="${FIX}bad/asset-missing" name="events/image/img.plx" file="${FIX}bad/asset-missing/events/image/img.plx">` +
        '<failure message="line 2: asset &quot;assets/image/img_1.png&quot; is missing" type="error">' +
        `${FIX}bad/asset-missing/events/image/img.plx:2: error: asset &quot;assets/image/img_1.png&quot; is missing</failure>`,
    ),
    r.out,
  );
  assertOk(
    r.out.includes(
      `<testcase classname="${FIX}bad/header-only" name="events/metric/loss.plx" file="${FIX}bad/header-only/events/metric/loss.plx"/>`,
    ),
  );
});

Deno.test("validate a single file and a lone .plx outside any run", async () => {
  assertEquals(
    (await run("validate", FIX + "runs/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c/events/metric/loss.plx")).code,
    0,
  );
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/metric`);
  await Deno.writeTextFile(`${dir}/metric/x.plx`, "step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|oops");
  const r = await run("validate", `${dir}/metric/x.plx`);
  assertEquals(r.code, 1);
  assertOk(r.out.includes(`${dir}/metric/x.plx:2: error: metric value "oops" is not a number`), r.out);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("help on every command; data on stdout", async () => {
  for (const c of ["validate", "inspect", "convert", "schema"]) {
    const r = await run(c, "--help");
    assertEquals(r.code, 0);
    assertOk(r.out.startsWith(`plxkit ${c}: `), r.out);
  }
  const top = await run("--help");
  assertOk(top.out.includes("Commands:"));
});

Deno.test("inspect reports true extrema and metric statistics", async () => {
  const r = await run("inspect", FIX + "runs/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c", "--json");
  assertEquals(r.code, 0);
  const run0 = JSON.parse(r.out).runs[0];
  const loss = run0.series.find((s: { name: string }) => s.name === "loss");
  assertEquals(loss.steps, { count: 2, min: 1, max: 2 });
  assertEquals(loss.metric, { count: 3, nan: 1, mean: 0.59655, min: 0.5, max: 0.6931, last: "NaN" });
  assertEquals(loss.time, {
    min: "2025-03-01T09:15:02.481516+00:00",
    max: "2025-03-01T09:15:20.000000+00:00",
  });
  assertEquals(run0.status, "succeeded");
});

Deno.test("schema prints JSON Schemas", async () => {
  const r = await run("schema", "histogram");
  const s = JSON.parse(r.out);
  assertEquals(s.type, "object");
  assertEquals(Object.keys(s.properties), ["values", "counts"]);
  assertEquals((await run("schema", "nope")).code, 2);
  const jl = JSON.parse((await run("schema", "jsonl-event")).out);
  assertEquals(jl.required.includes("timestamp"), true);
});

Deno.test("the real binary prints no stack trace for bad data or bad usage", async () => {
  for (
    const args of [["validate", FIX + "bad/binary-garbage"], ["validate", "--nope"], [
      "convert",
      FIX + "runs",
      "--to",
      "nope",
      "--out",
      "/tmp/x",
    ]]
  ) {
    const p = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../cli.ts", import.meta.url).pathname, ...args],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const err = new TextDecoder().decode(p.stderr);
    assertOk(!/\bat .*\.ts:\d+/.test(err) && !err.includes("Stack backtrace"), err);
    assertOk(p.code === 1 || p.code === 2, `exit ${p.code}`);
  }
});

Deno.test("convert plx -> plx keeps every event, refuses to write into its input, and resumes", async () => {
  const out = await Deno.makeTempDir();
  const r = await run("convert", FIX + "runs", "--to", "plx", "--out", out);
  assertEquals(r.code, 0);
  assertOk(r.out.includes("4 runs: 4 ok, 0 failed, 0 already done; 47 events written"), r.out);
  const again = await run("convert", FIX + "runs", "--to", "plx", "--out", out);
  assertOk(again.out.includes("4 runs: 0 ok, 0 failed, 4 already done"), again.out);
  assertEquals((await run("validate", out, "--strict")).code, 0);
  const inside = await run("convert", FIX + "runs", "--to", "plx", "--out", FIX + "runs/x");
  assertEquals(inside.code, 2);
  await Deno.remove(out, { recursive: true });
});

Deno.test("inspect reads any input format (detected or --from)", async () => {
  const tb = await run("inspect", FIX + "tensorboard/logdirs/tf2", "--json");
  assertEquals(tb.code, 0);
  const runs = JSON.parse(tb.out).runs.map((r: { id: string; events: number }) => [r.id, r.events]);
  // TensorBoard runs get deterministic Polyaxon uuids (the same on every run of the command).
  assertEquals(runs, [["a726c6196263531ea702e3f138ea1ad3", 1], ["0933aaeaf13f5c1fa4b3a8cbcd2783a4", 14]]);
  const jl = await run("inspect", FIX + "jsonl/small.jsonl", "--from", "jsonl");
  assertOk(jl.out.startsWith("run aaaa1111, name r\n"), jl.out);
  assertEquals((await run("inspect", FIX + "runs", "--from", "nope")).code, 2);
});

Deno.test("validate counts every finding, also those past the 20 shown per code and file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const rows = ["step|timestamp|metric"];
    for (let i = 0; i < 100; i++) rows.push(`${i}|2025-03-01 09:15:02+00:00|abc`);
    rows.push("100|2025-03-01 09:15:02+00:00|1.0");
    await Deno.mkdir(`${dir}/r1/events/metric`, { recursive: true });
    await Deno.writeTextFile(`${dir}/r1/events/metric/loss.plx`, rows.join("\n"));
    const r = await run("validate", dir, "--format", "json");
    assertEquals(r.code, 1);
    const doc = JSON.parse(r.out);
    assertEquals(doc.summary.errors, 100);
    const diags = doc.runs[0].files[0].diagnostics;
    assertEquals(diags.length, 21);
    assertEquals(diags[20].count, 80);
    assertOk(diags[20].message.startsWith('80 more "bad-metric" errors'), diags[20].message);
    assertOk((await run("validate", dir)).out.includes("; 100 errors,"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
