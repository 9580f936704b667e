/**
 * zod schemas for every event value kind (spec §4.2-§4.4), the single source of the value types.
 *
 * Objects are "loose": fields the schema does not name are kept (so conversions stay lossless) and the
 * validator reports them separately. Lists of floats accept `null`, which is how pydantic writes NaN.
 *
 * @module
 */
import { z } from "../_deps/zod.ts";

/** Format version of these schemas; bumped when a schema changes meaning (defined in src/version.ts). */
export { SCHEMA_VERSION } from "../version.ts";

const float = z.number().nullable();
const floats = z.array(float);

const STATUSES = [
  "created",
  "resuming",
  "on_schedule",
  "compiled",
  "queued",
  "scheduled",
  "starting",
  "running",
  "processing",
  "stopping",
  "failed",
  "stopped",
  "succeeded",
  "skipped",
  "warning",
  "unschedulable",
  "upstream_failed",
  "retrying",
  "unknown",
  "done",
] as const;

/** Statuses (V1Statuses). */
export const StatusSchema = z.enum(STATUSES);

/** Artifact kinds (V1ArtifactKind). */
export const ArtifactKindSchema = z.enum([
  "model",
  "audio",
  "video",
  "histogram",
  "image",
  "tensor",
  "dataframe",
  "chart",
  "csv",
  "tsv",
  "psv",
  "ssv",
  "metric",
  "env",
  "html",
  "text",
  "file",
  "dir",
  "dockerfile",
  "docker_image",
  "data",
  "coderef",
  "table",
  "tensorboard",
  "curve",
  "confusion",
  "analysis",
  "iteration",
  "markdown",
  "system",
  "artifact",
  "span",
]);

/** `metric`: a float (NaN and infinities allowed). */
export const MetricValueSchema = z.number().or(z.nan()).describe("metric value (float, NaN/inf allowed)");
/** `text`: a plain string. */
export const TextValueSchema = z.string();
/** `html`: a plain string. */
export const HtmlValueSchema = z.string();

/** `image`: dimensions before rescale, channel count, run-relative asset path. */
export const ImageValueSchema = z.looseObject({
  height: z.int().optional(),
  width: z.int().optional(),
  colorspace: z.int().optional(),
  path: z.string().optional(),
});

/**
 * `histogram` as Polyaxon writes it: `values` = bin frequencies, `counts` = bin edges (len(values) + 1).
 * The event model renames them `counts` and `edges` (see `fromPolyaxonValue` in model/event.ts).
 */
export const HistogramValueSchema = z.looseObject({
  values: floats.optional(),
  counts: floats.optional(),
});

/** `audio`. */
export const AudioValueSchema = z.looseObject({
  sample_rate: z.number().optional(),
  num_channels: z.int().optional(),
  length_frames: z.int().optional(),
  path: z.string().optional(),
  content_type: z.string().optional(),
});

/** `video`. */
export const VideoValueSchema = z.looseObject({
  height: z.int().optional(),
  width: z.int().optional(),
  colorspace: z.int().optional(),
  path: z.string().optional(),
  content_type: z.string().optional(),
});

/** `chart`: a Plotly, Bokeh (`json_item`) or Vega-Lite figure. */
export const ChartValueSchema = z.looseObject({
  kind: z.enum(["plotly", "bokeh", "vega"]).optional(),
  figure: z.record(z.string(), z.unknown()).optional(),
});

/** `curve`: ROC, PR or custom curve points. */
export const CurveValueSchema = z.looseObject({
  kind: z.enum(["roc", "pr", "custom"]).optional(),
  x: floats.optional(),
  y: floats.optional(),
  annotation: z.string().optional(),
});

const label = z.union([z.string(), z.number(), z.boolean(), z.null()]);
/** `confusion`: labels `x`, `y` and the matrix `z`. */
export const ConfusionValueSchema = z.looseObject({
  x: z.array(label).optional(),
  y: z.array(label).optional(),
  z: z.array(z.array(z.union([z.number(), z.string(), z.null()]))).optional(),
});

/** `artifact` (and any artifact-kind folder such as `tsv`, `file`): `{kind, path}`. */
export const ArtifactValueSchema = z.looseObject({
  kind: z.string().optional(),
  path: z.string().optional(),
});

/** `model`: framework, asset path and a free-form spec. */
export const ModelValueSchema = z.looseObject({
  framework: z.string().optional(),
  path: z.string().optional(),
  spec: z.unknown().optional(),
});

/** `dataframe`: asset path and content type. */
export const DataframeValueSchema = z.looseObject({
  path: z.string().optional(),
  content_type: z.string().optional(),
});

const datetimeText = z.string().describe("ISO-8601 or Python datetime text");

/** A status condition of a span or a run. */
export const StatusConditionSchema = z.looseObject({
  type: StatusSchema.optional(),
  status: z.union([z.boolean(), z.string()]).optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  last_update_time: datetimeText.optional(),
  last_transition_time: datetimeText.optional(),
  meta_info: z.record(z.string(), z.unknown()).optional(),
});

/** The value of a `span` event: a trace span with nested children. */
export interface SpanValue {
  /** Span id: 32 hex digits (dashes allowed). */
  uuid?: string;
  /** Span name. */
  name?: string;
  /** Tags. */
  tags?: string[];
  /** Start time (ISO-8601 or Python datetime text). */
  started_at?: string;
  /** End time (ISO-8601 or Python datetime text). */
  finished_at?: string;
  /** Status (V1Statuses). */
  status?: Status;
  /** Status changes of the span. */
  status_conditions?: StatusCondition[];
  /** Free-form metadata. */
  metadata?: Record<string, unknown>;
  /** The span's inputs (free-form JSON). */
  inputs?: Record<string, unknown>;
  /** The span's outputs (free-form JSON). */
  outputs?: Record<string, unknown>;
  /** Nested spans. */
  children?: SpanValue[];
  /** What the span is: an LLM call, a chain, an agent, a tool, an embedding or a retriever. */
  kind?: "llm" | "chain" | "agent" | "tool" | "embedding" | "retriever";
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** `span`: uuid (32 hex, dashes allowed), timing, status, inputs/outputs, recursive children. */
export const SpanValueSchema: z.ZodType<SpanValue> = z.looseObject({
  uuid: z.string().regex(
    /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/,
    {
      message: "uuid must be 32 hex digits (dashes allowed)",
    },
  ).optional(),
  name: z.string().optional(),
  tags: z.array(z.string()).optional(),
  started_at: datetimeText.optional(),
  finished_at: datetimeText.optional(),
  status: StatusSchema.optional(),
  status_conditions: z.array(StatusConditionSchema).optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  get children() {
    return z.array(SpanValueSchema).optional();
  },
  kind: z.enum(["llm", "chain", "agent", "tool", "embedding", "retriever"]).optional(),
}) as unknown as z.ZodType<SpanValue>;

/** Schema of each value type, keyed by the V1Event value field. */
export const VALUE_SCHEMAS = {
  metric: MetricValueSchema,
  text: TextValueSchema,
  html: HtmlValueSchema,
  image: ImageValueSchema,
  histogram: HistogramValueSchema,
  audio: AudioValueSchema,
  video: VideoValueSchema,
  chart: ChartValueSchema,
  curve: CurveValueSchema,
  confusion: ConfusionValueSchema,
  artifact: ArtifactValueSchema,
  model: ModelValueSchema,
  dataframe: DataframeValueSchema,
  span: SpanValueSchema,
} as const;

/** The V1Event value fields: the type of an event's value. */
export type ValueType =
  | "metric"
  | "text"
  | "html"
  | "image"
  | "histogram"
  | "audio"
  | "video"
  | "chart"
  | "curve"
  | "confusion"
  | "artifact"
  | "model"
  | "dataframe"
  | "span";

/** Every value type, in spec order. */
export const VALUE_TYPES = Object.keys(VALUE_SCHEMAS) as ValueType[];

/** Field names each structured schema declares, for "unknown field" notes and key ordering. */
export const DECLARED_FIELDS: Partial<Record<ValueType, readonly string[]>> = {
  image: ["height", "width", "colorspace", "path"],
  histogram: ["values", "counts"],
  audio: ["sample_rate", "num_channels", "length_frames", "path", "content_type"],
  video: ["height", "width", "colorspace", "path", "content_type"],
  chart: ["kind", "figure"],
  curve: ["kind", "x", "y", "annotation"],
  confusion: ["x", "y", "z"],
  artifact: ["kind", "path"],
  model: ["framework", "path", "spec"],
  dataframe: ["path", "content_type"],
  span: [
    "uuid",
    "name",
    "tags",
    "started_at",
    "finished_at",
    "status",
    "status_conditions",
    "metadata",
    "inputs",
    "outputs",
    "children",
    "kind",
  ],
};

// The value types are written out (so the documentation shows them and they stay readable), and checked
// here against what the schemas infer: a schema and its type cannot drift apart without failing `deno check`.

/** A status (V1Statuses), as {@linkcode StatusSchema} accepts it. */
export type Status =
  | "created"
  | "resuming"
  | "on_schedule"
  | "compiled"
  | "queued"
  | "scheduled"
  | "starting"
  | "running"
  | "processing"
  | "stopping"
  | "failed"
  | "stopped"
  | "succeeded"
  | "skipped"
  | "warning"
  | "unschedulable"
  | "upstream_failed"
  | "retrying"
  | "unknown"
  | "done";

/** A status condition of a span or a run ({@linkcode StatusConditionSchema}). */
export interface StatusCondition {
  /** The status the condition is about. */
  type?: Status;
  /** Whether the condition holds (`true`/`false`, or Kubernetes-style `"True"`/`"False"` text). */
  status?: boolean | string;
  /** A short machine-readable reason. */
  reason?: string;
  /** A human-readable message. */
  message?: string;
  /** Last update (ISO-8601 or Python datetime text). */
  last_update_time?: string;
  /** Last transition (ISO-8601 or Python datetime text). */
  last_transition_time?: string;
  /** Free-form metadata. */
  meta_info?: Record<string, unknown>;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of an `image` event ({@linkcode ImageValueSchema}). */
export interface ImageValue {
  /** Height in pixels, before any rescale. */
  height?: number;
  /** Width in pixels, before any rescale. */
  width?: number;
  /** Channel count (1 grey, 3 RGB, 4 RGBA). */
  colorspace?: number;
  /** Run-relative path of the image asset. */
  path?: string;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/**
 * A `histogram` value as Polyaxon's files hold it ({@linkcode HistogramValueSchema}): `values` = bin
 * frequencies, `counts` = bin edges. The event model names them by meaning (`HistogramValue` in
 * model/event.ts).
 */
export interface PolyaxonHistogramValue {
  /** Bin frequencies (`null` for NaN). */
  values?: (number | null)[];
  /** Bin edges, one more than the frequencies (`null` for NaN). */
  counts?: (number | null)[];
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of an `audio` event ({@linkcode AudioValueSchema}). */
export interface AudioValue {
  /** Samples per second. */
  sample_rate?: number;
  /** Channel count. */
  num_channels?: number;
  /** Length in frames (samples per channel). */
  length_frames?: number;
  /** Run-relative path of the audio asset. */
  path?: string;
  /** Media type of the asset (`audio/wav`, ...). */
  content_type?: string;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of a `video` event ({@linkcode VideoValueSchema}). */
export interface VideoValue {
  /** Height in pixels. */
  height?: number;
  /** Width in pixels. */
  width?: number;
  /** Channel count. */
  colorspace?: number;
  /** Run-relative path of the video asset. */
  path?: string;
  /** Media type of the asset (`video/mp4`, `image/gif`, ...). */
  content_type?: string;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of a `chart` event ({@linkcode ChartValueSchema}). */
export interface ChartValue {
  /** The charting library the figure is for. */
  kind?: "plotly" | "bokeh" | "vega";
  /** The figure as that library's JSON. */
  figure?: Record<string, unknown>;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of a `curve` event ({@linkcode CurveValueSchema}). */
export interface CurveValue {
  /** ROC, precision-recall or a custom curve. */
  kind?: "roc" | "pr" | "custom";
  /** X coordinates (`null` for NaN). */
  x?: (number | null)[];
  /** Y coordinates (`null` for NaN). */
  y?: (number | null)[];
  /** A note on the curve (e.g. its AUC). */
  annotation?: string;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of a `confusion` event ({@linkcode ConfusionValueSchema}). */
export interface ConfusionValue {
  /** Column labels. */
  x?: (string | number | boolean | null)[];
  /** Row labels. */
  y?: (string | number | boolean | null)[];
  /** The matrix, row by row. */
  z?: (number | string | null)[][];
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of an `artifact` event ({@linkcode ArtifactValueSchema}). */
export interface ArtifactValue {
  /** The artifact kind (`tsv`, `file`, `dir`, ...). */
  kind?: string;
  /** Run-relative path of the artifact. */
  path?: string;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of a `model` event ({@linkcode ModelValueSchema}). */
export interface ModelValue {
  /** The framework the model is for. */
  framework?: string;
  /** Run-relative path of the model asset. */
  path?: string;
  /** A free-form spec of the model. */
  spec?: unknown;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** The value of a `dataframe` event ({@linkcode DataframeValueSchema}). */
export interface DataframeValue {
  /** Run-relative path of the dataframe asset. */
  path?: string;
  /** Media type of the asset (`text/csv`, ...). */
  content_type?: string;
  /** Fields the schema does not name, kept as read. */
  [extra: string]: unknown;
}

/** True when each of `A` and `B` is assignable to the other. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _typesMatchSchemas: [
  Same<Status, z.infer<typeof StatusSchema>>,
  Same<StatusCondition, z.infer<typeof StatusConditionSchema>>,
  Same<ImageValue, z.infer<typeof ImageValueSchema>>,
  Same<PolyaxonHistogramValue, z.infer<typeof HistogramValueSchema>>,
  Same<AudioValue, z.infer<typeof AudioValueSchema>>,
  Same<VideoValue, z.infer<typeof VideoValueSchema>>,
  Same<ChartValue, z.infer<typeof ChartValueSchema>>,
  Same<CurveValue, z.infer<typeof CurveValueSchema>>,
  Same<ConfusionValue, z.infer<typeof ConfusionValueSchema>>,
  Same<ArtifactValue, z.infer<typeof ArtifactValueSchema>>,
  Same<ModelValue, z.infer<typeof ModelValueSchema>>,
  Same<DataframeValue, z.infer<typeof DataframeValueSchema>>,
  Same<ValueType, keyof typeof VALUE_SCHEMAS>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true];
void _typesMatchSchemas;
