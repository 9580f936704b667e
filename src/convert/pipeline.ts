/**
 * The conversion pipeline: every format offers an {@linkcode EventSource} (runs of canonical events and
 * their asset bytes) and/or an {@linkcode EventSink}; {@linkcode convert} moves runs from one to the other,
 * run by run, so one bad run never stops a batch, and keeps a ledger of everything a target cannot hold.
 *
 * @module
 */
import type { Diagnostic, DiagnosticCode } from "../diagnostics.ts";
import { assetRefs } from "../model/event.ts";
import { DropLedger, type EventSink, type EventSource, type RunSink } from "./core.ts";
import {
  type CommitRecord,
  commitRecordPath,
  type Loss,
  MAX_LOSSES,
  originalOf,
  readCommitRecord,
  writeCommitRecord,
} from "./carry.ts";

export type { CommitRecord, Loss, RunFile } from "./carry.ts";

export {
  diagnosticItem,
  DropLedger,
  type EventSink,
  type EventSource,
  loadRunInfo,
  recordText,
  type RunInfo,
  runInfoProblems,
  runItem,
  type RunSink,
  type RunSource,
  runStretches,
  type SourceItem,
} from "./core.ts";

/**
 * Diagnostic codes that mean a whole file of a run was not read (unreadable, refused, cut, a bad run
 * record): a run with one is failed and not committed, so a rerun tries it again instead of calling it done.
 */
export const LOSS_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  "io",
  "link-outside",
  "not-a-file",
  "bad-run-record",
  "truncated-gzip",
]);

/** Outcome of one run. */
export interface RunOutcome {
  /** Run id. */
  id: string;
  /** `ok`: converted; `skipped`: the sink already had it complete (resume); `failed`: see `error`. */
  status: "ok" | "failed" | "skipped";
  /** Events handed to the sink (for a failed run, those before the failure; 0 when skipped). */
  events: number;
  /** Why the run failed; set when `status` is `failed`. */
  error?: string;
  /** Files carried as bytes ({@linkcode RunSource.files}). */
  files: number;
  /**
   * What the run lost (file, line, reason), at most {@linkcode MAX_LOSSES}; for a skipped run, what its
   * commit record says it lost when it was converted.
   */
  lost: Loss[];
  /** How many losses in all. */
  lostCount: number;
  /** True when the losses are accepted (`acceptLoss` now, or recorded so in the commit record). */
  accepted: boolean;
}

/** What {@linkcode convert} did. */
export interface ConvertReport {
  /** One outcome per run, in source order (runs left out by `filter` are not listed). */
  runs: RunOutcome[];
  /** Sum of the runs' {@linkcode RunOutcome.events}. */
  events: number;
  /**
   * Diagnostics met finding and reading runs, at most `maxDiagnostics` (`not-converted` notes go to
   * `dropped`).
   */
  diagnostics: Diagnostic[];
  /** What the sink could not carry: reason -> count ({@linkcode DropLedger.toJSON}). */
  dropped: Record<string, number>;
  /** Files carried as bytes, over all runs. */
  files: number;
  /** Losses of every run (the runs' {@linkcode RunOutcome.lost}, in run order). */
  lost: Loss[];
  /** Losses accepted (`acceptLoss`). */
  accepted: number;
  /**
   * True when the conversion did not carry everything it should have: a run failed, a problem was met
   * finding runs, or a run lost something (an unreadable line, a file the target cannot hold) and the loss
   * was not accepted, now or when it was converted.
   */
  failed: boolean;
}

/** Options of {@linkcode convert}. */
export interface ConvertOptions {
  /** Called after each run. */
  onRun?: (outcome: RunOutcome) => void;
  /** Keep only runs for which this returns true (e.g. `--shard k/n`). */
  filter?: (runId: string) => boolean;
  /** Called with every diagnostic as it arrives (for live printing); all are also in the report. */
  onDiagnostic?: (d: Diagnostic) => void;
  /** Keep at most this many diagnostics in the report. @default 10000 */
  maxDiagnostics?: number;
  /**
   * Accept the losses of this conversion (and of runs already done whose commit record lists losses not
   * yet accepted): they are still reported, recorded as accepted, and do not make the report `failed`.
   */
  acceptLoss?: boolean;
}

/** A diagnostic's file shown with its run: run-relative files get the run id in front, paths stay as they are. */
function inRun(id: string, d: Diagnostic): Diagnostic {
  if (d.file.startsWith(id) || d.file.startsWith("/") || /^[A-Za-z]:[\\/]/.test(d.file)) return d;
  return { ...d, file: `${id}/${d.file}` };
}

/**
 * Moves every run of `source` into `sink`. A run that throws is aborted (its partial output removed) and
 * reported as failed; the others go on.
 *
 * @example
 * ```ts
 * import { convert } from "./pipeline.ts";
 * import { PlxSource } from "../formats/plx/source.ts";
 * import { JsonlSink } from "../formats/jsonl/sink.ts";
 *
 * const out = await Deno.makeTempDir();
 * try {
 *   const report = await convert(new PlxSource(["fixtures/runs/"]), new JsonlSink(`${out}/all.jsonl`));
 *   if (report.failed || report.runs.length !== 4) throw new Error(JSON.stringify(report.runs));
 * } finally {
 *   await Deno.remove(out, { recursive: true });
 * }
 * ```
 */
export async function convert(
  source: EventSource,
  sink: EventSink,
  options: ConvertOptions = {},
): Promise<ConvertReport> {
  const ledger = new DropLedger();
  const report: ConvertReport = {
    runs: [],
    events: 0,
    diagnostics: [],
    dropped: {},
    files: 0,
    lost: [],
    accepted: 0,
    failed: false,
  };
  const max = options.maxDiagnostics ?? 10_000;
  const diag = (d: Diagnostic) => {
    if (d.code === "not-converted") {
      ledger.note(`${d.message}: not converted`);
      return;
    }
    options.onDiagnostic?.(d);
    if (report.diagnostics.length < max) report.diagnostics.push(d);
  };
  const folded = new Map<string, string>();
  // Every run id met in this conversion: the same id from two inputs is an error, never "already done".
  const ids = new Set<string>();
  for await (const item of source.runs()) {
    if (item.type === "diagnostic") {
      if (item.diagnostic.severity === "error") report.failed = true;
      diag(item.diagnostic);
      continue;
    }
    const run = item.run;
    if (options.filter && !options.filter(run.info.id)) continue;
    const outcome: RunOutcome = {
      id: run.info.id,
      status: "ok",
      events: 0,
      files: 0,
      lost: [],
      lostCount: 0,
      accepted: false,
    };
    if (ids.has(run.info.id)) {
      outcome.status = "failed";
      outcome.error = `run id ${
        JSON.stringify(run.info.id)
      } comes a second time in this conversion (from another input, or another run with the same name after sanitising); the second is not converted, so nothing of either is merged or lost silently (rename one)`;
      report.runs.push(outcome);
      report.failed = true;
      options.onRun?.(outcome);
      continue;
    }
    ids.add(run.info.id);
    if (sink.runIdsArePaths) {
      const key = run.info.id.normalize("NFC").toLowerCase();
      const other = folded.get(key);
      if (other !== undefined && other !== run.info.id) {
        outcome.status = "failed";
        outcome.error = `run id ${JSON.stringify(run.info.id)} differs from run ${
          JSON.stringify(other)
        } only in case or Unicode normalization; they would share one folder on case-insensitive file systems, so it is not converted (rename one)`;
        report.runs.push(outcome);
        report.failed = true;
        options.onRun?.(outcome);
        continue;
      }
      folded.set(key, run.info.id);
    }
    let out: RunSink | "done" | null = null;
    let recordWritten = "";
    const lostBefore = ledger.losses.length;
    const lost: Loss[] = [];
    const lose = (l: Loss) => lost.push(l);
    const referenced = new Set<string>();
    try {
      out = await sink.openRun(run.info, ledger);
      if (out === "done") {
        outcome.status = "skipped";
        const rec = sink.commitDir ? await readCommitRecord(sink.commitDir, run.info.id || "run") : null;
        if (rec) {
          outcome.lost = rec.lost;
          outcome.lostCount = rec.lostCount ?? rec.lost.length;
          outcome.accepted = rec.accepted === true;
          if (outcome.lostCount && !outcome.accepted && options.acceptLoss) {
            rec.accepted = outcome.accepted = true;
            rec.acceptedAt = new Date().toISOString();
            await writeCommitRecord(sink.commitDir!, rec);
          }
        }
      } else {
        // A whole file not read (LOSS_CODES) fails the run: it is not committed, and a rerun tries it again.
        const unread: Diagnostic[] = [];
        for await (const batch of run.batches()) {
          for (const d of batch.diagnostics) {
            const shown = inRun(run.info.id, d);
            if (LOSS_CODES.has(d.code as DiagnosticCode)) {
              unread.push(shown);
              diag({ ...shown, severity: "error" });
              continue;
            }
            if (d.severity === "error") {
              lose({ run: run.info.id, file: d.file, line: d.line, reason: d.message });
            }
            diag(shown);
          }
          const m = batch.metrics;
          if (m !== undefined && out.writeMetrics !== undefined) {
            if (m.length) {
              await out.writeMetrics(m, run);
              outcome.events += m.length;
            }
          } else if (batch.events.length) {
            if (!out.writeFile) {
              // A sink without writeFile still carries the assets events reference (through readAsset).
              for (const e of batch.events) {
                if (e.type !== "metric") { for (const r of assetRefs(e)) referenced.add(r); }
              }
            }
            await out.write(batch.events, run);
            outcome.events += batch.events.length;
          }
        }
        if (run.files) {
          for await (const f of run.files()) {
            if ("severity" in f) {
              const shown = inRun(run.info.id, f);
              if (LOSS_CODES.has(f.code as DiagnosticCode)) {
                unread.push(shown);
                diag({ ...shown, severity: "error" });
                continue;
              }
              if (f.severity === "error") {
                lose({ run: run.info.id, file: f.file, line: f.line, reason: f.message });
              }
              diag(shown);
              continue;
            }
            if (!out.writeFile && referenced.has(f.rel)) continue; // carried as an asset
            const why = out.writeFile
              ? await out.writeFile(f, run)
              : "the target format does not carry run files";
            const original = originalOf(f.rel);
            if (typeof why === "string") {
              // An original not carried: its events are, re-encoded in the current form (noted, not lost).
              if (original !== null) {
                ledger.note("original bytes of event files the plx writer writes otherwise (events carried)");
              } else lose({ run: run.info.id, file: f.rel, reason: why });
            } else if (original === null) outcome.files++; // (an original is part of its event file)
          }
        }
        if (unread.length) {
          throw new Error(
            `not committed: ${unread.length} file${
              unread.length === 1 ? "" : "s"
            } of the run could not be read (${
              unread.slice(0, 3).map((d) => `${d.file}: ${d.message}`).join("; ")
            }${unread.length > 3 ? "; ..." : ""})`,
          );
        }
        lost.push(...ledger.losses.slice(lostBefore));
        outcome.lostCount = lost.length;
        outcome.lost = lost.slice(0, MAX_LOSSES);
        outcome.accepted = lost.length > 0 && options.acceptLoss === true;
        if (sink.commitDir) {
          const now = new Date().toISOString();
          const rec: CommitRecord = {
            type: "plxkit-commit",
            version: 1,
            run: run.info.id || "run",
            events: outcome.events,
            files: outcome.files,
            lost: outcome.lost,
            lostCount: outcome.lostCount,
            accepted: outcome.accepted,
            committedAt: now,
          };
          if (outcome.accepted) rec.acceptedAt = now;
          await writeCommitRecord(sink.commitDir, rec);
          recordWritten = commitRecordPath(sink.commitDir, rec.run);
        }
        await out.commit();
      }
    } catch (e) {
      outcome.status = "failed";
      outcome.error = e instanceof Error ? e.message : String(e);
      if (out && out !== "done") await out.abort().catch(() => {});
      if (recordWritten) await Deno.remove(recordWritten).catch(() => {});
    }
    if (outcome.status === "failed" || (outcome.lostCount > 0 && !outcome.accepted)) report.failed = true;
    if (outcome.accepted) report.accepted += outcome.lostCount;
    report.events += outcome.events;
    report.files += outcome.files;
    report.lost.push(...outcome.lost);
    report.runs.push(outcome);
    options.onRun?.(outcome);
  }
  await sink.close();
  report.dropped = ledger.toJSON();
  return report;
}
