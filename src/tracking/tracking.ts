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
 */
export function getRun(): Run {
  if (current === null) throw new TypeError("tracking: call tracking.init() first");
  return current;
}

/** Ends the default run (see {@linkcode Run.end}) and forgets it. */
export async function end(...args: Parameters<Run["end"]>): Promise<void> {
  const run = getRun();
  current = null;
  await run.end(...args);
}

type Method<K extends keyof Run> = Run[K] extends (...a: infer A) => infer R ? (...a: A) => R : never;

function bind<K extends keyof Run>(k: K): Method<K> {
  return ((...a: unknown[]) => (getRun()[k] as (...x: unknown[]) => unknown)(...a)) as Method<K>;
}

/** {@linkcode Run.logMetric} on the default run. */
export const logMetric: Method<"logMetric"> = bind("logMetric");
/** {@linkcode Run.logMetrics} on the default run. */
export const logMetrics: Method<"logMetrics"> = bind("logMetrics");
/** {@linkcode Run.logText} on the default run. */
export const logText: Method<"logText"> = bind("logText");
/** {@linkcode Run.logHtml} on the default run. */
export const logHtml: Method<"logHtml"> = bind("logHtml");
/** {@linkcode Run.logImage} on the default run. */
export const logImage: Method<"logImage"> = bind("logImage");
/** {@linkcode Run.logImageWithBoxes} on the default run. */
export const logImageWithBoxes: Method<"logImageWithBoxes"> = bind("logImageWithBoxes");
/** {@linkcode Run.logAudio} on the default run. */
export const logAudio: Method<"logAudio"> = bind("logAudio");
/** {@linkcode Run.logVideo} on the default run. */
export const logVideo: Method<"logVideo"> = bind("logVideo");
/** {@linkcode Run.logHistogram} on the default run. */
export const logHistogram: Method<"logHistogram"> = bind("logHistogram");
/** {@linkcode Run.logNpHistogram} on the default run. */
export const logNpHistogram: Method<"logNpHistogram"> = bind("logNpHistogram");
/** {@linkcode Run.logCurve} on the default run. */
export const logCurve: Method<"logCurve"> = bind("logCurve");
/** {@linkcode Run.logRocAucCurve} on the default run. */
export const logRocAucCurve: Method<"logRocAucCurve"> = bind("logRocAucCurve");
/** {@linkcode Run.logPrCurve} on the default run. */
export const logPrCurve: Method<"logPrCurve"> = bind("logPrCurve");
/** {@linkcode Run.logConfusionMatrix} on the default run. */
export const logConfusionMatrix: Method<"logConfusionMatrix"> = bind("logConfusionMatrix");
/** {@linkcode Run.logPlotlyChart} on the default run. */
export const logPlotlyChart: Method<"logPlotlyChart"> = bind("logPlotlyChart");
/** {@linkcode Run.logVegaChart} on the default run. */
export const logVegaChart: Method<"logVegaChart"> = bind("logVegaChart");
/** {@linkcode Run.logAltairChart} on the default run. */
export const logAltairChart: Method<"logAltairChart"> = bind("logAltairChart");
/** {@linkcode Run.logBokehChart} on the default run. */
export const logBokehChart: Method<"logBokehChart"> = bind("logBokehChart");
/** {@linkcode Run.logDataframe} on the default run. */
export const logDataframe: Method<"logDataframe"> = bind("logDataframe");
/** {@linkcode Run.logArtifact} on the default run. */
export const logArtifact: Method<"logArtifact"> = bind("logArtifact");
/** {@linkcode Run.logModel} on the default run. */
export const logModel: Method<"logModel"> = bind("logModel");
/** {@linkcode Run.logTrace} on the default run. */
export const logTrace: Method<"logTrace"> = bind("logTrace");
/** {@linkcode Run.logOutputs} on the default run. */
export const logOutputs: Method<"logOutputs"> = bind("logOutputs");
/** {@linkcode Run.logInputs} on the default run. */
export const logInputs: Method<"logInputs"> = bind("logInputs");
/** {@linkcode Run.logEnv} on the default run. */
export const logEnv: Method<"logEnv"> = bind("logEnv");
/** {@linkcode Run.flush} on the default run. */
export const flush: Method<"flush"> = bind("flush");
/** {@linkcode Run.ready} on the default run. */
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
  logEnv,
} as const;
