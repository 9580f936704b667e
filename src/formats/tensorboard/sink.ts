/**
 * TensorBoard logdirs as an {@linkcode EventSink}: one event file per run, at `<out>/<run>/`.
 *
 * The run's directory is the original TensorBoard run path when the run came from TensorBoard (kept in
 * `RunInfo.meta.tensorboard.run`), else the run id. The file is written under a temporary name at the top
 * of the output (reserved `.plxkit-tmp-` namespace, no `tfevents` in it, so TensorBoard ignores it) and
 * published into the run's folder when the run is complete (io/commit.ts), so a run's output is complete or
 * absent; a rerun skips runs whose folder already holds an event file and removes dead writers' temporaries.
 * No link in the output tree is written through.
 *
 * The run's other files (`outputs/`, `plxlogs/`, assets no event references, ...) and a copy of its run
 * records go to the side folder `<run>/plx/` ({@linkcode SIDE_DIR}) at their run-relative paths: built in
 * a hidden temporary folder and renamed into place just before the event file, so a run that has its event
 * file has its side folder.
 *
 * Needs `--allow-read --allow-write`.
 *
 * @module
 */
import * as path from "node:path";
import type { PlxEvent } from "../../model/event.ts";
import { checkSegment, safeJoin, writeFileAtomic } from "../../io/files.ts";
import { commitNew, forget, removeStaleTemps, tempIn } from "../../io/commit.ts";
import { noLinkBelow } from "../../io/safe.ts";
import { completeRunRecord, copyRunFile, type RunFile } from "../../convert/carry.ts";
import { isEventFileName, SIDE_DIR } from "./layout.ts";
import { type TbWriteOptions, TensorboardEncoder } from "./write.ts";
import {
  type DropLedger,
  type EventSink,
  recordText,
  type RunInfo,
  type RunSink,
  type RunSource,
} from "../../convert/core.ts";

let sequence = 0;

/** Event types whose records carry a file's bytes. */
const ASSET_TYPES = new Set(["image", "video", "audio", "artifact", "model", "dataframe"]);
/** Events with files encoded per write. */
const ASSET_SLICE = 8;
/** Bytes of asset files kept for reuse by one run. */
const CACHE_BYTES = 64 << 20;

/**
 * The event file name of spec §6.1: `events.out.tfevents.<%010d secs>.<host>.<pid>.<seq>.plxkit`.
 *
 * @example
 * ```ts
 * import { eventFileName } from "./sink.ts";
 * eventFileName(1700000000.5); // "events.out.tfevents.1700000000.myhost.1234.0.plxkit"
 * ```
 */
export function eventFileName(wallTime: number): string {
  let host = "localhost";
  try {
    host = Deno.hostname().replace(/[^-\w.]/g, "_") || host;
  } catch { /* no --allow-sys */ }
  const secs = String(Math.max(0, Math.floor(wallTime))).padStart(10, "0");
  return `events.out.tfevents.${secs}.${host}.${Deno.pid}.${sequence++}.plxkit`;
}

/**
 * Where a run goes under `outDir`: the original TensorBoard run path when safe, else the run id.
 *
 * @example
 * ```ts
 * import { runDirOf } from "./sink.ts";
 * runDirOf("out", { id: "hp__trial1", meta: { tensorboard: { run: "hp/trial1" } } }); // "out/hp/trial1"
 * runDirOf("out", { id: "r", meta: { tensorboard: { run: "../../x" } } }); // "out/r"
 * ```
 */
export function runDirOf(outDir: string, info: RunInfo): string {
  const tb = info.meta?.tensorboard as { run?: unknown } | undefined;
  if (typeof tb?.run === "string" && tb.run !== "") {
    if (tb.run === ".") return outDir;
    try {
      return safeJoin(outDir, tb.run);
    } catch { /* unsafe: fall back to the id */ }
  }
  return path.join(outDir, checkSegment("run id", info.id || "run"));
}

async function hasEventFile(dir: string): Promise<boolean> {
  try {
    for await (const e of Deno.readDir(dir)) if (e.isFile && isEventFileName(e.name)) return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return false;
}

/**
 * Writes runs as TensorBoard event files under `outDir`.
 *
 * @example
 * ```ts
 * import { convert } from "../../convert/pipeline.ts";
 * import { PlxSource } from "../plx/source.ts";
 * import { TensorboardSink } from "./sink.ts";
 *
 * const logdir = await Deno.makeTempDir();
 * try {
 *   const report = await convert(new PlxSource(["fixtures/runs/"]), new TensorboardSink(logdir));
 *   if (report.runs.some((r) => r.status === "failed")) throw new Error("every run converts");
 * } finally {
 *   await Deno.remove(logdir, { recursive: true });
 * }
 * ```
 */
export class TensorboardSink implements EventSink {
  /** Run ids become run folders. */
  readonly runIdsArePaths = true;
  /** A sink writing each run's event file under `outDir` (see {@linkcode runDirOf}). */
  constructor(readonly outDir: string, readonly options: TbWriteOptions = {}) {}
  #started = false;

  /** Commit records live in `<out>/.plxkit/commits/` (TensorBoard ignores the folder). */
  get commitDir(): string {
    return path.join(this.outDir, ".plxkit", "commits");
  }

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    await Deno.mkdir(this.outDir, { recursive: true });
    if (!this.#started) {
      this.#started = true;
      await removeStaleTemps(this.outDir);
    }
    const dir = runDirOf(this.outDir, info);
    noLinkBelow(this.outDir, dir);
    if (await hasEventFile(dir)) return "done";
    let created = false;
    try {
      await Deno.lstat(dir);
    } catch {
      created = true;
    }
    await Deno.mkdir(dir, { recursive: true });
    const tmp = tempIn(this.outDir, "run.partial");
    let file: Deno.FsFile;
    try {
      file = await Deno.open(tmp, { write: true, createNew: true });
    } catch (e) {
      forget(tmp);
      throw e;
    }
    return new TensorboardRunSink(dir, tmp, file, created, info, ledger, this.options);
  }

  async close(): Promise<void> {}
}

class TensorboardRunSink implements RunSink {
  #enc: TensorboardEncoder;
  /** The write in flight: encoding the next batch overlaps it. */
  #pending: Promise<void> = Promise.resolve();
  #headerAt = 0;
  /** Assets the encoder read (their bytes are in the event file). */
  #assets = new Set<string>();
  /** The side folder being built, once a file went into it. */
  #side: string | null = null;

  constructor(
    readonly dir: string,
    readonly tmp: string,
    readonly file: Deno.FsFile,
    readonly created: boolean,
    readonly info: RunInfo,
    readonly ledger: DropLedger,
    options: TbWriteOptions,
  ) {
    const tags = (info.meta?.tensorboard as { tags?: Record<string, string> } | undefined)?.tags;
    this.#enc = new TensorboardEncoder(
      options,
      (r, n) => ledger.note(r, n),
      tags && typeof tags === "object" ? tags : {},
    );
  }

  /** Queues `bytes` (a buffer nobody else writes to) after the write in flight. */
  async #write(bytes: Uint8Array): Promise<void> {
    await this.#pending;
    const file = this.file;
    this.#pending = (async () => {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
    })();
  }

  async write(events: PlxEvent[], source: RunSource): Promise<void> {
    if (this.#enc.events === 0 && events.length) {
      // The header is written once the first wall time is known (it names the file too).
      await this.#write(this.#enc.header(events[0].timestamp.micros / 1e6));
      this.#headerAt = events[0].timestamp.micros / 1e6;
    }
    // Events that carry files are encoded a few at a time (memory bounded by a few files, not by a batch
    // of thousands of images), and a file referenced again is read once (a small cache by path).
    const read = (rel: string) => {
      this.#assets.add(rel);
      return this.#readAsset(rel, source);
    };
    if (!events.some((e) => ASSET_TYPES.has(e.type))) {
      await this.#write(await this.#enc.encode(events, read));
      return;
    }
    for (let i = 0; i < events.length; i += ASSET_SLICE) {
      await this.#write(await this.#enc.encode(events.slice(i, i + ASSET_SLICE), read));
    }
  }

  #cache = new Map<string, Uint8Array | null>();
  #cached = 0;

  async #readAsset(rel: string, source: RunSource): Promise<Uint8Array | null> {
    if (this.#cache.has(rel)) {
      const hit = this.#cache.get(rel)!;
      this.#cache.delete(rel); // most recently used last
      this.#cache.set(rel, hit);
      return hit;
    }
    const bytes = await source.readAsset(rel);
    const size = bytes?.length ?? 0;
    if (size <= CACHE_BYTES) {
      while (this.#cache.size && (this.#cached + size > CACHE_BYTES || this.#cache.size >= 64)) {
        const [k, v] = this.#cache.entries().next().value!;
        this.#cache.delete(k);
        this.#cached -= v?.length ?? 0;
      }
      this.#cache.set(rel, bytes);
      this.#cached += size;
    }
    return bytes;
  }

  #sideDir(): string {
    return this.#side ??= tempIn(this.dir, SIDE_DIR);
  }

  async writeFile(file: RunFile): Promise<void | string> {
    if (this.#assets.has(file.rel)) return; // in the event file already, byte for byte
    let target: string;
    try {
      target = safeJoin(this.#sideDir(), file.rel);
    } catch {
      return "tensorboard: file path outside the run";
    }
    if (file.rel === "run.plx.json" || file.rel === "lineages.plx.json") {
      return "tensorboard: a run record that is not valid JSON";
    }
    await copyRunFile(file, target);
  }

  async commit(): Promise<void> {
    const now = Date.now() / 1000;
    if (this.#enc.events === 0) {
      await this.#write(this.#enc.header(now));
      this.#headerAt = now;
    }
    // A run whose id is not a Polyaxon uuid gets a complete run record (read back as a Polyaxon run).
    const meta = this.#enc.events
      ? completeRunRecord(
        this.info,
        Math.round(this.#headerAt * 1e6),
        Math.round((this.#enc.lastWallTime ?? now) * 1e6),
      )
      : completeRunRecord(this.info);
    await this.#write(
      this.#enc.trailer(meta, this.info.lineages, this.#enc.lastWallTime ?? now, this.info.records),
    );
    await this.#pending;
    await this.file.sync().catch(() => {});
    this.file.close();
    if (meta || this.info.lineages?.length || this.#side) {
      const side = this.#sideDir();
      if (meta) {
        await writeFileAtomic(path.join(side, "run.plx.json"), recordText(meta, this.info.records?.meta));
      }
      if (this.info.lineages?.length) {
        await writeFileAtomic(
          path.join(side, "lineages.plx.json"),
          recordText(this.info.lineages, this.info.records?.lineages),
        );
      }
      const final = path.join(this.dir, SIDE_DIR);
      noLinkBelow(path.dirname(this.dir), final);
      await Deno.remove(final, { recursive: true }).catch(() => {}); // left by a killed conversion
      await Deno.rename(side, final);
      forget(side);
    }
    await commitNew(this.tmp, path.join(this.dir, eventFileName(this.#headerAt)));
  }

  async abort(): Promise<void> {
    await this.#pending.catch(() => {});
    try {
      this.file.close();
    } catch { /* closed */ }
    await Deno.remove(this.tmp).catch(() => {});
    forget(this.tmp);
    if (this.#side) {
      await Deno.remove(this.#side, { recursive: true }).catch(() => {});
      forget(this.#side);
    }
    if (this.created) await Deno.remove(this.dir).catch(() => {});
  }
}
