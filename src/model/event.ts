/**
 * The canonical event model: one typed record per event. Every reader produces {@linkcode PlxEvent}s and
 * every writer consumes them; conversions between formats always pass through this model.
 *
 * @module
 */
import type {
  ArtifactValue,
  AudioValue,
  ChartValue,
  ConfusionValue,
  CurveValue,
  DataframeValue,
  ImageValue,
  ModelValue,
  SpanValue,
  ValueType,
  VideoValue,
} from "../schema/values.ts";
import type { PlxTime } from "./time.ts";

export type { PlxTime } from "./time.ts";
export type { ValueType } from "../schema/values.ts";

/**
 * A histogram named by meaning: `counts[i]` values fell in bin `i`, which spans `edges[i]` to
 * `edges[i + 1]` (so `edges.length === counts.length + 1`). Polyaxon's files name the two the other way
 * round (`values` = counts, `counts` = edges); {@linkcode fromPolyaxonValue} and
 * {@linkcode toPolyaxonValue} rename them where a format holds Polyaxon's value objects. Other fields are
 * kept (loose object); `null` stands for NaN, as pydantic writes it.
 */
export interface HistogramValue {
  /** Bin frequencies (Polyaxon's `values`). */
  counts?: (number | null)[];
  /** Bin edges, one more than the bins (Polyaxon's `counts`). */
  edges?: (number | null)[];
  /** Fields the schema does not name, kept as they are. */
  [field: string]: unknown;
}

/** Where in a run an event file lives: `events/<kind>/` or `resources/<kind>/`. */
export type EventScope = "events" | "resources";

/** The value each value type carries. */
export interface ValueOf {
  /** `metric`: a float (NaN and infinities allowed). */
  metric: number;
  /** `text`: a plain string. */
  text: string;
  /** `html`: a plain string. */
  html: string;
  /** `image`: dimensions, channel count and asset path. */
  image: ImageValue;
  /** `histogram`: bin counts and bin edges ({@linkcode HistogramValue}). */
  histogram: HistogramValue;
  /** `audio`: sample rate, channels, frames, asset path and content type. */
  audio: AudioValue;
  /** `video`: dimensions, channel count, asset path and content type. */
  video: VideoValue;
  /** `chart`: a Plotly, Bokeh or Vega-Lite figure. */
  chart: ChartValue;
  /** `curve`: ROC, PR or custom curve points. */
  curve: CurveValue;
  /** `confusion`: labels and matrix. */
  confusion: ConfusionValue;
  /** `artifact` (and artifact-kind folders such as `tsv`): kind and asset path. */
  artifact: ArtifactValue;
  /** `model`: framework, asset path and a free-form spec. */
  model: ModelValue;
  /** `dataframe`: asset path and content type. */
  dataframe: DataframeValue;
  /** `span`: a trace span with nested children. */
  span: SpanValue;
}

/** Fields every event has, whatever its type. */
export interface EventBase {
  /** Run id: the run folder's name (a 32-hex uuid for Polyaxon runs). */
  run: string;
  /** `events` or `resources`. */
  scope: EventScope;
  /** The folder kind: the value type, or for artifact events the artifact kind (`tsv`, `file`, ...). */
  kind: string;
  /** The event name: the file name without `.plx` (already through the name rules). */
  name: string;
  /** The step (an integer), or `null` when logged without one. */
  step: number | null;
  /** When the event was logged, to the microsecond, with its offset or naivety. */
  timestamp: PlxTime;
}

/** An event of one value type. */
export type EventOf<T extends ValueType> = EventBase & { type: T; value: ValueOf[T] };

/** One event: a discriminated union on `type`. */
export type PlxEvent = { [T in ValueType]: EventOf<T> }[ValueType];

/** Kinds whose folder name is itself a value type. */
const PRIMARY: ReadonlySet<string> = new Set<ValueType>([
  "metric",
  "text",
  "html",
  "image",
  "histogram",
  "audio",
  "video",
  "chart",
  "curve",
  "confusion",
  "artifact",
  "model",
  "dataframe",
  "span",
]);

/**
 * The value type of events in a kind folder: the kind itself when it is a value type, else `artifact`
 * (folders named after an artifact kind, e.g. `tsv`, written by `log_artifact(..., step=...)`).
 *
 * @example
 * ```ts
 * import { valueTypeOf } from "./event.ts";
 * valueTypeOf("metric"); // "metric"
 * valueTypeOf("tsv"); // "artifact"
 * ```
 */
export function valueTypeOf(kind: string): ValueType {
  return PRIMARY.has(kind) ? kind as ValueType : "artifact";
}

/** Kinds written as JSON lines by current writers (spec §5.1). */
export const JSONL_KINDS: ReadonlySet<string> = new Set(["html", "text", "chart", "span"]);

/** Kinds whose values are plain strings rather than nested JSON. */
export const STRING_TYPES: ReadonlySet<ValueType> = new Set<ValueType>(["text", "html"]);

/**
 * The run-relative asset paths an event references (`path` of image, audio, video, artifact, model and
 * dataframe values).
 *
 * @example
 * ```ts
 * import { assetRefs } from "./event.ts";
 * // assetRefs(imageEvent) -> ["assets/image/sample_1.png"]
 * ```
 */
export function assetRefs(event: PlxEvent): string[] {
  switch (event.type) {
    case "image":
    case "audio":
    case "video":
    case "artifact":
    case "model":
    case "dataframe": {
      const p = event.value.path;
      return typeof p === "string" && p !== "" ? [p] : [];
    }
    default:
      return [];
  }
}

/** A captured log line (`plxlogs/`). */
export interface LogRecord {
  /** Run id. */
  run: string;
  /** When the line was logged, or `null` when the record has no valid timestamp. */
  timestamp: PlxTime | null;
  /** Node the pod ran on, when recorded. */
  node?: string;
  /** Pod name, when recorded. */
  pod?: string;
  /** Container name, when recorded. */
  container?: string;
  /** The log line text (`""` when the record has none). */
  value: string;
}

/**
 * Metric events of one file as columns: the reader's fast path fills these instead of making an object per
 * row, and columnar writers (JSONL, Parquet) copy straight from them. Row `i` is the event
 * `{ run, scope, kind, name, step: step[i] (null when NaN), timestamp: { micros: micros[i], offset:
 * offset[i] (null when NaN) }, type: "metric", value: value[i] }`; {@linkcode metricEvents} makes exactly
 * those objects.
 */
export interface MetricColumns {
  /** Run id of every row. */
  readonly run: string;
  /** Scope of every row. */
  readonly scope: EventScope;
  /** Kind folder of every row. */
  readonly kind: string;
  /** Event name of every row. */
  readonly name: string;
  /** Rows. */
  readonly length: number;
  /** Step of each row; `NaN` when the row has none. */
  readonly step: Float64Array;
  /** `timestamp.micros` of each row. */
  readonly micros: Float64Array;
  /** `timestamp.offset` of each row (seconds); `NaN` for a naive time. */
  readonly offset: Float64Array;
  /** Metric value of each row. */
  readonly value: Float64Array;
  /** 1-based line number of each row in its file. */
  readonly line: Float64Array;
  /**
   * Where each row's value was written in the source, when the reader read it from text: the value's
   * ASCII bytes are `valueBytes.subarray(valueSpan[2 * i], valueSpan[2 * i + 1])`, or `valueSpan[2 * i]`
   * is `-1` when the row has none. Text writers may copy these bytes instead of printing the number again
   * (see `JsonlEncoder.pushMetrics`); `value[i]` is always what they parse to.
   */
  readonly valueBytes?: Uint8Array;
  /** Start and end of each row's value in {@linkcode MetricColumns.valueBytes} (two entries per row). */
  readonly valueSpan?: Int32Array;
}

/**
 * Growable {@linkcode MetricColumns}: a reader fills the typed arrays row by row ({@linkcode
 * MetricColumnsBuilder.push}, or directly after {@linkcode MetricColumnsBuilder.grow} made room) and takes
 * the columns with {@linkcode MetricColumnsBuilder.done}. Built with the source `bytes`, it also records where
 * each row's value text is (`span`; -1 for rows pushed without one).
 *
 * @example
 * ```ts
 * import { MetricColumnsBuilder } from "./event.ts";
 * const b = new MetricColumnsBuilder(16);
 * b.push(1, 1740820502481516, 0, 0.5, 2);
 * const c = b.done({ run: "r", scope: "events", kind: "metric", name: "loss" }); // c.length === 1
 * ```
 */
export class MetricColumnsBuilder {
  /** Rows so far. */
  length = 0;
  /** Step of each row (`NaN` for none); the columns have room for more rows than `length`. */
  step: Float64Array;
  /** `timestamp.micros` of each row. */
  micros: Float64Array;
  /** `timestamp.offset` of each row (seconds); `NaN` for a naive time. */
  offset: Float64Array;
  /** Metric value of each row. */
  value: Float64Array;
  /** 1-based line number of each row in its file. */
  line: Float64Array;
  /** Start and end of each row's value in `bytes` (two entries per row), when built with bytes. */
  span: Int32Array | null;

  /** Room for `capacity` rows; `bytes` are the source text the value spans point into. */
  constructor(capacity: number, readonly bytes: Uint8Array | null = null) {
    capacity = Math.max(16, capacity);
    this.step = new Float64Array(capacity);
    this.micros = new Float64Array(capacity);
    this.offset = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.line = new Float64Array(capacity);
    this.span = bytes ? new Int32Array(2 * capacity) : null;
  }

  /** Doubles the room. */
  grow(): void {
    const n = this.step.length * 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    this.step = g(this.step);
    this.micros = g(this.micros);
    this.offset = g(this.offset);
    this.value = g(this.value);
    this.line = g(this.line);
    if (this.span) {
      const span = new Int32Array(2 * n);
      span.set(this.span);
      this.span = span;
    }
  }

  /**
   * Appends a row (`step`, `offset` `NaN` for null); `[textStart, textEnd)` is where its value is written
   * in `bytes` (start -1: nowhere).
   */
  push(
    step: number,
    micros: number,
    offset: number,
    value: number,
    line: number,
    textStart = -1,
    textEnd = -1,
  ): void {
    if (this.length === this.step.length) this.grow();
    const i = this.length++;
    this.step[i] = step;
    this.micros[i] = micros;
    this.offset[i] = offset;
    this.value[i] = value;
    this.line[i] = line;
    if (this.span) {
      this.span[2 * i] = textStart;
      this.span[2 * i + 1] = textEnd;
    }
  }

  /** Appends metric events, `lines[k]` being the line of `events[k]`. */
  pushEvents(events: readonly PlxEvent[], lines: readonly number[]): void {
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      this.push(e.step ?? NaN, e.timestamp.micros, e.timestamp.offset ?? NaN, e.value as number, lines[k]);
    }
  }

  /** The rows as columns of one run, scope, kind and name (views of the builder's arrays). */
  done(m: { run: string; scope: EventScope; kind: string; name: string }): MetricColumns {
    const n = this.length;
    const c: MetricColumns = {
      run: m.run,
      scope: m.scope,
      kind: m.kind,
      name: m.name,
      length: n,
      step: this.step.subarray(0, n),
      micros: this.micros.subarray(0, n),
      offset: this.offset.subarray(0, n),
      value: this.value.subarray(0, n),
      line: this.line.subarray(0, n),
    };
    if (this.bytes && this.span) {
      return { ...c, valueBytes: this.bytes, valueSpan: this.span.subarray(0, 2 * n) };
    }
    return c;
  }
}

/**
 * The events of {@linkcode MetricColumns}, as objects (the canonical model).
 *
 * @example
 * ```ts
 * import { metricEvents } from "./event.ts";
 * import { PlxReader } from "../formats/plx/read.ts";
 *
 * const bytes = new TextEncoder().encode("step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|0.5\n2|2025-03-01 09:15:03+00:00|0.25\n");
 * const reader = new PlxReader({ run: "r", scope: "events", kind: "metric", name: "loss", file: "loss.plx" });
 * const steps: (number | null)[] = [];
 * for await (const batch of reader.read([bytes])) {
 *   if (batch.metrics) for (const e of metricEvents(batch.metrics)) steps.push(e.step);
 * }
 * if (steps.join() !== "1,2") throw new Error(steps.join());
 * ```
 */
export function metricEvents(c: MetricColumns): EventOf<"metric">[] {
  const { run, scope, kind, name, step, micros, offset, value } = c;
  const out: EventOf<"metric">[] = [];
  for (let i = 0; i < c.length; i++) {
    const s = step[i];
    const o = offset[i];
    out.push({
      run,
      scope,
      kind,
      name,
      step: s === s ? s : null,
      timestamp: { micros: micros[i], offset: o === o ? o : null },
      type: "metric",
      value: value[i],
    });
  }
  return out;
}

/** Version of the JSONL and Parquet interchange layouts; stored in Parquet metadata. */
export const COLUMNAR_VERSION = "1";

/** Polyaxon's histogram field names -> the model's, as a cycle so any extra field keeps a name of its own. */
const HISTOGRAM_FROM_POLYAXON: Readonly<Record<string, string>> = {
  values: "counts",
  counts: "edges",
  edges: "values",
};
/** The model's histogram field names -> Polyaxon's (the inverse cycle). */
const HISTOGRAM_TO_POLYAXON: Readonly<Record<string, string>> = {
  counts: "values",
  edges: "counts",
  values: "edges",
};

function renameFields(value: unknown, names: Readonly<Record<string, string>>): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  // (fromEntries: a "__proto__" field stays a field; key order is kept)
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [Object.hasOwn(names, k) ? names[k] : k, v]),
  );
}

/**
 * An event value as Polyaxon's files hold it -> the model's: a histogram's `values` become `counts` and
 * its `counts` become `edges` (a field already named `edges` becomes `values`, so nothing is lost); other
 * types are returned as they are. Field order is kept.
 *
 * @example
 * ```ts
 * import { fromPolyaxonValue } from "./event.ts";
 * fromPolyaxonValue("histogram", { values: [2, 1], counts: [0, 1, 2] }); // { counts: [2, 1], edges: [0, 1, 2] }
 * ```
 */
export function fromPolyaxonValue(type: ValueType, value: unknown): unknown {
  return type === "histogram" ? renameFields(value, HISTOGRAM_FROM_POLYAXON) : value;
}

/**
 * The inverse of {@linkcode fromPolyaxonValue}: a model value as Polyaxon's files hold it.
 *
 * @example
 * ```ts
 * import { toPolyaxonValue } from "./event.ts";
 * toPolyaxonValue("histogram", { counts: [2, 1], edges: [0, 1, 2] }); // { values: [2, 1], counts: [0, 1, 2] }
 * ```
 */
export function toPolyaxonValue(type: ValueType, value: unknown): unknown {
  return type === "histogram" ? renameFields(value, HISTOGRAM_TO_POLYAXON) : value;
}
