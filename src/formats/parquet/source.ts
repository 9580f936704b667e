/**
 * A plxkit Parquet dataset as an {@linkcode EventSource}: runs come out commit by commit, in the order
 * they were written, streaming one row window per kind at a time.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { type Diagnostic, PlxDataError } from "../../diagnostics.ts";
import { type PlxEvent, valueTypeOf } from "../../model/event.ts";
import type { EventSource, RunInfo, RunSource } from "../../convert/pipeline.ts";
import type { PlxBatch } from "../plx/read.ts";
import { safeJoin } from "../../io/files.ts";
import { batchEvents, readWindow } from "./read.ts";
import { ASSETS_DIR, checkDatasetVersion, type PartRecord, readCommits } from "./sink.ts";

/** Rows decoded at a time from a part. */
const WINDOW = 1 << 18;

/** Reads the rows of one kind of one commit, in order, across its parts. */
class KindCursor {
  #parts: PartRecord[];
  #part = 0;
  #bytes: Uint8Array | null = null;
  #offset = 0;
  #events: PlxEvent[] = [];
  #i = 0;
  /** Set once a part fails to decode: every later read of this kind fails the same way. */
  error: PlxDataError | null = null;

  constructor(readonly root: string, parts: PartRecord[]) {
    this.#parts = parts;
  }

  async #fill(): Promise<boolean> {
    if (this.error) throw this.error;
    while (this.#i >= this.#events.length) {
      const p = this.#parts[this.#part];
      if (!p) return false;
      if (this.#offset >= p.rows) {
        this.#part++;
        this.#bytes = null;
        this.#offset = 0;
        continue;
      }
      try {
        this.#bytes ??= await Deno.readFile(safeJoin(this.root, p.file));
        const table = readWindow(this.#bytes, this.#offset, WINDOW);
        const events: PlxEvent[] = [];
        for (const b of table.batches) {
          for (const e of batchEvents(b, p.kind, p.type)) events.push(e);
        }
        if (!events.length) throw new SyntaxError(`expected ${p.rows} rows, found ${this.#offset}`);
        this.#events = events;
        this.#i = 0;
        this.#offset += events.length;
      } catch (e) {
        this.error = new PlxDataError(
          `rows from ${this.#offset}: ${e instanceof Error ? e.message : String(e)}`,
          { file: path.join(this.root, p.file) },
        );
        throw this.error;
      }
    }
    return true;
  }

  /** Events of `run` from here up to the next run change (at most one window). */
  async take(run: string): Promise<PlxEvent[]> {
    if (!(await this.#fill()) || this.#events[this.#i].run !== run) return [];
    const start = this.#i;
    let i = start;
    const ev = this.#events;
    while (i < ev.length && ev[i].run === run) i++;
    this.#i = i;
    return ev.slice(start, i);
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await Deno.stat(p)).isDirectory;
  } catch {
    return false;
  }
}

/**
 * Reads the runs of plxkit Parquet datasets (folders written by {@linkcode ParquetSink}).
 *
 * @example
 * ```ts
 * import { ParquetSource } from "./source.ts";
 * for await (const run of new ParquetSource(["out/dataset"]).runs()) {
 *   if ("severity" in run) continue;
 *   for await (const b of run.batches()) console.log(run.info.id, b.events.length);
 * }
 * ```
 */
export class ParquetSource implements EventSource {
  /** A source reading the given dataset folders. */
  constructor(readonly roots: string[]) {}

  /** Runs commit by commit; problems as diagnostics. */
  async *runs(): AsyncGenerator<RunSource | Diagnostic> {
    for (const root of this.roots) {
      if (!(await isDir(path.join(root, "_plxkit")))) {
        yield {
          severity: "error",
          code: "not-a-dataset",
          file: root,
          message: "not a plxkit Parquet dataset (no _plxkit/ folder with commit records)",
        };
        continue;
      }
      try {
        await checkDatasetVersion(root);
      } catch (e) {
        yield {
          severity: "error",
          code: "dataset-version",
          file: root,
          message: e instanceof Error ? e.message : String(e),
        };
        continue;
      }
      let commits;
      try {
        commits = await readCommits(root);
      } catch (e) {
        yield {
          severity: "error",
          code: "bad-commit",
          file: path.join(root, "_plxkit/commits"),
          message: `unreadable commit record: ${e instanceof Error ? e.message : String(e)}`,
        };
        continue;
      }
      for (const c of commits) {
        const byKind = new Map<string, PartRecord[]>();
        for (const p of c.parts) {
          if (p.type !== valueTypeOf(p.kind)) continue;
          const list = byKind.get(p.kind) ?? [];
          list.push(p);
          byKind.set(p.kind, list);
        }
        const cursors = [...byKind.keys()].sort().map((k) => new KindCursor(root, byKind.get(k)!));
        for (const r of c.runs) {
          const info: RunInfo = { id: r.id };
          if (r.meta) info.meta = r.meta;
          if (r.lineages) info.lineages = r.lineages;
          const assetDir = path.join(root, ASSETS_DIR, r.id);
          yield {
            info,
            async *batches(): AsyncGenerator<PlxBatch> {
              for (const cur of cursors) {
                for (let ev = await cur.take(r.id); ev.length; ev = await cur.take(r.id)) {
                  yield { events: ev, diagnostics: [] };
                }
              }
            },
            readAsset: async (rel: string) => {
              try {
                return await Deno.readFile(safeJoin(assetDir, rel));
              } catch {
                return null;
              }
            },
          };
          // Skip what the consumer did not read (a run the sink already has, or one that failed).
          for (const cur of cursors) {
            try {
              while ((await cur.take(r.id)).length);
            } catch { /* the run that met it was reported failed; the cursor stays broken */ }
          }
        }
      }
    }
  }
}
