import * as path from "node:path";
import { run } from "../_cli.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { hostileRun } from "./_runs.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const FIXTURES = path.join(ROOT, "fixtures/runs");

/** The JSON data a report embeds. */
async function reportData(file: string) {
  const html = await Deno.readTextFile(file);
  const m = /<script type="application\/json" id="plx-data">(.*?)<\/script>/s.exec(html);
  assertOk(m, "the report embeds its data");
  return { html, data: JSON.parse(m[1]) };
}

Deno.test("report: usage errors exit 2 with the flag or path at fault, and write nothing", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "r.html");
    const cases: [string[], RegExp][] = [
      [["report", "nope/", "--out", out], /no such file or directory: nope\//],
      [["report", FIXTURES], /--out is required/],
      [["report", "--out", out], /give at least one input/],
      [["report", FIXTURES, "--out", dir], /is a folder/],
      [["report", FIXTURES, "--out", out, "--assets", "zip"], /--assets must be one of inline, link/],
      [
        ["report", FIXTURES, "--out", out, "--max-points", "3"],
        /--max-points must be an integer of at least 8/,
      ],
      [["report", FIXTURES, "--out", path.join(FIXTURES, "r.html")], /inside the input/],
      [["report", FIXTURES, "--out", out, "--kind", "metrc"], /did you mean metric/],
      [["report", FIXTURES, "--out", out, "--bogus"], /unknown option '--bogus'/],
    ];
    for (const [args, re] of cases) {
      await t.step(args.slice(1).join(" "), async () => {
        const r = await run(...args);
        assertEquals(r.code, 2, r.err);
        assertOk(re.test(r.err), r.err);
        assertOk(!r.err.includes("    at "), "no stack trace");
      });
    }
    assertEquals([...Deno.readDirSync(dir)].length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report --help ends with real examples", async () => {
  const r = await run("report", "--help");
  assertEquals(r.code, 0);
  assertOk(r.out.includes("Examples:"));
  const examples = r.out.split("Examples:")[1].split("\n").filter((l) =>
    l.trim().startsWith("plxkit report")
  );
  assertOk(examples.length >= 3 && examples.length <= 5, r.out);
});

Deno.test("report of the sample runs: every run, metric and kind, validation findings, atomically", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "report.html");
    const r = await run("report", FIXTURES, "--out", out, "--validate");
    assertEquals(r.code, 0, r.err);
    assertOk(/^wrote .*report\.html \(\d+\.\d [kM]B\): 4 runs, 47 events, 6 metrics/.test(r.out), r.out);
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["report.html"]); // no temporary left
    const { html, data } = await reportData(out);
    assertOk(html.includes("Content-Security-Policy") && html.includes("default-src &#39;none&#39;"));
    assertOk(html.includes("uPlot"), "uPlot inlined");
    const kinds = new Set(
      data.series.filter((s: { type: string }) => s.type === "chart")
        .flatMap((s: { items: { value: { kind?: string } }[] }) => s.items.map((i) => i.value?.kind)),
    );
    assertEquals(data.embedded, ["plotly", "vega", "bokeh"].filter((k) => kinds.has(k)));
    assertEquals(data.runs.length, 4);
    assertOk(Array.isArray(data.findings), "--validate adds findings");
    assertOk(
      data.findings.every((f: { run: string }) => data.runs.some((x: { id: string }) => x.id === f.run)),
    );
    // a second report replaces the first
    const again = await run("report", FIXTURES, "--out", out, "--kind", "metric", "--quiet");
    assertEquals(again.code, 0, again.err);
    const second = await reportData(out);
    assertEquals(second.data.series.length, 0, "--kind metric keeps only metrics");
    assertOk(second.data.metrics.length > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report reads TensorBoard, JSONL and Parquet inputs like convert does", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    for (const to of ["tensorboard", "jsonl", "parquet"]) {
      await t.step(to, async () => {
        const conv = path.join(dir, to);
        const c = await run("convert", FIXTURES, "--to", to, "--out", conv, "--quiet");
        assertEquals(c.code, 0, c.err + c.out);
        const out = path.join(dir, `${to}.html`);
        const r = await run("report", conv, "--out", out, "--run", "0f3c*");
        assertEquals(r.code, 0, r.err);
        const { data } = await reportData(out);
        assertEquals(data.runs.length, 1, r.out);
        assertOk(data.metrics.length > 0, `${to}: metrics`);
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report downsamples long series, says so, and escapes all run content", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runDir = await hostileRun(path.join(dir, "runs"), 50_000);
    const out = path.join(dir, "r.html");
    const r = await run("report", runDir, "--out", out, "--max-points", "500");
    assertEquals(r.code, 0, r.err);
    assertOk(r.out.includes("1 metric series downsampled"), r.out);
    const { html, data } = await reportData(out);
    const loss = data.metrics.find((m: { name: string }) => m.name === "loss");
    assertOk(loss.points.v.length <= 500 && loss.downsampled);
    assertEquals(loss.stats.count, 50_000);
    assertOk(loss.points.v.includes(1 / 7778 + 5), "the spike is drawn");
    // run content only inside the JSON, with < escaped: no tag of it reaches the document
    assertOk(!html.includes("<img src=x"), "name escaped");
    assertOk(!html.includes("<script>globalThis.pwned"), "tags and text escaped");
    assertEquals((html.match(/<\/script>/g) ?? []).length, 3, "only the report's own three scripts end");
    assertOk(html.length < 300_000, `${html.length} bytes`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report --assets link writes media beside the report; --inline-limit leaves big ones out", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runDir = await hostileRun(path.join(dir, "runs"), 10);
    const out = path.join(dir, "linked.html");
    const r = await run("report", runDir, "--out", out, "--assets", "link");
    assertEquals(r.code, 0, r.err);
    const files = [...Deno.readDirSync(path.join(dir, "linked.assets"))].map((e) => e.name).sort();
    assertEquals(files, ["1-sample_1.png", "2-sample_2.png"]); // (the dataframe's CSV is read into a table)
    const { data } = await reportData(out);
    const img = data.series.find((s: { type: string }) => s.type === "image");
    assertOk(
      img.items.every((i: { src: string }) => i.src.startsWith("linked.assets/")),
      JSON.stringify(img.items),
    );
    const small = path.join(dir, "small.html");
    const s = await run("report", runDir, "--out", small, "--inline-limit", "10");
    assertEquals(s.code, 0, s.err);
    assertOk(s.out.includes("assets left out"), s.out);
    const d2 = (await reportData(small)).data;
    const img2 = d2.series.find((x: { type: string }) => x.type === "image");
    assertOk(img2.items.every((i: { src?: string; note: string }) => !i.src && /inline limit/.test(i.note)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report of a run with a damaged line: written, the line named, exit 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runDir = await hostileRun(path.join(dir, "runs"), 10);
    const file = path.join(runDir, "events/metric/accuracy.plx");
    await Deno.writeTextFile(file, "not|a|row|at|all\n", { append: true });
    const out = path.join(dir, "r.html");
    const r = await run("report", runDir, "--out", out);
    assertEquals(r.code, 1, r.err);
    assertOk(/events\/metric\/accuracy\.plx:11: error: expected 3 fields/.test(r.err), r.err);
    const { data } = await reportData(out);
    assertOk(data.runs[0].problems.some((p: { file: string; line: number }) => p.line === 11), "listed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report inlines plotly.js and Vega only for runs with such charts, and not with --charts json", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runDir = path.join(dir, "r");
    await Deno.mkdir(path.join(runDir, "events/chart"), { recursive: true });
    await Deno.writeTextFile(
      path.join(runDir, "events/chart/fig.plx"),
      'step|timestamp|chart\n1|2024-05-01 12:00:00+00:00|{"kind": "plotly", "figure": {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}}}\n',
    );
    const drawn = path.join(dir, "drawn.html");
    assertEquals((await run("report", runDir, "--out", drawn)).code, 0);
    const d = await reportData(drawn);
    assertEquals(d.data.embedded, ["plotly"]);
    assertOk(d.html.length > 4_000_000, `${d.html.length} bytes with plotly.js`);
    const vegaDir = path.join(dir, "v");
    await Deno.mkdir(path.join(vegaDir, "events/chart"), { recursive: true });
    await Deno.writeTextFile(
      path.join(vegaDir, "events/chart/fig.plx"),
      'step|timestamp|chart\n1|2024-05-01 12:00:00+00:00|{"kind": "vega", "figure": {"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a", "type": "quantitative"}}}}\n',
    );
    const v = path.join(dir, "vega.html");
    assertEquals((await run("report", vegaDir, "--out", v)).code, 0);
    const vd = await reportData(v);
    assertEquals(vd.data.embedded, ["vega"]);
    assertOk(
      vd.html.includes("globalThis.vegaExpressionInterpreter = expression;"),
      "the interpreter inlined",
    );
    assertOk(vd.html.length > 700_000 && vd.html.length < 1_200_000, `${vd.html.length} bytes with Vega`);
    const json = path.join(dir, "json.html");
    assertEquals((await run("report", runDir, "--out", json, "--charts", "json")).code, 0);
    const j = await reportData(json);
    assertEquals(j.data.embedded, []);
    assertOk(j.html.length < 200_000, `${j.html.length} bytes`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report reads JSONL on standard input (-) and escapes the title", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const jsonl = path.join(dir, "all.jsonl");
    const c = await run("convert", FIXTURES, "--to", "jsonl", "--out", jsonl, "--quiet");
    assertEquals(c.code, 0, c.err);
    const out = path.join(dir, "r.html");
    const cli = new URL("../../cli.ts", import.meta.url).pathname;
    const p = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--frozen",
        "--lock=tests/deno.lock",
        cli,
        "report",
        "-",
        "--out",
        out,
        "--title",
        "</title><b>x",
      ],
      cwd: ROOT,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    }).spawn();
    const w = p.stdin.getWriter();
    await w.write(await Deno.readFile(jsonl));
    await w.close();
    const r = await p.output();
    assertEquals(r.code, 0, new TextDecoder().decode(r.stderr));
    const { html, data } = await reportData(out);
    assertEquals(data.runs.length, 4);
    assertOk(html.includes("<title>&#60;/title&#62;&#60;b&#62;x</title>"), "title escaped");
    const v = await run("report", "-", "--out", out, "--validate");
    assertEquals(v.code, 2);
    assertOk(/--validate checks files and folders/.test(v.err), v.err);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
