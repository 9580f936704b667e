/**
 * plxkit: read, validate, inspect, convert and write Polyaxon run-artifact folders.
 *
 * This entry point holds the API most scripts need: the sources and sinks of every format, `convert`,
 * `validatePaths`, `inspectRun`, the in-process logger and the library's errors. The rest is in the subpath
 * entry points: `./model` (the event model, times, schemas), `./validate`, `./convert`, `./tracking` and
 * `./formats/<name>` (`plx`, `tensorboard`, `jsonl`, `parquet`), with `./cli` for the command line.
 *
 * @example Read the metrics of every run under a folder
 * ```ts
 * import { PlxSource } from "./mod.ts";
 *
 * let metrics = 0;
 * for await (const item of new PlxSource(["fixtures/runs/"]).runs()) {
 *   if (item.type === "diagnostic") continue; // a problem met while walking (unreadable folder, symlink loop)
 *   for await (const batch of item.run.batches()) {
 *     for (const e of batch.events) if (e.type === "metric") metrics++;
 *   }
 * }
 * if (metrics === 0) throw new Error("the sample runs hold metrics");
 * ```
 *
 * @module
 */
export type { PlxEvent, ValueOf } from "./src/model/event.ts";
export type { PlxTime } from "./src/model/time.ts";
export type { ValueType } from "./src/schema/values.ts";
export type { PlxBatch } from "./src/model/batch.ts";
export type { FileReport, RunReport } from "./src/model/report.ts";
export {
  type Diagnostic,
  type DiagnosticCode,
  FormatError,
  InputNotFoundError,
  PlxDataError,
  PlxkitError,
  SettingError,
  type Severity,
} from "./src/diagnostics.ts";
export { jsonSchemaOf } from "./src/schema/registry.ts";
export { readLogs } from "./src/model/logs.ts";
export type { RunSink, RunSource, SourceItem } from "./src/convert/core.ts";
export { convert, type ConvertOptions, type ConvertReport } from "./src/convert/pipeline.ts";
export { formatByName, FORMATS } from "./src/formats/registry.ts";
export type { FormatSpec } from "./src/convert/core.ts";
export { PlxSource } from "./src/formats/plx/source.ts";
export { PlxSink } from "./src/formats/plx/sink.ts";
export { TensorboardSource } from "./src/formats/tensorboard/source.ts";
export { TensorboardSink } from "./src/formats/tensorboard/sink.ts";
export { JsonlSource } from "./src/formats/jsonl/source.ts";
export { JsonlSink } from "./src/formats/jsonl/sink.ts";
export { ParquetSource } from "./src/formats/parquet/source.ts";
export { ParquetSink } from "./src/formats/parquet/sink.ts";
export { type ValidateOptions, validatePaths, validateRun } from "./src/validate/validate.ts";
export { githubAnnotations, jsonReport, junitReport } from "./src/validate/report.ts";
export { inspectRun, type RunInspection } from "./src/inspect/inspect.ts";
export { Run, type RunOptions } from "./src/tracking/run.ts";
export { tracking } from "./src/tracking/tracking.ts";
export { numpyHistogram } from "./src/tracking/histogram.ts";
export type { RawImage } from "./src/tracking/images.ts";
export { VERSION } from "./src/version.ts";
