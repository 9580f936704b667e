/**
 * The conversion pipeline: every format offers an {@linkcode EventSource} (runs of canonical events and
 * their asset bytes) and/or an {@linkcode EventSink}; {@linkcode convert} moves runs from one to the other,
 * run by run, so one bad run never stops a batch, and keeps a ledger of everything a target cannot hold.
 *
 * @module
 */
import type { Diagnostic, DiagnosticCode } from "../diagnostics.ts";
import { DropLedger, type EventSink, type EventSource, type RunSink } from "./core.ts";

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
}

/**
 * Moves every run of `source` into `sink`. A run that throws is aborted (its partial output removed) and
 * reported as failed; the others go on.
 *
 * @example
 * ```ts
 * import { convert } from "./pipeline.ts";
 * // const report = await convert(new PlxSource(["runs/"]), new JsonlSink("out.jsonl"));
 * ```
 */
export async function convert(
  source: EventSource,
  sink: EventSink,
  options: ConvertOptions = {},
): Promise<ConvertReport> {
  const ledger = new DropLedger();
  const report: ConvertReport = { runs: [], events: 0, diagnostics: [], dropped: {} };
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
      diag(item.diagnostic);
      continue;
    }
    const run = item.run;
    if (options.filter && !options.filter(run.info.id)) continue;
    const outcome: RunOutcome = { id: run.info.id, status: "ok", events: 0 };
    if (ids.has(run.info.id)) {
      outcome.status = "failed";
      outcome.error = `run id ${
        JSON.stringify(run.info.id)
      } comes a second time in this conversion (from another input, or another run with the same name after sanitising); the second is not converted, so nothing of either is merged or lost silently (rename one)`;
      report.runs.push(outcome);
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
        options.onRun?.(outcome);
        continue;
      }
      folded.set(key, run.info.id);
    }
    let out: RunSink | "done" | null = null;
    try {
      out = await sink.openRun(run.info, ledger);
      if (out === "done") {
        outcome.status = "skipped";
      } else {
        const lost: Diagnostic[] = [];
        for await (const batch of run.batches()) {
          for (const d of batch.diagnostics) {
            const shown = d.file.startsWith(run.info.id) ? d : { ...d, file: `${run.info.id}/${d.file}` };
            if (LOSS_CODES.has(d.code)) {
              lost.push(shown);
              diag({ ...shown, severity: "error" });
            } else diag(shown);
          }
          const m = batch.metrics;
          if (m !== undefined && out.writeMetrics !== undefined) {
            if (m.length) {
              await out.writeMetrics(m, run);
              outcome.events += m.length;
            }
          } else if (batch.events.length) {
            await out.write(batch.events, run);
            outcome.events += batch.events.length;
          }
        }
        if (lost.length) {
          throw new Error(
            `not committed: ${lost.length} file${
              lost.length === 1 ? "" : "s"
            } of the run could not be read (${
              lost.slice(0, 3).map((d) => `${d.file}: ${d.message}`).join("; ")
            }${lost.length > 3 ? "; ..." : ""})`,
          );
        }
        await out.commit();
      }
    } catch (e) {
      outcome.status = "failed";
      outcome.error = e instanceof Error ? e.message : String(e);
      if (out && out !== "done") await out.abort().catch(() => {});
    }
    report.events += outcome.events;
    report.runs.push(outcome);
    options.onRun?.(outcome);
  }
  await sink.close();
  report.dropped = ledger.toJSON();
  return report;
}
