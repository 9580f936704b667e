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
import { isInside, readChunks, safeJoin } from "../../io/files.ts";
import { classify, discover, listRun, type RunEntry, type RunFolder } from "./layout.ts";
import { type RunFile, walkRunFiles } from "../../convert/carry.ts";
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

/** A JSON file's text and value, or undefined when it is missing or not JSON. */
function readJson(file: string): { text: string; value: unknown } | undefined {
  try {
    // (synchronous: a small file, and cheaper than a round trip through the I/O thread pool)
    const text = Deno.readTextFileSync(file);
    return { text, value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/**
 * The run info of run `id` from the offline files in `dir` (`run.plx.json`, `lineages.plx.json`), each
 * taken when it is valid JSON of the right shape. Used wherever those files sit beside events.
 */
export function loadRunInfo(id: string, dir: string): RunInfo {
  const info: RunInfo = { id };
  const records: NonNullable<RunInfo["records"]> = {};
  const meta = readJson(path.join(dir, "run.plx.json"));
  if (meta && typeof meta.value === "object" && meta.value !== null && !Array.isArray(meta.value)) {
    info.meta = meta.value as Record<string, unknown>;
    records.meta = meta.text;
  }
  const lin = readJson(path.join(dir, "lineages.plx.json"));
  if (lin && Array.isArray(lin.value)) {
    info.lineages = lin.value;
    records.lineages = lin.text;
  }
  if (records.meta !== undefined || records.lineages !== undefined) info.records = records;
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
    for await (const e of listRun(this.folder)) {
      if ("severity" in e) {
        yield { events: [], diagnostics: [e] };
        continue;
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

  /**
   * Every file of the run folder that is not an event or resource file and not a run record that was read
   * into {@linkcode RunInfo} (a record that is not valid JSON is carried as a file): `assets/`, `outputs/`,
   * `plxlogs/` and anything else, sorted.
   */
  files(): AsyncIterable<RunFile | Diagnostic> {
    const records = this.info.records ?? {};
    return walkRunFiles(this.folder.path, "", (rel) => {
      const role = classify(rel, "").role;
      return role === "event" || role === "resource" ||
        (role === "run-meta" && records.meta !== undefined) ||
        (role === "lineage" && records.lineages !== undefined);
    });
  }

  async readAsset(rel: string): Promise<Uint8Array | null> {
    let p: string;
    try {
      p = safeJoin(this.folder.path, rel);
    } catch {
      return null;
    }
    try {
      const real = await Deno.realPath(p);
      const root = await Deno.realPath(this.folder.path);
      if (!isInside(real, root)) return null;
      return await Deno.readFile(real);
    } catch {
      return null;
    }
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
