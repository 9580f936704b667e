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
import { parseTimestamp, type PlxTime } from "../../model/time.ts";
import { VALUE_SCHEMAS, type ValueType } from "../../schema/values.ts";
import { type LineBatch, splitLines, type SplitLinesOptions } from "../../io/lines.ts";
import { zodMessage } from "../../schema/issues.ts";
import { depthExceeds, MAX_DEPTH, parseChartJson } from "../../json/exact.ts";
import { MetricBatch, type PlxBatch } from "../../model/batch.ts";
import { readMetricRows } from "./_metric_rows.ts";
import { clip, couldBeCut, generationsOf, jsonAtEnd, jsonError, parseStep, splitQuoted } from "./_cells.ts";
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
 * const values: unknown[] = [];
 * for await (const batch of reader.read([bytes])) for (const e of batch.events) values.push(e.value);
 * if (values.join() !== "0.5") throw new Error(values.join());
 * // v2 writers still write metrics as CSV, so the generation is v2-jsonl.
 * if (reader.info.generation !== "v2-jsonl") throw new Error(String(reader.info.generation));
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
        const lines = readMetricRows(bytes, text, first, cb, (line, lineNo) => {
          this.#line(line, lineNo, false);
          if (events.length) absorb(cb, events, eventLines);
        });
        this.info.lines += lines;
        batch.raw.lineCount = peeled + lines;
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
      if (isLast && couldBeCut(code, err, this.#jsonEof)) {
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
      parsed = type === "chart" ? parseChartJson(cell) : JSON.parse(cell);
    } catch (e) {
      this.#jsonEof = jsonAtEnd(e, cell);
      return ["bad-json", `${m.kind} value is not valid JSON: ${jsonError(e)}`];
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      return ["bad-json", `${m.kind} value must be a JSON object`];
    }
    return this.#structured(parsed, step, timestamp, cell.length);
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
    const gens = generationsOf(info.encoding, this.#ujson, this.#jsonlKind, this.#type);
    info.generations = gens;
    info.generation = gens.length ? gens[gens.length - 1] : null;
  }
}
