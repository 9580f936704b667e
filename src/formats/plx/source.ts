/**
 * Polyaxon run folders as an {@linkcode EventSource}: finds runs under the given paths and reads every
 * event and resource file of each, streaming.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import type { Diagnostic } from "../../diagnostics.ts";
import type { EventSource, RunInfo, RunSource } from "../../convert/pipeline.ts";
import { readChunks } from "../../io/files.ts";
import { readAssetUnder, readSourceTextSync } from "../../io/safe.ts";
import { discover, listRun, type RunEntry, type RunFolder } from "./layout.ts";
import { type PlxBatch, PlxReader, type PlxReadOptions } from "./read.ts";

/** Opens a `.plx` file entry of a run and reads it. */
export function readEntry(
  run: RunFolder | null,
  entry: RunEntry,
  options: PlxReadOptions = {},
): { reader: PlxReader; batches: AsyncGenerator<PlxBatch> } {
  const reader = new PlxReader({
    run: run?.id ?? "",
    scope: entry.role === "resource" ? "resources" : "events",
    kind: entry.kind ?? "",
    name: entry.name ?? "",
    file: entry.rel,
  }, options);
  return { reader, batches: reader.read(readChunks(entry.abs, undefined, true)) };
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

/** One run folder as a {@linkcode RunSource}. */
export class PlxRunSource implements RunSource {
  /** The run in `folder` with its `info` ({@linkcode PlxRunSource.open} loads the info from the folder). */
  constructor(readonly folder: RunFolder, readonly info: RunInfo, readonly options: PlxReadOptions = {}) {}

  /** Loads `run.plx.json` / `lineages.plx.json` (when valid JSON) into the run info. */
  static open(folder: RunFolder, options: PlxReadOptions = {}): Promise<PlxRunSource> {
    return Promise.resolve(new PlxRunSource(folder, loadRunInfo(folder.id, folder.path), options));
  }

  async *batches(): AsyncGenerator<PlxBatch> {
    const bad = runInfoProblems(this.info);
    if (bad.length) yield { events: [], diagnostics: bad };
    for await (const e of listRun(this.folder)) {
      if ("severity" in e) {
        yield { events: [], diagnostics: [e] };
        continue;
      }
      if (e.role === "log" || e.role === "unknown") {
        yield {
          events: [],
          diagnostics: [{
            severity: "info",
            code: "not-converted",
            file: e.rel,
            message: e.role === "log"
              ? "plx: log files (plxlogs/) are not events"
              : "plx: files outside the event layout",
          }],
        };
      }
      if (e.role !== "event" && e.role !== "resource") continue;
      try {
        yield* readEntry(this.folder, e, this.options).batches;
      } catch (err) {
        yield {
          events: [],
          diagnostics: [{
            severity: "error",
            code: "io",
            file: e.rel,
            message: `cannot read: ${err instanceof Error ? err.message : String(err)}`,
          }],
        };
      }
    }
  }

  /** An asset's bytes under the one read rule (io/safe.ts); `null` when missing. */
  readAsset(rel: string): Promise<Uint8Array | null> {
    return readAssetUnder(this.folder.path, rel);
  }
}

/**
 * Every run folder under `paths` as an {@linkcode EventSource}.
 *
 * @example
 * ```ts
 * import { PlxSource } from "./source.ts";
 * for await (const run of new PlxSource(["fixtures/runs"]).runs()) {
 *   if ("severity" in run) continue;
 *   for await (const batch of run.batches()) console.log(batch.events.length);
 * }
 * ```
 */
export class PlxSource implements EventSource {
  /** A source of every run folder (or single event file) under `paths`. */
  constructor(readonly paths: string[], readonly options: PlxReadOptions = {}) {}

  /**
   * Yields each run found under `paths` (a lone event file as a run of its own), with diagnostics for
   * problems met on the way.
   */
  async *runs(): AsyncGenerator<RunSource | Diagnostic> {
    for await (const t of discover(this.paths)) {
      if ("severity" in t) yield t;
      else if (t.type === "run") yield await PlxRunSource.open(t.run, this.options);
      else if (t.type === "tensorboard") continue; // only found when detectors are given
      else if (t.entry.role === "event" || t.entry.role === "resource") {
        const folder = t.run ??
          { id: path.basename(path.dirname(path.resolve(t.path))), path: path.dirname(t.path) };
        const entry = t.entry;
        const info: RunInfo = { id: folder.id };
        const options = this.options;
        yield {
          info,
          batches: () => readEntry(folder, entry, options).batches,
          readAsset: (rel) => new PlxRunSource(folder, info).readAsset(rel),
        };
      } else {
        yield {
          severity: "info",
          code: "not-converted",
          file: t.path,
          message: "not an event file; not converted",
        };
      }
    }
  }
}
