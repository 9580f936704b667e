/**
 * The validator: reads every file of every run under the given paths and reports, per file and line, what
 * is wrong (spec-level structure, schemas, shapes, asset references, step order, format generations).
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { type Diagnostic, DiagnosticSink, ioDiag } from "../diagnostics.ts";
import { orderedPool } from "../io/pool.ts";
import { readChunks } from "../io/files.ts";
import { collectBounded } from "../io/bytes.ts";
import { LineagesSchema, RunRecordSchema } from "../schema/run.ts";
import { zodMessage } from "../schema/issues.ts";
import { discover, type DiscoverOptions, listRun } from "../formats/plx/layout.ts";
import { readLogs } from "../model/logs.ts";
import type { RunEntry, RunFolder, Target } from "../model/layout.ts";
import type { FileReport, Generation, RunReport } from "../model/report.ts";
import { validateEvents } from "./_events.ts";
import {
  type FileFormat,
  sniffFile,
  unrecognisedReport,
  validateJsonlFile,
  validateParquetFile,
  validateTensorboardFile,
} from "./lone.ts";

/** Options of the validator. */
export interface ValidateOptions {
  /** Require every event file to be of this format generation. */
  generation?: Generation;
  /** Check that referenced assets exist inside the run. @default true */
  checkAssets?: boolean;
  /** Keep at most this many diagnostics per file and code (the rest are counted). @default 20 */
  maxPerCode?: number;
  /** Called after each file, for progress display. */
  onFile?: (file: FileReport) => void;
  /** Validate only the runs and run files these accept (`--run`, `--kind`, `--name`; see convert/select.ts). */
  select?: { run(id: string): boolean; file(rel: string): boolean };
  /**
   * Workers validating runs in parallel (results stay in discovery order, byte-identical to one worker).
   * Parallel work is used only with no `select` and with no `extra` validators or `builtinExtras` themselves.
   * @default 1
   */
  jobs?: number;
  /** The built-in extra validators (set by the CLI), which workers load themselves. */
  builtinExtras?: ValidateOptions["extra"];
  /** Extra validators for targets other formats find (e.g. TensorBoard logdirs). */
  extra?: {
    detectors: NonNullable<DiscoverOptions["detectors"]>;
    validate: (target: Target, options: ValidateOptions) => Promise<RunReport | null>;
  }[];
}

/** Totals over a validation. */
export interface ValidationSummary {
  /**
   * Runs validated: run folders, TensorBoard runs, and the runs found in JSONL files and Parquet datasets
   * (files outside any run add none).
   */
  runs: number;
  /** Files validated. */
  files: number;
  /** Events read, over all files (see {@linkcode FileReport.events}). */
  events: number;
  /** Records read (run records, lineage records, log records), over all files. */
  records: number;
  /** Bytes read, over all files. */
  bytes: number;
  /** Error diagnostics found, shown or not (a capped code's "N more" line counts N). */
  errors: number;
  /** Warning diagnostics, counted as `errors` are. */
  warnings: number;
  /** Info diagnostics (notes), counted as `errors` are. */
  infos: number;
}

/** Adds a run's counts to a summary. */
export function addToSummary(s: ValidationSummary, r: RunReport): void {
  s.runs += r.runs ?? 1;
  const count = (d: Diagnostic) => {
    const n = d.count ?? 1;
    if (d.severity === "error") s.errors += n;
    else if (d.severity === "warning") s.warnings += n;
    else s.infos += n;
  };
  r.diagnostics.forEach(count);
  for (const f of r.files) {
    s.files++;
    s.events += f.events;
    s.records += f.records;
    s.bytes += f.bytes;
    f.diagnostics.forEach(count);
  }
}

/** An empty summary. */
export function emptySummary(): ValidationSummary {
  return { runs: 0, files: 0, events: 0, records: 0, bytes: 0, errors: 0, warnings: 0, infos: 0 };
}

/**
 * Validates every run (and lone file) under `paths`, yielding one report per run as it finishes, so a tree
 * of thousands of runs streams.
 *
 * @example
 * ```ts
 * import { validatePaths } from "./validate.ts";
 * for await (const run of validatePaths(["fixtures/runs"])) {
 *   for (const f of run.files) for (const d of f.diagnostics) console.log(f.file, d.line, d.message);
 * }
 * ```
 */
export async function* validatePaths(
  paths: string[],
  options: ValidateOptions = {},
): AsyncGenerator<RunReport> {
  const detectors = (options.extra ?? []).flatMap((x) => x.detectors);
  const loose: RunReport = { id: "", path: "", format: "plx", runs: 0, files: [], diagnostics: [] };
  const jobs = options.jobs ?? 1;
  // Workers know only the built-in extra validators and no selection: else the work stays on this thread.
  const pooled = jobs > 1 && !options.select &&
    (options.extra === undefined || options.extra === options.builtinExtras);
  const targets = selected(discover(paths, { detectors }), options.select);
  // Pooled, onFile is called when a report is yielded (in order), whichever slot made it.
  const here = pooled ? { ...options, onFile: undefined } : options;
  const results = pooled
    ? orderedPool<Target | Diagnostic, TargetResult>(targets, new URL("./_worker.ts", import.meta.url), {
      jobs,
      inline: (t) => validateTarget(t, here),
      local: (t) => ("severity" in t ? { diagnostic: t } : undefined),
      message: (t) => ({ target: t, options: workerOptions(options) }),
    })
    : mapTargets(targets, here);
  for await (const r of results) {
    if (r.diagnostic) loose.diagnostics.push(r.diagnostic);
    if (r.looseFile) {
      options.onFile?.(r.looseFile);
      loose.files.push(r.looseFile);
    }
    if (r.report) {
      if (pooled) r.report.files.forEach((f) => options.onFile?.(f));
      yield r.report;
    }
  }
  if (loose.files.length || loose.diagnostics.length) yield loose;
}

/** What one discovered target gives: a run report to yield, or parts of the report of loose files. */
export interface TargetResult {
  /** A report to yield as it is. */
  report?: RunReport;
  /** A file outside any run, for the report of loose files. */
  looseFile?: FileReport;
  /** A finding outside any run, for the report of loose files. */
  diagnostic?: Diagnostic;
}

/** The options a worker can be given (no callbacks; extras are the built-in ones). */
export function workerOptions(o: ValidateOptions): ValidateOptions {
  return { generation: o.generation, checkAssets: o.checkAssets, maxPerCode: o.maxPerCode };
}

/** Targets the selection keeps (runs by id, run files by path). */
async function* selected(
  targets: AsyncIterable<Target | Diagnostic>,
  select: ValidateOptions["select"],
): AsyncGenerator<Target | Diagnostic> {
  for await (const t of targets) {
    if (select && !("severity" in t)) {
      if ("run" in t && !select.run(t.run?.id ?? "")) continue;
      if (t.type === "file" && !select.file(t.entry.rel)) continue;
    }
    yield t;
  }
}

async function* mapTargets(
  targets: AsyncIterable<Target | Diagnostic>,
  options: ValidateOptions,
): AsyncGenerator<TargetResult> {
  for await (const t of targets) yield await validateTarget(t, options);
}

/** Validates one target found by discovery (a run, a file, or another format's folder or file). */
export async function validateTarget(
  t: Target | Diagnostic,
  options: ValidateOptions,
): Promise<TargetResult> {
  if ("severity" in t) return { diagnostic: t };
  if (t.type === "run") return { report: await validateRun(t.run, options) };
  if (t.type === "file") {
    if (t.run) {
      const report = await validateEntry(t.entry, t.run.id, t.run.path, options, new Map());
      options.onFile?.(report);
      return { report: { id: t.run.id, path: t.run.path, format: "plx", files: [report], diagnostics: [] } };
    }
    // A file named on the command line outside any run: checked by its format, never passed unchecked.
    const r = await validateLoneFile(t.entry.abs, t.path, options);
    if ("kind" in r) {
      const entry: RunEntry = {
        ...t.entry,
        role: "event",
        kind: r.kind,
        name: path.basename(t.entry.abs).replace(/\.plx$/i, ""),
      };
      return { looseFile: await validateEntry(entry, "", path.dirname(t.entry.abs), options, new Map()) };
    }
    for (const f of r.files) options.onFile?.(f);
    return { report: r };
  }
  for (const x of options.extra ?? []) {
    const r = await x.validate(t, options);
    if (r) return { report: r };
  }
  return {
    diagnostic: {
      severity: "info",
      code: "not-validated",
      file: String((t as { path?: string }).path ?? ""),
      message: "not validated",
    },
  };
}

/**
 * Validates a file named on the command line that is in no run: by the format {@linkcode sniffFile} finds.
 * For a Polyaxon event file, its kind (the caller checks it as a run's file is checked).
 */
async function validateLoneFile(
  abs: string,
  given: string,
  options: ValidateOptions,
): Promise<RunReport | { kind: string }> {
  let format: FileFormat | null;
  let size = 0;
  try {
    size = (await Deno.stat(abs)).size;
    format = await sniffFile(abs);
  } catch (e) {
    const r = unrecognisedReport(given, size);
    r.files[0].diagnostics = [ioDiag(given, e, "cannot read")];
    return r;
  }
  const max = options.maxPerCode ?? 20;
  switch (format?.format) {
    case undefined:
      return unrecognisedReport(given, size);
    case "plx":
      return { kind: format.kind };
    case "jsonl":
      return relabel(await validateJsonlFile(abs, max), abs, given);
    case "tensorboard":
      return relabel(await validateTensorboardFile(abs), abs, given);
    case "parquet":
      return relabel(await validateParquetFile(abs), abs, given);
  }
}

/** Shows the path as the user gave it. */
function relabel(r: RunReport, abs: string, given: string): RunReport {
  const fix = (f: string) => (f === abs ? given : f);
  r.path = fix(r.path);
  for (const f of r.files) {
    f.file = fix(f.file);
    for (const d of f.diagnostics) d.file = fix(d.file);
  }
  for (const d of r.diagnostics) d.file = fix(d.file);
  return r;
}

/** Validates one run folder. */
export async function validateRun(run: RunFolder, options: ValidateOptions = {}): Promise<RunReport> {
  const report: RunReport = { id: run.id, path: run.path, format: "plx", files: [], diagnostics: [] };
  const assetCache = new Map<string, string | null>();
  for await (const e of listRun(run)) {
    if ("severity" in e) {
      report.diagnostics.push(e);
      continue;
    }
    if (options.select && !options.select.file(e.rel)) continue;
    const f = await validateEntry(e, run.id, run.path, options, assetCache);
    report.files.push(f);
    options.onFile?.(f);
  }
  return report;
}

async function validateEntry(
  entry: RunEntry,
  runId: string,
  root: string,
  options: ValidateOptions,
  assetCache: Map<string, string | null>,
): Promise<FileReport> {
  const sink = new DiagnosticSink(options.maxPerCode ?? 20);
  const report: FileReport = {
    file: entry.rel,
    role: entry.role,
    events: 0,
    records: 0,
    bytes: 0,
    diagnostics: [],
  };
  const streaming = entry.role === "event" || entry.role === "resource";
  const counted = countBytes(readChunks(entry.abs, undefined, streaming), report);
  try {
    switch (entry.role) {
      case "event":
      case "resource":
        await validateEvents(entry, runId, root, counted, report, sink, options, assetCache);
        break;
      case "log":
        for await (const b of readLogs(counted, runId, entry.rel)) {
          report.records += b.records.length;
          b.diagnostics.forEach((d) => sink.add(d));
        }
        break;
      case "run-meta":
      case "lineage":
        await validateJsonFile(entry, counted, report, sink);
        break;
      default:
        sink.add({
          severity: "info",
          code: "unknown-file",
          file: entry.rel,
          message: "not part of the Polyaxon run layout; not checked",
        });
    }
  } catch (e) {
    sink.add({
      severity: "error",
      code: "io",
      file: entry.rel,
      message: `cannot read: ${
        e instanceof Deno.errors.PermissionDenied
          ? "permission denied"
          : e instanceof Error
          ? e.message
          : String(e)
      }`,
    });
  }
  report.diagnostics = sink.finish();
  return report;
}

async function* countBytes(
  chunks: AsyncIterable<Uint8Array>,
  report: FileReport,
): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    report.bytes += c.length;
    yield c;
  }
}

async function validateJsonFile(
  entry: RunEntry,
  chunks: AsyncIterable<Uint8Array>,
  report: FileReport,
  sink: DiagnosticSink,
): Promise<void> {
  const max = 256 * 1024 * 1024;
  const bytes = await collectBounded(chunks, max);
  if (bytes === null) {
    sink.add({
      severity: "error",
      code: "too-large",
      file: entry.rel,
      message: `larger than ${max} bytes; not read`,
    });
    return;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    sink.add({ severity: "error", code: "invalid-utf8", file: entry.rel, message: "invalid UTF-8" });
    return;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split("\n").length : undefined;
    sink.add({
      severity: "error",
      code: "bad-json",
      file: entry.rel,
      line,
      message: `invalid JSON: ${msg.slice(0, 160)}`,
    });
    return;
  }
  const schema = entry.role === "run-meta" ? RunRecordSchema : LineagesSchema;
  const r = schema.safeParse(doc);
  if (!r.success) {
    sink.add({ severity: "error", code: "schema", file: entry.rel, message: zodMessage(r.error) });
    return;
  }
  report.records = Array.isArray(doc) ? doc.length : 1;
}
