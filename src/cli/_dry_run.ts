/**
 * What `plxkit convert --dry-run` and the progress totals need: per-run drop ledgers, the sizes a real run
 * would write and their report. Part of the convert command (`convert.ts`).
 *
 * @module
 */
import * as path from "node:path";
import {
  type ConvertReport,
  DropLedger,
  type EventSink,
  type Loss,
  type RunInfo,
  type RunSink,
} from "../convert/pipeline.ts";
import type { FormatSpec } from "../convert/core.ts";

import { STDIN_PATH } from "./inputs.ts";
import type { ProgressTotals } from "./progress.ts";

/** A ledger that also notes into another (the whole conversion's), so one run's drops can be shown. */
export class TeeLedger extends DropLedger {
  constructor(readonly outer: DropLedger) {
    super();
  }
  override note(reason: string, count = 1): void {
    super.note(reason, count);
    this.outer.note(reason, count);
  }
  override lose(loss: Loss): void {
    this.outer.lose(loss); // (the pipeline reads the losses of the whole conversion's ledger)
    super.note(loss.reason);
  }
}

/** What a dry run found for one run. */
export interface DryRun {
  id: string;
  dropped: DropLedger;
}

/** `sink` with each run's drops kept apart (dry runs print them per run). */
export function perRunLedgers(sink: EventSink, runs: DryRun[]): EventSink {
  return {
    runIdsArePaths: sink.runIdsArePaths,
    async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
      const mine = new TeeLedger(ledger);
      runs.push({ id: info.id, dropped: mine });
      return await sink.openRun(info, mine);
    },
    close: () => sink.close(),
  };
}

/** Sizes of the files under `dir`, by top-level entry name. */
export async function sizesByEntry(dir: string): Promise<Map<string, { files: number; bytes: number }>> {
  const out = new Map<string, { files: number; bytes: number }>();
  async function walk(p: string, top: string): Promise<void> {
    for await (const e of Deno.readDir(p)) {
      const full = path.join(p, e.name);
      const key = top || e.name;
      if (e.isDirectory) await walk(full, key);
      else if (e.isFile) {
        const t = out.get(key) ?? { files: 0, bytes: 0 };
        t.files++;
        t.bytes += (await Deno.stat(full)).size;
        out.set(key, t);
      }
    }
  }
  await walk(dir, "").catch(() => {});
  return out;
}

export function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

export const RUN_MARKERS = new Set(["events", "resources", "plxlogs", "run.plx.json"]);

/**
 * Fills `totals` with the input bytes and (for Polyaxon runs: folders holding `events/`, `resources/`,
 * `plxlogs/` or `run.plx.json`, not looked for inside a run) the number of runs, for the progress line's
 * ETA, while the conversion goes on. Walks synchronously in slices of ~20 ms (a conversion keeps the event
 * loop busy; an await per folder would take minutes to get through), and stops when `signal` aborts.
 */
export async function planTotals(
  from: FormatSpec,
  inputs: string[],
  totals: ProgressTotals,
  signal: AbortSignal,
): Promise<void> {
  let bytes = 0;
  let runs = 0;
  const stack: { p: string; inRun: boolean; depth: number }[] = inputs
    .filter((i) => i !== STDIN_PATH)
    .map((p) => ({ p, inRun: false, depth: 0 }));
  while (stack.length) {
    const sliceEnd = performance.now() + 20;
    while (stack.length && performance.now() < sliceEnd) {
      const { p, inRun, depth } = stack.pop()!;
      try {
        const st = Deno.statSync(p);
        if (st.isFile) {
          bytes += st.size;
          continue;
        }
        if (!st.isDirectory || depth > 64) continue;
        const entries = [...Deno.readDirSync(p)];
        const isRun = !inRun && entries.some((e) => RUN_MARKERS.has(e.name));
        if (isRun) runs++;
        for (const e of entries) {
          if (!e.isSymlink) stack.push({ p: path.join(p, e.name), inRun: inRun || isRun, depth: depth + 1 });
        }
      } catch { /* unreadable: the conversion reports it */ }
    }
    await new Promise((r) => setTimeout(r, 0));
    if (signal.aborted) return;
  }
  if (bytes) totals.bytes = bytes;
  if (from.name === "plx") totals.runs = runs;
}

/** What a dry run foresees. */
export interface DryRunPlan {
  /** Files and bytes a real run would write. */
  files: number;
  bytes: number;
  /** Per run: the outcome, events, files and bytes (when the run has its own files) and drops. */
  runs: {
    id: string;
    status: string;
    events: number;
    files?: number;
    bytes?: number;
    dropped: Record<string, number>;
  }[];
  /** Set when `--out` exists as one file or dataset a real run resumes (its skips are not foreseen). */
  note?: string;
}

/**
 * Reads what the dry run wrote under `target` into a plan, per run. A run whose own outputs (entries named
 * by its id) all exist already under the real `out` is marked as a real rerun treats it: already done,
 * nothing written, nothing dropped; `report` is updated to match.
 */
export async function dryRunPlan(
  report: ConvertReport,
  dry: DryRun[],
  target: string,
  out: string,
  toStdout: boolean,
): Promise<DryRunPlan> {
  const sizes = await sizesByEntry(target);
  const plan: DryRunPlan = { files: 0, bytes: 0, runs: [] };
  let single: number | undefined;
  try {
    const st = await Deno.stat(target);
    if (st.isFile) single = st.size;
  } catch { /* nothing written */ }
  const owned = new Set<string>();
  for (const r of report.runs) {
    const keys = [...sizes.keys()].filter((k) => k === r.id || k.startsWith(`${r.id}.`));
    keys.forEach((k) => owned.add(k));
    const dropped = dry.find((d) => d.id === r.id)?.dropped.toJSON() ?? {};
    let done = !toStdout && r.status === "ok" && keys.length > 0;
    for (const k of keys) if (done && !(await exists(path.join(out, k)))) done = false;
    if (done) {
      r.status = "skipped";
      r.events = 0;
      report.files -= r.files;
      r.files = 0;
      for (const [reason, n] of Object.entries(dropped)) {
        const left = (report.dropped[reason] ?? 0) - n;
        if (left > 0) report.dropped[reason] = left;
        else delete report.dropped[reason];
      }
      plan.runs.push({ id: r.id, status: r.status, events: 0, dropped: {} });
      continue;
    }
    const own = keys.map((k) => sizes.get(k)!);
    const files = own.reduce((n, v) => n + v.files, 0);
    const bytes = own.reduce((n, v) => n + v.bytes, 0);
    plan.files += files;
    plan.bytes += bytes;
    plan.runs.push({
      id: r.id,
      status: r.status,
      events: r.events,
      ...(keys.length ? { files, bytes } : {}),
      dropped,
    });
  }
  // Files of no one run (dataset metadata, the one output file).
  for (const [k, v] of sizes) {
    if (!owned.has(k)) [plan.files, plan.bytes] = [plan.files + v.files, plan.bytes + v.bytes];
  }
  if (single !== undefined) [plan.files, plan.bytes] = [1, single];
  report.events = report.runs.reduce((n, r) => n + r.events, 0);
  if (
    !toStdout && (single !== undefined || !report.runs.some((r) => sizes.has(r.id))) && (await exists(out))
  ) {
    plan.note = single !== undefined
      ? `${out} exists: a real run replaces it as a whole`
      : `${out} exists: a real run resumes it and skips the runs it already holds (not foreseen here)`;
  }
  return plan;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await Deno.lstat(p);
    return true;
  } catch {
    return false;
  }
}

export function dryRunText(plan: DryRunPlan, quiet: boolean): string {
  if (quiet) return "";
  const lines: string[] = [];
  for (const r of plan.runs) {
    if (r.status === "skipped") {
      lines.push(`${r.id}: already done (its output exists; a real run skips it)`);
      continue;
    }
    const where = r.files !== undefined
      ? ` (${r.files} file${r.files === 1 ? "" : "s"}, ${mb(r.bytes!)})`
      : "";
    const verdict = r.status === "failed" ? "would fail after" : "would write";
    lines.push(`${r.id}: ${verdict} ${r.events} events${where}`);
    for (const [reason, n] of Object.entries(r.dropped)) lines.push(`  not carried over: ${n} × ${reason}`);
  }
  if (plan.note) lines.push(`note: ${plan.note}`);
  lines.push(`would write ${plan.files} file${plan.files === 1 ? "" : "s"}, ${mb(plan.bytes)} in all`);
  return lines.join("\n") + "\n";
}
