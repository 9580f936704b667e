/**
 * JSONL reader: bytes (plain or gzip) to canonical events, streaming. A pure codec: takes async iterables
 * of bytes, yields batches of events and diagnostics, never touches the file system.
 *
 * @module
 */
import { Readable } from "node:stream";
import { parseChartJson } from "../../json/exact.ts";
import { constants, createGunzip } from "node:zlib";
import type { Diagnostic } from "../../diagnostics.ts";
import {
  type EventScope,
  type MetricColumns,
  MetricColumnsBuilder,
  type PlxEvent,
} from "../../model/event.ts";
import { parseTimestamp, parseTimestampBytesInto } from "../../model/time.ts";
import { splitLines, type SplitLinesOptions } from "../../io/lines.ts";
import { decodeJsonlEvent, isJsonlLogRow, linePrefix } from "./codec.ts";
import { MetricBatch } from "../../model/batch.ts";

/** One step of reading: the events and diagnostics of a span of lines (each event with its line number). */
export interface JsonlBatch {
  /** Events decoded from these lines. */
  events: PlxEvent[];
  /** 1-based line number of each event in `events`. */
  lines: number[];
  /** Problems of these lines (file and line named). */
  diagnostics: Diagnostic[];
  /**
   * The same events as columns, when they are metric lines of one run, scope, kind and name read by the
   * fast path; `events` and `lines` are then made from these on first access.
   */
  metrics?: MetricColumns;
}

/** Options of {@linkcode readJsonl}. */
export interface JsonlReadOptions extends SplitLinesOptions {
  /** The bytes are gzip (one or more members); decompressed while streaming. */
  gzip?: boolean;
}

/**
 * Decompresses gzip bytes (several concatenated members allowed) while streaming. A cut stream yields what
 * can be decoded; a corrupt one ends the output and is reported through `onError`.
 *
 * @example
 * ```ts
 * import { gzipSync } from "node:zlib";
 * import { gunzipChunks } from "./read.ts";
 * for await (const c of gunzipChunks([gzipSync("hi\n")], console.error)) console.log(c.length); // 3
 * ```
 */
export async function* gunzipChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onError: (message: string, offset: number) => void,
): AsyncGenerator<Uint8Array> {
  let inBytes = 0;
  async function* counted() {
    for await (const c of chunks) {
      inBytes += c.length;
      yield c;
    }
  }
  // Z_SYNC_FLUSH at the end: a cut stream yields everything decodable instead of failing as a whole; the
  // cut last line then shows up as a truncated line.
  const z = createGunzip({ chunkSize: 1 << 20, finishFlush: constants.Z_SYNC_FLUSH });
  const stream = Readable.from(counted()).pipe(z);
  stream.on("error", () => {/* surfaced by the iterator below */});
  let outBytes = 0;
  try {
    for await (const c of stream) {
      outBytes += (c as Uint8Array).length;
      // A gzip bomb: real JSONL does not expand this much; stop instead of inflating for minutes.
      if (outBytes > GZIP_BOMB_MIN && outBytes > GZIP_MAX_RATIO * Math.max(inBytes, 1)) {
        onError(
          `gzip data expands more than ${GZIP_MAX_RATIO}× (${outBytes} bytes from ${inBytes}): a gzip bomb? stopped reading`,
          inBytes,
        );
        stream.destroy();
        return;
      }
      yield c as Uint8Array;
    }
  } catch (e) {
    onError(`gzip data is damaged or cut short: ${e instanceof Error ? e.message : String(e)}`, inBytes);
  }
}

/** Output size after which {@linkcode gunzipChunks} checks the expansion ratio. */
export const GZIP_BOMB_MIN = 64 << 20;
/** Largest expansion {@linkcode gunzipChunks} accepts (real JSONL compresses 5-50×; deflate's limit is ~1032×). */
export const GZIP_MAX_RATIO = 400;

/** The part of a metric line between the step and the timestamp, and between the timestamp and the value. */
const TS_KEY = ',"timestamp":"';
const VALUE_KEY = '","type":"metric","value":';

/** Whether `t[s, e)` is a JSON number (RFC 8259 grammar). */
function isJsonNumber(t: string, s: number, e: number): boolean {
  let i = s;
  if (i < e && t.charCodeAt(i) === 45) i++;
  if (i >= e) return false;
  let c = t.charCodeAt(i);
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) {
    while (i < e && (c = t.charCodeAt(i)) >= 48 && c <= 57) i++;
  } else return false;
  if (i < e && t.charCodeAt(i) === 46) {
    const d = ++i;
    while (i < e && (c = t.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === d) return false;
  }
  if (i < e && (t.charCodeAt(i) | 32) === 101) {
    i++;
    if (i < e && ((c = t.charCodeAt(i)) === 43 || c === 45)) i++;
    const d = i;
    while (i < e && (c = t.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === d) return false;
  }
  return i === e;
}

/**
 * Decodes the lines of one file: metric lines in plxkit's exact form after a first one of the same run,
 * scope, kind and name (`{"run":…,"step":` shared) are parsed in place into columns (no `JSON.parse`, no
 * object per line); every other line goes through `JSON.parse` and {@linkcode decodeJsonlEvent}, which
 * also reports what is wrong. Both give the same events.
 */
class LineDecoder {
  /** The shared start of the current metric lines, or "" (no fast path yet). */
  #prefix = "";
  #meta: { run: string; scope: EventScope; kind: string; name: string } | null = null;
  #rows: MetricColumnsBuilder | null = null;
  #events: PlxEvent[] = [];
  #lines: number[] = [];
  #out: JsonlBatch[] = [];
  /** The region whose bytes `#rows` holds a copy of (its value spans point there), or null. */
  #rowsRegion: Uint8Array | null = null;
  /** The last region copied, and its copy (one per region, shared by its columns). */
  #copied: Uint8Array | null = null;
  #copy: Uint8Array | null = null;
  /** The fast path's parsed timestamp (offset `NaN`: naive). */
  readonly #ts = { micros: 0, offset: 0 };
  diagnostics: Diagnostic[] = [];

  constructor(readonly file: string) {}

  /**
   * Decodes line `lineNo`, `text[s, e)` (no newline). `bytes`, when given, are the text's bytes at the
   * same offsets (an ASCII region), for the fast path's timestamp parse.
   */
  line(text: string, s: number, e: number, lineNo: number, isLast: boolean, bytes: Uint8Array | null): void {
    if (e > s && text.charCodeAt(e - 1) === 13) e--;
    if (e === s) return;
    if (this.#prefix !== "" && this.#fast(text, s, e, lineNo, bytes)) return;
    const line = text.slice(s, e);
    if (line.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
      if ((obj as { type?: unknown } | null)?.type === "chart") obj = parseChartJson(line, obj);
    } catch (err) {
      this.diagnostics.push(
        isLast
          ? {
            severity: "warning",
            code: "truncated-line",
            file: this.file,
            line: lineNo,
            message: "the last line is not complete JSON (file cut short?); skipped",
          }
          : {
            severity: "error",
            code: "bad-json",
            file: this.file,
            line: lineNo,
            message: `not JSON: ${err instanceof Error ? err.message : String(err)}`,
          },
      );
      return;
    }
    if (isJsonlLogRow(obj)) return; // a log row: the log file is carried beside the JSONL
    const ev = decodeJsonlEvent(obj);
    if (typeof ev === "string") {
      this.diagnostics.push({
        severity: "error",
        code: "bad-event",
        file: this.file,
        line: lineNo,
        message: ev,
      });
      return;
    }
    this.#endRows();
    this.#events.push(ev);
    this.#lines.push(lineNo);
    // A metric line in the exact form: the lines after it with the same start take the fast path.
    if (ev.type === "metric") {
      const prefix = linePrefix(ev);
      if (line.startsWith(prefix)) {
        this.#prefix = prefix;
        this.#meta = { run: ev.run, scope: ev.scope, kind: ev.kind, name: ev.name };
      }
    }
  }

  /** Parses a metric line starting with the current prefix; false (nothing recorded) if not exact. */
  #fast(t: string, s: number, e: number, lineNo: number, bytes: Uint8Array | null): boolean {
    const prefix = this.#prefix;
    // (comparing a slice is a native compare; startsWith with a position is several times slower)
    if (t.slice(s, s + prefix.length) !== prefix) return false;
    let p = s + prefix.length;
    let c = t.charCodeAt(p);
    let step: number;
    if (c === 110) {
      if (t.slice(p, p + 4) !== "null") return false;
      step = NaN;
      p += 4;
    } else {
      const neg = c === 45;
      if (neg) p++;
      const d = p;
      let v = 0;
      while (p < e && (c = t.charCodeAt(p)) >= 48 && c <= 57) {
        v = v * 10 + c - 48;
        p++;
      }
      // (at most 15 digits: a safe integer; no leading zero; no "-0", which JSON.parse keeps as -0)
      if (p === d || p - d > 15 || (p - d > 1 && t.charCodeAt(d) === 48) || (neg && v === 0)) return false;
      step = neg ? -v : v;
    }
    if (t.slice(p, p + TS_KEY.length) !== TS_KEY) return false;
    p += TS_KEY.length;
    const q = t.indexOf('"', p);
    if (q === -1 || q >= e || q - p > 48) return false;
    // (an escape in the text makes the parse fail: such lines go the general way)
    const ts = this.#ts;
    if (bytes !== null) {
      if (!parseTimestampBytesInto(bytes, p, q, ts)) return false;
    } else {
      const parsed = parseTimestamp(t.slice(p, q));
      if (parsed === null) return false;
      ts.micros = parsed.micros;
      ts.offset = parsed.offset ?? NaN;
    }
    if (t.slice(q, q + VALUE_KEY.length) !== VALUE_KEY) return false;
    p = q + VALUE_KEY.length;
    if (t.charCodeAt(e - 1) !== 125) return false;
    const end = e - 1;
    let value: number;
    if (t.charCodeAt(p) === 34) {
      const v = t.slice(p, end);
      if (v === '"NaN"') value = NaN;
      else if (v === '"Infinity"') value = Infinity;
      else if (v === '"-Infinity"') value = -Infinity;
      else return false;
    } else {
      if (!isJsonNumber(t, p, end)) return false;
      value = Number(t.slice(p, end));
    }
    // (columns begun on a line carried over from the last chunk have no bytes: start new ones for the region)
    if (this.#rows !== null && bytes !== null && bytes !== this.#rowsRegion) this.#endRows();
    if (this.#rows === null) {
      this.#endEvents();
      // Given the region's bytes, the columns keep a copy and where each value is, so a plx writer can copy
      // digits instead of printing them.
      this.#rowsRegion = bytes;
      this.#rows = new MetricColumnsBuilder(1024, bytes === null ? null : this.#copyOf(bytes));
    }
    if (bytes !== null) {
      this.#rows.push(step, ts.micros, ts.offset, value, lineNo, p, end);
    } else {
      this.#rows.push(step, ts.micros, ts.offset, value, lineNo);
    }
    return true;
  }

  #copyOf(region: Uint8Array): Uint8Array {
    if (this.#copied !== region) {
      this.#copied = region;
      this.#copy = region.slice();
    }
    return this.#copy!;
  }

  #endRows(): void {
    if (this.#rows === null) return;
    this.#out.push(new MetricBatch(this.#rows.done(this.#meta!), []));
    this.#rows = null;
  }

  #endEvents(): void {
    if (!this.#events.length) return;
    this.#out.push({ events: this.#events, lines: this.#lines, diagnostics: [] });
    this.#events = [];
    this.#lines = [];
  }

  /** The batches decoded so far, in line order; the diagnostics ride on the last one. */
  take(): JsonlBatch[] {
    this.#endRows();
    this.#endEvents();
    const out = this.#out;
    this.#out = [];
    if (!out.length) out.push({ events: [], lines: [], diagnostics: [] });
    out[out.length - 1].diagnostics.push(...this.diagnostics.splice(0));
    return out;
  }
}

/**
 * Reads JSONL events from bytes. Blank lines are skipped; a line that is not a valid event is an `error`
 * diagnostic naming the file and line, and reading goes on; a last line that does not parse (a file cut
 * short) is a `warning` (`truncated-line`).
 *
 * @param chunks The file's bytes in order (use chunks of 1 MiB or more).
 * @param file The file name used in diagnostics.
 *
 * @example
 * ```ts
 * import { readJsonl } from "./read.ts";
 * const line = '{"run":"r","scope":"events","kind":"metric","name":"loss","step":1,' +
 *   '"timestamp":"2025-03-01T09:15:02.481516+00:00","type":"metric","value":"NaN"}';
 * for await (const b of readJsonl([new TextEncoder().encode(line)], "x.jsonl")) console.log(b.events[0].value);
 * ```
 */
export async function* readJsonl(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  options: JsonlReadOptions = {},
): AsyncGenerator<JsonlBatch> {
  const late: Diagnostic[] = [];
  const bytes = options.gzip
    ? gunzipChunks(
      chunks,
      (message, offset) => late.push({ severity: "error", code: "truncated-gzip", file, offset, message }),
    )
    : chunks;
  const dec = new LineDecoder(file);
  for await (const batch of splitLines(bytes, file, { ...options, raw: true })) {
    dec.diagnostics.push(...batch.problems);
    const n = batch.lines.length;
    for (let i = 0; i < n; i++) {
      const raw = batch.lines[i];
      if (raw !== null) dec.line(raw, 0, raw.length, batch.first + i, batch.final && i === n - 1, null);
    }
    if (batch.raw) {
      // Lines of the region (none of them the file's last line, which always comes alone at the end).
      const text = batch.raw.text;
      const bytes = batch.raw.bytes.length === text.length ? batch.raw.bytes : null;
      let lineNo = batch.first + n;
      let pos = 0;
      while (pos <= text.length) {
        let nl = text.indexOf("\n", pos);
        if (nl === -1) nl = text.length;
        dec.line(text, pos, nl, lineNo++, false, bytes);
        pos = nl + 1;
      }
      batch.raw.lineCount = lineNo - batch.first - n;
    }
    const out = dec.take();
    if (options.gzip) {
      // A gzip file cut short shows as an incomplete last line: that is a damaged file, an error.
      for (const b of out) {
        for (const d of b.diagnostics) {
          if (d.code !== "truncated-line") continue;
          d.severity = "error";
          d.code = "truncated-gzip";
          d.message = "the gzip file is cut short (its last line is incomplete); what follows is lost";
        }
      }
    }
    if (batch.final) out[out.length - 1].diagnostics.push(...late.splice(0));
    yield* out;
  }
  if (late.length) yield { events: [], lines: [], diagnostics: late };
}
