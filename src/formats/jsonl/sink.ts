/**
 * JSONL as an {@linkcode EventSink}.
 *
 * - `--out x.jsonl` / `--out x.jsonl.gz`: one file holding every run, run after run, written to a temporary
 *   sibling and renamed when the conversion ends. A failed run is cut off the file again. No resume: a
 *   rerun rewrites the file.
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
  type DropLedger,
  type EventSink,
  recordText,
  type RunInfo,
  type RunSink,
  type RunSource,
} from "../../convert/pipeline.ts";
import { AtomicFileWriter, safeJoin, tempSibling, writeFileAtomic } from "../../io/files.ts";
import { checkSegment } from "../plx/write.ts";
import { JsonlEncoder } from "./write.ts";
import { encodeJsonlLog } from "./codec.ts";
import { copyRunFile, type RunFile } from "../../convert/carry.ts";
import { readLogs } from "../plx/logs.ts";

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
class AssetCopier {
  #copied = new Set<string>();
  constructor(readonly dir: string, readonly ledger: DropLedger, readonly label: string) {}

  async copy(events: PlxEvent[], source: RunSource): Promise<void> {
    for (const e of events) {
      if (e.type === "metric" || e.type === "text" || e.type === "html") continue;
      for (const ref of assetRefs(e)) {
        if (this.#copied.has(ref)) continue;
        this.#copied.add(ref);
        let target: string;
        try {
          target = safeJoin(this.dir, ref);
        } catch {
          this.ledger.note(`${this.label}: asset path outside the run (event kept, file not copied)`);
          continue;
        }
        const bytes = await source.readAsset(ref);
        if (bytes === null) {
          this.ledger.note(`${this.label}: asset missing in the source (event kept, file not copied)`);
          continue;
        }
        await writeFileAtomic(target, bytes);
      }
    }
  }

  /** Copies a run file (unless it was copied as an asset already). */
  async carry(file: RunFile): Promise<void | string> {
    if (this.#copied.has(file.rel)) return;
    this.#copied.add(file.rel);
    let target: string;
    try {
      target = safeJoin(this.dir, file.rel);
    } catch {
      return `${this.label}: file path outside the run`;
    }
    if (file.rel === "run.plx.json" || file.rel === "lineages.plx.json") {
      return `${this.label}: a run record that is not valid JSON`;
    }
    await copyRunFile(file, target);
  }

  async runRecords(info: RunInfo): Promise<void> {
    if (info.meta) {
      await writeFileAtomic(path.join(this.dir, "run.plx.json"), recordText(info.meta, info.records?.meta));
    }
    if (info.lineages?.length) {
      await writeFileAtomic(
        path.join(this.dir, "lineages.plx.json"),
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
 * // await convert(new PlxSource(["runs/"]), new JsonlSink("out/all.jsonl.gz"));
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
  /** Leftover temporary files of killed conversions, by the file they were meant to become. */
  #stale: Map<string, string[]> | null = null;
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

  /** Temporary files (`.<name>.<random>.tmp`) left in `dir` by killed conversions, keyed by `<name>`. */
  async #staleTemps(dir: string): Promise<Map<string, string[]>> {
    if (this.#stale) return this.#stale;
    this.#stale = new Map();
    try {
      for await (const e of Deno.readDir(dir)) {
        const m = /^\.(.+)\.[0-9a-f]{8}\.tmp$/.exec(e.name);
        if (!e.isFile || !m) continue;
        const list = this.#stale.get(m[1]) ?? [];
        list.push(path.join(dir, e.name));
        this.#stale.set(m[1], list);
      }
    } catch { /* no folder yet */ }
    return this.#stale;
  }

  /** Deletes what a killed conversion left for `name` (only this writer can be writing it). */
  async #dropStale(dir: string, name: string): Promise<void> {
    for (const f of (await this.#staleTemps(dir)).get(name) ?? []) await Deno.remove(f).catch(() => {});
  }

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    const id = checkSegment("run id", info.id || "run");
    if (this.single) {
      if (this.#runs.has(id)) return "done";
      if (!this.#file) {
        await this.#dropStale(path.dirname(path.resolve(this.out)), path.basename(this.out));
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
    await this.#dropStale(this.out, path.basename(target));
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
      await writeFileAtomic(this.out, new Uint8Array());
      return;
    }
    await this.#file.sync();
    this.#file.close();
    this.#file = null;
    await Deno.rename(this.#tmp, this.out);
  }
}

class SingleFileRun implements RunSink {
  #enc: JsonlEncoder;
  #assets: AssetCopier;
  constructor(
    readonly sink: JsonlSink,
    readonly info: RunInfo,
    ledger: DropLedger,
    readonly start: number,
  ) {
    this.#enc = new JsonlEncoder({ gzip: sink.gzip, level: sink.level });
    this.#assets = new AssetCopier(jsonlAssetDir(sink.out, info.id || "run"), ledger, "jsonl");
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
  #assets: AssetCopier;
  constructor(
    readonly writer: AtomicFileWriter,
    target: string,
    readonly info: RunInfo,
    ledger: DropLedger,
    gzip: boolean,
    level: number | undefined,
  ) {
    this.#enc = new JsonlEncoder({ gzip, level });
    this.#assets = new AssetCopier(jsonlAssetDir(target, info.id || "run"), ledger, "jsonl");
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
