/**
 * The canonical event model every format reads into and writes from: one {@linkcode PlxEvent} per event
 * (run, scope, kind, name, step, a timestamp to the microsecond with its UTC offset, a typed value), the
 * batches readers yield, times and Python float text as Polyaxon writes them, the schemas of every value
 * kind and run file (as JSON Schema), the run-log reader, and the diagnostics and errors of the whole library.
 *
 * @example Parse and format a Polyaxon timestamp
 * ```ts
 * import { formatIsoTimestamp, parseTimestamp } from "./model.ts";
 *
 * const t = parseTimestamp("2025-03-01 09:15:02.481516+00:00");
 * if (t === null || formatIsoTimestamp(t) !== "2025-03-01T09:15:02.481516+00:00") throw new Error("round trip");
 * ```
 *
 * @module
 */
export type {
  EventBase,
  EventOf,
  EventScope,
  HistogramValue,
  LogRecord,
  MetricColumns,
  PlxEvent,
  ValueOf,
} from "./src/model/event.ts";
export { assetRefs, fromPolyaxonValue, toPolyaxonValue, valueTypeOf } from "./src/model/event.ts";
export { MetricBatch, type PlxBatch } from "./src/model/batch.ts";
export {
  formatIsoTimestamp,
  formatPyTimestamp,
  fromDate,
  parseTimestamp,
  type PlxTime,
  toDate,
} from "./src/model/time.ts";
export { parsePyFloat, pyFloatRepr } from "./src/model/pyfloat.ts";
export { toFqnName } from "./src/model/names.ts";
export type { EntryRole, RunEntry, RunFolder, Target } from "./src/model/layout.ts";
export type { LineBatch, SplitLinesOptions } from "./src/io/lines.ts";
export { type FileReport, type Generation, GENERATIONS, type RunReport } from "./src/model/report.ts";
export type {
  ArtifactValue,
  AudioValue,
  ChartValue,
  ConfusionValue,
  CurveValue,
  DataframeValue,
  ImageValue,
  ModelValue,
  PolyaxonHistogramValue,
  SpanValue,
  Status,
  StatusCondition,
  ValueType,
  VideoValue,
} from "./src/schema/values.ts";
export { SCHEMA_VERSION, VALUE_TYPES } from "./src/schema/values.ts";
export { jsonSchemaOf } from "./src/schema/registry.ts";
export { type LogBatch, readLogs } from "./src/model/logs.ts";
export {
  type Diagnostic,
  DIAGNOSTIC_CODES,
  type DiagnosticCode,
  type ErrorCode,
  type ErrorPosition,
  formatDiagnostic,
  FormatError,
  InputNotFoundError,
  PlxDataError,
  PlxkitError,
  SettingError,
  type Severity,
} from "./src/diagnostics.ts";
