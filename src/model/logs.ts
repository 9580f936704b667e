/**
 * Reader for run logs (`plxlogs/`, spec §8): JSON lines (`logs.jsonl`, `<pod>.jsonl`), legacy chunk files
 * (`<unix-ts>`, a single `{"logs": [...]}` document), and legacy CSV logs (`*.plx`,
 * `timestamp|node|pod|container|value`). A pure codec over bytes.
 *
 * @module
 */
import type { Diagnostic, DiagnosticCode } from "../diagnostics.ts";
import type { LogRecord } from "./event.ts";
import { parseTimestamp } from "./time.ts";
import { LogChunkSchema, LogRecordSchema } from "../schema/run.ts";
import { zodMessage } from "../schema/issues.ts";
import { splitLines } from "../io/lines.ts";
import { collectBounded } from "../io/bytes.ts";

/** One step of reading a log file. */
export interface LogBatch {
  /** The log records read in this step, in file order. */
  records: LogRecord[];
  /** Problems met in this step (file and line). */
  diagnostics: Diagnostic[];
}

/** The log file encoding, from its name (as haupt decides). */
export function logEncoding(fileName: string): "jsonl" | "csv" | "chunk" {
  if (fileName.includes(".jsonl")) return "jsonl";
  if (fileName.includes(".plx")) return "csv";
  return "chunk";
}

const MAX_CHUNK_BYTES = 256 * 1024 * 1024;

/**
 * Reads one log file.
 *
 * @param chunks The file's bytes.
 * @param run Run id for the records.
 * @param file File name as shown in diagnostics (its name decides the encoding).
 *
 * @example
 * ```ts
 * import { readLogs } from "./logs.ts";
 * const bytes = new TextEncoder().encode('\n{"timestamp":"2025-06-12T15:18:45.123456Z","value":"epoch 1"}');
 * const values: string[] = [];
 * for await (const b of readLogs([bytes], "r", "plxlogs/logs.jsonl")) values.push(...b.records.map((r) => r.value));
 * if (values.join() !== "epoch 1") throw new Error(values.join());
 * ```
 */
export async function* readLogs(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  run: string,
  file: string,
): AsyncGenerator<LogBatch> {
  const enc = logEncoding(file.split("/").pop() ?? file);
  if (enc === "chunk") {
    yield await readChunkFile(chunks, run, file);
    return;
  }
  let header: string[] | null = null;
  for await (const batch of splitLines(chunks, file)) {
    const records: LogRecord[] = [];
    const diagnostics: Diagnostic[] = [...batch.problems];
    const last = batch.final ? batch.lines.length - 1 : -1;
    for (let i = 0; i < batch.lines.length; i++) {
      const line = batch.lines[i];
      if (line === null || line.trim() === "") continue;
      const lineNo = batch.first + i;
      let err: [DiagnosticCode, string] | null = null;
      if (enc === "jsonl") {
        err = jsonLine(line, run, records);
      } else if (header === null) {
        header = line.split("|");
        const want = ["timestamp", "node", "pod", "container", "value"];
        if (header.length !== 5 || !want.every((w) => header!.includes(w))) {
          err = [
            "header",
            `expected the header "${want.join("|")}" (any order), found "${line.slice(0, 120)}"`,
          ];
        }
      } else {
        err = csvLine(line, header, run, records);
      }
      if (err) {
        diagnostics.push(
          i === last
            ? {
              severity: "warning",
              code: "truncated-line",
              file,
              line: lineNo,
              message: `last line is incomplete (a partial write?) and was skipped: ${err[1]}`,
            }
            : { severity: "error", code: err[0], file, line: lineNo, message: err[1] },
        );
      }
    }
    yield { records, diagnostics };
  }
}

function toRecord(run: string, r: Record<string, unknown>): LogRecord {
  const ts = typeof r.timestamp === "string" ? parseTimestamp(r.timestamp) : null;
  const rec: LogRecord = { run, timestamp: ts, value: typeof r.value === "string" ? r.value : "" };
  if (typeof r.node === "string") rec.node = r.node;
  if (typeof r.pod === "string") rec.pod = r.pod;
  if (typeof r.container === "string") rec.container = r.container;
  return rec;
}

function jsonLine(line: string, run: string, out: LogRecord[]): [DiagnosticCode, string] | null {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch (e) {
    return ["bad-json", `invalid JSON line: ${(e as Error).message.slice(0, 160)}`];
  }
  const r = LogRecordSchema.safeParse(obj);
  if (!r.success) return ["schema", `log record: ${zodMessage(r.error)}`];
  if (r.data.timestamp !== undefined && parseTimestamp(r.data.timestamp) === null) {
    return ["bad-timestamp", `timestamp "${r.data.timestamp.slice(0, 60)}" is not a datetime`];
  }
  out.push(toRecord(run, r.data));
  return null;
}

function csvLine(
  line: string,
  header: string[],
  run: string,
  out: LogRecord[],
): [DiagnosticCode, string] | null {
  const fields = line.split("|");
  if (fields.length < 5) return ["field-count", `expected 5 fields separated by "|", found ${fields.length}`];
  // The value column is JSON ({"_": "..."}) and may itself contain "|": rejoin the surplus into it.
  const vi = header.indexOf("value");
  if (fields.length > 5) {
    if (vi !== 4) return ["field-count", `expected 5 fields separated by "|", found ${fields.length}`];
    fields.splice(4, fields.length - 4, fields.slice(4).join("|"));
  }
  const rec: Record<string, unknown> = {};
  header.forEach((h, i) => (rec[h] = fields[i]));
  const ts = parseTimestamp(String(rec.timestamp));
  if (ts === null) {
    return ["bad-timestamp", `timestamp "${String(rec.timestamp).slice(0, 60)}" is not a datetime`];
  }
  let value = String(rec.value);
  try {
    const v = JSON.parse(value);
    if (v && typeof v === "object" && typeof v._ === "string") value = v._;
  } catch { /* a plain value */ }
  out.push({ ...toRecord(run, rec), timestamp: ts, value });
  return null;
}

async function readChunkFile(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  run: string,
  file: string,
): Promise<LogBatch> {
  const bytes = await collectBounded(chunks, MAX_CHUNK_BYTES);
  if (bytes === null) {
    return {
      records: [],
      diagnostics: [{
        severity: "error",
        code: "too-large",
        file,
        message: `log chunk file larger than ${MAX_CHUNK_BYTES} bytes; not read`,
      }],
    };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    return {
      records: [],
      diagnostics: [{
        severity: "error",
        code: "bad-json",
        file,
        message: `not a JSON log chunk: ${(e as Error).message.slice(0, 160)}`,
      }],
    };
  }
  const r = LogChunkSchema.safeParse(doc);
  if (!r.success) {
    return {
      records: [],
      diagnostics: [{
        severity: "error",
        code: "schema",
        file,
        message: `log chunk: ${zodMessage(r.error)}`,
      }],
    };
  }
  return { records: r.data.logs.map((x) => toRecord(run, x)), diagnostics: [] };
}
