/**
 * Module-level tracking functions bound to one default {@linkcode Run}, mirroring Python's
 * `from polyaxon import tracking`: call {@linkcode init} once, then `tracking.logMetrics(...)` anywhere.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), offline: true, exitHandlers: false });
 * for (let i = 1; i < 5; i++) tracking.logMetrics({ loss: 10 / (i + 1), accuracy: i / 5 }, { step: i });
 * tracking.logOutputs({ foo: "bar", scalar: 0.1 });
 * await tracking.end();
 * ```
 *
 * @module
 */
import { Run, type RunOptions } from "./run.ts";

let current: Run | null = null;

/**
 * Starts the default run (ending none: a previous default run stays open until it ends).
 *
 * @param options Where and how (see {@linkcode RunOptions}); `runUuid` and `path` as in `Run`.
 * @returns The run.
 *
 * @example
 * ```ts
 * import { init } from "./tracking.ts";
 * const run = init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * await run.end();
 * ```
 */
export function init(options: RunOptions = {}): Run {
  current = new Run(options);
  return current;
}

/**
 * The default run.
 *
 * @throws {TypeError} When {@linkcode init} has not been called.
 *
 * @example
 * ```ts
 * import { getRun, init } from "./tracking.ts";
 * init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * console.log(getRun().path);
 * ```
 */
export function getRun(): Run {
  if (current === null) throw new TypeError("tracking: call tracking.init() first");
  return current;
}

/**
 * Ends the default run (see {@linkcode Run.end}) and forgets it.
 *
 * @throws {TypeError} When {@linkcode init} has not been called.
 *
 * @example
 * ```ts
 * import { end, init } from "./tracking.ts";
 * init({ path: await Deno.makeTempDir(), offline: true, exitHandlers: false });
 * await end(); // writes run.plx.json
 * ```
 */
export async function end(...args: Parameters<Run["end"]>): Promise<void> {
  const run = getRun();
  current = null;
  await run.end(...args);
}

type Method<K extends keyof Run> = Run[K] extends (...a: infer A) => infer R ? (...a: A) => R : never;

function bind<K extends keyof Run>(k: K): Method<K> {
  return ((...a: unknown[]) => (getRun()[k] as (...x: unknown[]) => unknown)(...a)) as Method<K>;
}

/**
 * {@linkcode Run.logMetric} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logMetric("loss", 0.5, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logMetric: Method<"logMetric"> = bind("logMetric");
/**
 * {@linkcode Run.logMetrics} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logMetrics({ loss: 0.5, accuracy: 0.9 }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logMetrics: Method<"logMetrics"> = bind("logMetrics");
/**
 * {@linkcode Run.logText} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logText("text-event", "value at step 1", { step: 1 });
 * await tracking.end();
 * ```
 */
export const logText: Method<"logText"> = bind("logText");
/**
 * {@linkcode Run.logHtml} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logHtml("report", "<b>done</b>", { step: 1 });
 * await tracking.end();
 * ```
 */
export const logHtml: Method<"logHtml"> = bind("logHtml");
/**
 * {@linkcode Run.logImage} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logImage({ data: new Uint8Array(3 * 4 * 4).fill(128), shape: [3, 4, 4] }, { name: "img", step: 1 });
 * await tracking.end();
 * ```
 */
export const logImage: Method<"logImage"> = bind("logImage");
/**
 * {@linkcode Run.logImageWithBoxes} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logImageWithBoxes({ data: new Uint8Array(8 * 8 * 3), shape: [8, 8, 3] }, [[1, 1, 6, 6]], { dataformats: "HWC" });
 * await tracking.end();
 * ```
 */
export const logImageWithBoxes: Method<"logImageWithBoxes"> = bind("logImageWithBoxes");
/**
 * {@linkcode Run.logAudio} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logAudio(new Float32Array(800).map((_, i) => Math.sin(i / 10)), { name: "tone", sampleRate: 8000 });
 * await tracking.end();
 * ```
 */
export const logAudio: Method<"logAudio"> = bind("logAudio");
/**
 * {@linkcode Run.logVideo} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logVideo(new TextEncoder().encode("GIF89a"), { name: "clip", step: 1 });
 * await tracking.end();
 * ```
 */
export const logVideo: Method<"logVideo"> = bind("logVideo");
/**
 * {@linkcode Run.logHistogram} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logHistogram("weights", [0.1, 0.2, 0.2, 0.7], { bins: "auto", step: 1 });
 * await tracking.end();
 * ```
 */
export const logHistogram: Method<"logHistogram"> = bind("logHistogram");
/**
 * {@linkcode Run.logNpHistogram} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logNpHistogram("np-hist", [3, 5, 2], [0, 0.5, 1, 1.5], { step: 1 });
 * await tracking.end();
 * ```
 */
export const logNpHistogram: Method<"logNpHistogram"> = bind("logNpHistogram");
/**
 * {@linkcode Run.logCurve} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logCurve("curve", { x: [0, 1, 2], y: [1, 0.5, 0.2] }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logCurve: Method<"logCurve"> = bind("logCurve");
/**
 * {@linkcode Run.logRocAucCurve} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logRocAucCurve("roc", { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], auc: 0.74 }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logRocAucCurve: Method<"logRocAucCurve"> = bind("logRocAucCurve");
/**
 * {@linkcode Run.logPrCurve} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logPrCurve("pr", { precision: [1, 0.5], recall: [0.5, 1], averagePrecision: 0.7 }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logPrCurve: Method<"logPrCurve"> = bind("logPrCurve");
/**
 * {@linkcode Run.logSklearnRocAucCurve} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logSklearnRocAucCurve("roc", { yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logSklearnRocAucCurve: Method<"logSklearnRocAucCurve"> = bind("logSklearnRocAucCurve");
/**
 * {@linkcode Run.logSklearnPrCurve} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logSklearnPrCurve("pr", { yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logSklearnPrCurve: Method<"logSklearnPrCurve"> = bind("logSklearnPrCurve");
/**
 * {@linkcode Run.logConfusionMatrix} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logConfusionMatrix("cm", { x: ["a", "b"], y: ["a", "b"], z: [[3, 1], [0, 4]] }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logConfusionMatrix: Method<"logConfusionMatrix"> = bind("logConfusionMatrix");
/**
 * {@linkcode Run.logPlotlyChart} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logPlotlyChart("fig", { data: [{ type: "bar", x: ["a"], y: [1] }], layout: {} }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logPlotlyChart: Method<"logPlotlyChart"> = bind("logPlotlyChart");
/**
 * {@linkcode Run.logVegaChart} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logVegaChart("vl", { mark: "bar", data: { values: [{ a: 1 }] } }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logVegaChart: Method<"logVegaChart"> = bind("logVegaChart");
/**
 * {@linkcode Run.logAltairChart} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logAltairChart("altair_chart", { mark: "point" }, { step: 1 });
 * await tracking.end();
 * ```
 */
export const logAltairChart: Method<"logAltairChart"> = bind("logAltairChart");
/**
 * {@linkcode Run.logBokehChart} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logBokehChart("bk", { target_id: null, root_id: "p1", doc: { roots: [] }, version: "3.9.2" });
 * await tracking.end();
 * ```
 */
export const logBokehChart: Method<"logBokehChart"> = bind("logBokehChart");
/**
 * {@linkcode Run.logDataframe} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logDataframe("table", [{ epoch: 1, loss: 0.5 }], { step: 1 });
 * await tracking.end();
 * ```
 */
export const logDataframe: Method<"logDataframe"> = bind("logDataframe");
/**
 * {@linkcode Run.logArtifact} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logArtifact(await Deno.makeTempFile({ suffix: ".tsv" }), { name: "data", kind: "tsv", step: 1 });
 * await tracking.end();
 * ```
 */
export const logArtifact: Method<"logArtifact"> = bind("logArtifact");
/**
 * {@linkcode Run.logModel} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logModel(await Deno.makeTempFile({ suffix: ".onnx" }), { name: "model", framework: "onnx" });
 * await tracking.end();
 * ```
 */
export const logModel: Method<"logModel"> = bind("logModel");
/**
 * {@linkcode Run.logTrace} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logTrace({ name: "qa", kind: "chain", inputs: { q: "hi" }, children: [{ name: "llm", kind: "llm" }] });
 * await tracking.end();
 * ```
 */
export const logTrace: Method<"logTrace"> = bind("logTrace");
/**
 * {@linkcode Run.logOutputs} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logOutputs({ foo: "bar", scalar: 0.1 });
 * await tracking.end();
 * ```
 */
export const logOutputs: Method<"logOutputs"> = bind("logOutputs");
/**
 * {@linkcode Run.logInputs} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logInputs({ lr: 0.001 });
 * await tracking.end();
 * ```
 */
export const logInputs: Method<"logInputs"> = bind("logInputs");
/**
 * {@linkcode Run.logTags} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), tags: ["a"], exitHandlers: false });
 * tracking.logTags(["b"]);
 * await tracking.end();
 * ```
 */
export const logTags: Method<"logTags"> = bind("logTags");
/**
 * {@linkcode Run.logEnv} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logEnv();
 * await tracking.end();
 * ```
 */
export const logEnv: Method<"logEnv"> = bind("logEnv");
/**
 * {@linkcode Run.flush} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * tracking.logMetric("loss", 0.5);
 * await tracking.flush();
 * await tracking.end();
 * ```
 */
export const flush: Method<"flush"> = bind("flush");
/**
 * {@linkcode Run.ready} on the default run.
 *
 * @example
 * ```ts
 * import { tracking } from "./tracking.ts";
 * tracking.init({ path: await Deno.makeTempDir(), exitHandlers: false });
 * for (let i = 0; i < 1000; i++) tracking.logMetric("x", i, { step: i });
 * await tracking.ready();
 * await tracking.end();
 * ```
 */
export const ready: Method<"ready"> = bind("ready");

/** All module-level functions as one namespace object: `tracking.logMetrics(...)`. */
export const tracking = {
  init,
  getRun,
  end,
  flush,
  ready,
  logMetric,
  logMetrics,
  logText,
  logHtml,
  logImage,
  logImageWithBoxes,
  logAudio,
  logVideo,
  logHistogram,
  logNpHistogram,
  logCurve,
  logRocAucCurve,
  logPrCurve,
  logSklearnRocAucCurve,
  logSklearnPrCurve,
  logConfusionMatrix,
  logPlotlyChart,
  logVegaChart,
  logAltairChart,
  logBokehChart,
  logDataframe,
  logArtifact,
  logModel,
  logTrace,
  logOutputs,
  logInputs,
  logTags,
  logEnv,
} as const;
