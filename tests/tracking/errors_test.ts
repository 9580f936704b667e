import * as path from "node:path";
import { Run } from "../../src/tracking/run.ts";
import { assertEquals, assertThrows } from "../_assert.ts";
import { listFiles } from "./_replay.ts";

Deno.test("bad input throws a TypeError/RangeError naming the argument and writes nothing", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "plx-errors-" });
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false });
  const cases: [string, () => unknown, new (...a: never[]) => Error, string][] = [
    ["empty metric name", () => run.logMetric("", 1), TypeError, "name"],
    ["non-ASCII-only name", () => run.logMetric("中文", 1), RangeError, "name"],
    ["metric value not a number", () => run.logMetric("x", "1" as unknown as number), TypeError, "value"],
    ["NaN step", () => run.logMetric("x", 1, { step: NaN }), RangeError, "step"],
    ["infinite step", () => run.logMetrics({ x: 1 }, { step: Infinity }), RangeError, "step"],
    ["fractional step", () => run.logText("t", "v", { step: 1.5 }), RangeError, "step"],
    ["string step", () => run.logText("t", "v", { step: "1" as unknown as number }), TypeError, "step"],
    ["bad timestamp", () => run.logMetric("x", 1, { timestamp: "yesterday" }), RangeError, "timestamp"],
    [
      "one bad value in logMetrics",
      () => run.logMetrics({ ok: 1, bad: null as unknown as number }),
      TypeError,
      "metrics.bad",
    ],
    ["empty key in logMetrics", () => run.logMetrics({ ok: 1, "": 2 }), TypeError, "metrics key"],
    ["text not a string", () => run.logText("t", 5 as unknown as string), TypeError, "text"],
    [
      "histogram over 512 bins",
      () => run.logHistogram("h", [0, 1, 2, 3], { bins: 513 }),
      RangeError,
      "maxBins",
    ],
    ["histogram of nothing", () => run.logHistogram("h", []), RangeError, "values"],
    ["histogram of NaN", () => run.logHistogram("h", [1, NaN]), RangeError, "values"],
    ["unknown bin rule", () => run.logHistogram("h", [1, 2], { bins: "best" as "auto" }), RangeError, "bins"],
    ["np histogram edge count", () => run.logNpHistogram("h", [1, 2], [0, 1]), RangeError, "counts"],
    [
      "np histogram over 512",
      () => run.logNpHistogram("h", new Array(513).fill(1), new Array(514).fill(0)),
      RangeError,
      "512",
    ],
    [
      "confusion lengths",
      () => run.logConfusionMatrix("c", { x: ["a", "b"], y: ["a"], z: [[1, 2], [3, 4]] }),
      RangeError,
      "same length",
    ],
    [
      "confusion not square",
      () => run.logConfusionMatrix("c", { x: ["a", "b"], y: ["a", "b"], z: [[1, 2], [3]] }),
      RangeError,
      "z[1]",
    ],
    ["curve lengths", () => run.logCurve("c", { x: [1, 2], y: [1] }), RangeError, "length"],
    [
      "roc not numbers",
      () => run.logRocAucCurve("c", { fpr: ["a"] as unknown as number[], tpr: [1] }),
      TypeError,
      "fpr[0]",
    ],
    [
      "chart not an object",
      () => run.logVegaChart("v", [] as unknown as Record<string, unknown>),
      TypeError,
      "figure",
    ],
    [
      "image shape mismatch",
      () => run.logImage({ data: new Uint8Array(10), shape: [3, 2, 2] }),
      RangeError,
      "data",
    ],
    [
      "image 2 channels",
      () => run.logImage({ data: new Uint8Array(8), shape: [2, 2, 2] }),
      RangeError,
      "channels",
    ],
    ["image bytes unknown", () => run.logImage(new Uint8Array([1, 2, 3])), TypeError, "PNG"],
    ["image file missing", () => run.logImage("/nonexistent/x.png"), TypeError, "data"],
    ["audio NaN", () => run.logAudio([0, NaN]), RangeError, "data"],
    ["audio rate", () => run.logAudio([0], { sampleRate: 0 }), RangeError, "sampleRate"],
    ["video unknown bytes", () => run.logVideo(new Uint8Array([0, 1, 2])), TypeError, "contentType"],
    [
      "artifact kind clashing with metric events",
      () => run.logArtifact(import.meta.filename!, { kind: "metric", step: 1 }),
      RangeError,
      "kind",
    ],
    ["artifact missing", () => run.logArtifact("/nonexistent/file.tsv", { step: 1 }), TypeError, "path"],
    ["span bad uuid", () => run.logTrace({ name: "s", uuid: "xyz" }), RangeError, "span.uuid"],
    [
      "span bad child",
      () => run.logTrace({ name: "s", children: [5 as unknown as object] }),
      TypeError,
      "span.children[0]",
    ],
    [
      "outputs not object",
      () => run.logOutputs(null as unknown as Record<string, unknown>),
      TypeError,
      "outputs",
    ],
  ];
  for (const [what, fn, cls, arg] of cases) {
    await t.step(what, () => {
      assertThrows(fn, cls, arg);
    });
  }
  await run.end();
  await t.step("nothing was written", () => {
    assertEquals(listFiles(path.join(dir, "events")).length + listFiles(path.join(dir, "assets")).length, 0);
  });
  await t.step("logging after end throws", () => {
    assertThrows(() => run.logMetric("x", 1), Error, "closed");
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("names follow the spec's rules (to_fqn_name, run-prefix stripping)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-names-" });
  const run = new Run({
    path: dir,
    exitHandlers: false,
    trackEnv: false,
    runUuid: "ceb21ee781254719b18664ad1fde57a2",
  });
  run.logMetrics({ "train/loss": 1, "val.acc": 1, "top 5 acc": 1, "lr@ep": 1, "café": 1 });
  run.logText(`${dir}/outputs/notes.txt`, "x");
  run.logText("/plx-context/artifacts/ceb21ee781254719b18664ad1fde57a2/events/a b", "x");
  await run.end();
  assertEquals(listFiles(path.join(dir, "events")), [
    "metric/cafe.plx",
    "metric/lrep.plx",
    "metric/top-5-acc.plx",
    "metric/train__loss.plx",
    "metric/val-acc.plx",
    "text/a-b.plx",
    "text/notes-txt.plx",
  ]);
  await Deno.remove(dir, { recursive: true });
});
