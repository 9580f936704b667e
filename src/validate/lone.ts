/**
 * Files named on the command line outside any run folder, and inputs of the other formats: each is checked
 * by its format, sniffed from its content and name (a Polyaxon `.plx` event file, plxkit JSONL (`.jsonl`,
 * `.jsonl.gz`), a TensorBoard event file, a Parquet file, a plxkit Parquet dataset). A file of no format
 * plxkit knows is an error: it is never passed unchecked.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { readChunks } from "../io/files.ts";
import { type Diagnostic, DiagnosticSink } from "../diagnostics.ts";
import { valueTypeOf } from "../model/event.ts";
import { ArtifactKindSchema } from "../schema/values.ts";
import type { EventSource } from "../convert/pipeline.ts";
import { JsonlSource } from "../formats/jsonl/source.ts";
import { ParquetSource } from "../formats/parquet/source.ts";
import { batchEvents, readWindow } from "../formats/parquet/read.ts";
import { kindOfPartition, RUN_KIND } from "../formats/parquet/schema.ts";
import { isEventFileName } from "../formats/tensorboard/layout.ts";
import { maskedCrc32c } from "../formats/tensorboard/crc32c.ts";
import { validateTensorboardRun } from "../formats/tensorboard/source.ts";
import type { FileReport, RunReport } from "../model/report.ts";

/** The format of a file, as sniffed by {@linkcode sniffFile}. */
export type FileFormat =
  | { format: "plx"; kind: string }
  | { format: "jsonl"; gzip: boolean }
  | { format: "tensorboard" }
  | { format: "parquet" };

const SNIFF_BYTES = 4096;

async function head(file: string): Promise<{ bytes: Uint8Array; size: number }> {
  using f = await Deno.open(file, { read: true });
  const size = (await f.stat()).size;
  const buf = new Uint8Array(Math.min(SNIFF_BYTES, size));
  let n = 0;
  while (n < buf.length) {
    const r = await f.read(buf.subarray(n));
    if (r === null) break;
    n += r;
  }
  return { bytes: buf.subarray(0, n), size };
}

/** Whether `b` starts with a TFRecord header whose length checksum holds. */
function isTfRecordStart(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  const stored = new DataView(b.buffer, b.byteOffset, 12).getUint32(8, true);
  return maskedCrc32c(b, 0, 8) === stored;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set(ArtifactKindSchema.options);

/** The value column of a plx CSV header line (`step|timestamp|<kind>` in any order), or null. */
function plxHeaderKind(firstLine: string): string | null {
  const fields = firstLine.replace(/\r$/, "").split("|");
  if (fields.length !== 3 || !fields.includes("step") || !fields.includes("timestamp")) return null;
  const kind = fields.find((f) => f !== "step" && f !== "timestamp");
  return kind && /^[a-z_]+$/.test(kind) ? kind : null;
}

/**
 * The format of `file`, from its first bytes and its name; `null` when plxkit knows none.
 *
 * - `PAR1` at the start: a Parquet file.
 * - a TFRecord header with a valid length checksum, or a name containing `tfevents`: a TensorBoard event
 *   file (random bytes under that name are then reported by the TensorBoard reader, not passed).
 * - gzip bytes named `*.gz`, or a name ending in `.jsonl`, or a first line that is a JSON object starting
 *   with `{"run"`: plxkit JSONL.
 * - a name ending in `.plx`, or a first line `step|timestamp|<kind>` (any order): a Polyaxon event file,
 *   whose kind is its folder when that names a kind, else the header's value column.
 *
 * @throws {Deno.errors.NotFound} and other file-system errors when the file cannot be opened.
 */
export async function sniffFile(file: string): Promise<FileFormat | null> {
  const { bytes } = await head(file);
  const name = path.basename(file);
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31) {
    return { format: "parquet" };
  }
  if (isTfRecordStart(bytes) || isEventFileName(name)) return { format: "tensorboard" };
  const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (gz) return /\.gz$/i.test(name) ? { format: "jsonl", gzip: true } : null;
  if (/\.jsonl$/i.test(name)) return { format: "jsonl", gzip: false };
  const text = new TextDecoder().decode(bytes);
  const nl = text.indexOf("\n");
  const first = nl === -1 ? text : text.slice(0, nl);
  const headerKind = plxHeaderKind(first);
  if (/\.plx$/i.test(name) || headerKind !== null) {
    const folder = path.basename(path.dirname(path.resolve(file)));
    const kind = KNOWN_KINDS.has(folder) || valueTypeOf(folder) !== "artifact"
      ? folder
      : headerKind ?? folder;
    return { format: "plx", kind };
  }
  if (/^\s*\{\s*"run"\s*:/.test(first)) return { format: "jsonl", gzip: false };
  return null;
}

/** The report of a file of no format plxkit knows: an error (`unrecognised`). */
export function unrecognisedReport(file: string, size: number): RunReport {
  return {
    id: "",
    path: file,
    format: "unknown",
    runs: 0,
    files: [{
      file,
      role: "unknown",
      events: 0,
      records: 0,
      bytes: size,
      diagnostics: [{
        severity: "error",
        code: "unrecognised",
        file,
        message:
          "not a file plxkit can check: neither a Polyaxon event file (.plx), plxkit JSONL (.jsonl, .jsonl.gz), " +
          "a TensorBoard event file, nor a Parquet file",
      }],
    }],
    diagnostics: [],
  };
}

/**
 * Checks every run of an {@linkcode EventSource} over one input (a JSONL file, a Parquet dataset) by reading
 * all of it: one report for the input, with the runs found, every event and record counted, and every
 * problem the reader met (file and line or byte offset).
 */
export async function validateSourceInput(
  input: string,
  format: string,
  source: EventSource,
  maxPerCode = 20,
): Promise<RunReport> {
  const sink = new DiagnosticSink(maxPerCode);
  const file: FileReport = { file: input, role: format, events: 0, records: 0, bytes: 0, diagnostics: [] };
  const report: RunReport = { id: "", path: input, format, runs: 0, files: [file], diagnostics: [] };
  try {
    file.bytes = await sizeOf(input);
    for await (const item of source.runs()) {
      if (item.type === "diagnostic") {
        sink.add(item.diagnostic);
        continue;
      }
      report.runs!++;
      const info = item.run.info;
      if (info.meta) file.records++;
      if (info.lineages) file.records += info.lineages.length;
      try {
        for await (const b of item.run.batches()) {
          file.events += b.metrics?.length ?? b.events.length;
          for (const d of b.diagnostics) sink.add(d);
        }
      } catch (e) {
        sink.add({
          severity: "error",
          code: "unreadable",
          file: input,
          message: `run ${info.id}: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    }
  } catch (e) {
    sink.add({ severity: "error", code: "io", file: input, message: `cannot read: ${errText(e)}` });
  }
  file.diagnostics = sink.finish();
  return report;
}

async function sizeOf(p: string): Promise<number> {
  const st = await Deno.stat(p);
  if (st.isFile) return st.size;
  let n = 0;
  const stack = [p];
  while (stack.length) {
    const dir = stack.pop()!;
    for await (const e of Deno.readDir(dir)) {
      const c = path.join(dir, e.name);
      if (e.isDirectory) stack.push(c);
      else if (e.isFile) n += (await Deno.stat(c)).size;
    }
  }
  return n;
}

function errText(e: unknown): string {
  return e instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : e instanceof Error
    ? e.message
    : String(e);
}

/**
 * Checks a JSONL file named on the command line (every line, every run). A `.gz` file is also checked to
 * end where its gzip stream ends: the reader decodes what a cut stream holds (so no line is lost), which
 * alone would let a file cut between two lines pass.
 */
export async function validateJsonlFile(file: string, maxPerCode = 20): Promise<RunReport> {
  const r = await validateSourceInput(file, "jsonl", new JsonlSource([file]), maxPerCode);
  if (/\.gz$/i.test(file)) {
    const problem = await gzipProblem(file);
    if (problem !== null) {
      r.files[0].diagnostics.push({ severity: "warning", code: "truncated-gzip", file, message: problem });
    }
  }
  return r;
}

/** Why the gzip file `file` is not complete (cut short, damaged), or null when every member is whole. */
async function gzipProblem(file: string): Promise<string | null> {
  const z = createGunzip({ chunkSize: 1 << 20 });
  const stream = Readable.from(readChunks(file)).pipe(z);
  stream.on("error", () => {/* surfaced by the iterator below */});
  try {
    for await (const _ of stream) { /* decompress and drop */ }
    return null;
  } catch (e) {
    return `gzip stream is cut short or damaged (${
      e instanceof Error ? e.message : String(e)
    }): lines after the cut are lost`;
  }
}

/** Checks a plxkit Parquet dataset folder (every commit, part and row). */
export function validateDataset(root: string, maxPerCode = 20): Promise<RunReport> {
  return validateSourceInput(root, "parquet", new ParquetSource([root]), maxPerCode);
}

/** Rows per read window of a lone Parquet file. */
const WINDOW = 1 << 16;

/**
 * Checks a Parquet file named on the command line: magic bytes, footer, every row group readable, and, in a
 * `kind=<kind>/` partition folder, every row decodable as an event of that kind.
 */
export async function validateParquetFile(file: string): Promise<RunReport> {
  const fr: FileReport = { file, role: "parquet", events: 0, records: 0, bytes: 0, diagnostics: [] };
  const report: RunReport = { id: "", path: file, format: "parquet", runs: 0, files: [fr], diagnostics: [] };
  const fail = (code: "parquet" | "io", message: string) =>
    fr.diagnostics.push({ severity: "error", code, file, message });
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    fail("io", `cannot read: ${errText(e)}`);
    return report;
  }
  fr.bytes = bytes.length;
  const tail = bytes.subarray(bytes.length - 4);
  if (bytes.length < 12 || new TextDecoder().decode(tail) !== "PAR1") {
    fail("parquet", "no Parquet footer (the file does not end with PAR1): cut short or not a Parquet file");
    return report;
  }
  const kind = kindOfPartition(path.basename(path.dirname(path.resolve(file))));
  const runs = new Set<string>();
  try {
    for (let offset = 0;; offset += WINDOW) {
      const table = readWindow(bytes, offset, WINDOW);
      if (table.numRows === 0) break;
      for (const b of table.batches) {
        if (kind === RUN_KIND) {
          // (the run table of a layout 2 dataset: one row per run, no events)
          for (const r of b.getChild("run")?.toArray() ?? []) runs.add(String(r));
          continue;
        }
        if (kind !== null) {
          for (const e of batchEvents(b, kind, valueTypeOf(kind))) runs.add(e.run);
        }
        fr.events += b.numRows;
      }
      if (table.numRows < WINDOW) break;
    }
  } catch (e) {
    fail("parquet", `unreadable after ${fr.events} rows: ${errText(e)}`);
  }
  report.runs = runs.size;
  return report;
}

/** Checks one TensorBoard event file named on the command line (framing, CRCs, records, values). */
export async function validateTensorboardFile(file: string): Promise<RunReport> {
  const dir = path.dirname(file);
  const r = await validateTensorboardRun(dir, "", {}, [path.basename(file)]);
  for (const f of r.files) f.file = file;
  for (const f of r.files) for (const d of f.diagnostics) d.file = file;
  return { ...r, id: "", path: file, runs: 1 };
}

/** Collects diagnostics of a report (for tests and callers that want a flat list). */
export function allDiagnostics(r: RunReport): Diagnostic[] {
  return [...r.diagnostics, ...r.files.flatMap((f) => f.diagnostics)];
}
