/**
 * Reader for TensorBoard event files: TFRecords -> Event protobufs -> canonical {@linkcode PlxEvent}s, in
 * both the legacy (TF1/tensorboardX/PyTorch) and the TF2 layouts (spec §4). A pure codec: it takes byte
 * chunks per file and never touches the file system ({@linkcode TensorboardSource} is the adapter).
 *
 * Semantics (spec §5): files are read in the order given (the source sorts names), records in file order;
 * nothing is dropped for repeated or backward steps or restarts: all events are kept as written and such
 * places are reported as `info` diagnostics. Metadata seen first for a tag applies to later values of that
 * tag that carry none. Values plxkit cannot map (graphs, meshes, custom plugins without a mapping) are
 * counted and reported once per run and tag.
 *
 * Each TensorBoard plugin's values are decoded in its own module of `plugins/` (beside their encoding);
 * this reader frames records, decodes Events, dispatches values and keeps the run's state.
 *
 * @module
 */
import type { Diagnostic } from "../../diagnostics.ts";
import type { PlxEvent } from "../../model/event.ts";
import type { PlxTime } from "../../model/time.ts";
import type { PlxBatch } from "../../model/batch.ts";
import { ProtoError, ProtoReader } from "./_proto.ts";
import { type FrameProblem, RecordScanner } from "./tfrecord.ts";
import { decodeEvent, SessionStatus, type TbEvent, type TbMetadata, type TbValue } from "./_messages.ts";
import { DT, type TbTensor } from "./_tensor.ts";
import { type Envelope, PLUGIN, RUN_TAG } from "./plugin.ts";
import { SeriesTable } from "./_series.ts";
import type { AssetRef } from "./asset_ref.ts";
import type { ReadContext, ValueAt } from "./plugins/context.ts";
import { readFastScalar, readScalarTensor } from "./plugins/scalars.ts";
import { readImage, readImagesTensor } from "./plugins/images.ts";
import { readAudio, readAudioTensor } from "./plugins/audio.ts";
import { readHistogramTensor, readLegacyHistogram } from "./plugins/histograms.ts";
import { readTextTensor } from "./plugins/text.ts";
import { readPrCurve } from "./plugins/pr_curves.ts";
import { decodeHParams, type HParamsData, mergeHParams } from "./plugins/hparams.ts";
import { PlxkitValues, type RunRecordTexts } from "./plugins/plxkit.ts";

/** Options of {@linkcode TensorboardRunReader}. */
export interface TbReadOptions {
  /** Check record payload CRCs. @default true */
  checksum?: boolean;
  /** Events per batch. @default 4096 */
  batchSize?: number;
  /**
   * Which values of a series to keep when steps repeat or go back (applied by `TensorboardSource`, which
   * then reads each run twice): `all` keeps everything as written (tbparse's view); `last` is the Rust data
   * server's rule (a value at step s replaces every earlier value of the series at a step >= s); `restart`
   * is the Python loader's (a `SessionLog START` at step S, other than the run's first, drops every earlier
   * value of the run at a step >= S). Dropped values are reported.
   * @default "all"
   */
  steps?: StepPolicy;
  /**
   * Keep a copy of every image/audio/inline asset in {@linkcode TensorboardRunReader.assets}. Without it
   * only {@linkcode TensorboardRunReader.assetRefs} are kept (`TensorboardSource` then reads the bytes
   * back from the file when asked, so memory stays flat for image-heavy logs).
   * @default true
   */
  keepAssets?: boolean;
}

/** See {@linkcode TbReadOptions.steps}. */
export type StepPolicy = "all" | "last" | "restart";

/** What a run's reading learnt besides events: goes into `RunInfo.meta`. */
export interface TbRunMeta {
  /** hparams of `session_start_info` (run inputs). */
  inputs?: Record<string, unknown>;
  /** Last values of the experiment's metrics (run outputs). */
  outputs?: Record<string, unknown>;
  /** Where the run came from in TensorBoard: its directory, renamed tags and hparams. */
  tensorboard?: {
    /** The run's directory relative to the logdir (`.` = the logdir itself). */
    run?: string;
    /** `<kind>/<name>` -> the original TensorBoard tag, for every tag whose name is not its own. */
    tags?: Record<string, string>;
    /** Experiment and session end of the hparams plugin. */
    hparams?: Record<string, unknown>;
  };
  /** Other fields: those of the plxkit run record, when the run was written by plxkit. */
  [k: string]: unknown;
}

/**
 * Reads the event files of one run into canonical events.
 *
 * @example
 * ```ts
 * import { TensorboardRunReader } from "./read.ts";
 * import { readChunks } from "../../io/files.ts";
 *
 * const file = "fixtures/tensorboard/logdirs/tbx/train/events.out.tfevents.1795728471.vm";
 * const r = new TensorboardRunReader("run1");
 * let events = 0;
 * for await (const b of r.readFile("events.out.tfevents.1795728471.vm", readChunks(file))) events += b.events.length;
 * const problems = r.finish(); // diagnostics that need the whole run (e.g. steps repeated across files)
 * if (events === 0 || problems.some((d) => d.severity === "error")) throw new Error("read");
 * ```
 */
export class TensorboardRunReader {
  /** Asset bytes of the events read so far, by run-relative path. */
  readonly assets: Map<string, Uint8Array> = new Map();
  /** Where each asset's bytes are: file, record offset, value tag and part (see {@linkcode AssetRef}). */
  readonly assetRefs: Map<string, AssetRef> = new Map();
  /** Events read. */
  events = 0;
  /** Records read (including file_version and session logs). */
  records = 0;
  /** The `file_version` of the file read last, when its first record holds one (else null). */
  fileVersion: string | null = null;
  /** Restarts after the run's first `SessionLog START`: how many events came before, and the step. */
  readonly starts: { at: number; step: number }[] = [];
  readonly #opts: { checksum: boolean; batchSize: number; report: boolean; keepAssets: boolean };
  /** The record being read: its file and byte offset (for asset references and diagnostics). */
  readonly #pos = { file: "", offset: 0 };
  readonly #table: SeriesTable;
  readonly #plxkit: PlxkitValues;
  readonly #ctx: ReadContext;
  readonly #dropped = new Map<string, number>(); // reason -> count
  readonly #notes: Diagnostic[] = [];
  readonly #hparams: HParamsData = {};
  #sawData = false;
  #starts = 0;

  /** A reader for the event files of the run with id `run` (put on its events). */
  constructor(readonly run: string, options: TbReadOptions = {}) {
    this.#opts = {
      checksum: options.checksum ?? true,
      batchSize: options.batchSize ?? 4096,
      report: (options.steps ?? "all") === "all",
      keepAssets: options.keepAssets ?? true,
    };
    const drop = (reason: string) => this.#drop(reason);
    this.#table = new SeriesTable(run, drop);
    this.#plxkit = new PlxkitValues(run);
    const table = this.#table;
    this.#ctx = {
      push: (at, kind, tag, type, value) => table.push(at, kind, tag, type, value),
      name: (kind, tag) => table.seriesOf(kind, tag).name,
      mapTag: (key, tag) => void (table.tagMap[key] = tag),
      drop,
      uniquePath: (p) => this.#uniquePath(p),
      keep: (path, bytes, from) => {
        const { file, offset } = this.#pos;
        this.assetRefs.set(path, { file, offset, tag: from.tag, part: from.part, size: bytes.length });
        if (this.#opts.keepAssets) this.assets.set(path, bytes.slice());
      },
    };
  }

  /**
   * Reads one event file (its bytes as chunks). Yields batches of events with the diagnostics met on the
   * way; `file` names the file in diagnostics.
   */
  async *readFile(
    file: string,
    chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    fileSize?: number,
  ): AsyncGenerator<PlxBatch> {
    this.#pos.file = file;
    const scanner = new RecordScanner({ fileSize, checksum: this.#opts.checksum });
    const reader = new ProtoReader(new Uint8Array(0));
    reader.interner = this.#table.interner;
    let events: PlxEvent[] = [];
    let diagnostics: Diagnostic[] = [];
    const onProblem = (p: FrameProblem) => {
      diagnostics.push({
        severity: p.problem === "truncated-record" ? "warning" : "error",
        code: p.problem,
        file,
        offset: p.offset,
        message: p.message,
      });
    };
    let first = true;
    this.fileVersion = null;
    const onRecord = (buf: Uint8Array, start: number, end: number, offset: number) => {
      this.records++;
      this.#pos.offset = offset;
      const isFirst = first;
      first = false;
      if (readFastScalar(this.#table, reader, buf, start, end, events)) {
        this.events++;
        this.#sawData = true;
        return;
      }
      let ev: TbEvent;
      try {
        ev = decodeEvent(buf, start, end, reader);
      } catch (e) {
        if (!(e instanceof ProtoError || e instanceof RangeError)) throw e;
        diagnostics.push({
          severity: "error",
          code: "bad-protobuf",
          file,
          offset,
          message: `record of ${end - start} bytes is not a valid Event protobuf (${
            e instanceof ProtoError ? `${e.message} at byte ${e.pos - start} of the record` : e.message
          }); record skipped`,
        });
        return;
      }
      if (isFirst) this.fileVersion = ev.fileVersion ?? null;
      try {
        this.#event(ev, offset, events, diagnostics);
      } catch (e) {
        if (!(e instanceof ProtoError || e instanceof RangeError || e instanceof SyntaxError)) throw e;
        diagnostics.push({
          severity: "error",
          code: "bad-value",
          file,
          offset,
          message: `event at step ${ev.step}: ${e.message}; event skipped`,
        });
      }
    };
    const slice = 1 << 17; // batches of at most ~128 KiB of records keep memory and GC work small
    for await (const chunk of chunks) {
      for (let at = 0; at < chunk.length && !scanner.stopped; at += slice) {
        scanner.each(
          at === 0 && chunk.length <= slice ? chunk : chunk.subarray(at, at + slice),
          onRecord,
          onProblem,
        );
        if (events.length >= this.#opts.batchSize || diagnostics.length) {
          yield { events, diagnostics };
          events = [];
          diagnostics = [];
        }
      }
      if (scanner.stopped) break;
    }
    scanner.end({ push: onProblem });
    if (events.length || diagnostics.length) yield { events, diagnostics };
  }

  #drop(reason: string, n = 1): void {
    this.#dropped.set(reason, (this.#dropped.get(reason) ?? 0) + n);
  }

  #event(ev: TbEvent, offset: number, out: PlxEvent[], diags: Diagnostic[]): void {
    const file = this.#pos.file;
    if (Number.isNaN(ev.wallTime)) {
      diags.push({
        severity: "error",
        code: "nan-wall-time",
        file,
        offset,
        message: `event at step ${ev.step} has a NaN wall_time; event skipped`,
      });
      return;
    }
    if (!Number.isFinite(ev.wallTime)) {
      diags.push({
        severity: "warning",
        code: "infinite-wall-time",
        file,
        offset,
        message: `event at step ${ev.step} has an infinite wall_time; event skipped (as TensorBoard does)`,
      });
      return;
    }
    if (ev.fileVersion !== undefined) return;
    if (ev.sessionLog) {
      if (ev.sessionLog.status === SessionStatus.START) {
        this.#starts++;
        if (this.#starts > 1) this.starts.push({ at: this.events, step: ev.step });
        if (this.#sawData && this.#opts.report) {
          diags.push({
            severity: "info",
            code: "restart",
            file,
            offset,
            message: `session restart (SessionLog START) at step ${ev.step}: all events are kept; ` +
              `TensorBoard's Python loader would drop the earlier events with step >= ${ev.step} ` +
              `(--set steps=restart does that)`,
          });
        }
      }
      return;
    }
    if (ev.other) {
      this.#drop(`${ev.other} records (not converted)`);
      return;
    }
    if (!ev.summary) return;
    const ts: PlxTime = { micros: Math.round(ev.wallTime * 1e6), offset: 0 };
    const values = ev.summary;
    // plxkit copies first: they name the native tags they mirror.
    let covered: Set<string> | null = null;
    let nativeAssets: Map<string, Envelope & { value: Record<string, unknown> }> | null = null;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const st = this.#table.tag(v);
      const md = st.metadata;
      if (md === null || md.pluginName !== PLUGIN) continue;
      if (v.tag === RUN_TAG) {
        this.#plxkit.runRecord(v, (r) => this.#drop(r));
        continue;
      }
      const e = this.#plxkit.value(this.#ctx, v, md, ev.step, ts);
      if (!e) continue;
      out.push(e);
      this.events++;
      this.#sawData = true;
      const env = this.#plxkit.last!;
      if (env.tag !== undefined) {
        (covered ??= new Set()).add(env.tag);
        if (env.asset === "native") {
          (nativeAssets ??= new Map()).set(env.tag, { ...env, value: e.value as Record<string, unknown> });
        }
      }
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const st = this.#table.tags.get(v.tag)!;
      const md = st.metadata;
      if (md !== null && md.pluginName === PLUGIN) continue;
      if (covered !== null && covered.has(v.tag)) {
        const na = nativeAssets?.get(v.tag);
        if (na) {
          const bytes = v.image?.encoded ?? v.audio?.encoded ?? firstBlob(v.tensor);
          const p = na.value.path;
          const part = v.image || v.audio ? -1 : (v.tensor?.strings.length ?? 0) > 2 ? 2 : 0;
          if (bytes && typeof p === "string" && p) this.#ctx.keep(p, bytes, { tag: v.tag, part });
        }
        continue;
      }
      const before = out.length;
      this.#native(v, md, { out, step: ev.step, ts }, diags, offset);
      if (out.length > before) {
        this.events += out.length - before;
        this.#sawData = true;
      }
    }
  }

  /** Dispatches a native value to its plugin's decoder. */
  #native(v: TbValue, md: TbMetadata | null, at: ValueAt, diags: Diagnostic[], offset: number): void {
    const ctx = this.#ctx;
    const plugin = md?.pluginName ?? "";
    const tag = v.tag;
    if (v.simpleValue !== undefined) {
      ctx.push(at, "metric", tag, "metric", v.simpleValue);
      return;
    }
    if (v.image) {
      const { encoded: bytes, width, height, colorspace } = v.image;
      readImage(ctx, at, tag, { bytes, width, height, colorspace }, { tag, part: -1 });
      return;
    }
    if (v.audio) {
      const a = v.audio;
      const clip = {
        bytes: a.encoded,
        sampleRate: a.sampleRate,
        channels: a.numChannels,
        frames: a.lengthFrames,
        contentType: a.contentType,
      };
      readAudio(ctx, at, tag, clip, { tag, part: -1 });
      return;
    }
    if (v.histo) {
      readLegacyHistogram(ctx, at, tag, v.histo);
      return;
    }
    if (v.obsolete) {
      this.#drop(`obsolete_old_style_histogram values (tag "${tag}")`);
      return;
    }
    const t = v.tensor;
    if (plugin === "hparams") {
      if (md!.content.length) this.#hparam(md!.content, tag, diags, offset);
      return;
    }
    if (!t) {
      this.#drop(`values with no data (tag "${tag}", plugin "${plugin}")`);
      return;
    }
    switch (plugin) {
      case "":
      case "scalars":
        return readScalarTensor(ctx, at, tag, t, md);
      case "images":
        return readImagesTensor(ctx, at, tag, t);
      case "audio":
        return readAudioTensor(ctx, at, tag, t);
      case "histograms":
        return readHistogramTensor(ctx, at, tag, t);
      case "text":
        return readTextTensor(ctx, at, tag, t);
      case "pr_curves":
        return readPrCurve(ctx, at, tag, t, md);
      default:
        this.#drop(`values of plugin "${plugin}" (tag "${tag}"; no Polyaxon equivalent)`);
    }
  }

  /** Asset paths stay unique when a step repeats: `_<step>` then `_<step>-2`, ... before the extension. */
  #uniquePath(p: string): string {
    if (!this.assetRefs.has(p)) return p;
    const dot = p.lastIndexOf(".");
    const stem = dot > p.lastIndexOf("/") ? p.slice(0, dot) : p;
    const ext = dot > p.lastIndexOf("/") ? p.slice(dot) : "";
    for (let i = 2;; i++) {
      const q = `${stem}-${i}${ext}`;
      if (!this.assetRefs.has(q)) return q;
    }
  }

  #hparam(content: Uint8Array, tag: string, diags: Diagnostic[], offset: number): void {
    let d: HParamsData;
    try {
      d = decodeHParams(content);
    } catch (e) {
      diags.push({
        severity: "error",
        code: "bad-protobuf",
        file: this.#pos.file,
        offset,
        message: `hparams value "${tag}" has invalid plugin content (${(e as Error).message}); ignored`,
      });
      return;
    }
    mergeHParams(this.#hparams, d);
  }

  /** Lineage records of a run written by plxkit (from its run record), or null. */
  lineages(): unknown[] | null {
    return this.#plxkit.lineages;
  }

  /** The texts of the run's record files as plxkit stored them (see `RunInfo.records`), or null. */
  runRecords(): RunRecordTexts | null {
    return this.#plxkit.records;
  }

  /** Run-level diagnostics (dropped values, repeated steps), one per reason and tag. Call after reading. */
  finish(): Diagnostic[] {
    const out = [...this.#notes];
    for (const [reason, n] of this.#dropped) {
      out.push({ severity: "warning", code: "not-converted", file: ".", message: `${n} × ${reason}` });
    }
    for (const { kind, name, repeats: n } of this.#table.series) {
      if (!n || !this.#opts.report) continue;
      out.push({
        severity: "info",
        code: "step-repeat",
        file: ".",
        message: `${kind} "${name}": ${n} event${n === 1 ? "" : "s"} repeat or go back in step; all kept ` +
          `(TensorBoard's data server keeps only the last value per step)`,
      });
    }
    return out;
  }

  /**
   * What goes into `RunInfo.meta`: the plxkit run record when there is one (a run written by plxkit), else
   * hparams as inputs, the experiment's metrics' last values as outputs, and the tag map. `null` when there
   * is nothing.
   */
  meta(runPath?: string): TbRunMeta | null {
    const m: TbRunMeta = this.#plxkit.meta ? structuredClone(this.#plxkit.meta) : {};
    const hp = this.#hparams;
    if (!this.#plxkit.meta) {
      if (hp.sessionStart && Object.keys(hp.sessionStart.hparams).length) {
        m.inputs = { ...hp.sessionStart.hparams };
      }
      if (hp.experiment?.metrics.length) {
        const outputs: Record<string, unknown> = {};
        for (const x of hp.experiment.metrics) {
          const v = this.#table.tags.get(x.tag)?.byKind?.get("metric")?.lastValue;
          if (v !== undefined) outputs[x.tag] = v;
        }
        if (Object.keys(outputs).length) m.outputs = outputs;
      }
    }
    const tb: NonNullable<TbRunMeta["tensorboard"]> = {};
    if (runPath !== undefined && !this.#plxkit.meta) tb.run = runPath;
    if (Object.keys(this.#table.tagMap).length) tb.tags = { ...this.#table.tagMap };
    if (!this.#plxkit.meta && (hp.experiment || hp.sessionEnd || hp.sessionStart)) {
      tb.hparams = JSON.parse(JSON.stringify(hp));
    }
    if (Object.keys(tb).length) m.tensorboard = { ...(m.tensorboard as object ?? {}), ...tb };
    return Object.keys(m).length ? m : null;
  }
}

function firstBlob(t: TbTensor | undefined): Uint8Array | undefined {
  if (!t || t.dtype !== DT.STRING) return undefined;
  return t.strings.length > 2 ? t.strings[2] : t.strings[0];
}
