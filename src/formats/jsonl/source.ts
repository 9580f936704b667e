/**
 * JSONL files as an {@linkcode EventSource}: each input is a `.jsonl` / `.jsonl.gz` file or a folder of
 * them. Lines of one run must be contiguous (plxkit writes them so); a run that shows up again after other
 * runs is reported and those lines skipped, so a run is never split in two.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import type { Diagnostic } from "../../diagnostics.ts";
import { readChunks } from "../../io/files.ts";
import { readAssetUnder } from "../../io/safe.ts";
import { type JsonlBatch, readJsonl } from "./read.ts";
import { jsonlAssetDir, jsonlStem } from "./sink.ts";
import { MetricBatch, type PlxBatch } from "../../model/batch.ts";
import {
  diagnosticItem,
  type EventSource,
  loadRunInfo,
  runInfoProblems,
  runItem,
  runStretches,
  type SourceItem,
} from "../../convert/core.ts";
import { type RunFile, walkRunFiles } from "../../convert/carry.ts";

/** The files carried beside a JSONL file for one run (`<stem>.assets/<run>/`), run records excepted. */
function sideFiles(dir: string, records: { meta?: string; lineages?: string } | undefined) {
  return (): AsyncIterable<RunFile | Diagnostic> =>
    walkRunFiles(dir, "", (rel) =>
      (rel === "run.plx.json" && records?.meta !== undefined) ||
      (rel === "lineages.plx.json" && records?.lineages !== undefined));
}

/** Every `.jsonl` / `.jsonl.gz` file named by `inputs` (folders are listed, not recursed), sorted. */
export async function jsonlFiles(inputs: string[]): Promise<{ files: string[]; problems: Diagnostic[] }> {
  const files: string[] = [];
  const problems: Diagnostic[] = [];
  for (const p of inputs) {
    try {
      const st = await Deno.stat(p);
      if (!st.isDirectory) { // files, and pipes such as /dev/stdin
        files.push(p);
        continue;
      }
      const inDir: string[] = [];
      for await (const e of Deno.readDir(p)) {
        if (e.isFile && /\.jsonl(\.gz)?$/i.test(e.name) && !e.name.startsWith(".")) {
          inDir.push(path.join(p, e.name));
        }
      }
      files.push(...inDir.sort());
    } catch (e) {
      problems.push({
        severity: "error",
        code: "io",
        file: p,
        message: `cannot read: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }
  return { files, problems };
}

/** Rows of one run as one batch of the source, with the line of its first row. */
interface Item {
  run: string;
  batch: PlxBatch;
  firstLine: number;
}

/**
 * A cursor over the batches of one file, one run at a time: metric lines read as columns stay columns
 * ({@linkcode MetricBatch}), other events are cut where the run changes.
 */
class Cursor {
  #it: AsyncIterator<JsonlBatch>;
  #items: Item[] = [];
  #i = 0;
  #done = false;
  pendingDiags: Diagnostic[] = [];

  constructor(it: AsyncIterator<JsonlBatch>) {
    this.#it = it;
  }

  /** The run of the next batch, or null at the end. */
  async peekRun(): Promise<string | null> {
    while (!this.#done && this.#i >= this.#items.length) {
      const r = await this.#it.next();
      if (r.done) {
        this.#done = true;
        break;
      }
      const b = r.value;
      this.#items = [];
      this.#i = 0;
      if (b.metrics) {
        const m = b.metrics;
        if (m.length) this.#items.push({ run: m.run, batch: new MetricBatch(m, []), firstLine: m.line[0] });
      } else {
        for (const { run, from, to } of runStretches(b.events)) {
          this.#items.push({
            run,
            batch: { events: b.events.slice(from, to), diagnostics: [] },
            firstLine: b.lines[from],
          });
        }
      }
      // A line that cannot be read belongs to the run whose rows surround it (the stretch it falls in),
      // so it is that run's loss (and is not met again when a rerun skips the run).
      for (const d of b.diagnostics) {
        if (d.line === undefined || !this.#items.length) {
          this.pendingDiags.push(d);
          continue;
        }
        let k = 0;
        while (k + 1 < this.#items.length && this.#items[k + 1].firstLine <= d.line) k++;
        this.#items[k].batch.diagnostics.push(d);
      }
    }
    return this.#done ? null : this.#items[this.#i].run;
  }

  /** The next batch when it is of `run`, else null. */
  async take(run: string): Promise<Item | null> {
    if ((await this.peekRun()) !== run) return null;
    return this.#items[this.#i++];
  }
}

/**
 * JSONL files as a source of runs.
 *
 * @example
 * ```ts
 * import { JsonlSource } from "./source.ts";
 * for await (const run of new JsonlSource(["out/all.jsonl"]).runs()) {
 *   if (run.type === "diagnostic") continue;
 *   for await (const b of run.run.batches()) console.log(run.run.info.id, b.events.length);
 * }
 * ```
 */
export class JsonlSource implements EventSource {
  /** A source reading the given files or folders of files. */
  constructor(readonly inputs: string[]) {}

  /** Runs in file order; problems as diagnostics. */
  async *runs(): AsyncGenerator<SourceItem> {
    const { files, problems } = await jsonlFiles(this.inputs);
    yield* problems.map(diagnosticItem);
    const seen = new Set<string>();
    for (const file of files) {
      const gzip = /\.gz$/i.test(file);
      let it: AsyncIterator<JsonlBatch>;
      try {
        it = readJsonl(readChunks(file), file, { gzip })[Symbol.asyncIterator]();
      } catch (e) {
        yield diagnosticItem({ severity: "error", code: "io", file, message: `cannot read: ${String(e)}` });
        continue;
      }
      const cursor = new Cursor(it);
      try {
        while (true) {
          const run = await cursor.peekRun();
          yield* cursor.pendingDiags.splice(0).map(diagnosticItem);
          if (run === null) break;
          if (seen.has(run)) {
            let skipped = 0;
            let first = 0;
            for (let t = await cursor.take(run); t; t = await cursor.take(run)) {
              if (!first) first = t.firstLine;
              skipped += t.batch.metrics?.length ?? t.batch.events.length;
            }
            yield diagnosticItem({
              severity: "error",
              code: "run-not-contiguous",
              file,
              line: first,
              message:
                `run ${run} appears again after other runs; its ${skipped} events from here are skipped ` +
                `(a run's lines must be contiguous)`,
            });
            continue;
          }
          seen.add(run);
          let assetDir: string;
          try {
            assetDir = jsonlAssetDir(file, run);
          } catch (e) {
            // A run id that cannot be a folder name: this run's lines are skipped, the file goes on.
            let skipped = 0;
            let first = 0;
            for (let t = await cursor.take(run); t; t = await cursor.take(run)) {
              if (!first) first = t.firstLine;
              skipped += t.batch.metrics?.length ?? t.batch.events.length;
            }
            yield diagnosticItem({
              severity: "error",
              code: "bad-run-id",
              file,
              line: first || undefined,
              message: `${
                e instanceof Error ? e.message : String(e)
              }; its ${skipped} events are not converted`,
            });
            continue;
          }
          const info = loadRunInfo(run, assetDir);
          yield runItem({
            info,
            async *batches(): AsyncGenerator<PlxBatch> {
              const bad = runInfoProblems(info);
              if (bad.length) {
                yield {
                  events: [],
                  diagnostics: bad.map((d) => ({ ...d, file: path.join(assetDir, d.file) })),
                };
              }
              for (let t = await cursor.take(run); t; t = await cursor.take(run)) {
                t.batch.diagnostics.push(...cursor.pendingDiags.splice(0));
                yield t.batch;
              }
              const d = cursor.pendingDiags.splice(0);
              if (d.length) yield { events: [], diagnostics: d };
            },
            readAsset: (rel: string) => readAssetUnder(assetDir, rel),
            files: sideFiles(assetDir, info.records),
          });
          // Skip what the consumer did not read (e.g. a run the sink already has).
          while (await cursor.take(run));
        }
      } catch (e) {
        yield diagnosticItem({
          severity: "error",
          code: "io",
          file,
          message: `cannot read: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
      // Runs without events have no lines; their run records beside the file bring them back.
      for (const id of await recordOnlyRuns(file, seen)) {
        seen.add(id);
        const dir = jsonlAssetDir(file, id);
        const info = loadRunInfo(id, dir);
        yield runItem({
          info,
          async *batches(): AsyncGenerator<PlxBatch> {
            const bad = runInfoProblems(info);
            if (bad.length) {
              yield { events: [], diagnostics: bad.map((d) => ({ ...d, file: path.join(dir, d.file) })) };
            }
          },
          readAsset: (rel: string) => readAssetUnder(dir, rel),
          files: sideFiles(dir, info.records),
        });
      }
    }
  }
}

/** Runs that have a folder beside `file` (records, assets, carried files) but no line in it (sorted). */
async function recordOnlyRuns(file: string, seen: Set<string>): Promise<string[]> {
  const dir = `${jsonlStem(file)}.assets`;
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      // A run with no event line: its records or carried files (e.g. only plxlogs/) bring it back.
      if (e.isDirectory && !seen.has(e.name)) out.push(e.name);
    }
  } catch { /* no assets folder */ }
  return out.sort();
}
