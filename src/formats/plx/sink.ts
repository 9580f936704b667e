/**
 * Polyaxon run folders as an {@linkcode EventSink}: writes `<out>/<run>/events/...`, copies referenced asset
 * bytes, and writes `run.plx.json` when the source has one.
 *
 * A run whose id is not a Polyaxon uuid (a TensorBoard run, a hand-written JSONL file) becomes the folder
 * of a name-based uuid of its id ({@linkcode runUuid}), with a complete `run.plx.json` (the source's record,
 * completed). Files of the run that are not events ({@linkcode RunSource.files}) are copied in place.
 *
 * Each run is built in a hidden `.<run>.partial` folder and renamed into place when complete, so an
 * interrupted conversion never leaves a run that looks complete; a rerun skips finished runs and rebuilds
 * unfinished ones.
 *
 * Needs `--allow-read --allow-write`.
 *
 * @module
 */
import * as path from "node:path";
import { assetRefs, type MetricColumns, type PlxEvent } from "../../model/event.ts";
import {
  type DropLedger,
  type EventSink,
  recordText,
  type RunInfo,
  type RunSink,
  type RunSource,
} from "../../convert/pipeline.ts";
import { safeJoin, writeFileAtomic } from "../../io/files.ts";
import { completeRunRecord, copyRunFile, type RunFile, runUuid } from "../../convert/carry.ts";
import { checkSegment, PlxRunWriter } from "./write.ts";

/** Writes runs into `outDir` in Polyaxon's layout. */
export class PlxSink implements EventSink {
  /** Run ids are folder names. */
  readonly runIdsArePaths = true;
  /** A sink writing each run to `<outDir>/<run id>/`. */
  constructor(readonly outDir: string) {}

  /** Commit records live in `<out>/.plxkit/commits/`. */
  get commitDir(): string {
    return path.join(this.outDir, ".plxkit", "commits");
  }

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    const id = checkSegment("run id", runUuid(info.id || "run"));
    const final = path.join(this.outDir, id);
    try {
      await Deno.lstat(final);
      return "done";
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const partial = path.join(this.outDir, `.${id}.partial`);
    await Deno.remove(partial, { recursive: true }).catch(() => {});
    await Deno.mkdir(partial, { recursive: true });
    return new PlxRunSink(partial, final, info, ledger);
  }

  async close(): Promise<void> {}
}

class PlxRunSink implements RunSink {
  #writer: PlxRunWriter;
  #copied = new Set<string>();
  #first = Infinity;
  #last = -Infinity;
  constructor(
    readonly partial: string,
    readonly final: string,
    readonly info: RunInfo,
    readonly ledger: DropLedger,
  ) {
    this.#writer = new PlxRunWriter(partial);
  }

  async write(events: PlxEvent[], source: RunSource): Promise<void> {
    for (const e of events) {
      const t = e.timestamp.micros;
      if (t < this.#first) this.#first = t;
      if (t > this.#last) this.#last = t;
      for (const ref of assetRefs(e)) {
        if (this.#copied.has(ref)) continue;
        this.#copied.add(ref);
        const bytes = await source.readAsset(ref);
        if (bytes === null) {
          this.ledger.note("plx: asset missing in the source (event kept, file not copied)");
          continue;
        }
        let target: string;
        try {
          target = safeJoin(this.partial, ref);
        } catch {
          this.ledger.note("plx: asset path outside the run (event kept, file not copied)");
          continue;
        }
        await writeFileAtomic(target, bytes);
      }
    }
    await this.#writer.write(events);
  }

  writeMetrics(columns: MetricColumns): Promise<void> {
    for (let i = 0; i < columns.length; i++) {
      const t = columns.micros[i];
      if (t < this.#first) this.#first = t;
      if (t > this.#last) this.#last = t;
    }
    return this.#writer.writeMetrics(columns);
  }

  async writeFile(file: RunFile): Promise<void | string> {
    if (this.#copied.has(file.rel)) return; // copied as an asset an event references
    this.#copied.add(file.rel);
    let target: string;
    try {
      target = safeJoin(this.partial, file.rel);
    } catch {
      return "plx: file path outside the run";
    }
    try {
      await Deno.lstat(target);
      return "plx: a file written from events has the same path";
    } catch { /* free */ }
    await copyRunFile(file, target);
  }

  /** The run record to write: the source's, or for a run that is not a Polyaxon run, a complete one. */
  #meta(): Record<string, unknown> | undefined {
    const some = this.#first <= this.#last;
    return completeRunRecord(this.info, some ? this.#first : undefined, some ? this.#last : undefined);
  }

  async commit(): Promise<void> {
    await this.#writer.commit();
    const meta = this.#meta();
    if (meta) {
      await writeFileAtomic(
        path.join(this.partial, "run.plx.json"),
        recordText(meta, this.info.records?.meta),
      );
    }
    if (this.info.lineages?.length) {
      await writeFileAtomic(
        path.join(this.partial, "lineages.plx.json"),
        recordText(this.info.lineages, this.info.records?.lineages),
      );
    }
    await Deno.rename(this.partial, this.final);
  }

  async abort(): Promise<void> {
    await this.#writer.abort();
    await Deno.remove(this.partial, { recursive: true }).catch(() => {});
  }
}
