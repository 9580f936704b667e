/**
 * The core of conversion, which every format builds on: an {@linkcode EventSource} yields runs
 * ({@linkcode RunSource}) of canonical events, an {@linkcode EventSink} takes them run by run
 * ({@linkcode RunSink}), and a {@linkcode DropLedger} counts what a sink cannot hold. Formats import this
 * module, never `pipeline.ts` (which moves runs from a source to a sink) nor each other.
 *
 * @module
 */
import * as path from "node:path";
import type { Diagnostic } from "../diagnostics.ts";
import { readSourceTextSync } from "../io/safe.ts";
import type { Loss, RunFile } from "./carry.ts";
import type { PlxBatch } from "../model/batch.ts";
import type { MetricColumns, PlxEvent } from "../model/event.ts";

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
 * import { recordText } from "./core.ts";
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
 * import { runStretches } from "./core.ts";
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

/**
 * One item of {@linkcode EventSource.runs}: a run found (`type: "run"`), or a problem met while looking for
 * runs (`type: "diagnostic"`).
 */
export type SourceItem =
  | { readonly type: "run"; readonly run: RunSource }
  | { readonly type: "diagnostic"; readonly diagnostic: Diagnostic };

/** A {@linkcode SourceItem} for a run found. */
export function runItem(run: RunSource): SourceItem {
  return { type: "run", run };
}

/** A {@linkcode SourceItem} for a problem met while looking for runs. */
export function diagnosticItem(diagnostic: Diagnostic): SourceItem {
  return { type: "diagnostic", diagnostic };
}

/** Where runs come from. */
export interface EventSource {
  /**
   * Every run found, and a diagnostic for each problem met while looking for them.
   *
   * @example
   * ```ts
   * import { PlxSource } from "../formats/plx/source.ts";
   * for await (const item of new PlxSource(["fixtures/runs"]).runs()) {
   *   if (item.type === "diagnostic") console.error(item.diagnostic.message);
   *   else console.log(item.run.info.id);
   * }
   * ```
   */
  runs(): AsyncIterable<SourceItem>;
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
   * an event referenced), or the reason it is not: then it is a loss of the run. A sink without this method
   * carries no files: each is a loss ("the target does not carry run files").
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
   * The folder where the pipeline keeps one commit record per committed run (`<commitDir>/<run id>.json`,
   * e.g. `<out>/.plxkit/commits`), written just before the run's {@linkcode RunSink.commit}; read back when
   * {@linkcode EventSink.openRun} says `"done"`, so a rerun reports the run's losses again. Undefined for a
   * sink without resume (a rerun redoes every run).
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

/** Problems met loading a run's records ({@linkcode loadRunInfo}), by run info. */
const recordProblems = new WeakMap<RunInfo, Diagnostic[]>();

/**
 * The problems {@linkcode loadRunInfo} met with the run records of `info` (unreadable, refused, not JSON,
 * wrong shape), as `bad-run-record` errors: sources yield them with the run's first batch, and a run with
 * one is not committed (its record would be lost).
 */
export function runInfoProblems(info: RunInfo): Diagnostic[] {
  return recordProblems.get(info) ?? [];
}

/**
 * A JSON file's text and value; undefined when it does not exist; a diagnostic when it cannot be read
 * (permissions, a link out of the run, a FIFO) or is not JSON of the wanted shape.
 */
function readJson(
  dir: string,
  name: string,
  shape: (v: unknown) => boolean,
  what: string,
): { text: string; value: unknown } | Diagnostic | undefined {
  const file = path.join(dir, name);
  let text: string;
  try {
    // (synchronous: a small file, and cheaper than a round trip through the I/O thread pool)
    text = readSourceTextSync(file, dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    const why = e instanceof Deno.errors.PermissionDenied
      ? "permission denied"
      : e instanceof Error
      ? e.message.replace(`${file}: `, "")
      : String(e);
    return { severity: "error", code: "bad-run-record", file: name, message: `cannot read: ${why}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      severity: "error",
      code: "bad-run-record",
      file: name,
      message: `not valid JSON (${
        e instanceof Error ? e.message : String(e)
      }); the run's record would be lost`,
    };
  }
  if (!shape(value)) {
    return {
      severity: "error",
      code: "bad-run-record",
      file: name,
      message: `not ${what}; the run's record would be lost`,
    };
  }
  return { text, value };
}

/**
 * The run info of run `id` from the offline files in `dir` (`run.plx.json`, `lineages.plx.json`). A file
 * that exists but cannot be read or is not JSON of the right shape is left out of the info and reported by
 * {@linkcode runInfoProblems}. Used wherever those files sit beside events.
 */
export function loadRunInfo(id: string, dir: string): RunInfo {
  const info: RunInfo = { id };
  const records: NonNullable<RunInfo["records"]> = {};
  const problems: Diagnostic[] = [];
  const meta = readJson(
    dir,
    "run.plx.json",
    (v) => typeof v === "object" && v !== null && !Array.isArray(v),
    "a JSON object",
  );
  if (meta && "severity" in meta) problems.push(meta);
  else if (meta) {
    info.meta = meta.value as Record<string, unknown>;
    records.meta = meta.text;
  }
  const lin = readJson(dir, "lineages.plx.json", Array.isArray, "a JSON array");
  if (lin && "severity" in lin) problems.push(lin);
  else if (lin) {
    info.lineages = lin.value as unknown[];
    records.lineages = lin.text;
  }
  if (records.meta !== undefined || records.lineages !== undefined) info.records = records;
  if (problems.length) recordProblems.set(info, problems);
  return info;
}

/** Options given to format factories (parsed from the command line). */
export interface FormatOptions {
  /** Format-specific `--set key=value` options. */
  settings: Record<string, string>;
  /** The `--shard k/n` being converted, when given (sinks name their output files after it). */
  shard?: string;
}

/** A conversion format. */
export interface FormatSpec {
  /** The format's name, as given to `--from` and `--to`. */
  name: string;
  /** One line describing the format, for `plxkit convert --help`. */
  description: string;
  /** True when `input` looks like this format (used when `--from` is not given). */
  detect?(input: string): Promise<boolean>;
  /** The source reading `inputs`; absent when the format cannot be read. */
  source?(inputs: string[], options: FormatOptions): EventSource;
  /** `--set key=value` settings this format understands, with a one-line help each. */
  settings?: Record<string, string>;
  /** The sink writing to `out`; absent when the format cannot be written. */
  sink?(out: string, options: FormatOptions): Promise<EventSink>;
}
