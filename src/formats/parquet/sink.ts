/**
 * A Parquet dataset as an {@linkcode EventSink}: Hive partitions by kind (`kind=metric/part-….parquet`),
 * the run id a column, row groups and part files sized by options, written crash-safe and resumable.
 *
 * Protocol (see `docs/parquet.md`):
 * 1. Rows go into per-kind buffers (one row group each), then into part files written under a hidden
 *    temporary name (`kind=k/.part-<writer>-<seq>.parquet.tmp`, invisible to Parquet readers).
 * 2. A part never mixes rows of the run being converted with rows of finished runs, so a failed run is
 *    removed by deleting its own parts and cutting its rows off the buffers.
 * 3. When finished runs add up to a part's size (and at the end), their parts are committed: a commit
 *    record `_plxkit/commits/<writer>-<seq>.json` listing the parts and the runs they complete is written
 *    atomically, then the parts are renamed to their final names.
 * 4. On open, commit records are read: listed parts still under their temporary name are renamed (roll
 *    forward), the runs they list are "done" (skipped), and this writer's temporary files that no commit
 *    lists are deleted (rows of runs that never finished). A rerun therefore resumes without duplicates.
 *
 * Writers (`--shard k/n`) name their files `s<k>of<n>`, so parallel workers never touch each other's files.
 *
 * Needs `--allow-read --allow-write`.
 *
 * @module
 */
import * as path from "node:path";
import {
  assetRefs,
  type MetricColumns,
  metricEvents,
  type PlxEvent,
  toPolyaxonValue,
  valueTypeOf,
} from "../../model/event.ts";
import { checkSegment, safeJoin, writeFileAtomic } from "../../io/files.ts";
import { AssetCopier, assetSkipReason } from "../../io/assets.ts";
import { noLinkBelow, readSource, readSourceTextSync } from "../../io/safe.ts";
import { PlxDataError } from "../../diagnostics.ts";
import { SCHEMA_VERSION } from "../../schema/values.ts";
import {
  DATA_DIR,
  PARQUET_LAYOUT_VERSION,
  partitionDir,
  type PartType,
  READABLE_LAYOUT_VERSIONS,
  RUN_KIND,
} from "./schema.ts";
import { runRow } from "./_run_table.ts";
import { ColumnBuffer, type ParquetCompression } from "./write.ts";
import {
  EncoderWorker,
  nativeCodec,
  openInlinePart,
  openNativePart,
  type PartSink,
  type PartSpec,
  wasmPart,
} from "./_part.ts";
import type { DropLedger, EventSink, RunInfo, RunSink, RunSource } from "../../convert/core.ts";
import { copyRunFile, type RunFile } from "../../convert/carry.ts";

/** Options of {@linkcode ParquetSink}. */
export interface ParquetSinkOptions {
  /** Rows per row group. @default 1048576 */
  rowGroupRows?: number;
  /** Target size of a part file in bytes (a part closes after the row group that reaches it). @default 134217728 */
  partBytes?: number;
  /** Compression codec. @default "zstd" */
  compression?: ParquetCompression;
  /** The shard `k/n` this writer converts; names its files. @default "1/1" */
  shard?: string;
  /**
   * Every partition is encoded by plxkit's own encoder (`native.ts`) on this thread with zstd or no
   * compression. Only `compression: "snappy"` (library only, not a CLI setting: slow now, since parquet-wasm
   * must encode every column of the one schema) goes through parquet-wasm, which runs in a worker thread
   * (`"worker"`) or on this one (`"inline"`); `"wasm"` sends every partition through parquet-wasm inline (for
   * comparison, e.g. in the benchmark). Not a CLI setting.
   * @default "worker"
   */
  encoder?: "worker" | "inline" | "wasm";
}

/** A part file as a commit record lists it. */
export interface PartRecord {
  /** Dataset-relative path with `/`. */
  file: string;
  /** Kind folder of its rows. */
  kind: string;
  /** Value type of its rows (`run` for the run table). */
  type: PartType;
  /** Rows in the file. */
  rows: number;
}

/** A run as a commit record lists it. */
export interface RunRecord {
  /** Run id. */
  id: string;
  /** Events written. */
  events: number;
  /** The run's `run.plx.json`, when the source had one. */
  meta?: Record<string, unknown>;
  /** The run's `lineages.plx.json`, when the source had one. */
  lineages?: unknown[];
  /** Those files' texts as the source had them (written back when they still match; see `recordText`). */
  records?: { meta?: string; lineages?: string };
}

/** `_plxkit/commits/<writer>-<seq>.json`. */
export interface CommitRecord {
  /** Always `plxkit-parquet`. */
  format: "plxkit-parquet";
  /** Layout version (`PARQUET_LAYOUT_VERSION`; `1` in datasets of the previous layout). */
  version: string;
  /** Writer name, `s<k>of<n>`. */
  writer: string;
  /** Sequence number of the commit within its writer. */
  seq: number;
  /** Parts made visible by this commit, in write order per kind. */
  parts: PartRecord[];
  /** Runs completed by this commit, in write order. */
  runs: RunRecord[];
}

/** Value types that can reference asset files. */
const HAS_ASSETS: ReadonlySet<string> = new Set([
  "image",
  "audio",
  "video",
  "artifact",
  "model",
  "dataframe",
]);

/** The folder of commit records inside a dataset. */
export const COMMITS_DIR = "_plxkit/commits";
/** The folder of asset bytes inside a dataset: `_assets/<run>/<run-relative path>`. */
export const ASSETS_DIR = "_assets";

/**
 * Checks `_plxkit/dataset.json` and returns its layout version: a dataset of a version this plxkit does
 * not read is refused; with `write`, only the current version is accepted (one dataset, one schema).
 *
 * @throws {PlxDataError} When the file is unreadable or names another format or version.
 */
export async function checkDatasetVersion(root: string, write = false): Promise<string> {
  const file = path.join(root, "_plxkit", "dataset.json");
  let d: { format?: unknown; version?: unknown };
  try {
    d = JSON.parse(new TextDecoder().decode(await readSource(file, root, 1 << 20)));
  } catch (e) {
    throw new PlxDataError(`unreadable: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  const ok = write ? [PARQUET_LAYOUT_VERSION] : READABLE_LAYOUT_VERSIONS;
  if (d?.format !== "plxkit-parquet" || typeof d.version !== "string" || !ok.includes(d.version)) {
    throw new PlxDataError(
      `dataset format ${JSON.stringify(d?.format)} version ${JSON.stringify(d?.version)}; this plxkit ` +
        (write
          ? `adds only to plxkit-parquet version ${PARQUET_LAYOUT_VERSION} (convert the dataset to a new one)`
          : `reads plxkit-parquet versions ${READABLE_LAYOUT_VERSIONS.join(" and ")}`),
      { file },
    );
  }
  return d.version;
}

/**
 * Reads every commit record of a dataset, sorted by writer and sequence.
 *
 * @example
 * ```ts
 * import { readCommits } from "./sink.ts";
 * // for (const c of await readCommits("out/dataset")) console.log(c.writer, c.seq, c.runs.length);
 * ```
 */
export async function readCommits(root: string): Promise<CommitRecord[]> {
  const dir = path.join(root, COMMITS_DIR);
  const out: CommitRecord[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isFile || !e.name.endsWith(".json") || e.name.startsWith(".")) continue;
      const rec = JSON.parse(readSourceTextSync(path.join(dir, e.name), root)) as CommitRecord;
      if (rec?.format === "plxkit-parquet" && Array.isArray(rec.parts) && Array.isArray(rec.runs)) {
        out.push(rec);
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out.sort((a, b) => (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : a.seq - b.seq));
}

function tmpName(file: string): string {
  const d = path.posix.dirname(file);
  return `${d}/.${path.posix.basename(file)}.tmp`;
}

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** One part file being written, with its record. */
class PartWriter {
  rows = 0;
  constructor(readonly record: PartRecord, readonly encoder: PartSink) {}

  get bytes(): number {
    return this.encoder.bytes;
  }

  /** Adds the buffer's first `rows` rows as a row group; waits when the encoder is behind. */
  async push(buffer: ColumnBuffer, rows: number): Promise<void> {
    await this.encoder.take(buffer, rows);
    this.rows += rows;
    this.record.rows += rows;
  }

  close(): Promise<void> {
    return this.encoder.close();
  }

  abort(): Promise<void> {
    return this.encoder.abort();
  }
}

interface KindState {
  kind: string;
  type: PartType;
  buffer: ColumnBuffer;
  part: PartWriter | null;
  /** Buffer row where the current run's rows begin. */
  runStart: number;
}

/**
 * Writes runs into a Parquet dataset folder (see the module doc for layout and crash safety).
 * Always {@linkcode ParquetSink.close} it ({@linkcode convert} does): close commits the last runs and
 * stops the encoder worker, which otherwise keeps the process alive.
 *
 * @example
 * ```ts
 * import { convert } from "../../convert/pipeline.ts";
 * import { PlxSource } from "../plx/source.ts";
 * import { ParquetSink } from "./sink.ts";
 * // const sink = await ParquetSink.open("out/dataset", { shard: "1/4" });
 * // await convert(new PlxSource(["runs/"]), sink);
 * ```
 */
export class ParquetSink implements EventSink {
  /** Writer name used in file names: `s<k>of<n>`. */
  readonly writer: string;
  /** Rows per row group. */
  readonly rowGroupRows: number;
  /** Target part size in bytes. */
  readonly partBytes: number;
  readonly #compression: ParquetCompression;
  readonly #encoderMode: "worker" | "inline" | "wasm";
  #worker: EncoderWorker | null = null;
  readonly #done = new Set<string>();
  readonly #kinds = new Map<string, KindState>();
  #partSeq = 0;
  #commitSeq = 0;
  #completedParts: PartRecord[] = [];
  #completedRuns: RunRecord[] = [];
  #completedIds = new Set<string>();
  #currentParts: PartWriter[] = [];
  #currentOwnsParts = false;
  #current: RunRecord | null = null;
  /** The current run's info (a source may fill in `meta` while the run is read). */
  #info: RunInfo | null = null;
  #notes: string[] = [];

  private constructor(readonly root: string, options: ParquetSinkOptions) {
    const m = /^(\d+)\/(\d+)$/.exec(options.shard ?? "1/1");
    this.writer = m ? `s${m[1]}of${m[2]}` : "s1of1";
    this.rowGroupRows = options.rowGroupRows ?? 1 << 20;
    this.partBytes = options.partBytes ?? 128 * 1024 * 1024;
    this.#compression = options.compression ?? "zstd";
    this.#encoderMode = options.encoder ?? "worker";
  }

  /** Opens (creating or resuming) the dataset at `root`. */
  static async open(root: string, options: ParquetSinkOptions = {}): Promise<ParquetSink> {
    const sink = new ParquetSink(root, options);
    await Deno.mkdir(path.join(root, COMMITS_DIR), { recursive: true });
    const marker = path.join(root, "_plxkit", "dataset.json");
    if (!(await exists(marker))) {
      await writeFileAtomic(
        marker,
        JSON.stringify({
          format: "plxkit-parquet",
          version: PARQUET_LAYOUT_VERSION,
          schema_version: SCHEMA_VERSION,
          table: DATA_DIR,
          partitioning: "hive:kind",
        }) + "\n",
      );
    } else {
      await checkDatasetVersion(root, true);
    }
    await sink.#recover();
    return sink;
  }

  async #recover(): Promise<void> {
    const listed = new Set<string>();
    const seqOf = (name: string) => {
      const m = new RegExp(`^\\.?part-${this.writer}-(\\d+)\\.parquet`).exec(name);
      return m ? Number(m[1]) : -1;
    };
    for (const c of await readCommits(this.root)) {
      if (c.writer === this.writer) this.#commitSeq = Math.max(this.#commitSeq, c.seq + 1);
      for (const p of c.parts) {
        listed.add(p.file);
        const final = safeJoin(this.root, p.file);
        if (await exists(final)) continue;
        const tmp = safeJoin(this.root, tmpName(p.file));
        if (await exists(tmp)) await Deno.rename(tmp, final);
        else this.#notes.push(`parquet: part ${p.file} listed in commit ${c.writer}-${c.seq} is missing`);
      }
      for (const r of c.runs) this.#done.add(r.id);
    }
    const table = path.join(this.root, DATA_DIR);
    let dirs: Deno.DirEntry[] = [];
    try {
      dirs = await Array.fromAsync(Deno.readDir(table));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    for (const d of dirs) {
      if (!d.isDirectory || !d.name.startsWith("kind=")) continue;
      for await (const f of Deno.readDir(path.join(table, d.name))) {
        const seq = seqOf(f.name);
        if (seq < 0) continue;
        if (f.name.startsWith(".") && f.name.endsWith(".tmp")) {
          // A part of a conversion that stopped before its commit: its runs are not done; drop it. Its
          // number is free again, so a rerun after a kill names its parts as an uninterrupted run would.
          await Deno.remove(path.join(table, d.name, f.name)).catch(() => {});
          continue;
        }
        this.#partSeq = Math.max(this.#partSeq, seq + 1);
      }
    }
  }

  /** True when the run is already in a committed part (or earlier in this conversion). */
  isDone(id: string): boolean {
    return this.#done.has(id) || this.#completedIds.has(id);
  }

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    for (const n of this.#notes.splice(0)) ledger.note(n);
    const id = info.id || "run";
    if (this.isDone(id)) return "done";
    checkSegment("run id", id);
    this.#current = { id, events: 0 };
    this.#info = info;
    this.#state(RUN_KIND);
    for (const k of this.#kinds.values()) k.runStart = k.buffer.length;
    return new ParquetRunSink(this, id, ledger);
  }

  /** The source's names of the current run (`<kind>/<name>` -> original, e.g. a TensorBoard tag). */
  #sourceNames(): Record<string, string> {
    const tags = (this.#info?.meta?.tensorboard as { tags?: unknown } | undefined)?.tags;
    return tags !== null && typeof tags === "object" ? tags as Record<string, string> : {};
  }

  /** The source's name of an event (kind, name): the original TensorBoard tag when renamed. */
  #sourceName(kind: string, name: string): string {
    const s = this.#sourceNames()[`${kind}/${name}`];
    return typeof s === "string" ? s : name;
  }

  #state(kind: string): KindState {
    let k = this.#kinds.get(kind);
    if (!k) {
      const type: PartType = kind === RUN_KIND ? RUN_KIND : valueTypeOf(kind);
      k = { kind, type, buffer: new ColumnBuffer(type, this.rowGroupRows), part: null, runStart: 0 };
      this.#kinds.set(kind, k);
    }
    return k;
  }

  /** @internal Buffers a batch of the current run. */
  async add(events: PlxEvent[]): Promise<void> {
    for (const e of events) {
      if (e.kind === RUN_KIND) {
        throw new PlxDataError(`events of kind "${RUN_KIND}" clash with the dataset's run table (kind=run)`, {
          file: e.run,
        });
      }
      const k = this.#kinds.get(e.kind) ?? this.#state(e.kind);
      if (k.buffer.length >= k.buffer.capacity) await this.#spill(k);
      // (the columns hold Polyaxon's field names, as the plx and JSONL files do)
      k.buffer.push(
        e.type === "histogram" ? { ...e, value: toPolyaxonValue(e.type, e.value) } as PlxEvent : e,
        this.#sourceName(e.kind, e.name),
      );
    }
    this.#current!.events += events.length;
  }

  /** @internal Buffers metric rows of the current run held as columns (same rows as {@linkcode add}). */
  async addMetrics(c: MetricColumns): Promise<void> {
    if (valueTypeOf(c.kind) !== "metric") {
      // Not a metric kind folder (cannot happen from the plx reader): keep the one general path.
      await this.add(metricEvents(c));
      return;
    }
    const k = this.#kinds.get(c.kind) ?? this.#state(c.kind);
    let from = 0;
    while (from < c.length) {
      if (k.buffer.length >= k.buffer.capacity) await this.#spill(k);
      const n = Math.min(c.length - from, k.buffer.capacity - k.buffer.length);
      k.buffer.pushMetrics(c, from, n, this.#sourceName(c.kind, c.name));
      from += n;
    }
    this.#current!.events += c.length;
  }

  async #pushRows(k: KindState, rows: number): Promise<void> {
    if (rows <= 0) return;
    if (!k.part) {
      const seq = this.#partSeq++;
      const file = `${DATA_DIR}/${checkSegment("partition", partitionDir(k.kind))}/part-${this.writer}-${
        String(seq).padStart(5, "0")
      }.parquet`;
      const spec: PartSpec = {
        tmp: path.join(this.root, tmpName(file)),
        compression: this.#compression,
        rowGroupRows: this.rowGroupRows,
        meta: { "plxkit.schema_version": SCHEMA_VERSION, "plxkit.kind": k.kind, "plxkit.value_type": k.type },
        type: k.type,
      };
      let encoder: PartSink;
      if (nativeCodec(this.#compression) !== null && this.#encoderMode !== "wasm") {
        encoder = await openNativePart(spec);
      } else if (this.#encoderMode === "worker") {
        this.#worker ??= EncoderWorker.start();
        await Deno.mkdir(path.dirname(spec.tmp), { recursive: true });
        encoder = wasmPart(await this.#worker.open(spec));
      } else {
        encoder = wasmPart(await openInlinePart(spec));
      }
      k.part = new PartWriter({ file, kind: k.kind, type: k.type, rows: 0 }, encoder);
      if (this.#currentOwnsParts) this.#currentParts.push(k.part);
    }
    await k.part.push(k.buffer, rows);
    if (k.part.bytes >= this.partBytes) await this.#closePart(k);
  }

  async #closePart(k: KindState): Promise<void> {
    const p = k.part!;
    k.part = null;
    await p.close();
    if (!this.#currentOwnsParts) this.#completedParts.push(p.record);
  }

  /** A full buffer: write a row group, keeping parts of the current run apart from finished runs. */
  async #spill(k: KindState): Promise<void> {
    if (!this.#currentOwnsParts && k.runStart > 0) {
      await this.#pushRows(k, k.runStart);
      k.runStart = 0;
      return;
    }
    if (!this.#currentOwnsParts) {
      // The current run needs parts of its own: first put every finished row into finished parts.
      for (const s of this.#kinds.values()) {
        await this.#pushRows(s, s.runStart);
        s.runStart = 0;
        if (s.part) await this.#closePart(s);
      }
      this.#currentOwnsParts = true;
    }
    await this.#pushRows(k, k.buffer.length);
  }

  /** @internal The current run is complete. */
  async commitRun(): Promise<void> {
    const run = this.#current!;
    const info = this.#info!;
    // (read now: a source may have filled them in while the run was read)
    if (info.meta) run.meta = info.meta;
    if (info.lineages?.length) run.lineages = info.lineages;
    if (info.records) run.records = info.records;
    // Original names learnt at the end of the run, for its rows still buffered.
    const names = this.#sourceNames();
    if (Object.keys(names).length) {
      for (const k of this.#kinds.values()) {
        if (k.kind === RUN_KIND) continue;
        k.buffer.renameSources(k.runStart, (s) => names[`${k.kind}/${s}`] ?? s);
      }
    }
    // The run table's row: one of the run's rows (cut with them, were the run to fail).
    const runs = this.#state(RUN_KIND);
    if (runs.buffer.length >= runs.buffer.capacity) await this.#spill(runs);
    runs.buffer.push(runRow(run.id, info.meta));
    this.#current = null;
    this.#info = null;
    for (const p of this.#currentParts) {
      if (!this.#kinds.get(p.record.kind)?.part || this.#kinds.get(p.record.kind)!.part !== p) {
        this.#completedParts.push(p.record);
      }
    }
    this.#currentParts = [];
    this.#currentOwnsParts = false;
    this.#completedRuns.push(run);
    this.#completedIds.add(run.id);
    let bytes = 0;
    let rows = 0;
    for (const k of this.#kinds.values()) {
      bytes += k.part?.bytes ?? 0;
      rows += k.buffer.length;
    }
    if (bytes >= this.partBytes || this.#completedParts.length || rows >= this.rowGroupRows * 4) {
      await this.#commitGroup();
    }
  }

  /** @internal Drops the current run's rows and parts. */
  async abortRun(): Promise<void> {
    this.#current = null;
    this.#info = null;
    for (const k of this.#kinds.values()) {
      if (k.part && this.#currentParts.includes(k.part)) k.part = null;
      k.buffer.truncate(k.runStart);
    }
    for (const p of this.#currentParts) await p.abort();
    this.#currentParts = [];
    this.#currentOwnsParts = false;
  }

  async #commitGroup(): Promise<void> {
    for (const k of this.#kinds.values()) {
      await this.#pushRows(k, k.buffer.length);
      k.runStart = 0;
      if (k.part) await this.#closePart(k);
    }
    if (!this.#completedRuns.length && !this.#completedParts.length) return;
    const rec: CommitRecord = {
      format: "plxkit-parquet",
      version: PARQUET_LAYOUT_VERSION,
      writer: this.writer,
      seq: this.#commitSeq++,
      parts: this.#completedParts,
      runs: this.#completedRuns,
    };
    const name = `${this.writer}-${String(rec.seq).padStart(6, "0")}.json`;
    await writeFileAtomic(path.join(this.root, COMMITS_DIR, name), JSON.stringify(rec) + "\n");
    for (const p of rec.parts) {
      await Deno.rename(safeJoin(this.root, tmpName(p.file)), safeJoin(this.root, p.file));
    }
    for (const r of rec.runs) this.#done.add(r.id);
    this.#completedParts = [];
    this.#completedRuns = [];
    this.#completedIds.clear();
  }

  /**
   * Stops the encoder worker without committing anything (what a crash does; {@linkcode ParquetSink.close}
   * calls it after the last commit).
   */
  terminate(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }

  async close(): Promise<void> {
    try {
      await this.#commitGroup();
    } finally {
      this.terminate();
    }
  }
}

class ParquetRunSink implements RunSink {
  readonly #assets: AssetCopier;
  constructor(readonly sink: ParquetSink, readonly id: string, readonly ledger: DropLedger) {
    this.#assets = new AssetCopier(
      path.join(sink.root, ASSETS_DIR, id),
      (why) => ledger.note(assetSkipReason("parquet", why)),
      {
        write: async (target, bytes) => {
          noLinkBelow(sink.root, target); // (never written through a link in the output)
          await writeFileAtomic(target, bytes);
        },
      },
    );
  }

  async write(events: PlxEvent[], source: RunSource): Promise<void> {
    const read = (rel: string) => source.readAsset(rel);
    for (const e of events) if (HAS_ASSETS.has(e.type)) await this.#assets.copy(assetRefs(e), read);
    await this.sink.add(events);
  }

  writeMetrics(columns: MetricColumns): Promise<void> {
    return this.sink.addMetrics(columns);
  }

  /**
   * Carries a run file (`outputs/`, `plxlogs/`, `resources/` files, unreferenced assets) as bytes under
   * `_assets/<run>/`, beside the assets: a folder every engine skips, read back by the Parquet source.
   */
  async writeFile(file: RunFile): Promise<void | string> {
    if (!this.#assets.claim(file.rel)) return; // copied as an asset an event references
    if (file.rel === "run.plx.json" || file.rel === "lineages.plx.json") {
      return "parquet: a run record that is not valid JSON";
    }
    let target: string;
    try {
      target = safeJoin(path.join(this.sink.root, ASSETS_DIR, this.id), file.rel);
    } catch {
      return "parquet: file path outside the run";
    }
    noLinkBelow(this.sink.root, target); // (never written through a link in the output)
    // (an identical file left by an interrupted run of this conversion is kept)
    await copyRunFile(file, target, { keepSame: true });
  }

  commit(): Promise<void> {
    return this.sink.commitRun();
  }

  abort(): Promise<void> {
    return this.sink.abortRun();
  }
}
