/**
 * Polyaxon run folders as an {@linkcode EventSink}: writes `<out>/<run>/events/...`, copies referenced asset
 * bytes, and writes `run.plx.json` when the source has one.
 *
 * A run whose id is not a Polyaxon uuid (a TensorBoard run, a hand-written JSONL file) becomes the folder
 * of a name-based uuid of its id ({@linkcode runUuid}), with a complete `run.plx.json` (the source's record,
 * completed). Files of the run that are not events ({@linkcode RunSource.files}) are copied in place.
 *
 * Each run is built in a temporary folder of the reserved `.plxkit-tmp-` namespace (io/commit.ts) and
 * renamed into place when complete, so an interrupted conversion never leaves a run that looks complete; a
 * rerun skips finished runs, removes the temporaries of dead writers and rebuilds unfinished runs. Nothing is
 * written through a link in the output tree and no existing file is replaced.
 *
 * Needs `--allow-read --allow-write`.
 *
 * @module
 */
import * as path from "node:path";
import { assetRefs, type MetricColumns, type PlxEvent } from "../../model/event.ts";
import { checkSegment, writeFileNew } from "../../io/files.ts";
import { AssetCopier, assetSkipReason } from "../../io/assets.ts";
import { PlxRunWriter } from "./write.ts";
import {
  type DropLedger,
  type EventSink,
  recordText,
  type RunInfo,
  type RunSink,
  type RunSource,
} from "../../convert/core.ts";
import { commitDir, forget, removeStaleTemps, tempIn } from "../../io/commit.ts";
import { noLinkBelow, outputJoin } from "../../io/safe.ts";
import { completeRunRecord, copyRunFile, originalOf, type RunFile, runUuid } from "../../convert/carry.ts";

/** Writes runs into `outDir` in Polyaxon's layout. */
export class PlxSink implements EventSink {
  /** Run ids are folder names. */
  readonly runIdsArePaths = true;
  /** A sink writing each run to `<outDir>/<run id>/`. */
  constructor(readonly outDir: string) {}
  #started = false;

  /** Commit records live in `<out>/.plxkit/commits/`. */
  get commitDir(): string {
    return path.join(this.outDir, ".plxkit", "commits");
  }

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    if (!this.#started) {
      this.#started = true;
      await Deno.mkdir(this.outDir, { recursive: true });
      await removeStaleTemps(this.outDir);
    }
    const id = checkSegment("run id", runUuid(info.id || "run"));
    const final = path.join(this.outDir, id);
    try {
      const st = await Deno.lstat(final);
      if (st.isSymlink) {
        throw new RangeError(`${final} is a symbolic link in the output; not written through`);
      }
      return "done";
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    const partial = tempIn(this.outDir, id);
    try {
      await Deno.mkdir(partial);
    } catch (e) {
      forget(partial);
      throw e;
    }
    return new PlxRunSink(partial, final, info, ledger);
  }

  async close(): Promise<void> {}
}

class PlxRunSink implements RunSink {
  #writer: PlxRunWriter;
  readonly #assets: AssetCopier;
  /** Original bytes of event files ({@linkcode ORIGINALS_DIR}), by event file. */
  readonly #originals: [string, RunFile][] = [];
  #first = Infinity;
  #last = -Infinity;
  constructor(
    readonly partial: string,
    readonly final: string,
    readonly info: RunInfo,
    readonly ledger: DropLedger,
  ) {
    this.#writer = new PlxRunWriter(partial);
    this.#assets = new AssetCopier(partial, (why) => ledger.note(assetSkipReason("plx", why)), {
      join: (rel) => outputJoin(partial, rel),
      write: writeFileNew,
    });
  }

  async write(events: PlxEvent[], source: RunSource): Promise<void> {
    for (const e of events) {
      const t = e.timestamp.micros;
      if (t < this.#first) this.#first = t;
      if (t > this.#last) this.#last = t;
    }
    const read = (rel: string) => source.readAsset(rel);
    for (const e of events) await this.#assets.copy(assetRefs(e), read);
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
    const of = originalOf(file.rel);
    if (of !== null) {
      // The original bytes of an event file: written over the re-encoded file at commit.
      this.#originals.push([of, file]);
      return;
    }
    if (!this.#assets.claim(file.rel)) return; // copied as an asset an event references
    let target: string;
    try {
      target = outputJoin(this.partial, file.rel);
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
    for (const [rel, file] of this.#originals) {
      // Only over an event file written from this run's events (in this run's own unpublished folder).
      let target: string;
      try {
        target = outputJoin(this.partial, rel);
      } catch {
        continue;
      }
      if (!(await Deno.lstat(target).then((st) => st.isFile, () => false))) continue;
      const tmp = tempIn(path.dirname(target), path.basename(target));
      try {
        await copyRunFile(file, tmp);
        await Deno.rename(tmp, target);
      } finally {
        await Deno.remove(tmp).catch(() => {});
        forget(tmp);
      }
    }
    const meta = this.#meta();
    if (meta) {
      await writeFileNew(
        path.join(this.partial, "run.plx.json"),
        recordText(meta, this.info.records?.meta),
      );
    }
    if (this.info.lineages?.length) {
      await writeFileNew(
        path.join(this.partial, "lineages.plx.json"),
        recordText(this.info.lineages, this.info.records?.lineages),
      );
    }
    noLinkBelow(path.dirname(this.final), this.final);
    await commitDir(this.partial, this.final);
  }

  async abort(): Promise<void> {
    await this.#writer.abort();
    await Deno.remove(this.partial, { recursive: true }).catch(() => {});
    forget(this.partial);
  }
}
