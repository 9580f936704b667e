import * as path from "node:path";
import { Run } from "../../src/tracking/run.ts";
import { logLines } from "../../src/tracking/_plxlogs.ts";
import { prCurve, rocCurve } from "../../src/tracking/sklearn.ts";
import { assertEquals, assertOk, assertThrows } from "../_assert.ts";

const read = (dir: string, rel: string) => Deno.readTextFileSync(path.join(dir, rel));
const exists = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};

Deno.test("plxlogs: console and stdout/stderr lines captured while the run is open, off by option", async (t) => {
  await t.step("on by default", async () => {
    const dir = await Deno.makeTempDir({ prefix: "plx-logs-" });
    const log = console.log;
    const run = new Run({ path: dir, exitHandlers: false, trackEnv: false });
    console.log("a %s line", "formatted");
    console.error("two\nlines  \n\n");
    Deno.stdout.writeSync(new TextEncoder().encode("raw stdout\n"));
    await run.end();
    console.log("after the end");
    assertOk(console.log === log, "console restored");
    const recs = read(dir, "plxlogs/logs.jsonl").split("\n");
    assertEquals(recs[0], "");
    const values = recs.slice(1).map((l) => JSON.parse(l));
    assertEquals(values.map((v) => v.value), ["a formatted line", "two", "lines", "raw stdout"]);
    assertEquals(Object.keys(values[0]), ["timestamp", "node", "pod", "container", "value"]);
    assertOk(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/.test(values[0].timestamp),
      values[0].timestamp,
    );
    assertEquals(values[0].node, "local");
    assertEquals(values[0].container, Deno.hostname());
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("captureLogs: false", async () => {
    const dir = await Deno.makeTempDir({ prefix: "plx-logs-" });
    const run = new Run({ path: dir, exitHandlers: false, trackEnv: false, captureLogs: false });
    console.log("not captured");
    await run.end();
    assertOk(!exists(path.join(dir, "plxlogs/logs.jsonl")));
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("lines as traceml's LogStreamWriter splits them", () => {
    assertEquals(logLines("x  \r\ny\n"), ["x", "y"]);
    assertEquals(logLines("a\n\nb"), ["a", "", "b"]);
    assertEquals(logLines(" \n\t"), []);
  });
});

Deno.test("resources: sampled by default for offline runs only", async () => {
  for (const [offline, want] of [[true, true], [false, false]] as const) {
    const dir = await Deno.makeTempDir({ prefix: "plx-res-" });
    const run = new Run({ path: dir, offline, exitHandlers: false, trackEnv: false, captureLogs: false });
    await run.end();
    assertEquals(exists(path.join(dir, "resources/metric/memory.plx")), want, `offline=${offline}`);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("logTags adds each tag once, in order; reset replaces", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-tags-" });
  const run = new Run({ path: dir, offline: true, tags: ["a", "b"], exitHandlers: false, resources: false });
  run.logTags(["b", "c"]);
  run.logTags("d");
  let rec = JSON.parse(read(dir, "outputs/env.json"));
  assertEquals(typeof rec.pid, "number");
  assertThrows(() => run.logTags([""]), TypeError);
  await run.end();
  rec = JSON.parse(read(dir, "run.plx.json"));
  assertEquals(rec.tags, ["a", "b", "c", "d"]);
  assertEquals(rec.owner, "default");
  assertEquals(
    rec.status_conditions.map((c: Record<string, string>) => [c.type, c.reason, c.message]),
    [
      ["created", "OfflineOperation", "Operation is starting"],
      ["running", "PolyaxonClient", "Operation is running"],
      ["succeeded", "PolyaxonClient", "Operation has succeeded"],
    ],
  );
  const r2 = new Run({ path: dir, tags: ["x"], exitHandlers: false, resources: false, captureLogs: false });
  r2.logTags(["y"], { reset: true });
  await r2.end();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sklearn curves equal scikit-learn 1.9.1 on tied scores", () => {
  // sklearn.metrics.roc_curve / auc / precision_recall_curve / average_precision_score on these inputs
  const data = {
    yTargets: [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1],
    yPreds: [0.9, 0.9, 0.8, 0.5, 0.5, 0.5, 0.3, 0.2, 0.2, 0.95, 0.1, 0.5],
  };
  const roc = rocCurve(data);
  assertEquals(roc.fpr, [0.0, 0.0, 0.2, 0.2, 0.6, 0.6, 0.8, 1.0]);
  assertEquals(roc.tpr, [
    0.0,
    0.14285714285714285,
    0.2857142857142857,
    0.42857142857142855,
    0.7142857142857143,
    0.8571428571428571,
    1.0,
    1.0,
  ]);
  assertEquals(roc.auc, 0.6571428571428571);
  const pr = prCurve(data);
  assertEquals(pr.precision, [
    0.5833333333333334,
    0.6363636363636364,
    0.6666666666666666,
    0.625,
    0.75,
    0.6666666666666666,
    1.0,
    1.0,
  ]);
  assertEquals(pr.recall, [
    1.0,
    1.0,
    0.8571428571428571,
    0.7142857142857143,
    0.42857142857142855,
    0.2857142857142857,
    0.14285714285714285,
    0.0,
  ]);
  assertEquals(pr.averagePrecision, 0.7099567099567099);
  assertThrows(() => rocCurve({ yTargets: [1, 1], yPreds: [0.1, 0.2] }), RangeError);
  assertThrows(() => rocCurve({ yTargets: ["a", "b"], yPreds: [0.1, 0.2] }), RangeError);
  assertThrows(() => rocCurve({ yTargets: [0, 1], yPreds: [0.1] }), RangeError);
});

Deno.test("logSklearnRocAucCurve with isMultiClass logs one curve per class (<name>_<i>)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-sk-" });
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false, captureLogs: false });
  const yPreds = [[.7, .2, .1], [.2, .5, .3], [.1, .2, .7], [.3, .3, .4], [.1, .8, .1], [.5, .4, .1]];
  run.logSklearnRocAucCurve("roc", { yPreds, yTargets: [0, 1, 2, 2, 1, 0], isMultiClass: true }, { step: 1 });
  await run.end();
  const row = (i: number) => JSON.parse(read(dir, `events/curve/roc_${i}.plx`).split("\n")[1].split("|")[2]);
  assertEquals(row(0), { kind: "roc", x: [0, 0, 0, 0.5, 1], y: [0, 0.5, 1, 1, 1], annotation: "1.0" });
  assertEquals(row(2).x, [0, 0, 0, 0.25, 1]);
  await Deno.remove(dir, { recursive: true });
});
