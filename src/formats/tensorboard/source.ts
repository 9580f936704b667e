/**
 * TensorBoard logdirs as an {@linkcode EventSource}: every folder directly holding event files is a run
 * (spec §2), its files are read in name order into canonical events, and the image/audio bytes the events
 * reference are served by `readAsset`.
 *
 * `RunInfo.meta` (run inputs/outputs from hparams, the original tags) is filled in while the run's batches
 * are read: it is complete once `batches()` has finished.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { type Diagnostic, ioDiag } from "../../diagnostics.ts";
import { checkRegular, CHUNK_SIZE, fillChunk } from "../../io/files.ts";
import { findRuns, runIdOf, SIDE_DIR, type TbRunDir } from "./layout.ts";
import { isRunUuid, nameUuid, polyaxonRunRecord, type RunFile, walkRunFiles } from "../../convert/carry.ts";

/** True when plxkit wrote an event file of the run (then it may have a side folder). */
function writtenByPlxkit(dir: TbRunDir): boolean {
  return dir.files.some((f) => f.endsWith(".plxkit"));
}

/**
 * The Polyaxon uuid of a TensorBoard run: the folder name when it is a uuid, else the uuid of the run
 * record in its side folder (a run plxkit wrote, in a renamed folder), else a name-based uuid of the run path and its first
 * event file name (which holds the time, host and process that wrote it): the same run always gets the
 * same uuid, so reruns are idempotent.
 */
export function tensorboardRunUuid(dir: TbRunDir): string {
  // A uuid folder name wins, as for a Polyaxon run folder (whose run.plx.json may name another uuid: a
  // copied run keeps its record byte for byte).
  const base = path.basename(path.resolve(dir.path)).toLowerCase();
  if (isRunUuid(base)) return base;
  if (writtenByPlxkit(dir)) {
    try {
      const v = JSON.parse(Deno.readTextFileSync(path.join(dir.path, SIDE_DIR, "run.plx.json")));
      const u = typeof v?.uuid === "string" ? v.uuid.toLowerCase().replaceAll("-", "") : "";
      if (isRunUuid(u)) return u;
    } catch { /* no side record */ }
  }
  return nameUuid(`tensorboard\0${dir.rel}\0${dir.files[0] ?? ""}`);
}
import { type TbReadOptions, TensorboardRunReader } from "./read.ts";
import { assetFromRecord } from "./asset_ref.ts";
import { maskedCrc32c } from "./crc32c.ts";
import type { PlxBatch } from "../../model/batch.ts";
import {
  diagnosticItem,
  type EventSource,
  type RunInfo,
  runItem,
  type RunSource,
  type SourceItem,
} from "../../convert/core.ts";
import type { FileReport, RunReport } from "../../model/report.ts";

/**
 * Reads a file in chunks of `chunkSize` bytes (1 MiB), keeping the next read in flight while the caller
 * works on the current chunk. Each chunk is a fresh buffer.
 *
 * @example
 * ```ts
 * import { readAhead } from "./source.ts";
 * let n = 0;
 * for await (const c of readAhead("deno.json")) n += c.length;
 * ```
 */
export async function* readAhead(file: string, chunkSize = CHUNK_SIZE): AsyncGenerator<Uint8Array> {
  checkRegular(file); // (a FIFO is refused, never opened)
  using f = await Deno.open(file, { read: true });
  const fill = () => fillChunk(f, new Uint8Array(chunkSize));

  let next = fill();
  try {
    while (true) {
      const chunk = await next;
      if (chunk === null) return;
      next = chunk.length === chunkSize ? fill() : Promise.resolve(null);
      yield chunk;
    }
  } finally {
    await next.catch(() => null); // let an in-flight read finish before the file closes
  }
}

/**
 * One TensorBoard run folder as a {@linkcode RunSource}.
 *
 * @example
 * ```ts
 * import { TensorboardRunSource } from "./source.ts";
 * const dir = "fixtures/tensorboard/logdirs/tf2/run1";
 * const run = new TensorboardRunSource({ id: "run1", rel: ".", path: dir, files: [] });
 * // files: the event file names in the folder, sorted (findRuns fills them in)
 * ```
 */
export class TensorboardRunSource implements RunSource {
  /**
   * The run id; `meta`, `lineages` and `records` are filled in while {@linkcode TensorboardRunSource.batches}
   * runs.
   */
  readonly info: RunInfo;
  #reader: TensorboardRunReader | null = null;
  #first = Infinity;
  #last = -Infinity;
  /** The run in `dir` (its event files as listed by `findRuns`). */
  constructor(readonly dir: TbRunDir, readonly options: TbReadOptions = {}) {
    this.info = { id: tensorboardRunUuid(dir) };
  }

  /**
   * The run's side folder (`<run>/plx/`, see {@linkcode SIDE_DIR}), when plxkit wrote the run: every file
   * in it but the run records (those come from the event file).
   */
  files(): AsyncIterable<RunFile | Diagnostic> {
    if (!writtenByPlxkit(this.dir)) return (async function* () {})();
    return walkRunFiles(
      path.join(this.dir.path, SIDE_DIR),
      "",
      (rel) => rel === "run.plx.json" || rel === "lineages.plx.json",
    );
  }

  async *batches(): AsyncGenerator<PlxBatch> {
    const policy = this.options.steps ?? "all";
    if (policy === "all") {
      yield* this.#read(null);
      return;
    }
    // Two passes: the first learns every series' steps (and the restarts), the second keeps what the
    // policy keeps.
    const steps = new Map<string, number[]>();
    const order: [string, number][] = []; // global event index -> (series, index in series)
    let starts: { at: number; step: number }[] = [];
    const pass1 = new TensorboardRunReader(this.info.id, {
      ...this.options,
      steps: "all",
      keepAssets: false,
    });
    for (const f of this.dir.files) {
      try {
        const abs = path.join(this.dir.path, f);
        for await (const b of pass1.readFile(f, readAhead(abs), (await Deno.stat(abs)).size)) {
          for (const e of b.events) {
            const key = `${e.scope}/${e.kind}/${e.name}`;
            let list = steps.get(key);
            if (!list) steps.set(key, list = []);
            if (policy === "restart") order.push([key, list.length]);
            list.push(e.step ?? NaN);
          }
        }
      } catch { /* reported by the second pass */ }
    }
    starts = pass1.starts;
    const drop = new Map<string, Uint8Array>();
    for (const [key, list] of steps) drop.set(key, new Uint8Array(list.length));
    if (policy === "last") {
      for (const [key, list] of steps) {
        const d = drop.get(key)!;
        let min = Infinity;
        for (let i = list.length - 1; i >= 0; i--) {
          if (list[i] >= min) d[i] = 1;
          if (list[i] < min) min = list[i];
        }
      }
    } else {
      let k = starts.length - 1;
      let min = Infinity;
      for (let i = order.length - 1; i >= 0; i--) {
        while (k >= 0 && starts[k].at > i) min = Math.min(min, starts[k--].step);
        const [key, j] = order[i];
        if (steps.get(key)![j] >= min) drop.get(key)![j] = 1;
      }
    }
    yield* this.#read(drop);
  }

  async *#read(drop: Map<string, Uint8Array> | null): AsyncGenerator<PlxBatch> {
    const reader = new TensorboardRunReader(this.info.id, { ...this.options, keepAssets: false });
    this.#reader = reader;
    const seen = new Map<string, number>();
    const dropped = new Map<string, number>();
    const filter = (b: PlxBatch): PlxBatch => {
      for (const e of b.events) {
        const t = e.timestamp.micros;
        if (t < this.#first) this.#first = t;
        if (t > this.#last) this.#last = t;
      }
      if (drop === null) return b;
      const events = b.events.filter((e) => {
        const key = `${e.scope}/${e.kind}/${e.name}`;
        const i = seen.get(key) ?? 0;
        seen.set(key, i + 1);
        if (drop.get(key)?.[i] !== 1) return true;
        dropped.set(key, (dropped.get(key) ?? 0) + 1);
        return false;
      });
      return { events, diagnostics: b.diagnostics };
    };
    for (const f of this.dir.files) {
      const abs = path.join(this.dir.path, f);
      let size: number;
      try {
        size = (await Deno.stat(abs)).size;
      } catch (e) {
        yield { events: [], diagnostics: [ioDiag(f, e, "cannot read")] };
        continue;
      }
      try {
        for await (const b of reader.readFile(f, readAhead(abs), size)) yield filter(b);
      } catch (e) {
        yield { events: [], diagnostics: [ioDiag(f, e, "cannot read")] };
      }
      this.#updateMeta(reader);
    }
    const notes = reader.finish();
    const rule = this.options.steps === "last"
      ? "a later value at the same or a lower step replaces them (--set steps=last, TensorBoard's data server rule)"
      : "a later session restart at a lower or equal step drops them (--set steps=restart, TensorBoard's Python loader rule)";
    for (const [key, n] of dropped) {
      const [, kind, name] = key.split("/");
      notes.push({
        severity: "info",
        code: "deduplicated",
        file: ".",
        message: `${kind} "${name}": ${n} event${n === 1 ? "" : "s"} dropped: ${rule}`,
      });
    }
    this.#updateMeta(reader);
    if (notes.length) yield { events: [], diagnostics: notes };
  }

  #updateMeta(reader: TensorboardRunReader): void {
    let m = reader.meta(this.dir.rel);
    if (m && writtenByPlxkit(this.dir) && !reader.runRecords()?.meta) {
      // A Polyaxon run without a run record, written by plxkit: it gets none back either.
      const tb = { ...(m.tensorboard ?? {}) } as Record<string, unknown>;
      delete tb.run;
      m = { ...m };
      if (Object.keys(tb).length) m.tensorboard = tb;
      else delete m.tensorboard;
      if (!Object.keys(m).length) m = null;
    }
    if (m) this.info.meta = m;
    if (!reader.runRecords()?.meta && !writtenByPlxkit(this.dir)) {
      // A run TensorBoard wrote: make it a complete Polyaxon run record.
      const some = this.#first <= this.#last;
      const made = polyaxonRunRecord({
        uuid: this.info.id,
        name: this.dir.rel === "." ? this.dir.id : this.dir.rel,
        first: some ? this.#first : undefined,
        last: some ? this.#last : undefined,
        inputs: m?.inputs as Record<string, unknown> | undefined,
        outputs: m?.outputs as Record<string, unknown> | undefined,
        metaInfo: { tensorboard: { run: this.dir.rel, files: this.dir.files } },
        tags: ["tensorboard"],
      });
      this.info.meta = { ...made, ...m, uuid: this.info.id };
    }
    const l = reader.lineages();
    if (l) this.info.lineages = l;
    const r = reader.runRecords();
    if (r) this.info.records = r;
  }

  /** The bytes of an image/audio/inline asset, read back from its record in the event file. */
  async readAsset(rel: string): Promise<Uint8Array | null> {
    const ref = this.#reader?.assetRefs.get(rel);
    if (!ref) return null;
    try {
      using f = await Deno.open(path.join(this.dir.path, ref.file), { read: true });
      await f.seek(ref.offset, Deno.SeekMode.Start);
      const head = new Uint8Array(12);
      if (!(await readFull(f, head))) return null;
      const v = new DataView(head.buffer);
      if (v.getUint32(8, true) !== maskedCrc32c(head, 0, 8)) return null;
      const length = v.getUint32(4, true) * 4294967296 + v.getUint32(0, true);
      // The record was read and checked before; its length is bounded by the asset it holds.
      if (length > ref.size + (1 << 20) + 64 * 1024 * 1024) return null;
      const body = new Uint8Array(length);
      if (!(await readFull(f, body))) return null;
      return assetFromRecord(body, ref);
    } catch {
      return null;
    }
  }
}

async function readFull(f: Deno.FsFile, buf: Uint8Array): Promise<boolean> {
  let filled = 0;
  while (filled < buf.length) {
    const n = await f.read(buf.subarray(filled));
    if (n === null) return false;
    filled += n;
  }
  return true;
}

/**
 * Every TensorBoard run under `paths` (logdirs, run folders or single event files).
 *
 * @example
 * ```ts
 * import { TensorboardSource } from "./source.ts";
 * for await (const run of new TensorboardSource(["fixtures/tensorboard/logdirs/tf2"]).runs()) {
 *   if (run.type === "diagnostic") continue;
 *   for await (const b of run.run.batches()) console.log(run.run.info.id, b.events.length);
 * }
 * ```
 */
export class TensorboardSource implements EventSource {
  /** A source of every TensorBoard run under `paths` (logdirs, run folders or single event files). */
  constructor(readonly paths: string[], readonly options: TbReadOptions = {}) {}

  /** Yields every run found under each path in turn, with diagnostics for problems met finding them. */
  async *runs(): AsyncGenerator<SourceItem> {
    for (const p of this.paths) {
      for await (const r of findRuns(p)) {
        if ("severity" in r) yield diagnosticItem(r);
        else yield runItem(new TensorboardRunSource(r, this.options));
      }
    }
  }
}

/**
 * Validates the event files directly in the TensorBoard run folder `dir`: framing, CRCs, protobufs, wall
 * times and values, one {@linkcode FileReport} per file, plus run-level notes (values not convertible,
 * repeated steps). For `plxkit validate`. `only` names the files of `dir` to check instead (e.g. one event file
 * named on the command line, whatever its name).
 *
 * @example
 * ```ts
 * import { validateTensorboardRun } from "./source.ts";
 * const report = await validateTensorboardRun("fixtures/tensorboard/logdirs/tf2/run1", "run1");
 * console.log(report.files.map((f) => [f.file, f.events, f.diagnostics.length]));
 * ```
 */
export async function validateTensorboardRun(
  dir: string,
  id: string,
  options: TbReadOptions = {},
  only?: string[],
): Promise<RunReport> {
  const report: RunReport = { id, path: dir, format: "tensorboard", files: [], diagnostics: [] };
  const files: string[] = [];
  if (only) files.push(...only);
  else {try {
      for await (const r of findRuns(dir)) {
        if ("severity" in r) report.diagnostics.push(r);
        else if (r.rel === ".") files.push(...r.files);
      }
    } catch (e) {
      report.diagnostics.push(ioDiag(dir, e, "cannot list"));
      return report;
    }}
  if (!files.length) {
    report.diagnostics.push({
      severity: "error",
      code: "no-event-files",
      file: ".",
      message: "no TensorBoard event files (names containing 'tfevents') in this folder",
    });
    return report;
  }
  const reader = new TensorboardRunReader(id || runIdOf(dir, "."), {
    ...options,
    batchSize: 1 << 16,
    keepAssets: false,
  });
  for (const f of files) {
    const abs = path.join(dir, f);
    const fr: FileReport = { file: f, role: "tensorboard", events: 0, records: 0, bytes: 0, diagnostics: [] };
    report.files.push(fr);
    try {
      fr.bytes = (await Deno.stat(abs)).size;
      const before = reader.events;
      for await (const b of reader.readFile(f, readAhead(abs), fr.bytes)) {
        fr.diagnostics.push(...b.diagnostics);
      }
      fr.events = reader.events - before;
      const v = reader.fileVersion;
      const n = v?.startsWith("brain.Event:") ? Number(v.slice(12)) : NaN;
      if (fr.bytes > 0 && !fr.diagnostics.some((d) => d.offset === 0) && !(n >= 2)) {
        fr.diagnostics.push({
          severity: "warning",
          code: "no-file-version",
          file: f,
          offset: 0,
          message: `the first record is not file_version "brain.Event:2"${
            v ? ` (it is "${v}")` : ""
          }: TensorBoard's Python loader then drops data whenever a step goes backwards`,
        });
      }
    } catch (e) {
      fr.diagnostics.push(ioDiag(f, e, "cannot read"));
    }
  }
  report.diagnostics.push(...reader.finish());
  return report;
}
