/**
 * Polyaxon run folders as an {@linkcode EventSink}: writes `<out>/<run>/events/...`, copies referenced asset
 * bytes, and writes `run.plx.json` when the source has one.
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
import { checkSegment, safeJoin, writeFileAtomic } from "../../io/files.ts";
import { PlxRunWriter } from "./write.ts";
import {
  type DropLedger,
  type EventSink,
  recordText,
  type RunInfo,
  type RunSink,
  type RunSource,
} from "../../convert/core.ts";

/** Writes runs into `outDir` in Polyaxon's layout. */
export class PlxSink implements EventSink {
  /** Run ids are folder names. */
  readonly runIdsArePaths = true;
  /** A sink writing each run to `<outDir>/<run id>/`. */
  constructor(readonly outDir: string) {}

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    const id = checkSegment("run id", info.id || "run");
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
    return this.#writer.writeMetrics(columns);
  }

  async commit(): Promise<void> {
    await this.#writer.commit();
    if (this.info.meta) {
      await writeFileAtomic(
        path.join(this.partial, "run.plx.json"),
        recordText(this.info.meta, this.info.records?.meta),
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
