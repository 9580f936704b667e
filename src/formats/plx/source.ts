/**
 * Polyaxon run folders as an {@linkcode EventSource}: finds runs under the given paths and reads every
 * event and resource file of each, streaming.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { readChunks } from "../../io/files.ts";
import { readAssetUnder } from "../../io/safe.ts";
import { classify, discover, listRun } from "./layout.ts";
import { PlxReader, type PlxReadOptions } from "./read.ts";
import type { RunEntry, RunFolder } from "../../model/layout.ts";
import type { PlxBatch } from "../../model/batch.ts";
import type { Diagnostic } from "../../diagnostics.ts";
import { ORIGINALS_DIR, type RunFile, walkRunFiles } from "../../convert/carry.ts";
import { csvHeader, encodeLine, isJsonlKind } from "./write.ts";
import {
  diagnosticItem,
  type EventSource,
  loadRunInfo,
  type RunInfo,
  runInfoProblems,
  runItem,
  type RunSource,
  type SourceItem,
} from "../../convert/core.ts";

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

/** Event files up to this size are checked for being written back byte for byte (larger ones are not). */
export const ORIGINAL_CHECK_BYTES = 8 << 20;

/**
 * The event file `entry` as a run file under {@linkcode ORIGINALS_DIR} when the plx writer, given its
 * events, would write other bytes (an older generation, other escapes, key orders or timestamp forms); null
 * when it writes the same bytes, when the file has unreadable lines (those are reported as lost), when it
 * is a mixed file (a CSV header, then JSON lines: Polyaxon's reader mis-reads it, so it is written back in
 * the current form), or when it is larger than {@linkcode ORIGINAL_CHECK_BYTES}.
 */
async function originalIfRewritten(
  run: RunFolder,
  entry: RunEntry,
  options: PlxReadOptions,
): Promise<RunFile | null> {
  let bytes: Uint8Array;
  try {
    const st = await Deno.stat(entry.abs);
    if (!st.isFile || st.size > ORIGINAL_CHECK_BYTES) return null;
    bytes = await Deno.readFile(entry.abs);
  } catch {
    return null; // (the read of its events reported it)
  }
  const reader = new PlxReader({
    run: run.id,
    scope: entry.role === "resource" ? "resources" : "events",
    kind: entry.kind ?? "",
    name: entry.name ?? "",
    file: entry.rel,
  }, options);
  const parts: string[] = [isJsonlKind(entry.kind ?? "") ? "" : csvHeader(entry.kind ?? "")];
  for await (const b of reader.read([bytes])) {
    // (a file with unreadable lines: those are reported lost; a mixed file, which Polyaxon's own reader
    // mis-reads: written back in the current form, which it reads)
    if (b.diagnostics.some((d) => d.severity === "error")) return null;
    for (const e of b.events) parts.push("\n", encodeLine(e));
  }
  if (reader.info.encoding === "mixed") return null;
  const again = new TextEncoder().encode(parts.join(""));
  if (again.length === bytes.length && again.every((x, i) => x === bytes[i])) return null;
  return {
    rel: `${ORIGINALS_DIR}/${entry.rel}`,
    size: bytes.length,
    chunks: async function* () {
      yield bytes;
    },
  };
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
  async *files(): AsyncGenerator<RunFile | Diagnostic> {
    const records = this.info.records ?? {};
    yield* walkRunFiles(this.folder.path, "", (rel) => {
      const role = classify(rel, "").role;
      return role === "event" || role === "resource" ||
        (role === "run-meta" && records.meta !== undefined) ||
        (role === "lineage" && records.lineages !== undefined);
    });
    // The original bytes of each event file the plx writer would not write back byte for byte.
    for await (const e of listRun(this.folder)) {
      if ("severity" in e || (e.role !== "event" && e.role !== "resource")) continue;
      const original = await originalIfRewritten(this.folder, e, this.options);
      if (original) yield original;
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
 *   if (run.type === "diagnostic") continue;
 *   for await (const batch of run.run.batches()) console.log(batch.events.length);
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
  async *runs(): AsyncGenerator<SourceItem> {
    for await (const t of discover(this.paths)) {
      if ("severity" in t) yield diagnosticItem(t);
      else if (t.type === "run") yield runItem(await PlxRunSource.open(t.run, this.options));
      else if (t.type !== "file") continue; // other formats: only found when detectors are given
      else if (t.entry.role === "event" || t.entry.role === "resource") {
        const folder = t.run ??
          { id: path.basename(path.dirname(path.resolve(t.path))), path: path.dirname(t.path) };
        const entry = t.entry;
        const info: RunInfo = { id: folder.id };
        const options = this.options;
        yield runItem({
          info,
          batches: () => readEntry(folder, entry, options).batches,
          readAsset: (rel) => new PlxRunSource(folder, info).readAsset(rel),
        });
      } else {
        yield diagnosticItem({
          severity: "info",
          code: "not-converted",
          file: t.path,
          message: "not an event file; not converted",
        });
      }
    }
  }
}
