/**
 * JSONL as an {@linkcode EventSink}.
 *
 * - `--out x.jsonl` / `--out x.jsonl.gz`: one file holding every run, run after run, written to a temporary
 *   sibling and published when the conversion ends. A failed run is cut off the file again. No resume, and
 *   an existing file is never replaced.
 * - `--out dir/`: one file per run, `dir/<run>.jsonl` (or `.jsonl.gz` with `--set compress=gzip`), each
 *   written to a temporary name and renamed when the run is complete; a rerun skips runs whose file
 *   exists (resume), and `--shard k/n` workers can share the folder.
 *
 * Asset bytes are copied to `<stem>.assets/<run>/<run-relative path>` (`<stem>` = the `.jsonl` file name
 * without `.jsonl[.gz]`), with the run's `run.plx.json` / `lineages.plx.json` when the source has them, and
 * every other file of the run (`outputs/`, `plxlogs/`, unreferenced assets, ...) byte for byte. Each
 * log line of `plxlogs/` is also written as a log row ({@linkcode encodeJsonlLog}) after the run's events.
 *
 * Needs `--allow-read --allow-write`.
 *
 * @module
 */
import * as path from "node:path";
import { assetRefs, type MetricColumns, type PlxEvent } from "../../model/event.ts";
import {
  AtomicFileWriter,
  checkSegment,
  tempSibling,
  writeFileNew,
  writeFileNewOrSame,
} from "../../io/files.ts";
import { AssetCopier, assetSkipReason } from "../../io/assets.ts";
import { JsonlEncoder } from "./write.ts";
import {
  type DropLedger,
  type EventSink,
  recordText,
  type RunInfo,
  type RunSink,
  type RunSource,
} from "../../convert/core.ts";
import { commitNew, forget, removeStaleTemps } from "../../io/commit.ts";
import { outputJoin } from "../../io/safe.ts";
import { encodeJsonlLog } from "./codec.ts";
import { copyRunFile, type RunFile } from "../../convert/carry.ts";
import { readLogs } from "../../model/logs.ts";

/** Options of {@linkcode JsonlSink}. */
export interface JsonlSinkOptions {
  /** gzip per-run files in directory mode (single files follow their `.gz` extension). @default false */
  gzip?: boolean;
  /** gzip level, 1 (fastest) to 9 (smallest). @default 3 */
  level?: number;
}

/** `x.jsonl` / `x.jsonl.gz` -> `x`; otherwise the path itself. */
export function jsonlStem(file: string): string {
  return file.replace(/\.jsonl(\.gz)?$/i, "");
}

/** The folder holding a run's asset bytes and run records beside a JSONL file. */
export function jsonlAssetDir(file: string, run: string): string {
  return path.join(`${jsonlStem(file)}.assets`, checkSegment("run id", run));
}

/** True when `out` names a single JSONL file rather than a folder. */
export function isJsonlFile(out: string): boolean {
  return /\.jsonl(\.gz)?$/i.test(out);
}

/** Copies the assets an event batch references and records the run files; shared by both modes. */
class RunFiles {
  readonly #assets: AssetCopier;
  /** The output folder holding `<stem>.assets/`: no link below it is written through. */
  readonly root: string;
  /** `<stem>.assets/<run>`, relative to {@linkcode RunFiles.root}. */
  readonly rel: string;
  constructor(readonly dir: string, ledger: DropLedger) {
    this.root = path.dirname(path.dirname(dir));
    this.rel = path.relative(this.root, dir);
    this.#assets = new AssetCopier(dir, (why) => ledger.note(assetSkipReason("jsonl", why)), {
      join: (ref) => outputJoin(this.root, path.join(this.rel, ref)),
      write: writeFileNewOrSame,
    });
  }

  async copy(events: PlxEvent[], source: RunSource): Promise<void> {
    const read = (rel: string) => source.readAsset(rel);
    for (const e of events) {
      if (e.type === "metric" || e.type === "text" || e.type === "html") continue;
      await this.#assets.copy(assetRefs(e), read);
    }
  }

  /** Copies a run file (unless it was copied as an asset already). */
  async carry(file: RunFile): Promise<void | string> {
    if (!this.#assets.claim(file.rel)) return;
    let target: string;
    try {
      target = outputJoin(this.root, path.join(this.rel, file.rel));
    } catch {
      return "jsonl: file path outside the run";
    }
    if (file.rel === "run.plx.json" || file.rel === "lineages.plx.json") {
      return "jsonl: a run record that is not valid JSON";
    }
    await copyRunFile(file, target, { keepSame: true });
  }

  async runRecords(info: RunInfo): Promise<void> {
    if (info.meta) {
      await writeFileNewOrSame(
        outputJoin(this.root, path.join(this.rel, "run.plx.json")),
        recordText(info.meta, info.records?.meta),
      );
    }
    if (info.lineages?.length) {
      await writeFileNewOrSame(
        outputJoin(this.root, path.join(this.rel, "lineages.plx.json")),
        recordText(info.lineages, info.records?.lineages),
      );
    }
  }
}

/** The log rows of a `plxlogs/` file, batch by batch (none for other files). */
async function* logRows(run: string, file: RunFile): AsyncGenerator<string[]> {
  if (!/^(plxlogs|\.tmpplxlogs)\/[^/]+$/.test(file.rel)) return;
  for await (const b of readLogs(file.chunks(), run, file.rel)) {
    yield b.records.map((r) => encodeJsonlLog(run, file.rel, r));
  }
}

/**
 * Writes runs as JSONL (see the module doc for the single-file and folder layouts).
 *
 * @example
 * ```ts
 * import { convert } from "../../convert/pipeline.ts";
 * import { PlxSource } from "../plx/source.ts";
 * import { JsonlSink } from "./sink.ts";
 *
 * const out = await Deno.makeTempDir();
 * try {
 *   const report = await convert(new PlxSource(["fixtures/runs/"]), new JsonlSink(`${out}/all.jsonl.gz`));
 *   if (report.failed || (await Deno.stat(`${out}/all.jsonl.gz`)).size === 0) throw new Error("written");
 * } finally {
 *   await Deno.remove(out, { recursive: true });
 * }
 * ```
 */
export class JsonlSink implements EventSink {
  /** True when writing one file (`.jsonl[.gz]`), false for one file per run in a folder. */
  readonly single: boolean;
  /** True when the output is gzip. */
  readonly gzip: boolean;
  #file: Deno.FsFile | null = null;
  #tmp = "";
  #size = 0;
  #runs = new Set<string>();
  /** Whether the temporaries of killed conversions were removed. */
  #stale = false;
  /** gzip level. */
  readonly level: number | undefined;

  /** In folder mode run ids are file names. */
  get runIdsArePaths(): boolean {
    return !this.single;
  }

  /** In folder mode commit records live in `<out>/.plxkit/commits/`; a single file has no resume. */
  get commitDir(): string | undefined {
    return this.single ? undefined : path.join(this.out, ".plxkit", "commits");
  }

  /** A sink writing to `out` (a `.jsonl[.gz]` file or a folder). */
  constructor(readonly out: string, options: JsonlSinkOptions = {}) {
    this.single = isJsonlFile(out);
    this.gzip = this.single ? /\.gz$/i.test(out) : options.gzip ?? false;
    this.level = options.level;
  }

  /** Deletes the temporaries that killed conversions left in `dir` (once per sink). */
  async #dropStale(dir: string): Promise<void> {
    if (this.#stale) return;
    this.#stale = true;
    await removeStaleTemps(dir);
  }

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    const id = checkSegment("run id", info.id || "run");
    if (this.single) {
      if (this.#runs.has(id)) return "done";
      if (!this.#file) {
        await this.#dropStale(path.dirname(path.resolve(this.out)));
        await Deno.mkdir(path.dirname(path.resolve(this.out)), { recursive: true });
        this.#tmp = tempSibling(this.out);
        this.#file = await Deno.open(this.#tmp, { write: true, createNew: true });
      }
      return new SingleFileRun(this, info, ledger, this.#size);
    }
    const target = path.join(this.out, `${id}.jsonl${this.gzip ? ".gz" : ""}`);
    for (const done of [`${id}.jsonl`, `${id}.jsonl.gz`]) {
      try {
        await Deno.lstat(path.join(this.out, done));
        return "done";
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
    }
    await this.#dropStale(this.out);
    return new FileRun(await AtomicFileWriter.open(target), target, info, ledger, this.gzip, this.level);
  }

  /**
   * @internal Appends bytes to the single output file. A synchronous write of a ~1 MiB chunk (into the page
   * cache) costs less than handing it to the I/O thread pool and waiting for the wake-up; measured again on
   * 2026-11-26, a write kept in flight while the next chunk is encoded was no faster, even to a slow disk.
   */
  append(bytes: Uint8Array): Promise<void> {
    const file = this.#file!;
    let off = 0;
    while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
    this.#size += bytes.length;
    return Promise.resolve();
  }

  /** @internal Cuts the single output file back to `size` bytes (drops a failed run). */
  async truncate(size: number): Promise<void> {
    await this.#file!.truncate(size);
    await this.#file!.seek(size, Deno.SeekMode.Start);
    this.#size = size;
  }

  /** @internal Marks a run complete in the single output file. */
  done(id: string): void {
    this.#runs.add(id);
  }

  async close(): Promise<void> {
    if (!this.single) return;
    if (!this.#file) {
      // No run at all: still produce the (empty) file so the output exists.
      await writeFileNew(this.out, new Uint8Array());
      return;
    }
    await this.#file.sync();
    this.#file.close();
    this.#file = null;
    try {
      await commitNew(this.#tmp, this.out);
    } catch (e) {
      await Deno.remove(this.#tmp).catch(() => {});
      forget(this.#tmp);
      throw e;
    }
  }
}

class SingleFileRun implements RunSink {
  #enc: JsonlEncoder;
  #assets: RunFiles;
  constructor(
    readonly sink: JsonlSink,
    readonly info: RunInfo,
    ledger: DropLedger,
    readonly start: number,
  ) {
    this.#enc = new JsonlEncoder({ gzip: sink.gzip, level: sink.level });
    this.#assets = new RunFiles(jsonlAssetDir(sink.out, info.id || "run"), ledger);
  }
  async write(events: PlxEvent[], source: RunSource): Promise<void> {
    await this.#assets.copy(events, source);
    for (const c of this.#enc.push(events)) await this.sink.append(c);
  }
  async writeMetrics(columns: MetricColumns): Promise<void> {
    for (const c of this.#enc.pushMetrics(columns)) await this.sink.append(c);
  }
  async writeFile(file: RunFile): Promise<void | string> {
    const why = await this.#assets.carry(file);
    if (why !== undefined) return why;
    for await (const rows of logRows(this.info.id || "run", file)) {
      for (const c of this.#enc.pushLines(rows)) await this.sink.append(c);
    }
  }
  async commit(): Promise<void> {
    const last = this.#enc.flush();
    if (last) await this.sink.append(last);
    await this.#assets.runRecords(this.info);
    this.sink.done(this.info.id || "run");
  }
  async abort(): Promise<void> {
    await this.sink.truncate(this.start);
  }
}

class FileRun implements RunSink {
  #enc: JsonlEncoder;
  #assets: RunFiles;
  constructor(
    readonly writer: AtomicFileWriter,
    target: string,
    readonly info: RunInfo,
    ledger: DropLedger,
    gzip: boolean,
    level: number | undefined,
  ) {
    this.#enc = new JsonlEncoder({ gzip, level });
    this.#assets = new RunFiles(jsonlAssetDir(target, info.id || "run"), ledger);
  }
  async write(events: PlxEvent[], source: RunSource): Promise<void> {
    await this.#assets.copy(events, source);
    for (const c of this.#enc.push(events)) await this.writer.write(c);
  }
  async writeMetrics(columns: MetricColumns): Promise<void> {
    for (const c of this.#enc.pushMetrics(columns)) await this.writer.write(c);
  }
  async writeFile(file: RunFile): Promise<void | string> {
    const why = await this.#assets.carry(file);
    if (why !== undefined) return why;
    for await (const rows of logRows(this.info.id || "run", file)) {
      for (const c of this.#enc.pushLines(rows)) await this.writer.write(c);
    }
  }
  async commit(): Promise<void> {
    const last = this.#enc.flush();
    if (last) await this.writer.write(last);
    await this.#assets.runRecords(this.info);
    await this.writer.commit();
  }
  async abort(): Promise<void> {
    await this.writer.abort();
  }
}
