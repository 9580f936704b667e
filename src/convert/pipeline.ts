/**
 * The conversion pipeline: every format offers an {@linkcode EventSource} (runs of canonical events and
 * their asset bytes) and/or an {@linkcode EventSink}; {@linkcode convert} moves runs from one to the other,
 * run by run, so one bad run never stops a batch, and keeps a ledger of everything a target cannot hold.
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics.ts";
import { assetRefs, type MetricColumns, type PlxEvent } from "../model/event.ts";
import type { PlxBatch } from "../formats/plx/read.ts";
import {
  type CommitRecord,
  commitRecordPath,
  type Loss,
  MAX_LOSSES,
  readCommitRecord,
  type RunFile,
  writeCommitRecord,
} from "./carry.ts";

export type { CommitRecord, Loss, RunFile } from "./carry.ts";

/** What is known about a run besides its events. */
export interface RunInfo {
  /** Run id (folder name / uuid). */
  id: string;
  /** The offline run record (`run.plx.json`), when the source has one. */
  meta?: Record<string, unknown>;
  /** The offline lineage records (`lineages.plx.json`), when the source has them. */
  lineages?: unknown[];
  /**
   * The texts of those two files as the source had them, so sinks can write them back byte for byte
   * (`4.0` stays `4.0`, escapes stay escapes); see {@linkcode recordText}.
   */
  records?: { meta?: string; lineages?: string };
}

/**
 * The text to write for a run record: the source's own text when it still says exactly what the parsed
 * record says (a source may have added to the record), else the record as compact JSON.
 *
 * @example
 * ```ts
 * import { recordText } from "./pipeline.ts";
 * recordText({ count: 4 }, '{"count": 4.0}'); // '{"count": 4.0}'
 * recordText({ count: 5 }, '{"count": 4.0}'); // '{"count":5}'
 * ```
 */
export function recordText(parsed: unknown, text: string | undefined): string {
  const json = JSON.stringify(parsed);
  if (text !== undefined) {
    try {
      if (JSON.stringify(JSON.parse(text)) === json) return text;
    } catch { /* not JSON: write the record */ }
  }
  return json;
}

/**
 * The stretches of consecutive events of one run, as index ranges `[from, to)` in order: sources that read
 * several runs from one stream cut their batches there (a batch belongs to one run).
 *
 * @example
 * ```ts
 * import { runStretches } from "./pipeline.ts";
 * // runStretches(events) -> [{ run: "a", from: 0, to: 3 }, { run: "b", from: 3, to: 5 }]
 * ```
 */
export function runStretches(events: readonly PlxEvent[]): { run: string; from: number; to: number }[] {
  const out: { run: string; from: number; to: number }[] = [];
  for (let from = 0; from < events.length;) {
    const run = events[from].run;
    let to = from + 1;
    while (to < events.length && events[to].run === run) to++;
    out.push({ run, from, to });
    from = to;
  }
  return out;
}

/** One run of a source. */
export interface RunSource {
  /** The run's id and offline records; a source may fill in more while its batches are read. */
  readonly info: RunInfo;
  /** The run's events (with read diagnostics), file by file, in a stable order. */
  batches(): AsyncIterable<PlxBatch>;
  /** Bytes of a run-relative asset, or `null` when the source does not have it. */
  readAsset(rel: string): Promise<Uint8Array | null>;
  /**
   * Every file of the run that is not read as events and is not one of the two run records (those are in
   * {@linkcode RunInfo}): `outputs/`, `plxlogs/`, `assets/` (referenced or not), files outside the layout,
   * run-relative as in a Polyaxon run folder, sorted; with a diagnostic (an `error` is a loss) for each file
   * that cannot be read. Called once, after {@linkcode RunSource.batches}. Optional: a source without it has
   * no such files.
   */
  files?(): AsyncIterable<RunFile | Diagnostic>;
}

/** Where runs come from. Diagnostics are problems met while finding runs. */
export interface EventSource {
  /** Every run found, with a diagnostic for each problem met while looking for them. */
  runs(): AsyncIterable<RunSource | Diagnostic>;
}

/** Where one run's events go. */
export interface RunSink {
  /** Writes a batch; asset bytes are fetched from `source` as needed. */
  write(events: PlxEvent[], source: RunSource): Promise<void>;
  /**
   * Writes metric rows held as columns ({@linkcode PlxBatch.metrics}); optional: without it the sink gets
   * the same rows as events through {@linkcode RunSink.write}. Must write exactly what `write` would.
   */
  writeMetrics?(columns: MetricColumns, source: RunSource): Promise<void>;
  /**
   * Carries a file of the run ({@linkcode RunSource.files}) as bytes, called after the last batch and
   * before {@linkcode RunSink.commit}. Returns nothing when the file is carried (or already was, as an asset
   * an event referenced), or the reason it is not: then it is a {@linkcode Loss} of the run. A sink
   * without this method carries no files: each is a loss ("the target does not carry run files").
   */
  writeFile?(file: RunFile, source: RunSource): Promise<void | string>;
  /** Makes the run's output complete and visible (renames temporary files). */
  commit(): Promise<void>;
  /** Throws away the run's partial output. */
  abort(): Promise<void>;
}

/** Where runs go. */
export interface EventSink {
  /** Starts a run; `"done"` when its output already exists complete (resume: skip it). */
  openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done">;
  /** Finishes the output as a whole (e.g. dataset metadata). */
  close(): Promise<void>;
  /**
   * True when run ids become file or folder names: then two runs whose ids differ only in case or Unicode
   * normalization would share a path on macOS/Windows file systems, and the second is refused.
   */
  readonly runIdsArePaths?: boolean;
  /**
   * The folder where the pipeline keeps one {@linkcode CommitRecord} per committed run
   * (`<commitDir>/<run id>.json`, e.g. `<out>/.plxkit/commits`), written just before the run's
   * {@linkcode RunSink.commit}; read back when {@linkcode EventSink.openRun} says `"done"`, so a rerun
   * reports the run's losses again. Undefined for a sink without resume (a rerun redoes every run).
   */
  readonly commitDir?: string;
}

/**
 * Counts what a conversion could not carry, by reason (e.g. `"tensorboard: span events (kept only in the
 * plxkit plugin)"`). Conversions print it so nothing is dropped silently.
 */
export class DropLedger {
  readonly #counts = new Map<string, number>();
  readonly #losses: Loss[] = [];
  /** Notes `count` items dropped or changed for `reason`. */
  note(reason: string, count = 1): void {
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + count);
  }
  /**
   * Notes that a run lost a file or a line of it (by name, with the reason); counted under the reason too.
   * Each loss makes the run fail unless accepted (`--accept-loss`).
   */
  lose(loss: Loss): void {
    this.#losses.push(loss);
    this.note(loss.reason);
  }
  /** Every loss noted, in order. */
  get losses(): readonly Loss[] {
    return this.#losses;
  }
  /** Reason -> count, sorted by reason. */
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.#counts].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  /** How many distinct reasons were noted. */
  get size(): number {
    return this.#counts.size;
  }
}

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
  for await (const item of source.runs()) {
    if ("severity" in item) {
      if (item.severity === "error") report.failed = true;
      diag(item);
      continue;
    }
    const run = item;
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
        for await (const batch of run.batches()) {
          for (const d of batch.diagnostics) {
            if (d.severity === "error") {
              lose({ run: run.info.id, file: d.file, line: d.line, reason: d.message });
            }
            diag(d.file.startsWith(run.info.id) ? d : { ...d, file: `${run.info.id}/${d.file}` });
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
              if (f.severity === "error") {
                lose({ run: run.info.id, file: f.file, line: f.line, reason: f.message });
              }
              diag(f.file.startsWith(run.info.id) ? f : { ...f, file: `${run.info.id}/${f.file}` });
              continue;
            }
            if (!out.writeFile && referenced.has(f.rel)) continue; // carried as an asset
            const why = out.writeFile
              ? await out.writeFile(f, run)
              : "the target format does not carry run files";
            if (typeof why === "string") lose({ run: run.info.id, file: f.rel, reason: why });
            else outcome.files++;
          }
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
