/**
 * The in-process logger: a {@linkcode Run} with every Polyaxon `log_*` call as a camelCase method, writing
 * the same bytes Polyaxon's own writer does, and the module-level {@linkcode tracking} API mirroring
 * `from polyaxon import tracking`. Also the numpy-identical histogram the logger uses.
 *
 * @example Log metrics into an offline run in a temporary folder
 * ```ts
 * import { Run } from "./tracking.ts";
 *
 * const dir = await Deno.makeTempDir();
 * try {
 *   const run = new Run({ offline: true, path: dir, name: "example" });
 *   for (let step = 1; step <= 10; step++) run.logMetrics({ loss: 1 / step }, { step });
 *   await run.end();
 *   const text = await Deno.readTextFile(`${dir}/events/metric/loss.plx`);
 *   if (text.trim().split("\n").length !== 11) throw new Error("a header and ten rows");
 * } finally {
 *   await Deno.remove(dir, { recursive: true });
 * }
 * ```
 *
 * @module
 */
export {
  type ArtifactOptions,
  type AudioOptions,
  type ConfusionMatrix,
  type HistogramOptions,
  type ImageOptions,
  type LogOptions,
  Run,
  type RunOptions,
  type SpanInput,
  type TimeInput,
  type VideoOptions,
} from "./src/tracking/run.ts";
export { tracking } from "./src/tracking/tracking.ts";
export { WriterClosedError } from "./src/tracking/writer.ts";
export { BIN_RULES, type BinRule, type Histogram, numpyHistogram } from "./src/tracking/histogram.ts";
export type { DataFormat, RawImage } from "./src/tracking/images.ts";
