/**
 * Reader for Polyaxon event files (`events/<kind>/<name>.plx`, `resources/metric/<name>.plx`): CSV in any
 * header order, JSON lines, legacy CSV in JSONL-kind folders, and mixed files. A pure codec: it takes bytes
 * and yields canonical events plus diagnostics; it never touches the file system.
 *
 * @module
 */
import type { Diagnostic, DiagnosticCode } from "../../diagnostics.ts";

/** A line's outcome: the diagnostic code of its problem, or `""` when it was read. */
type Code = DiagnosticCode | "";
import {
  type EventScope,
  fromPolyaxonValue,
  JSONL_KINDS,
  MetricColumnsBuilder,
  type PlxEvent,
  STRING_TYPES,
  valueTypeOf,
} from "../../model/event.ts";
import { parsePyFloat } from "../../model/pyfloat.ts";
import { parsePyJson } from "../../json/pyjson.ts";
import { parseTimestamp, parseTimestampBytesInto, type PlxTime } from "../../model/time.ts";
import { VALUE_SCHEMAS, type ValueType } from "../../schema/values.ts";
import { type LineBatch, splitLines, type SplitLinesOptions } from "../../io/lines.ts";
import { zodMessage } from "../../schema/issues.ts";
import { depthExceeds, MAX_DEPTH } from "../../json/exact.ts";
import { MetricBatch, type PlxBatch } from "../../model/batch.ts";
import type { Generation } from "../../model/report.ts";

/** What file is being read: used for events and diagnostics. */
export interface PlxFileMeta {
  /** Run id. */
  run: string;
  /** `events` or `resources`. */
  scope: EventScope;
  /** Kind folder name. */
  kind: string;
  /** Event name (file name without `.plx`). */
  name: string;
  /** The file as shown in diagnostics (run-relative when inside a run). */
  file: string;
}

/** What was learnt about a file while reading it. */
export interface PlxFileInfo {
  /** `csv`, `jsonl`, `mixed`, or `empty` (0 bytes or only blank lines). */
  encoding: "csv" | "jsonl" | "mixed" | "empty";
  /** The newest generation whose writer produces this file as it is, or `null` when nothing tells. */
  generation: Generation | null;
  /** Every generation whose writer could have produced this file. */
  generations: Generation[];
  /** Column names of the CSV header, when there is one. */
  header: string[] | null;
  /** Lines seen (including header and blank lines). */
  lines: number;
  /** Events read. */
  events: number;
  /** Lines that failed to parse and were skipped. */
  skipped: number;
}

/** Moves rows the slow path produced (metric events of this file) into the columns. */
function absorb(cb: MetricColumnsBuilder, events: PlxEvent[], lines: number[]): void {
  cb.pushEvents(events, lines);
  events.length = 0;
  lines.length = 0;
}

/** Options of {@linkcode PlxReader}. */
export interface PlxReadOptions extends SplitLinesOptions {}

/** Column positions of the CSV header. */
interface Columns {
  step: number;
  timestamp: number;
  value: number;
}

const SIMPLE: ReadonlySet<string> = new Set(["step", "timestamp"]);

/**
 * Reads one `.plx` file. Create one per file; iterate {@linkcode PlxReader.read}; then look at
 * {@linkcode PlxReader.info}.
 *
 * A last line that does not parse is reported as a warning (`truncated-line`) and skipped: the writer never
 * ends a file with a newline, so a crash mid-write leaves a partial last line.
 *
 * @example
 * ```ts
 * import { PlxReader } from "./read.ts";
 * const bytes = new TextEncoder().encode("step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|0.5");
 * const reader = new PlxReader({ run: "r", scope: "events", kind: "metric", name: "loss", file: "events/metric/loss.plx" });
 * for await (const batch of reader.read([bytes])) console.log(batch.events[0].value); // 0.5
 * console.log(reader.info.generation); // "v2-jsonl" (v2 writers still write metrics as CSV)
 * ```
 */
export class PlxReader {
  /** What was learnt about the file so far; complete once {@linkcode PlxReader.read} has finished. */
  readonly info: PlxFileInfo = {
    encoding: "empty",
    generation: null,
    generations: [],
    header: null,
    lines: 0,
    events: 0,
    skipped: 0,
  };
  readonly #meta: PlxFileMeta;
  readonly #type: ValueType;
  readonly #jsonlKind: boolean;
  #cols: Columns | null = null;
  #lineNo = 0;
  #jsonEof = false;
  #jsonRows = 0;
  #ujson = false;
  #sawNonBlank = false;
  #headerRejected = false;
  #events: PlxEvent[] = [];
  #eventLines: number[] = [];
  #diags: Diagnostic[] = [];
  readonly #ts = { micros: 0, offset: 0 };

  /** A reader for one file described by `meta`. */
  constructor(meta: PlxFileMeta, readonly options: PlxReadOptions = {}) {
    this.#meta = meta;
    this.#type = valueTypeOf(meta.kind);
    this.#jsonlKind = JSONL_KINDS.has(meta.kind);
  }

  /** Reads the file's bytes, yielding a batch per chunk of lines. */
  async *read(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<PlxBatch> {
    const checked = this.#checkBinary(chunks);
    for await (const batch of splitLines(checked, this.#meta.file, { ...this.options, raw: true })) {
      yield this.decode(batch);
    }
    this.#finish();
    if (this.#diags.length) {
      const diagnostics = this.#diags;
      this.#diags = [];
      yield { events: [], diagnostics };
    }
  }

  async *#checkBinary(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    let first = true;
    for await (const chunk of chunks) {
      if (first && chunk.length) {
        first = false;
        const nul = chunk.subarray(0, 4096).indexOf(0);
        if (nul !== -1) {
          this.#diags.push({
            severity: "error",
            code: "binary",
            file: this.#meta.file,
            offset: nul,
            message: `binary data (a NUL byte at offset ${nul}), not a text event file`,
          });
          this.info.skipped++;
          return;
        }
      }
      yield chunk;
    }
  }

  /** Decodes one batch of lines (exposed for callers that split lines themselves). */
  decode(batch: LineBatch): PlxBatch {
    const events: PlxEvent[] = this.#events = [];
    const eventLines: number[] = this.#eventLines = [];
    const diags = this.#diags;
    for (const p of batch.problems) diags.push(p);
    if (batch.raw) {
      this.#lines(batch.lines, batch.first, false);
      let { bytes, text } = batch.raw;
      let first = batch.first + batch.lines.length;
      let peeled = 0;
      if (this.#type === "metric" && !this.#sawNonBlank && text.length === bytes.length) {
        // The header (and any blank lines before it) through the general path, so that the rows after
        // it can take the fast path even in the file's first chunk.
        let off = 0;
        while (!this.#sawNonBlank && off <= bytes.length) {
          let nl = bytes.indexOf(10, off);
          if (nl === -1) nl = bytes.length;
          this.info.lines++;
          this.#line(text.slice(off, nl), first + peeled, false);
          peeled++;
          off = nl + 1;
        }
        if (off > bytes.length) {
          batch.raw.lineCount = peeled;
          this.info.events += events.length;
          this.#diags = [];
          return { events, diagnostics: diags, lines: eventLines };
        }
        bytes = bytes.subarray(off);
        text = text.slice(off);
        first += peeled;
      }
      const c = this.#cols;
      if (
        this.#type === "metric" && c !== null && c.step === 0 && c.timestamp === 1 && c.value === 2 &&
        text.length === bytes.length
      ) {
        // Rows go into columns (a row is at least 20 bytes: capacity rarely needs to grow). The columns
        // own a copy of the bytes (the read buffer is reused for the next chunk), for the value spans.
        const cb = new MetricColumnsBuilder((bytes.length >> 5) + events.length + 16, bytes.slice());
        absorb(cb, events, eventLines);
        batch.raw.lineCount = peeled + this.#metricRows(bytes, text, first, cb);
        this.info.events += cb.length;
        this.#diags = [];
        return new MetricBatch(cb.done(this.#meta), diags);
      } else {
        const lines = text.split("\n");
        batch.raw.lineCount = peeled + lines.length;
        for (let i = 0; i < lines.length; i++) {
          this.info.lines++;
          this.#line(lines[i], first + i, false);
        }
      }
      this.info.events += events.length;
      this.#diags = [];
      return { events, diagnostics: diags, lines: eventLines };
    }
    this.#lines(batch.lines, batch.first, batch.final);
    this.info.events += events.length;
    this.#diags = [];
    return { events, diagnostics: diags, lines: eventLines };
  }

  #lines(lines: (string | null)[], first: number, final: boolean): void {
    const n = lines.length;
    const lastIndex = final ? n - 1 : -1;
    for (let i = 0; i < n; i++) {
      const line = lines[i];
      this.info.lines++;
      if (line === null) {
        this.info.skipped++;
        continue;
      }
      this.#line(line, first + i, i === lastIndex);
    }
  }

  /**
   * The hot path: CSV metric rows in the writer's column order over ASCII bytes, with no per-line strings
   * except the value. Any row it does not fully understand goes through {@linkcode PlxReader.#line}, which
   * reports precisely what is wrong.
   */
  #metricRows(b: Uint8Array, text: string, first: number, cb: MetricColumnsBuilder): number {
    const end = b.length;
    const events = this.#events;
    const eventLines = this.#eventLines;
    const ts = this.#ts;
    let pos = 0;
    let lineNo = first;
    while (pos <= end) {
      // The separators, then the line end: the step is digits up to the first "|" and the writer's
      // timestamp is 32 bytes long, so the value starts 33 bytes after it and a short scan finds the line
      // end (cheaper than a native search per line). A newline inside that span fails the timestamp parse
      // (every byte of it is checked), and the row goes to the general path with the line end searched
      // properly; so does any other shape. A "|" anywhere else makes the value or timestamp fail to parse.
      let p1 = pos;
      while (p1 < end) {
        const c = b[p1];
        if (c === 124 || c === 10) break;
        p1++;
      }
      let p2 = p1 + 33;
      let nl: number;
      if (p2 < end && b[p1] === 124 && b[p2] === 124) {
        nl = p2 + 1;
        while (nl < end && b[nl] !== 10) nl++;
      } else {
        nl = b.indexOf(10, pos);
        if (nl === -1) nl = end;
        p1 = Math.min(p1, nl);
        p2 = p1 + 1;
        while (p2 < nl && b[p2] !== 124) p2++;
      }
      ok: {
        if (p2 >= nl || b[nl - 1] === 13 || p2 + 1 === nl) break ok;
        let step = NaN;
        if (p1 > pos) {
          let v = 0;
          let i = pos;
          const neg = b[i] === 45;
          if (neg) i++;
          if (i === p1 || p1 - i > 15) break ok;
          for (; i < p1; i++) {
            const d = b[i] - 48;
            if (d < 0 || d > 9) break ok;
            v = v * 10 + d;
          }
          step = neg ? -v : v;
        }
        if (!parseTimestampBytesInto(b, p1 + 1, p2, ts)) break ok;
        const cell = text.slice(p2 + 1, nl);
        // Plain decimals (digit or "-" then digit first) are what Number() and float() agree on; the rest
        // (nan, inf, "0x", ".5", blanks...) through parsePyFloat.
        const c0 = b[p2 + 1];
        let value: number | undefined = NaN;
        const c1 = b[p2 + 2] | 32;
        if (
          ((c0 >= 48 && c0 <= 57) || (c0 === 45 && c1 >= 48 && c1 <= 57)) && c1 !== 120 && c1 !== 98 &&
          c1 !== 111
        ) {
          value = Number(cell);
        }
        if (value !== value) value = parsePyFloat(cell);
        if (value === undefined) break ok;
        if (cb.length === cb.step.length) cb.grow();
        const r = cb.length++;
        cb.step[r] = step;
        cb.micros[r] = ts.micros;
        cb.offset[r] = ts.offset;
        cb.value[r] = value;
        cb.line[r] = lineNo;
        cb.span![2 * r] = p2 + 1;
        cb.span![2 * r + 1] = nl;
        pos = nl + 1;
        lineNo++;
        continue;
      }
      // (the line end found after the value may be past a newline inside the timestamp span)
      nl = b.indexOf(10, pos);
      if (nl === -1) nl = end;
      if (nl > pos) {
        this.#line(text.slice(pos, nl), lineNo, false);
        if (events.length) absorb(cb, events, eventLines);
      }
      pos = nl + 1;
      lineNo++;
    }
    this.info.lines += lineNo - first;
    return lineNo - first;
  }

  #line(raw: string, lineNo: number, isLast: boolean): void {
    const line = raw.length && raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === "")) return;
    if (!this.#sawNonBlank) {
      this.#sawNonBlank = true;
      if (line.charCodeAt(0) !== 123 /* { */) {
        this.#header(line, lineNo);
        return;
      }
    }
    this.#lineNo = lineNo;
    let err: string | null;
    let code: Code;
    const c0 = line.charCodeAt(0);
    if (
      c0 === 123 /* { */ &&
      (this.#cols === null || line.startsWith('{"timestamp"') || line.startsWith('{"step"'))
    ) {
      this.#jsonRows++;
      [code, err] = this.#jsonLine(line);
    } else if (this.#cols === null) {
      this.info.skipped++;
      if (this.#headerRejected) return; // already reported: rows cannot be read without a header
      this.#diags.push(
        this.#diag("error", "bad-json", lineNo, "expected a JSON line (the file began with JSON lines)"),
      );
      return;
    } else {
      [code, err] = this.#csvLine(line, this.#cols);
    }
    if (err !== null) {
      this.info.skipped++;
      if (isLast && this.#couldBeCut(code, err)) {
        this.#diags.push(
          this.#diag(
            "warning",
            "truncated-line",
            lineNo,
            `last line is incomplete (a partial write?) and was skipped: ${err}`,
          ),
        );
      } else {
        this.#diags.push(this.#diag("error", code as DiagnosticCode, lineNo, err));
      }
    }
  }

  /** Whether a failure on the last line is what a write cut short would look like. */
  #couldBeCut(code: Code, err: string): boolean {
    switch (code) {
      case "field-count":
        return / found [12]$/.test(err);
      case "quote":
        return true;
      case "bad-json":
        return this.#jsonEof;
      case "bad-timestamp": {
        const m = /"(.*)"/.exec(err);
        return m !== null && TIMESTAMP_PREFIX.test(m[1]);
      }
      case "bad-metric": {
        const m = /"(.*)"/.exec(err);
        return m === null || FLOAT_PREFIX.test(m[1]);
      }
      default:
        return false;
    }
  }

  #diag(severity: Diagnostic["severity"], code: DiagnosticCode, line: number, message: string): Diagnostic {
    return { severity, code, file: this.#meta.file, line, message };
  }

  #header(line: string, lineNo: number): void {
    const fields = line.split("|");
    const kind = this.#meta.kind;
    const at = (name: string) => fields.indexOf(name);
    const step = at("step");
    const timestamp = at("timestamp");
    const others = fields.filter((f) => !SIMPLE.has(f));
    const problems: string[] = [];
    if (step === -1 || timestamp === -1 || others.length !== 1 || fields.length !== 3) {
      problems.push(
        `expected the header "step|timestamp|${kind}" (any order), found "${clip(line, 120)}"`,
      );
    } else if (others[0] !== kind) {
      problems.push(`header names the value column "${others[0]}" but the folder kind is "${kind}"`);
    }
    this.info.header = fields;
    if (problems.length) {
      this.#headerRejected = true;
      this.info.skipped++;
      this.#diags.push(this.#diag("error", "header", lineNo, problems[0]));
      return;
    }
    this.#cols = { step, timestamp, value: fields.indexOf(others[0]) };
  }

  #csvLine(line: string, cols: Columns): [Code, string | null] {
    let fields: string[];
    if (line.indexOf('"') === -1) {
      // Fast path: the writer never quotes.
      const a = line.indexOf("|");
      const b = a === -1 ? -1 : line.indexOf("|", a + 1);
      if (b === -1 || line.indexOf("|", b + 1) !== -1) {
        const found = line.split("|").length;
        return [
          "field-count",
          `expected 3 fields separated by "|", found ${found}${found > 3 ? ' (a "|" inside a value?)' : ""}`,
        ];
      }
      fields = [line.slice(0, a), line.slice(a + 1, b), line.slice(b + 1)];
    } else {
      const parsed = splitQuoted(line);
      if (typeof parsed === "string") return ["quote", parsed];
      fields = parsed;
      if (fields.length !== 3) {
        return [
          "field-count",
          `expected 3 fields separated by "|", found ${fields.length}${
            fields.length > 3 ? ' (a "|" inside a value?)' : ""
          }`,
        ];
      }
    }
    const stepText = fields[cols.step];
    let step: number | null = null;
    if (stepText.length) {
      const parsed = parseStep(stepText);
      if (parsed === undefined) return ["bad-step", `step "${clip(stepText, 40)}" is not an integer`];
      step = parsed;
    }
    const tsText = fields[cols.timestamp];
    const timestamp = parseTimestamp(tsText);
    if (timestamp === null) {
      return ["bad-timestamp", `timestamp "${clip(tsText, 60)}" is not a datetime`];
    }
    return this.#value(fields[cols.value], step, timestamp, false);
  }

  #jsonLine(line: string): [Code, string | null] {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      this.#jsonEof = jsonAtEnd(e, line);
      return ["bad-json", `invalid JSON line: ${jsonError(e)}`];
    }
    if (obj === null || typeof obj !== "object" || Array.isArray(obj)) {
      return ["bad-json", "a JSON line must be an object"];
    }
    const rec = obj as Record<string, unknown>;
    const kind = this.#meta.kind;
    if (!("timestamp" in rec)) return ["schema", 'JSON line has no "timestamp"'];
    if (!(kind in rec)) {
      const keys = Object.keys(rec).filter((k) => k !== "timestamp" && k !== "step");
      return [
        "schema",
        `JSON line has no "${kind}" value${
          keys.length ? ` (found ${keys.map((k) => `"${k}"`).join(", ")})` : ""
        }`,
      ];
    }
    for (const k in rec) {
      if (k !== "timestamp" && k !== "step" && k !== kind) {
        this.#diags.push(
          this.#diag("warning", "unknown-field", this.#lineNo, `unknown key "${k}" in JSON line`),
        );
      }
    }
    const ts = rec.timestamp;
    const timestamp = typeof ts === "string" ? parseTimestamp(ts) : null;
    if (timestamp === null) {
      return ["bad-timestamp", `timestamp ${clip(JSON.stringify(ts) ?? "", 60)} is not a datetime`];
    }
    const st = rec.step;
    let step: number | null = null;
    if (st !== undefined && st !== null) {
      if (typeof st !== "number" || !Number.isSafeInteger(st)) {
        return ["bad-step", `step ${clip(JSON.stringify(st), 40)} is not an integer`];
      }
      step = st;
    }
    const v = rec[kind];
    if (STRING_TYPES.has(this.#type)) {
      if (typeof v !== "string") return ["schema", `"${kind}" must be a string`];
      return this.#value(v, step, timestamp, true);
    }
    if (this.#type === "metric") {
      if (typeof v === "number") return this.#value(String(v), step, timestamp, true);
      if (typeof v === "string") return this.#value(v, step, timestamp, true);
      return ["bad-metric", `metric value ${clip(JSON.stringify(v), 40)} is not a number`];
    }
    if (typeof v === "string") return this.#value(v, step, timestamp, true);
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      return this.#structured(v, step, timestamp, line.length);
    }
    return ["schema", `"${kind}" must be a JSON object or a JSON string holding one`];
  }

  #value(cell: string, step: number | null, timestamp: PlxTime, fromJson: boolean): [Code, string | null] {
    const type = this.#type;
    const m = this.#meta;
    if (type === "metric") {
      const v = parsePyFloat(cell);
      if (v === undefined) {
        return [
          "bad-metric",
          cell.length ? `metric value "${clip(cell, 40)}" is not a number` : "metric value is empty",
        ];
      }
      return this.#emit(step, timestamp, v);
    }
    if (type === "text" || type === "html") return this.#emit(step, timestamp, cell);
    if (!fromJson && !this.#ujson && cell.indexOf("\\/") !== -1) this.#ujson = true;
    let parsed: unknown;
    try {
      parsed = JSON.parse(cell);
    } catch (e) {
      this.#jsonEof = jsonAtEnd(e, cell);
      return ["bad-json", `${m.kind} value is not valid JSON: ${jsonError(e)}`];
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return ["bad-json", `${m.kind} value must be a JSON object`];
    }
    // A chart figure keeps Python's number spelling (6.0 stays a float) through every conversion.
    const value = type === "chart" && !depthExceeds(parsed, MAX_DEPTH) ? parsePyJson(cell) as object : parsed;
    return this.#structured(value, step, timestamp, cell.length);
  }

  /** Records one event of this file's type at the current line. */
  #emit(step: number | null, timestamp: PlxTime, value: unknown): [Code, null] {
    const m = this.#meta;
    this.#events.push(
      {
        run: m.run,
        scope: m.scope,
        kind: m.kind,
        name: m.name,
        step,
        timestamp,
        type: this.#type,
        value,
      } as PlxEvent,
    );
    this.#eventLines.push(this.#lineNo);
    return ["", null];
  }

  #structured(value: object, step: number | null, timestamp: PlxTime, size = 0): [Code, string | null] {
    const type = this.#type;
    const m = this.#meta;
    // Deeply nested values would exhaust the stack of schema checks and writers: bound the depth
    // (only long values can be deep, so short ones skip the walk).
    if (size > 2 * MAX_DEPTH && depthExceeds(value, MAX_DEPTH)) {
      return ["schema", `${m.kind} value is nested deeper than ${MAX_DEPTH} levels`];
    }
    const r = VALUE_SCHEMAS[type].safeParse(value);
    if (!r.success) return ["schema", `${m.kind} value: ${zodMessage(r.error)}`];
    return this.#emit(step, timestamp, fromPolyaxonValue(type, value));
  }

  #finish(): void {
    const info = this.info;
    const csv = this.#cols !== null || this.#headerRejected;
    const json = this.#jsonRows > 0;
    info.encoding = csv && json ? "mixed" : json ? "jsonl" : csv ? "csv" : "empty";
    let gens: Generation[];
    if (info.encoding === "mixed") gens = ["mixed"];
    else if (info.encoding === "jsonl") gens = ["v2-jsonl"];
    else if (info.encoding === "empty") gens = this.#jsonlKind ? ["v2-jsonl"] : [];
    else if (this.#ujson) gens = ["v1-csv"];
    else if (this.#jsonlKind) gens = ["v1-csv", "v1.1-csv"];
    else if (this.#type === "span") gens = ["v1.1-csv"];
    else gens = ["v1-csv", "v1.1-csv", "v2-jsonl"];
    info.generations = gens;
    info.generation = gens.length ? gens[gens.length - 1] : null;
  }
}

/** Parses an integer step cell; `undefined` when not an integer or not safely representable. */
export function parseStep(s: string): number | undefined {
  const n = s.length;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i = 1;
    if (n === 1) return undefined;
  }
  if (n - i > 15) {
    if (!/^[+-]?\d+$/.test(s)) return undefined;
    const v = Number(s);
    return Number.isSafeInteger(v) ? v : undefined;
  }
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** pandas-style split: `"` opens a quoted field only at a field start; `""` inside is a quote. */
export function splitQuoted(line: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    if (line.charCodeAt(i) === 34) {
      let v = "";
      let j = i + 1;
      while (true) {
        const q = line.indexOf('"', j);
        if (q === -1) return "unterminated quoted value";
        v += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          v += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // pandas keeps text after the closing quote up to the separator
      const bar = line.indexOf("|", j);
      const tail = bar === -1 ? line.slice(j) : line.slice(j, bar);
      out.push(v + tail);
      if (bar === -1) return out;
      i = bar + 1;
    } else {
      const bar = line.indexOf("|", i);
      if (bar === -1) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, bar));
      i = bar + 1;
    }
    if (i > n) return out;
  }
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}

/** Prefixes of a timestamp a cut write can leave. */
const TIMESTAMP_PREFIX =
  /^\d{1,4}(-(\d{1,2}(-(\d{1,2}([ T](\d{1,2}(:(\d{1,2}(:(\d{1,2}(\.\d*)?([+-](\d{1,2}(:\d{0,2})?)?)?)?)?)?)?)?)?)?)?)?)?$/;
/** Prefixes of a float a cut write can leave that are not floats themselves. */
const FLOAT_PREFIX = /^([+-]?(\d*\.?\d*[eE][+-]?|\.|)|-?(n|na|i|in))$/;

/** Whether a JSON.parse error is at the end of the text (what a cut write produces). */
function jsonAtEnd(e: unknown, text: string): boolean {
  const msg = e instanceof Error ? e.message : "";
  if (/Unterminated|end of JSON/.test(msg)) return true;
  const m = /position (\d+)/.exec(msg);
  return m !== null && Number(m[1]) >= text.length;
}

function jsonError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return clip(msg.replace(/^JSON\.parse: /, "").replace(/ \(line \d+ column \d+\)/, ""), 160);
}
