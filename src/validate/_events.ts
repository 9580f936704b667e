/**
 * The checks of one event file beyond what its reader reports: every value against its kind's schema and
 * shape, timestamps pandas can hold, step order, span trees, and asset references (inside the run, regular
 * files). Part of the validator (`validate.ts`).
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import type { DiagnosticSink } from "../diagnostics.ts";
import { assetRefs, type PlxEvent, toPolyaxonValue } from "../model/event.ts";
import { parseTimestamp } from "../model/time.ts";
import { DECLARED_FIELDS } from "../schema/values.ts";
import { isInside } from "../io/files.ts";
import { PlxReader } from "../formats/plx/read.ts";
import type { RunEntry } from "../model/layout.ts";
import type { FileReport } from "../model/report.ts";
import type { ValidateOptions } from "./validate.ts";
/** Reads one event file and checks every event (values, times, steps, assets) into `report` and `sink`. */
export async function validateEvents(
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
