/**
 * The JSONL interchange record: one canonical event per line, and the exact JSON encoding of values shared
 * by the JSONL and Parquet formats. A pure codec: strings in, events out, no file system.
 *
 * Encoding rules (see `docs/jsonl.md`):
 * - `timestamp`: ISO-8601 with `T`, six fraction digits and the offset (`+00:00`); a naive time has no
 *   suffix and stays naive.
 * - metric `value`: a JSON number, written with the shortest digits that round-trip to the same double;
 *   `-0.0` keeps its sign; NaN and infinities are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
 * - text/html `value`: the string. Structured values: a JSON object; `-0.0` inside keeps its sign; NaN or
 *   infinities inside lists become `null` (as Polyaxon writes them).
 * - `assets`: the run-relative asset paths the event references (omitted when none).
 *
 * @module
 */
import { z } from "../../_deps/zod.ts";
import {
  assetRefs,
  COLUMNAR_VERSION,
  type EventScope,
  fromPolyaxonValue,
  type LogRecord,
  type PlxEvent,
  toPolyaxonValue,
  valueTypeOf,
} from "../../model/event.ts";
import { formatIsoTimestamp, parseTimestamp, type PlxTime } from "../../model/time.ts";
import { VALUE_SCHEMAS, VALUE_TYPES, type ValueType } from "../../schema/values.ts";
import { zodMessage } from "../../schema/issues.ts";
import { depthExceeds, exactJson, jsonNumber, MAX_DEPTH } from "../../json/exact.ts";

/** Strings that stand for non-finite metric values. */
export const NON_FINITE = ["NaN", "Infinity", "-Infinity"] as const;

/**
 * The zod schema of one JSONL line (the JSON Schema `plxkit schema` prints is derived from it).
 *
 * @example
 * ```ts
 * import { JsonlEventSchema } from "./codec.ts";
 * import { z } from "../../_deps/zod.ts";
 * const jsonSchema = z.toJSONSchema(JsonlEventSchema);
 * ```
 */
export const JsonlEventSchema: z.ZodType<JsonlEvent> = z.object({
  run: z.string().min(1).describe("run id (the run folder name)"),
  scope: z.enum(["events", "resources"]).describe("events/<kind>/ or resources/<kind>/"),
  kind: z.string().min(1).describe("kind folder: the value type, or an artifact kind such as tsv"),
  name: z.string().min(1).describe("event name (file name without .plx)"),
  step: z.int().nullable().describe("step, or null when logged without one"),
  timestamp: z.string().describe(
    "ISO-8601 with microseconds: 2025-03-01T09:15:02.481516+00:00; no offset = naive datetime",
  ),
  type: z.enum(VALUE_TYPES as [ValueType, ...ValueType[]]).describe(
    "value type; equals kind except for artifact-kind folders",
  ),
  value: z.union([
    z.number(),
    z.enum(NON_FINITE).describe("non-finite metric value"),
    z.string(),
    z.record(z.string(), z.unknown()),
  ]).describe("metric: number or NaN/Infinity/-Infinity string; text/html: string; others: object"),
  assets: z.array(z.string()).optional().describe("run-relative asset paths this event references"),
}).describe(`plxkit JSONL event, layout version ${COLUMNAR_VERSION}`);

/** One JSONL line as parsed JSON (before the timestamp and non-finite metric strings are decoded). */
export interface JsonlEvent {
  /** Run id. */
  run: string;
  /** `events` or `resources`. */
  scope: "events" | "resources";
  /** Kind folder. */
  kind: string;
  /** Event name. */
  name: string;
  /** Step or null. */
  step: number | null;
  /** ISO-8601 timestamp with microseconds (no offset = naive). */
  timestamp: string;
  /** Value type. */
  type: ValueType;
  /** The value (see the module doc). */
  value: number | string | Record<string, unknown>;
  /** Run-relative asset paths. */
  assets?: string[];
}

/** A metric value: a JSON number, or the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. */
export function metricJson(x: number): string {
  if (Number.isFinite(x)) return jsonNumber(x);
  return x > 0 ? '"Infinity"' : x < 0 ? '"-Infinity"' : '"NaN"';
}

/** Decodes a metric value written by {@linkcode metricJson}; `undefined` when it is neither. */
export function metricFromJson(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  return undefined;
}

/** The JSON text of an event's value as the JSONL line holds it. */
export function valueJson(event: PlxEvent): string {
  switch (event.type) {
    case "metric":
      return metricJson(event.value);
    case "text":
    case "html":
      return JSON.stringify(event.value);
    default:
      return exactJson(toPolyaxonValue(event.type, event.value));
  }
}

const prefixCache = new Map<string, string>();
let lastPrefix = { run: "\0", scope: "", kind: "", name: "", prefix: "" };
let tsSecond = NaN;
let tsOffset: number | null = -1;
let tsHead = "";
let tsTail = "";

/**
 * {@linkcode formatIsoTimestamp} with the text up to the seconds cached per second: events logged in the
 * same second (the common case) only format their microseconds.
 */
export function isoTimestamp(t: PlxTime): string {
  const us = ((t.micros % 1_000_000) + 1_000_000) % 1_000_000;
  const second = (t.micros - us) / 1_000_000;
  if (second !== tsSecond || t.offset !== tsOffset) {
    const full = formatIsoTimestamp(t);
    tsSecond = second;
    tsOffset = t.offset;
    tsHead = full.slice(0, 20);
    tsTail = full.slice(26);
    return full;
  }
  return tsHead + String(us + 1_000_000).slice(1) + tsTail;
}

/**
 * The start of an event's line up to and including `"step":` (cached: events of one file share it).
 */
export function linePrefix(event: PlxEvent): string {
  const last = lastPrefix;
  if (
    event.name === last.name && event.run === last.run && event.kind === last.kind &&
    event.scope === last.scope
  ) {
    return last.prefix;
  }
  const key = `${event.run}\0${event.scope}\0${event.kind}\0${event.name}`;
  let prefix = prefixCache.get(key);
  if (prefix === undefined) {
    if (prefixCache.size > 10_000) prefixCache.clear();
    prefix = `{"run":${JSON.stringify(event.run)},"scope":${JSON.stringify(event.scope)},"kind":${
      JSON.stringify(event.kind)
    },"name":${JSON.stringify(event.name)},"step":`;
    prefixCache.set(key, prefix);
  }
  lastPrefix = { run: event.run, scope: event.scope, kind: event.kind, name: event.name, prefix };
  return prefix;
}

/**
 * Encodes one event as one JSONL line (without the newline).
 *
 * @example
 * ```ts
 * import { encodeJsonlEvent } from "./codec.ts";
 * const line = encodeJsonlEvent({
 *   run: "r1", scope: "events", kind: "metric", name: "loss", step: 1,
 *   timestamp: { micros: 1740820502481516, offset: 0 }, type: "metric", value: NaN,
 * });
 * // {"run":"r1","scope":"events","kind":"metric","name":"loss","step":1,
 * //  "timestamp":"2025-03-01T09:15:02.481516+00:00","type":"metric","value":"NaN"}
 * ```
 */
export function encodeJsonlEvent(event: PlxEvent): string {
  const prefix = linePrefix(event);
  const refs = assetRefs(event);
  const tail = refs.length ? `,"assets":${JSON.stringify(refs)}}` : "}";
  return prefix + (event.step === null ? "null" : event.step) + ',"timestamp":"' +
    isoTimestamp(event.timestamp) + '","type":"' + event.type + '","value":' + valueJson(event) + tail;
}

/**
 * One log line of a run (`plxlogs/`) as a JSONL row, so logs can be queried beside the events:
 * `{"run", "scope": "logs", "file", "timestamp" (ISO-8601 or null), "type": "log", "value", "node"?,
 * "pod"?, "container"?}`. Readers of events skip these rows; the log files themselves are carried as
 * files beside the JSONL (`<stem>.assets/<run>/plxlogs/`), byte for byte.
 *
 * @example
 * ```ts
 * import { encodeJsonlLog } from "./codec.ts";
 * encodeJsonlLog("r", "plxlogs/logs.jsonl", { run: "r", timestamp: null, value: "epoch 1" });
 * // '{"run":"r","scope":"logs","file":"plxlogs/logs.jsonl","timestamp":null,"type":"log","value":"epoch 1"}'
 * ```
 */
export function encodeJsonlLog(run: string, file: string, rec: LogRecord): string {
  const o: Record<string, unknown> = {
    run,
    scope: "logs",
    file,
    timestamp: rec.timestamp ? formatIsoTimestamp(rec.timestamp) : null,
    type: "log",
    value: rec.value,
  };
  if (rec.node != null) o.node = rec.node;
  if (rec.pod != null) o.pod = rec.pod;
  if (rec.container != null) o.container = rec.container;
  return JSON.stringify(o);
}

/** True for a log row ({@linkcode encodeJsonlLog}): not an event, skipped by event readers. */
export function isJsonlLogRow(o: unknown): boolean {
  return typeof o === "object" && o !== null && (o as Record<string, unknown>).type === "log" &&
    (o as Record<string, unknown>).scope === "logs";
}

/**
 * Decodes a parsed JSONL line into a canonical event, or returns a message saying what is wrong.
 * The envelope is checked by hand (fast path for metrics); structured values go through zod.
 *
 * @example
 * ```ts
 * import { decodeJsonlEvent } from "./codec.ts";
 * const e = decodeJsonlEvent(JSON.parse('{"run":"r","scope":"events","kind":"metric","name":"x",' +
 *   '"step":null,"timestamp":"2025-03-01T09:15:02.000001","type":"metric","value":"-Infinity"}'));
 * // e.value === -Infinity, e.timestamp.offset === null (naive)
 * ```
 */
export function decodeJsonlEvent(o: unknown): PlxEvent | string {
  if (typeof o !== "object" || o === null || Array.isArray(o)) return "not a JSON object";
  const r = o as Record<string, unknown>;
  const { run, scope, kind, name, step, timestamp, type } = r;
  if (typeof run !== "string" || run === "") return `"run" must be a non-empty string`;
  if (scope !== "events" && scope !== "resources") return `"scope" must be "events" or "resources"`;
  if (typeof kind !== "string" || kind === "") return `"kind" must be a non-empty string`;
  if (typeof name !== "string" || name === "") return `"name" must be a non-empty string`;
  if (step !== null && !(typeof step === "number" && Number.isSafeInteger(step))) {
    return `"step" must be an integer or null`;
  }
  if (typeof timestamp !== "string") return `"timestamp" must be a string`;
  const ts = parseTimestamp(timestamp);
  if (ts === null) return `"timestamp" ${JSON.stringify(timestamp)} is not an ISO-8601 datetime`;
  if (typeof type !== "string" || !(type in VALUE_SCHEMAS)) {
    return `"type" ${JSON.stringify(type)} is unknown`;
  }
  if (type !== valueTypeOf(kind)) return `"type" ${type} does not match kind ${kind}`;
  const base = { run, scope: scope as EventScope, kind, name, step: step as number | null, timestamp: ts };
  const v = r.value;
  if (type === "metric") {
    const x = metricFromJson(v);
    if (x === undefined) return `metric "value" must be a number or "NaN"/"Infinity"/"-Infinity"`;
    return { ...base, type, value: x };
  }
  if (type === "text" || type === "html") {
    if (typeof v !== "string") return `${type} "value" must be a string`;
    return { ...base, type, value: v };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) return `${type} "value" must be an object`;
  if (depthExceeds(v, MAX_DEPTH)) return `${type} "value" is nested deeper than ${MAX_DEPTH} levels`;
  const parsed = VALUE_SCHEMAS[type as ValueType].safeParse(v);
  if (!parsed.success) return `${type} "value": ${zodMessage(parsed.error)}`;
  // Keep the object as written (zod's output equals it for loose objects; reuse it to keep key order).
  return { ...base, type, value: fromPolyaxonValue(type as ValueType, v) } as PlxEvent;
}
