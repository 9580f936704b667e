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
import { assetRefs, type PlxEvent, toPolyaxonValue } from "../model/event.ts";
import { parseTimestamp } from "../model/time.ts";
import { isInside, readChunks } from "../io/files.ts";
import { collectBounded } from "../io/bytes.ts";
import { DECLARED_FIELDS } from "../schema/values.ts";
import { LineagesSchema, RunRecordSchema } from "../schema/run.ts";
import { zodMessage } from "../schema/issues.ts";
import { discover, type DiscoverOptions, listRun } from "../formats/plx/layout.ts";
import { PlxReader } from "../formats/plx/read.ts";
import { readLogs } from "../model/logs.ts";
import type { RunEntry, RunFolder, Target } from "../model/layout.ts";
import type { FileReport, Generation, RunReport } from "../model/report.ts";
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

async function validateEvents(
  entry: RunEntry,
  runId: string,
  root: string,
  chunks: AsyncIterable<Uint8Array>,
  report: FileReport,
  sink: DiagnosticSink,
  options: ValidateOptions,
  assetCache: Map<string, string | null>,
): Promise<void> {
  const file = entry.rel;
  const reader = new PlxReader({
    run: runId,
    scope: entry.role === "resource" ? "resources" : "events",
    kind: entry.kind ?? "",
    name: entry.name ?? "",
    file,
  });
  report.kind = entry.kind;
  let lastStep: number | null = null;
  let lastStepLine = 0;
  const checkAssets = options.checkAssets ?? true;
  let realRoot: string | undefined; // resolved once per file, on the first asset
  const checkStep = (step: number, line: number) => {
    if (lastStep !== null) {
      if (step < lastStep) {
        sink.add({
          severity: "warning",
          code: "step-order",
          file,
          line,
          message: `step ${step} comes after step ${lastStep} (line ${lastStepLine}): steps go backwards`,
        });
      } else if (step === lastStep) {
        sink.add({
          severity: "warning",
          code: "step-repeat",
          file,
          line,
          message: `step ${step} repeats (also at line ${lastStepLine})`,
        });
      }
    }
    lastStep = step;
    lastStepLine = line;
  };
  const times = new PandasTimes(file);
  for await (const batch of reader.read(chunks)) {
    for (const d of batch.diagnostics) sink.add(d);
    const m = batch.metrics;
    if (m !== undefined) {
      // Metric rows as columns: only steps and times to check, no event objects needed.
      const steps = m.step;
      const lines = m.line;
      const offsets = m.offset;
      const micros = m.micros;
      for (let i = 0; i < m.length; i++) {
        const step = steps[i];
        if (step === step) checkStep(step, lines[i]);
        times.add(offsets[i], micros[i], lines[i], sink);
      }
      continue;
    }
    const events = batch.events;
    const lines = batch.lines ?? [];
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      const line = lines[i];
      const step = e.step;
      if (step !== null) checkStep(step, line);
      times.add(e.timestamp.offset ?? NaN, e.timestamp.micros, line, sink);
      if (e.type !== "metric") {
        checkValue(e, file, line, sink);
        if (checkAssets) {
          // Models and artifacts may be folders (Polyaxon logs a saved model directory as is); an image,
          // audio clip, video or dataframe is a file.
          const folderOk = e.type === "model" || e.type === "artifact";
          for (const ref of assetRefs(e)) {
            const key = folderOk ? `d:${ref}` : `f:${ref}`;
            let problem = assetCache.get(key);
            if (problem === undefined) {
              realRoot ??= await Deno.realPath(root);
              problem = await checkAsset(root, ref, realRoot, folderOk);
              assetCache.set(key, problem);
            }
            if (problem) sink.add({ severity: "error", code: "asset", file, line, message: problem });
          }
        }
      }
    }
  }
  times.finish(sink);
  const info = reader.info;
  report.events = info.events;
  report.generation = info.generation;
  report.encoding = info.encoding;
  if (info.encoding === "mixed") {
    sink.add({
      severity: "warning",
      code: "mixed",
      file,
      message:
        "mixed file: a CSV header followed by JSON lines (a run resumed by a newer writer); Polyaxon's own reader mis-reads it",
    });
  }
  if (options.generation && info.generations.length && !info.generations.includes(options.generation)) {
    sink.add({
      severity: "error",
      code: "generation",
      file,
      message: `format generation is ${
        info.generations.join(" or ")
      }, not the required ${options.generation}`,
    });
  }
}

/** The range of pandas' nanosecond timestamps (1677-09-21 to 2262-04-11), in microseconds since 1970. */
const PANDAS_MIN_MICROS = -9_223_372_036_854_775;
const PANDAS_MAX_MICROS = 9_223_372_036_854_775;

function offsetText(offset: number): string {
  if (offset !== offset) return "no UTC offset (naive)";
  const a = Math.abs(offset);
  const hh = String(Math.floor(a / 3600)).padStart(2, "0");
  const mm = String(Math.floor((a % 3600) / 60)).padStart(2, "0");
  const ss = a % 60 ? `:${String(a % 60).padStart(2, "0")}` : "";
  return `${offset < 0 ? "-" : "+"}${hh}:${mm}${ss}`;
}

/**
 * Where Polyaxon's own reader would fail on a file's timestamps: traceml reads them with pandas
 * (`read_csv(parse_dates=...)`, `to_datetime`), which cannot parse a column mixing UTC offsets (or aware
 * and naive times) and cannot hold a time outside its nanosecond range. plxkit reads both; these are
 * warnings naming the lines.
 */
class PandasTimes {
  /** Lines per offset seen (a few kept), in order of first appearance; offsets in seconds, NaN naive. */
  #offsets = new Map<number, { lines: number[]; count: number }>();
  #naive = { lines: [] as number[], count: 0 };
  constructor(readonly file: string) {}

  #lastOffset = NaN;
  #last: { lines: number[]; count: number } | null = null;

  add(offset: number, micros: number, line: number, sink: DiagnosticSink): void {
    // (one offset per file is the rule: the last group is reused without a map lookup)
    let e = offset === this.#lastOffset ? this.#last! : null;
    if (e === null) {
      e = offset !== offset ? this.#naive : this.#offsets.get(offset) ?? this.#new(offset);
      if (offset === offset) {
        this.#lastOffset = offset;
        this.#last = e;
      }
    }
    if (e.lines.length < 5) e.lines.push(line);
    e.count++;
    if (micros < PANDAS_MIN_MICROS || micros > PANDAS_MAX_MICROS) {
      sink.add({
        severity: "warning",
        code: "pandas-unreadable",
        file: this.file,
        line,
        message:
          "timestamp outside 1677-09-21..2262-04-11: Polyaxon's reader (pandas, nanosecond timestamps) fails on this file",
      });
    }
  }

  #new(offset: number) {
    const e = { lines: [] as number[], count: 0 };
    this.#offsets.set(offset, e);
    return e;
  }

  finish(sink: DiagnosticSink): void {
    const groups = [...this.#offsets.entries()];
    if (this.#naive.count) groups.push([NaN, this.#naive]);
    if (groups.length < 2) return;
    groups.sort((a, b) => a[1].lines[0] - b[1].lines[0]);
    const where = groups.map(([o, g]) => {
      const more = g.count - g.lines.length;
      return `${offsetText(o)} at line${g.count === 1 ? "" : "s"} ${g.lines.join(", ")}${
        more ? ` and ${more} more` : ""
      }`;
    }).join("; ");
    sink.add({
      severity: "warning",
      code: "utc-offset-mix",
      file: this.file,
      line: groups[1][1].lines[0],
      message: `timestamps mix UTC offsets (${where}): Polyaxon's reader (pandas) cannot parse this file's ` +
        "timestamps; plxkit reads each with its own offset",
    });
  }
}

function checkValue(e: PlxEvent, file: string, line: number, sink: DiagnosticSink): void {
  const fields = DECLARED_FIELDS[e.type];
  if (fields && typeof e.value === "object" && e.value !== null) {
    // (fields as the file names them)
    for (const k of Object.keys(toPolyaxonValue(e.type, e.value) as object)) {
      if (
        !fields.includes(k) && !(e.type === "artifact" && k === "kind") &&
        !(k === "kind" && (e.type === "model" || e.type === "dataframe"))
      ) {
        sink.add({
          severity: "info",
          code: "unknown-field",
          file,
          line,
          message: `${e.kind} value has a field "${k}" the schema does not name (kept)`,
        });
      }
    }
  }
  switch (e.type) {
    case "histogram": {
      const v = e.value.counts;
      const c = e.value.edges;
      if (v && c && c.length !== v.length + 1) {
        sink.add({
          severity: "warning",
          code: "histogram-shape",
          file,
          line,
          message:
            `histogram has ${v.length} frequencies ("values") but ${c.length} edges ("counts"); expected ${
              v.length + 1
            } edges`,
        });
      }
      if (v && v.length > 512) {
        sink.add({
          severity: "warning",
          code: "histogram-shape",
          file,
          line,
          message: `histogram has ${v.length} bins; Polyaxon allows at most 512`,
        });
      }
      break;
    }
    case "confusion": {
      const { x, y, z } = e.value;
      if (x && y && z) {
        const bad = x.length !== y.length || y.length !== z.length ||
          z.some((row) => row.length !== z.length);
        if (bad) {
          sink.add({
            severity: "warning",
            code: "confusion-shape",
            file,
            line,
            message:
              `confusion matrix is not square with matching labels: ${x.length} x-labels, ${y.length} y-labels, ${z.length} rows of lengths ${
                [...new Set(z.map((r) => r.length))].join("/")
              }`,
          });
        }
      }
      break;
    }
    case "curve": {
      const { x, y } = e.value;
      if (x && y && x.length !== y.length) {
        sink.add({
          severity: "warning",
          code: "curve-shape",
          file,
          line,
          message: `curve has ${x.length} x values but ${y.length} y values`,
        });
      }
      break;
    }
    case "artifact": {
      if (e.value.kind !== undefined && e.value.kind !== e.kind && e.kind !== "artifact") {
        sink.add({
          severity: "warning",
          code: "artifact-kind",
          file,
          line,
          message: `artifact kind "${e.value.kind}" differs from its folder "${e.kind}"`,
        });
      }
      break;
    }
    case "span":
      checkSpan(e.value as Record<string, unknown>, file, line, sink, 0);
      break;
  }
}

function checkSpan(
  span: Record<string, unknown>,
  file: string,
  line: number,
  sink: DiagnosticSink,
  depth: number,
): void {
  for (const k of ["started_at", "finished_at"]) {
    const v = span[k];
    if (typeof v === "string" && parseTimestamp(v) === null) {
      sink.add({
        severity: "error",
        code: "bad-timestamp",
        file,
        line,
        message: `span ${k} "${v.slice(0, 60)}" is not a datetime`,
      });
    }
  }
  if (Array.isArray(span.children) && depth < 1000) {
    for (const c of span.children) {
      if (c && typeof c === "object") checkSpan(c as Record<string, unknown>, file, line, sink, depth + 1);
    }
  }
}

/**
 * Checks one asset reference; returns a problem sentence or null. The asset must exist inside the run and be
 * a regular file, or a folder when `folderOk` (models and artifacts).
 */
export async function checkAsset(
  root: string,
  ref: string,
  realRoot?: string,
  folderOk = true,
): Promise<string | null> {
  if (ref.includes("\0")) return `asset path ${JSON.stringify(ref)} contains a NUL byte`;
  if (path.isAbsolute(ref) || /^[A-Za-z]:[\\/]/.test(ref)) {
    return `asset path "${ref}" is absolute; asset paths must be relative to the run folder`;
  }
  const norm = path.posix.normalize(ref.replaceAll("\\", "/"));
  if (norm === ".." || norm.startsWith("../")) return `asset path "${ref}" leaves the run folder`;
  const abs = path.join(root, norm);
  let real: string;
  try {
    real = await Deno.realPath(abs);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return `asset "${ref}" is missing`;
    return `asset "${ref}" cannot be read: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!isInside(real, realRoot ?? await Deno.realPath(root))) {
    return `asset "${ref}" is a link that leads outside the run folder (to ${real})`;
  }
  try {
    const st = await Deno.stat(real);
    if (st.isDirectory && !folderOk) return `asset "${ref}" is a folder, not a file`;
    if (!st.isFile && !st.isDirectory) {
      return `asset "${ref}" is not a regular file (a FIFO, socket or device)`;
    }
  } catch (e) {
    return `asset "${ref}" cannot be read: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
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
