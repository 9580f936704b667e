/**
 * Writer for TensorBoard event files: canonical {@linkcode PlxEvent}s -> Event protobufs -> TFRecords,
 * following the writer checklist of spec §6.1. A pure codec: it produces bytes; asset bytes come through a
 * callback; {@linkcode TensorboardSink} is the file-system side.
 *
 * Every event is written twice in one Event record: in its best TensorBoard-native form (scalars as
 * `simple_value`, images and audio inline, histograms as HistogramProto, text, tables and PR curves as text
 * and `pr_curves`), and exactly, in the `plxkit` plugin (see `plugin.ts`), so that reading the file back
 * gives the same events, float64 metrics, null steps and timestamp offsets included. Each plugin's encoding
 * is in its module of `plugins/`, beside its decoding; this encoder frames records and names series.
 *
 * @module
 */
import type { PlxEvent } from "../../model/event.ts";
import { LEN } from "./_proto.ts";
import { ProtoWriter } from "./_proto_write.ts";
import { crc32c8, maskCrc, maskedCrc32c } from "./crc32c.ts";
import { DataClass, SessionStatus, writeMetadata } from "./_messages.ts";
import { DT } from "./_tensor.ts";
import { type Envelope, ENVELOPE_VERSION, PLUGIN, pluginTag } from "./plugin.ts";
import type { DropNote, WriteContext } from "./plugins/context.ts";
import { writeScalar } from "./plugins/scalars.ts";
import { writeImages } from "./plugins/images.ts";
import { writeAudioValue } from "./plugins/audio.ts";
import { writeHistogram } from "./plugins/histograms.ts";
import { writeChart, writeConfusion, writeText } from "./plugins/text.ts";
import { writeCurve } from "./plugins/pr_curves.ts";
import { hparamsValues } from "./plugins/hparams.ts";
import { type RunRecordTexts, writePlxkitValue, writeRunRecord } from "./plugins/plxkit.ts";

/** Options of {@linkcode TensorboardEncoder}. */
export interface TbWriteOptions {
  /** Also write the exact plxkit copy of each event. @default true */
  plugin?: boolean;
  /** Asset files larger than this are not embedded (counted as dropped). @default 256 MiB */
  maxAssetBytes?: number;
  /** `Event.source_metadata.writer`. @default "plxkit" */
  writerName?: string;
}

/** Fetches a run-relative asset's bytes (null when missing). */
export type AssetReader = (rel: string) => Promise<Uint8Array | null>;

export type { DropNote };

const enc = new TextEncoder();

/**
 * Makes a tag TensorBoard and its consumers accept (spec §2, §6.1): characters outside `[-/\w.]` become
 * `_`, leading `/` are stripped, and an empty tag becomes `_`.
 *
 * @example
 * ```ts
 * import { sanitizeTag } from "./write.ts";
 * sanitizeTag("/train/loss (avg)"); // "train/loss__avg_"
 * ```
 */
export function sanitizeTag(tag: string): string {
  const s = tag.replace(/[^-/\w.]/g, "_").replace(/^\/+/, "");
  return s === "" ? "_" : s;
}

/**
 * The TensorBoard tag for a Polyaxon name: `__` (what `/` became under the name rules) back to `/`.
 *
 * @example
 * ```ts
 * import { tagForName } from "./write.ts";
 * tagForName("train__loss"); // "train/loss"
 * ```
 */
export function tagForName(name: string): string {
  return sanitizeTag(name.replace(/__/g, "/").replace(/\/{2,}/g, "/").replace(/\/$/, "_"));
}

/** One output series: an event (scope, kind, name) and its native tag. */
interface OutSeries {
  scope: string;
  kind: string;
  tag: string;
  lastStep: number | undefined;
  /** For metrics: the encoded plugin tag field and the envelope's constant head (made on first use). */
  pluginTagField?: Uint8Array;
  envelopeHead?: Uint8Array;
  /** For metrics: the encoded Summary.Value up to the simple_value's 4 bytes. */
  metricValueHead?: Uint8Array;
}

/** `tensor { dtype: DT_DOUBLE, tensor_shape {}, tensor_content: <8 bytes> }` up to the 8 bytes. */
const DOUBLE_SCALAR_HEAD = new Uint8Array([0x42, 0x0e, 0x08, DT.DOUBLE, 0x12, 0x00, 0x22, 0x08]);
/** `plugin_name: "plxkit"` inside PluginData. */
const PLUGIN_NAME_FIELD = new Uint8Array([0x0a, PLUGIN.length, ...new TextEncoder().encode(PLUGIN)]);

/**
 * Encodes the events of one run as TFRecord bytes. Create one per output file; call
 * {@linkcode TensorboardEncoder.header} first, {@linkcode TensorboardEncoder.encode} per batch, and
 * {@linkcode TensorboardEncoder.trailer} last.
 *
 * @example
 * ```ts
 * import { TensorboardEncoder } from "./write.ts";
 * const e = new TensorboardEncoder();
 * const head = e.header(1700000000);
 * const body = await e.encode([{ run: "r", scope: "events", kind: "metric", name: "loss", step: 1,
 *   timestamp: { micros: 1700000000000000, offset: 0 }, type: "metric", value: 0.5 }], async () => null);
 * ```
 */
export class TensorboardEncoder {
  /** Output buffer: records are encoded in place, 12 header bytes reserved before each payload. */
  readonly #w = new ProtoWriter(1 << 16);
  #at = 0;
  readonly #plugin: boolean;
  readonly #maxAsset: number;
  readonly #writer: string;
  readonly #note: DropNote;
  /** What the plugin modules write through: the record buffer and the drop notes. */
  readonly #ctx: WriteContext;
  /** Original tags by `<kind>/<name>` (from `RunInfo.meta.tensorboard.tags`). */
  readonly #tagHints: Record<string, string>;
  #byName = new Map<string, OutSeries[]>();
  #tagOwner = new Set<string>();
  #started = false;
  /** Wall time (seconds) of the first event written (null before any). */
  firstWallTime: number | null = null;
  /** Wall time (seconds) of the last event written (null before any). */
  lastWallTime: number | null = null;
  /** Events encoded. */
  events = 0;

  /**
   * An encoder for one output file; `note` records what TensorBoard will not see as it was, `tagHints` maps
   * `<kind>/<name>` to original tags.
   */
  constructor(
    options: TbWriteOptions = {},
    note: DropNote = () => {},
    tagHints: Record<string, string> = {},
  ) {
    this.#plugin = options.plugin ?? true;
    this.#maxAsset = options.maxAssetBytes ?? 256 * 1024 * 1024;
    this.#writer = options.writerName ?? "plxkit";
    this.#note = note;
    this.#tagHints = tagHints;
    this.#ctx = { w: this.#w, note };
  }

  /** Starts a record: reserves its 12 header bytes. */
  #begin(): ProtoWriter {
    const w = this.#w;
    w.ensure(12);
    this.#at = w.pos;
    w.pos += 12;
    return w;
  }

  /** Ends the record started by {@linkcode TensorboardEncoder.#begin}: length, CRCs. */
  #emit(): void {
    const w = this.#w;
    w.ensure(4);
    const at = this.#at;
    const length = w.pos - at - 12;
    const v = w.view;
    v.setUint32(at, length, true);
    v.setUint32(at + 4, 0, true);
    v.setUint32(at + 8, maskCrc(crc32c8(w.buf, at)), true);
    v.setUint32(w.pos, maskedCrc32c(w.buf, at + 12, w.pos), true);
    w.pos += 4;
  }

  #take(): Uint8Array {
    const w = this.#w;
    const bytes = w.buf.slice(0, w.pos);
    w.reset();
    if (w.buf.length > 1 << 22) {
      this.#w.buf = new Uint8Array(1 << 16), this.#w.view = new DataView(this.#w.buf.buffer);
    }
    return bytes;
  }

  /** The first record: `file_version: "brain.Event:2"` and `source_metadata.writer`. */
  header(wallTime: number): Uint8Array {
    const w = this.#begin();
    w.double(1, wallTime);
    w.string(3, "brain.Event:2");
    const m = w.begin(10);
    w.string(1, this.#writer);
    w.end(m);
    this.#emit();
    return this.#take();
  }

  #series(e: Pick<PlxEvent, "scope" | "kind" | "name">): OutSeries {
    const list = this.#byName.get(e.name);
    if (list !== undefined) {
      for (let i = 0; i < list.length; i++) {
        const s = list[i];
        if (s.kind === e.kind && s.scope === e.scope) return s;
      }
    }
    const hint = e.scope === "events" ? this.#tagHints[`${e.kind}/${e.name}`] : undefined;
    let base = sanitizeTag(typeof hint === "string" ? hint : tagForName(e.name));
    if (e.scope === "resources") base = `resources/${base}`;
    if (base.startsWith(PLUGIN + "/") || base.startsWith("_hparams_/")) base = `_${base}`;
    let tag = base;
    if (this.#tagOwner.has(tag)) tag = `${base}/${e.kind}`;
    for (let i = 2; this.#tagOwner.has(tag); i++) tag = `${base}/${e.kind}-${i}`;
    this.#tagOwner.add(tag);
    const s: OutSeries = { scope: e.scope, kind: e.kind, tag, lastStep: undefined };
    if (list) list.push(s);
    else this.#byName.set(e.name, [s]);
    return s;
  }

  /** The native tag of an event (stable per scope/kind/name, unique across kinds in the run). */
  tagOf(e: Pick<PlxEvent, "scope" | "kind" | "name">): string {
    return this.#series(e).tag;
  }

  /** Encodes a batch of events into framed records. */
  async encode(events: PlxEvent[], asset: AssetReader): Promise<Uint8Array> {
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.type === "metric") this.#metric(e);
      else await this.#event(e, asset);
    }
    return this.#take();
  }

  /** Checks the time, picks the TensorBoard step, writes START before the first event; returns the step. */
  #prologue(e: PlxEvent, s: OutSeries, wall: number): number {
    if (!Number.isFinite(wall)) throw new RangeError(`event ${e.kind}/${e.name} has no valid timestamp`);
    const last = s.lastStep;
    let step: number;
    if (e.step === null) {
      step = last === undefined ? 0 : last + 1;
    } else {
      step = e.step;
      if (last !== undefined && step <= last) {
        this.#note(
          "tensorboard: repeated or backward steps in a series (written as is; TensorBoard's data server shows only the last value per step)",
        );
      }
    }
    s.lastStep = step;
    if (this.firstWallTime === null) this.firstWallTime = wall;
    this.lastWallTime = wall;
    if (!this.#started) {
      // Spec §6.1 item 2: START at the session's first step, in every session.
      this.#started = true;
      const w = this.#begin();
      w.double(1, wall);
      w.uint(2, step);
      const m = w.begin(7);
      w.uint(1, SessionStatus.START);
      w.end(m);
      this.#emit();
    }
    return step;
  }

  #envelope(e: PlxEvent, tag: string | undefined, asset: string | undefined): string {
    // Hand-assembled (the hot path for metrics); same keys as the Envelope interface.
    const t = e.timestamp;
    return `{"v":${ENVELOPE_VERSION},"scope":${JSON.stringify(e.scope)},"kind":${
      JSON.stringify(e.kind)
    },"name":${JSON.stringify(e.name)},"type":${JSON.stringify(e.type)},"step":${
      e.step === null ? "null" : e.step
    },"ts":[${t.micros},${t.offset === null ? "null" : t.offset}]${
      tag === undefined ? "" : `,"tag":${JSON.stringify(tag)}`
    }${asset === undefined ? "" : `,"asset":"${asset}"`}}`;
  }

  #metric(e: PlxEvent & { type: "metric" }): void {
    const s = this.#series(e);
    const wall = e.timestamp.micros / 1e6;
    const step = this.#prologue(e, s, wall);
    const w = this.#begin();
    w.double(1, wall);
    if (step !== 0) w.uint(2, step);
    if (s.metricValueHead === undefined) {
      // `value { tag: <tag>, simple_value: ` is the same for every event of the series.
      const tw = new ProtoWriter(64);
      const vm = tw.begin(1);
      tw.string(1, s.tag);
      tw.float(2, 0);
      tw.end(vm);
      s.metricValueHead = tw.buf.slice(0, tw.pos - 4);
    }
    const head = s.metricValueHead;
    const sm = w.begin(5);
    w.raw(head);
    w.ensure(4);
    w.view.setFloat32(w.pos, e.value, true);
    w.pos += 4;
    if (this.#plugin) {
      if (s.pluginTagField === undefined) {
        const tw = new ProtoWriter(64);
        tw.string(1, pluginTag(e.scope, e.kind, e.name));
        s.pluginTagField = tw.finish();
        s.envelopeHead = enc.encode(
          `{"v":${ENVELOPE_VERSION},"scope":${JSON.stringify(e.scope)},"kind":${
            JSON.stringify(e.kind)
          },"name":${JSON.stringify(e.name)},"type":"metric","tag":${JSON.stringify(s.tag)}`,
        );
      }
      const pv = w.begin(1);
      w.raw(s.pluginTagField);
      w.raw(DOUBLE_SCALAR_HEAD);
      w.ensure(8);
      w.view.setFloat64(w.pos, e.value, true);
      w.pos += 8;
      const md = w.begin(9);
      const pd = w.begin(1);
      w.raw(PLUGIN_NAME_FIELD);
      const t = e.timestamp;
      const tail = `,"step":${e.step === null ? "null" : e.step},"ts":[${t.micros},${
        t.offset === null ? "null" : t.offset
      }]}`;
      w.key(2, LEN);
      w.rawVarint(s.envelopeHead!.length + tail.length);
      w.raw(s.envelopeHead!);
      w.ascii(tail);
      w.end(pd);
      w.uint(4, DataClass.TENSOR);
      w.end(md);
      w.end(pv);
    }
    w.end(sm);
    this.#emit();
    this.events++;
  }

  async #event(e: PlxEvent, asset: AssetReader): Promise<void> {
    const s = this.#series(e);
    const wall = e.timestamp.micros / 1e6;
    const step = this.#prologue(e, s, wall);
    const tag = s.tag;
    // Asset bytes are fetched before the record starts (the encoder's buffer is not reentrant).
    const needsAsset = e.type === "image" || e.type === "video" || e.type === "audio" ||
      ((e.type === "artifact" || e.type === "model" || e.type === "dataframe") &&
        typeof (e.value as Record<string, unknown>).path === "string" &&
        (e.value as Record<string, unknown>).path !== "");
    const bytes = needsAsset ? await this.#asset(e, asset) : null;
    const w = this.#begin();
    w.double(1, wall);
    if (step !== 0) w.uint(2, step);
    const sm = w.begin(5);
    const env: Envelope = {
      v: ENVELOPE_VERSION,
      scope: e.scope,
      kind: e.kind,
      name: e.name,
      type: e.type,
      step: e.step,
      ts: [e.timestamp.micros, e.timestamp.offset],
    };
    const inline = this.#native(e, tag, env, bytes);
    if (this.#plugin) writePlxkitValue(this.#ctx, e, env, inline);
    w.end(sm);
    this.#emit();
    this.events++;
  }

  /** Writes the native value(s); returns asset bytes to carry inline in the plugin value, if any. */
  #native(e: PlxEvent, tag: string, env: Envelope, bytes: Uint8Array | null): Uint8Array | null {
    const ctx = this.#ctx;
    switch (e.type) {
      case "metric":
        writeScalar(ctx, tag, e.value);
        env.tag = tag;
        return null;
      case "text":
      case "html":
        writeText(ctx, e, tag, env);
        return null;
      case "image":
      case "video":
        return writeImages(ctx, e, tag, env, bytes);
      case "audio":
        return writeAudioValue(ctx, e, tag, env, bytes);
      case "histogram":
        return writeHistogram(ctx, e, tag, env);
      case "curve":
        writeCurve(ctx, e, tag, env);
        return null;
      case "confusion":
        writeConfusion(ctx, e, tag, env);
        return null;
      case "chart":
        writeChart(ctx, e, tag, env);
        return null;
      default: {
        this.#note(`tensorboard: ${e.type} events (no TensorBoard form; kept only in the plxkit plugin)`);
        if (bytes) env.asset = "inline";
        return bytes;
      }
    }
  }

  async #asset(e: PlxEvent, asset: AssetReader): Promise<Uint8Array | null> {
    const p = (e.value as Record<string, unknown>).path;
    if (typeof p !== "string" || !p) {
      this.#note(`tensorboard: ${e.type} events without a path (no bytes to embed)`);
      return null;
    }
    const bytes = await asset(p);
    if (!bytes) {
      this.#note(`tensorboard: ${e.type} files missing in the source (event kept without the file)`);
      return null;
    }
    if (bytes.length > this.#maxAsset) {
      this.#note(`tensorboard: ${e.type} files over ${this.#maxAsset} bytes (event kept without the file)`);
      return null;
    }
    return bytes;
  }

  /**
   * The last records: hparams from the run's inputs/outputs (spec §4.7) and the plxkit run record holding
   * the run's metadata exactly.
   */
  trailer(
    meta: Record<string, unknown> | undefined,
    lineages: unknown[] | undefined,
    wallTime: number,
    records?: RunRecordTexts,
  ): Uint8Array {
    const w = this.#w;
    const metricTag = (name: string) => this.tagOf({ scope: "events", kind: "metric", name });
    for (const { tag, content } of hparamsValues(meta, metricTag, this.#note)) {
      this.#begin();
      w.double(1, wallTime);
      const sm = w.begin(5);
      const v = w.begin(1);
      w.string(1, tag);
      // No data_class: TensorBoard's Python loader adds the null tensor only when it fills it in.
      writeMetadata(w, 9, { pluginName: "hparams", content });
      w.end(v);
      w.end(sm);
      this.#emit();
    }
    if (this.#plugin && (meta || lineages?.length)) {
      this.#begin();
      w.double(1, wallTime);
      const sm = w.begin(5);
      writeRunRecord(this.#ctx, meta, lineages, records);
      w.end(sm);
      this.#emit();
    }
    return this.#take();
  }
}
