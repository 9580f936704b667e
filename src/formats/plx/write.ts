/**
 * Writer for Polyaxon event files, byte-compatible with traceml's writer (spec §5, §13): CSV header without
 * trailing newline, each row prefixed by `\n`, Python float repr and `str(datetime)`, JSONL lines with
 * `json.dumps` spacing, nested values as pydantic compact JSON in schema field order.
 *
 * The encoders are pure; {@linkcode PlxRunWriter} is the file-system side used by conversions.
 *
 * @module
 */
import * as path from "node:path";
import {
  JSONL_KINDS,
  type MetricColumns,
  metricEvents,
  type PlxEvent,
  toPolyaxonValue,
} from "../../model/event.ts";
import { pyFloatRepr } from "../../model/pyfloat.ts";
import { formatPyTimestamp } from "../../model/time.ts";
import { PlxRowEncoder } from "./_row.ts";
import { DECLARED_FIELDS, type ValueType } from "../../schema/values.ts";
import { homogeneous, pydanticJson, pyJsonDumps, pyJsonString } from "../../json/python.ts";
import { checkSegment, safeJoin, tempSibling } from "../../io/files.ts";
import { forget } from "../../io/commit.ts";

/** Top-level fields holding floats (written with `.0`), per value type. */
const FLOAT_FIELDS: Partial<Record<ValueType, readonly string[]>> = {
  histogram: ["values", "counts"],
  curve: ["x", "y"],
  audio: ["sample_rate"],
};

/** Whether events of `kind` go to JSON lines (html, text, chart, span) rather than CSV. */
export function isJsonlKind(kind: string): boolean {
  return JSONL_KINDS.has(kind);
}

/** The CSV header of a kind folder: `step|timestamp|<kind>` (no newline). */
export function csvHeader(kind: string): string {
  return `step|timestamp|${kind}`;
}

/** Orders a structured value's fields as the schema declares them, extra fields after, in their order. */
function ordered(type: ValueType, value: Record<string, unknown>): Record<string, unknown> {
  const declared = DECLARED_FIELDS[type];
  if (!declared) return value;
  const out: Record<string, unknown> = {};
  for (const k of declared) if (k in value) out[k] = value[k];
  for (const k in value) if (!(k in out)) out[k] = value[k];
  return out;
}

/**
 * The nested JSON text of a structured value (spec §4.4): pydantic compact JSON in field order, except
 * Plotly charts, which Polyaxon writes with `json.dumps` spacing and ASCII escapes.
 */
export function nestedJson(type: ValueType, modelValue: Record<string, unknown>): string {
  const value = toPolyaxonValue(type, modelValue) as Record<string, unknown>;
  if (type === "chart" && value.kind === "plotly") return pyJsonDumps(ordered(type, value));
  if (type === "span") return pydanticJson(orderSpan(value));
  if (type === "confusion") {
    const v = ordered(type, value);
    for (const k of ["x", "y", "z"]) if (Array.isArray(v[k])) v[k] = homogeneous(v[k] as unknown[]);
    return pydanticJson(v);
  }
  return pydanticJson(ordered(type, value), FLOAT_FIELDS[type]);
}

function orderSpan(value: Record<string, unknown>): Record<string, unknown> {
  const out = ordered("span", value);
  if (Array.isArray(out.children)) {
    out.children = out.children.map((
      c,
    ) => (c && typeof c === "object" ? orderSpan(c as Record<string, unknown>) : c));
  }
  return out;
}

/** The value cell/field text of an event: float repr, raw string, or nested JSON. */
export function valueText(event: PlxEvent): string {
  switch (event.type) {
    case "metric":
      return pyFloatRepr(event.value);
    case "text":
    case "html":
      return event.value;
    default:
      return nestedJson(event.type, event.value as Record<string, unknown>);
  }
}

/**
 * Writes the CSV row `<step>|<timestamp>|<value>` of an event (no newline) at `at` through `rows`; returns
 * the end. Room: `rows.maxMetricBytes` plus three bytes per UTF-16 unit of `text`, the value's
 * {@linkcode valueText} (unused for metrics, whose value is printed, or copied from `digits` as
 * {@linkcode PlxRowEncoder.metricRow} does).
 */
function writeCsvRow(
  rows: PlxRowEncoder,
  buf: Uint8Array,
  at: number,
  event: PlxEvent,
  text: string,
): number {
  const step = event.step ?? NaN;
  const { micros, offset } = event.timestamp;
  return event.type === "metric"
    ? rows.metricRow(buf, at, step, micros, offset ?? NaN, event.value)
    : rows.textRow(buf, at, step, micros, offset ?? NaN, text);
}

const csvRows = new PlxRowEncoder();
let csvScratch = new Uint8Array(1024);
const utf8Text = new TextDecoder();

/**
 * One CSV row `<step>|<timestamp>|<value>` (no newline), as text: the bytes of {@linkcode PlxRowEncoder}.
 *
 * @example
 * ```ts
 * import { encodeCsvRow } from "./write.ts";
 * // encodeCsvRow(metricEvent) -> "1|2025-03-01 09:15:02.481516+00:00|0.6931"
 * ```
 */
export function encodeCsvRow(event: PlxEvent): string {
  const text = event.type === "metric" ? "" : valueText(event);
  const need = csvRows.maxMetricBytes + 3 * text.length;
  if (csvScratch.length < need) csvScratch = new Uint8Array(need * 2);
  return utf8Text.decode(csvScratch.subarray(0, writeCsvRow(csvRows, csvScratch, 0, event, text)));
}

/** One JSONL line `{"timestamp": ..., "step": ..., "<kind>": ...}` (no newline). */
export function encodeJsonlLine(event: PlxEvent): string {
  const v = pyJsonString(valueText(event));
  return `{"timestamp": "${formatPyTimestamp(event.timestamp)}", "step": ${
    event.step === null ? "null" : event.step
  }, ${pyJsonString(event.kind)}: ${v}}`;
}

/** The line for an event in its kind's encoding (no newline). */
export function encodeLine(event: PlxEvent): string {
  return isJsonlKind(event.kind) ? encodeJsonlLine(event) : encodeCsvRow(event);
}

/** The run-relative file of an event: `events/<kind>/<name>.plx` or `resources/<kind>/<name>.plx`. */
export function eventFile(event: Pick<PlxEvent, "scope" | "kind" | "name">): string {
  return `${event.scope}/${checkSegment("kind", event.kind)}/${checkSegment("name", event.name)}.plx`;
}

interface OpenFile {
  tmp: string;
  target: string;
  /** Bytes not yet appended to `tmp`. */
  buf: Uint8Array;
  len: number;
}

const utf8 = new TextEncoder();

/** Metric rows encoded between two checks of the buffered size. */
const ROWS_PER_CHECK = 8192;

/**
 * Writes events into a run folder in Polyaxon's layout. Files are written to temporary names and renamed
 * into place by {@linkcode PlxRunWriter.commit}, so an interrupted conversion leaves no half file under its
 * real name. Existing event files are refused (no silent overwrite).
 */
export class PlxRunWriter {
  #files = new Map<string, OpenFile>();
  #buffered = 0;
  /** The encoder of CSV rows. */
  readonly #rows = new PlxRowEncoder();
  /**
   * A writer into the run folder `runDir`; buffered bytes are appended to the files once more than
   * `flushBytes` (default 1 MiB) are held.
   */
  constructor(readonly runDir: string, readonly flushBytes = 1 << 20) {}

  /** Makes room for `need` more bytes in a file's buffer. */
  #room(f: OpenFile, need: number): void {
    if (f.buf.length - f.len >= need) return;
    const b = new Uint8Array(Math.max(f.buf.length * 2, f.len + need, 4096));
    b.set(f.buf.subarray(0, f.len));
    f.buf = b;
  }

  async #file(e: Pick<PlxEvent, "scope" | "kind" | "name">): Promise<OpenFile> {
    const rel = eventFile(e);
    return this.#files.get(rel) ?? await this.#open(rel, e.kind);
  }

  /** Appends events to their files (buffered). */
  async write(events: Iterable<PlxEvent>): Promise<void> {
    let last: PlxEvent | null = null;
    let f: OpenFile | undefined;
    for (const e of events) {
      // Consecutive events mostly share a file: skip the path work then.
      if (!last || last.name !== e.name || last.kind !== e.kind || last.scope !== e.scope) {
        f = await this.#file(e);
        last = e;
      }
      let n = f!.len;
      if (isJsonlKind(e.kind)) {
        const line = "\n" + encodeJsonlLine(e);
        this.#room(f!, line.length * 3);
        n += utf8.encodeInto(line, f!.buf.subarray(n)).written;
      } else {
        const text = e.type === "metric" ? "" : valueText(e);
        this.#room(f!, 1 + this.#rows.maxMetricBytes + 3 * text.length);
        f!.buf[n++] = 10; // \n
        n = writeCsvRow(this.#rows, f!.buf, n, e, text);
      }
      this.#buffered += n - f!.len;
      f!.len = n;
    }
    if (this.#buffered > this.flushBytes) await this.flush();
  }

  /**
   * Appends metric rows held as columns (a reader's fast path): the same bytes as
   * `write(metricEvents(columns))`, written straight into the file's buffer, each value's digits copied from
   * the source text (`valueBytes`) when they already are Python's `repr` of it.
   */
  async writeMetrics(c: MetricColumns): Promise<void> {
    if (c.length === 0) return;
    if (isJsonlKind(c.kind)) return this.write(metricEvents(c));
    const f = await this.#file(c);
    const { step, micros, offset, value } = c;
    const text = c.valueBytes;
    const span = text ? c.valueSpan ?? null : null;
    const rows = this.#rows;
    const rowMax = 1 + rows.maxMetricBytes;
    for (let from = 0; from < c.length; from += ROWS_PER_CHECK) {
      const to = Math.min(c.length, from + ROWS_PER_CHECK);
      this.#room(f, (to - from) * rowMax);
      const buf = f.buf;
      let n = f.len;
      for (let i = from; i < to; i++) {
        buf[n++] = 10; // \n
        // The value's digits from the source when they already are Python's repr; else printed.
        n = span === null ? rows.metricRow(buf, n, step[i], micros[i], offset[i], value[i]) : rows.metricRow(
          buf,
          n,
          step[i],
          micros[i],
          offset[i],
          value[i],
          text!,
          span[2 * i],
          span[2 * i + 1],
        );
      }
      this.#buffered += n - f.len;
      f.len = n;
      if (this.#buffered > this.flushBytes) await this.flush();
    }
  }

  async #open(rel: string, kind: string): Promise<OpenFile> {
    const target = safeJoin(this.runDir, rel);
    try {
      await Deno.lstat(target);
      throw new Deno.errors.AlreadyExists(`${rel} already exists in ${this.runDir}; refusing to overwrite`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.mkdir(path.dirname(target), { recursive: true });
    const tmp = tempSibling(target);
    await Deno.writeTextFile(tmp, isJsonlKind(kind) ? "" : csvHeader(kind), { createNew: true });
    const f: OpenFile = { tmp, target, buf: new Uint8Array(0), len: 0 };
    this.#files.set(rel, f);
    return f;
  }

  /** Appends all buffered bytes to their temporary files. */
  async flush(): Promise<void> {
    for (const f of this.#files.values()) {
      if (!f.len) continue;
      await Deno.writeFile(f.tmp, f.buf.subarray(0, f.len), { append: true });
      f.len = 0;
      // (a file that took a big batch does not keep its big buffer)
      if (f.buf.length > 4 * this.flushBytes) f.buf = new Uint8Array(0);
    }
    this.#buffered = 0;
  }

  /**
   * Flushes and moves every file into place without ever replacing an existing file: a hard link that
   * fails when the name is taken (also by a name that differs only in case or Unicode normalization on
   * file systems that fold them), then removal of the temporary name.
   *
   * @throws {Deno.errors.AlreadyExists} When two event files would be the same file.
   */
  async commit(): Promise<void> {
    await this.flush();
    for (const f of this.#files.values()) {
      try {
        await Deno.link(f.tmp, f.target);
      } catch (e) {
        if (e instanceof Deno.errors.AlreadyExists) {
          throw new Deno.errors.AlreadyExists(
            `${
              path.relative(this.runDir, f.target)
            } collides with an existing file (names differing only in case or Unicode normalization?); not overwritten`,
          );
        }
        throw e;
      }
      await Deno.remove(f.tmp);
      forget(f.tmp);
    }
    this.#files.clear();
  }

  /** Deletes the temporary files. */
  async abort(): Promise<void> {
    for (const f of this.#files.values()) {
      await Deno.remove(f.tmp).catch(() => {});
      forget(f.tmp);
    }
    this.#files.clear();
  }
}
