/**
 * Options and argument types of {@linkcode Run} (re-exported by `run.ts`).
 *
 * @module
 */
import type { PlxTime } from "../model/time.ts";
import type { SpanValue } from "../schema/values.ts";
import type { BinRule } from "./histogram.ts";
import type { DataFormat } from "./images.ts";

/** A time given to a log call: a `Date`, a {@linkcode PlxTime}, or a datetime string (naive allowed). */
export type TimeInput = Date | PlxTime | string;

/** Options every step-wise log call takes. */
export interface LogOptions {
  /** The step (an integer); omitted means none (`null` in files). */
  step?: number | null;
  /** The event time. @default now, UTC, to the microsecond */
  timestamp?: TimeInput;
}

/** Options of {@linkcode Run}. */
export interface RunOptions {
  /** The run folder itself. @default `<POLYAXON_OFFLINE_ROOT or /tmp/plx/offline>/runs/<uuid>` when offline, else `<POLYAXON_ARTIFACTS_ROOT or /tmp/plx/artifacts>/<uuid>` */
  path?: string;
  /** The run uuid (dashes are removed). @default a random uuid4 hex */
  runUuid?: string;
  /** Run name for `run.plx.json`. */
  name?: string;
  /** Run description for `run.plx.json`. */
  description?: string;
  /** Run tags for `run.plx.json`. */
  tags?: string[];
  /** Project for `run.plx.json`. */
  project?: string;
  /** Owner for `run.plx.json`. @default "default" (traceml's offline owner) */
  owner?: string;
  /** Write `run.plx.json` and `lineages.plx.json` at the end. @default POLYAXON_IS_OFFLINE is `true`/`1` */
  offline?: boolean;
  /** Milliseconds between background flushes. @default 10000 */
  flushInterval?: number;
  /** Soft bound on buffered event bytes: a flush starts and `ready()` waits. @default 16 MiB */
  maxBufferedBytes?: number;
  /** Hard bound: above it a log call flushes synchronously before returning. @default 4 x maxBufferedBytes */
  hardLimitBytes?: number;
  /**
   * Sample `resources/metric/{cpu,memory,load}.plx` every this many ms (`true` = 10000). @default true for
   * offline runs (as traceml's `collect_resources`, `POLYAXON_COLLECT_RESOURCES` overrides), else false
   */
  resources?: boolean | number;
  /** Write `outputs/env.json` at start. @default true */
  trackEnv?: boolean;
  /**
   * Capture `console.*` and stdout/stderr lines into `plxlogs/logs.jsonl` (traceml's `track_logs`) while
   * the run is open. @default true
   */
  captureLogs?: boolean;
  /** Flush and end the run on `unload`, SIGINT and SIGTERM. @default true */
  exitHandlers?: boolean;
}

/** Labels and scores for {@linkcode Run.logSklearnRocAucCurve} and {@linkcode Run.logSklearnPrCurve}. */
export interface SklearnCurveInput {
  /** Scores, one per sample; with `isMultiClass` one row of per-class scores per sample. */
  yPreds: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  /** True labels, one per sample. */
  yTargets: ArrayLike<number | string | boolean>;
  /** The positive class (binary). @default 1 */
  posLabel?: number | string | boolean;
  /** One curve per class (`<name>_<i>`), `yPreds[:, i]` against class i. @default false */
  isMultiClass?: boolean;
}

/** Options of {@linkcode Run.logImage}. */
export interface ImageOptions extends LogOptions {
  /** Event name. @default the file's base name for a path, else `"image"` */
  name?: string;
  /** Axis order of raw pixels. @default "CHW" (Polyaxon's default) */
  dataformats?: DataFormat;
}

/** Options of {@linkcode Run.logAudio}. */
export interface AudioOptions extends LogOptions {
  /** Event name. @default the file's base name for a path, else `"audio"` */
  name?: string;
  /** Frames per second of sample data. @default 44100 */
  sampleRate?: number;
  /** Content type: for a file it is stored as given; for samples it names the asset extension. */
  contentType?: string;
}

/** Options of {@linkcode Run.logVideo}. */
export interface VideoOptions extends LogOptions {
  /** Event name. @default the file's base name for a path, else `"video"` */
  name?: string;
  /** Content type (`mp4`, `gif`, ...). @default the file extension, or sniffed from the bytes */
  contentType?: string;
}

/** Options of {@linkcode Run.logHistogram}. */
export interface HistogramOptions extends LogOptions {
  /** A bin count or a numpy rule. @default "auto" */
  bins?: number | BinRule;
  /** More bins than this is an error. @default 512 */
  maxBins?: number;
}

/** Options of {@linkcode Run.logArtifact} and {@linkcode Run.logModel}. */
export interface ArtifactOptions extends LogOptions {
  /** Name. @default the file's base name */
  name?: string;
  /** Artifact kind (folder name of the event). @default "file" */
  kind?: string;
  /** Model framework (`logModel`). */
  framework?: string;
  /** Free-form summary (`logModel`: stored as the event's `spec`). */
  summary?: Record<string, unknown>;
}

/** A confusion matrix: labels and a square matrix. */
export interface ConfusionMatrix {
  /** Labels along x: one per column of `z`. */
  x: (string | number)[];
  /** Labels along y: one per row of `z`. */
  y: (string | number)[];
  /** The square matrix: `z[i][j]` is the value at row `y[i]`, column `x[j]`. */
  z: (number | string | null)[][];
}

/** A trace span for {@linkcode Run.logTrace} (camelCase or the stored snake_case field names). */
export interface SpanInput {
  /** Span name (for the root span also the event name). @default "trace" for the root span */
  name?: string;
  /** Span id, 32 hex digits (dashes allowed). @default a random uuid */
  uuid?: string;
  /** Tags. */
  tags?: string[];
  /** Start time (`started_at` is accepted too). */
  startedAt?: TimeInput;
  /** End time (`finished_at` is accepted too). */
  finishedAt?: TimeInput;
  /** Status (V1Statuses, e.g. `succeeded`). */
  status?: SpanValue["status"];
  /** Free-form metadata. */
  metadata?: Record<string, unknown>;
  /** The span's inputs; the root span's are merged into the run's inputs. */
  inputs?: Record<string, unknown>;
  /** The span's outputs; the root span's are merged into the run's outputs. */
  outputs?: Record<string, unknown>;
  /** Nested spans. */
  children?: SpanInput[];
  /** What the span is (`llm`, `chain`, `agent`, `tool`, `embedding` or `retriever`). */
  kind?: SpanValue["kind"];
}
