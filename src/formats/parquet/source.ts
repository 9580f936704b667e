/**
 * A plxkit Parquet dataset as an {@linkcode EventSource}: runs come out commit by commit, in the order
 * they were written, streaming one row window per kind at a time.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { readAssetUnder, readSource } from "../../io/safe.ts";
import { PlxDataError } from "../../diagnostics.ts";
import { valueTypeOf } from "../../model/event.ts";
import type { ValueType } from "../../schema/values.ts";
import { safeJoin } from "../../io/files.ts";
import { batchEvents, batchMetricColumns, readWindow } from "./read.ts";
import { ASSETS_DIR, checkDatasetVersion, type PartRecord, readCommits } from "./sink.ts";
import { MetricBatch, type PlxBatch } from "../../model/batch.ts";
import { walkRunFiles } from "../../convert/carry.ts";
import {
  diagnosticItem,
  type EventSource,
  type RunInfo,
  runItem,
  runStretches,
  type SourceItem,
} from "../../convert/core.ts";

/** Rows decoded at a time from a part. */
const WINDOW = 1 << 18;

/** Rows of one run as one batch of the source. */
interface Item {
  run: string;
  batch: PlxBatch;
}

/**
 * Reads the rows of one kind of one commit, in order, across its parts, a window at a time: metric rows as
 * columns ({@linkcode MetricBatch}, no object per row), other kinds as events, cut where the run changes.
 */
class KindCursor {
  #parts: PartRecord[];
  #part = 0;
  #bytes: Uint8Array | null = null;
  #offset = 0;
  #items: Item[] = [];
  #i = 0;
  /** Set once a part fails to decode: every later read of this kind fails the same way. */
  error: PlxDataError | null = null;

  constructor(readonly root: string, parts: PartRecord[]) {
    this.#parts = parts;
  }

  async #fill(): Promise<boolean> {
    if (this.error) throw this.error;
    while (this.#i >= this.#items.length) {
      const p = this.#parts[this.#part];
      if (!p) return false;
      if (this.#offset >= p.rows) {
        this.#part++;
        this.#bytes = null;
        this.#offset = 0;
        continue;
      }
      try {
        this.#bytes ??= await readSource(safeJoin(this.root, p.file), this.root);
        const table = readWindow(this.#bytes, this.#offset, WINDOW);
        const items: Item[] = [];
        let rows = 0;
        for (const b of table.batches) {
          if (p.type === "metric") {
            for (const c of batchMetricColumns(b, p.kind, this.#offset + rows)) {
              items.push({ run: c.run, batch: new MetricBatch(c, []) });
            }
          } else {
            const ev = batchEvents(b, p.kind, p.type as ValueType);
            for (const { run, from, to } of runStretches(ev)) {
              items.push({ run, batch: { events: ev.slice(from, to), diagnostics: [] } });
            }
          }
          rows += b.numRows;
        }
        if (!rows) throw new SyntaxError(`expected ${p.rows} rows, found ${this.#offset}`);
        this.#items = items;
        this.#i = 0;
        this.#offset += rows;
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

  /** The next batch when it is of `run` (at most one window's rows), else null. */
  async take(run: string): Promise<PlxBatch | null> {
    if (!(await this.#fill()) || this.#items[this.#i].run !== run) return null;
    return this.#items[this.#i++].batch;
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
 *   if (run.type === "diagnostic") continue;
 *   for await (const b of run.run.batches()) console.log(run.run.info.id, b.events.length);
 * }
 * ```
 */
export class ParquetSource implements EventSource {
  /** A source reading the given dataset folders. */
  constructor(readonly roots: string[]) {}

  /** Runs commit by commit; problems as diagnostics. */
  async *runs(): AsyncGenerator<SourceItem> {
    for (const root of this.roots) {
      if (!(await isDir(path.join(root, "_plxkit")))) {
        yield diagnosticItem({
          severity: "error",
          code: "not-a-dataset",
          file: root,
          message: "not a plxkit Parquet dataset (no _plxkit/ folder with commit records)",
        });
        continue;
      }
      try {
        await checkDatasetVersion(root);
      } catch (e) {
        yield diagnosticItem({
          severity: "error",
          code: "dataset-version",
          file: root,
          message: e instanceof Error ? e.message : String(e),
        });
        continue;
      }
      let commits;
      try {
        commits = await readCommits(root);
      } catch (e) {
        yield diagnosticItem({
          severity: "error",
          code: "bad-commit",
          file: path.join(root, "_plxkit/commits"),
          message: `unreadable commit record: ${e instanceof Error ? e.message : String(e)}`,
        });
        continue;
      }
      for (const c of commits) {
        const byKind = new Map<string, PartRecord[]>();
        for (const p of c.parts) {
          // (the run table, kind=run, holds no events: its rows are the commit's run records)
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
          if (r.records) info.records = r.records;
          // (a run id like ../../x never leads the reads out of the dataset's _assets/)
          let assetDir: string | null = null;
          try {
            assetDir = safeJoin(path.join(root, ASSETS_DIR), r.id);
          } catch { /* no assets for it */ }
          yield runItem({
            info,
            async *batches(): AsyncGenerator<PlxBatch> {
              for (const cur of cursors) {
                for (let b = await cur.take(r.id); b; b = await cur.take(r.id)) yield b;
              }
            },
            readAsset: (rel: string) =>
              assetDir === null ? Promise.resolve(null) : readAssetUnder(assetDir, rel),
            // Every file under _assets/<run>/: assets and the run files carried as bytes.
            files: assetDir === null ? undefined : () => walkRunFiles(assetDir!, ""),
          });
          // Skip what the consumer did not read (a run the sink already has, or one that failed).
          for (const cur of cursors) {
            try {
              while (await cur.take(r.id));
            } catch { /* the run that met it was reported failed; the cursor stays broken */ }
          }
        }
      }
    }
  }
}
