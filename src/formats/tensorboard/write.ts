/**
 * Writer for TensorBoard event files: canonical {@linkcode PlxEvent}s -> Event protobufs -> TFRecords,
 * following the writer checklist of spec §6.1. A pure codec: it produces bytes; asset bytes come through a
 * callback; {@linkcode TensorboardSink} is the file-system side.
 *
 * Every event is written twice in one Event record: in its best TensorBoard-native form (scalars as
 * `simple_value`, images and audio inline, histograms as HistogramProto, text, tables and PR curves as text
 * and `pr_curves`), and exactly, in the `plxkit` plugin (see `plugin.ts`), so that reading the file back
 * gives the same events, float64 metrics, null steps and timestamp offsets included.
 *
 * @module
 */
import { type PlxEvent, toPolyaxonValue } from "../../model/event.ts";
import { LEN } from "./_proto.ts";
import { ProtoWriter } from "./_proto_write.ts";
import { crc32c8, maskCrc, maskedCrc32c } from "./crc32c.ts";
import { DataClass, SessionStatus, writeAudio, writeHisto, writeImage, writeMetadata } from "./_messages.ts";
import { DT, writeNumberTensor, writeStringTensor } from "./_tensor.ts";
import { encodeHParams, type HParamsData, type HParamValue } from "./_plugin_data.ts";
import { type Envelope, ENVELOPE_VERSION, PLUGIN, pluginTag, RUN_TAG, toJson } from "./plugin.ts";
import { pngInfo, sniffExt, wavInfo } from "../../io/media.ts";

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

/** Notes something a TensorBoard reader will not see as it was (see `DropLedger`). */
export type DropNote = (reason: string, count?: number) => void;

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

const MARKDOWN_FENCE = "```";

function num(v: unknown): number {
  return typeof v === "number" ? v : v === null || v === undefined ? NaN : Number(v);
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
    if (this.#plugin) this.#pluginValue(e, env, inline);
    w.end(sm);
    this.#emit();
    this.events++;
  }

  /** Writes the native value(s); returns asset bytes to carry inline in the plugin value, if any. */
  #native(e: PlxEvent, tag: string, env: Envelope, bytes: Uint8Array | null): Uint8Array | null {
    const w = this.#w;
    const value = (e.type === "metric" || e.type === "text" || e.type === "html")
      ? null
      : e.value as Record<string, unknown>;
    switch (e.type) {
      case "metric": {
        const v = w.begin(1);
        w.string(1, tag);
        w.float(2, e.value);
        w.end(v);
        env.tag = tag;
        return null;
      }
      case "text":
      case "html": {
        const text = e.type === "html" ? `${MARKDOWN_FENCE}html\n${e.value}\n${MARKDOWN_FENCE}` : e.value;
        this.#text(tag, [], [text]);
        env.tag = tag;
        return null;
      }
      case "image":
      case "video": {
        if (!bytes) return null;
        const ext = sniffExt(bytes);
        if (e.type === "video" && ext !== "gif") {
          this.#note("tensorboard: non-GIF videos (no TensorBoard form; kept in the plxkit plugin)");
          env.asset = "inline";
          return bytes;
        }
        const png = ext === "png" ? pngInfo(bytes) : null;
        const v = w.begin(1);
        w.string(1, tag);
        writeImage(w, 4, {
          height: num(value!.height) || png?.height || 0,
          width: num(value!.width) || png?.width || 0,
          colorspace: num(value!.colorspace) || png?.channels || 0,
          encoded: bytes,
        });
        writeMetadata(w, 9, { pluginName: "images" });
        w.end(v);
        if (!["png", "jpg", "gif", "bmp"].includes(ext)) {
          this.#note(
            `tensorboard: images that are not PNG/JPEG/GIF/BMP (TensorBoard serves them as octet-stream)`,
          );
        }
        env.tag = tag;
        env.asset = "native";
        return null;
      }
      case "audio": {
        if (!bytes) return null;
        const wav = wavInfo(bytes);
        if (!wav) this.#note("tensorboard: audio that is not WAV (TensorBoard may not play it)");
        const v = w.begin(1);
        w.string(1, tag);
        writeAudio(w, 6, {
          sampleRate: num(value!.sample_rate) || wav?.sampleRate || 0,
          numChannels: num(value!.num_channels) || wav?.channels || 0,
          lengthFrames: num(value!.length_frames) || wav?.frames || 0,
          encoded: bytes,
          contentType: wav ? "audio/wav" : String(value!.content_type ?? "application/octet-stream"),
        });
        writeMetadata(w, 9, { pluginName: "audio", content: wav ? new Uint8Array([0x10, 0x0b]) : undefined });
        w.end(v);
        env.tag = tag;
        env.asset = "native";
        return null;
      }
      case "histogram": {
        const counts = value!.counts as unknown;
        const edges = value!.edges as unknown;
        if (
          !Array.isArray(counts) || !Array.isArray(edges) || edges.length !== counts.length + 1 ||
          !counts.length || ![...counts, ...edges].every((x) => typeof x === "number" && Number.isFinite(x))
        ) {
          this.#note(
            "tensorboard: histograms without N counts and N+1 finite edges (kept in the plxkit plugin only)",
          );
          return null;
        }
        let num = 0, sum = 0, sq = 0;
        for (let i = 0; i < counts.length; i++) {
          const mid = (edges[i] + edges[i + 1]) / 2;
          num += counts[i];
          sum += counts[i] * mid;
          sq += counts[i] * mid * mid;
        }
        // min/max: the outer edges of the non-empty bins (what TensorBoard draws; spec §4.4).
        let lo = 0, hi = counts.length - 1;
        while (lo < hi && counts[lo] === 0) lo++;
        while (hi > lo && counts[hi] === 0) hi--;
        const v = w.begin(1);
        w.string(1, tag);
        // tensorboardX layout: a leading empty bucket whose limit is the left edge (spec §4.4).
        writeHisto(w, 5, {
          min: edges[lo],
          max: edges[hi + 1],
          num,
          sum,
          sumSquares: sq,
          bucketLimit: edges,
          bucket: [0, ...counts],
        });
        w.end(v);
        env.tag = tag;
        return null;
      }
      case "curve": {
        const x = value!.x, y = value!.y;
        if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || !x.length) {
          this.#note("tensorboard: curves without x and y of one length (kept in the plxkit plugin only)");
          return null;
        }
        const annotation = typeof value!.annotation === "string" ? value!.annotation : "";
        if (value!.kind === "pr") {
          this.#prCurve(tag, x.map(num), y.map(num), annotation);
        } else {
          const strings = ["x", "y"];
          for (let i = 0; i < x.length; i++) strings.push(String(x[i]), String(y[i]));
          const kind = value!.kind === "roc" ? "ROC curve" : "curve";
          this.#text(tag, [x.length + 1, 2], strings, annotation ? `${kind}; ${annotation}` : kind);
        }
        env.tag = tag;
        return null;
      }
      case "confusion": {
        const xs = value!.x, ys = value!.y, z = value!.z;
        if (
          !Array.isArray(xs) || !Array.isArray(ys) || !Array.isArray(z) || z.length !== ys.length ||
          !z.every((r) => Array.isArray(r) && r.length === xs.length)
        ) {
          this.#note(
            "tensorboard: confusion matrices whose z is not len(y) rows of len(x) (plxkit plugin only)",
          );
          return null;
        }
        const strings = ["", ...xs.map(String)];
        for (let i = 0; i < ys.length; i++) strings.push(String(ys[i]), ...(z[i] as unknown[]).map(String));
        this.#text(tag, [ys.length + 1, xs.length + 1], strings, "confusion matrix: rows y, columns x");
        env.tag = tag;
        return null;
      }
      case "chart": {
        this.#text(tag, [], [`${MARKDOWN_FENCE}json\n${JSON.stringify(e.value)}\n${MARKDOWN_FENCE}`]);
        env.tag = tag;
        this.#note("tensorboard: charts (shown as JSON text; TensorBoard cannot render them)");
        return null;
      }
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

  #text(tag: string, shape: number[], strings: string[], description = ""): void {
    const w = this.#w;
    const v = w.begin(1);
    w.string(1, tag);
    writeStringTensor(w, 8, shape, strings.map((s) => enc.encode(s)));
    writeMetadata(w, 9, { pluginName: "text", description, dataClass: DataClass.TENSOR });
    w.end(v);
  }

  /**
   * A Polyaxon PR curve (x = precision, y = recall; no counts) as a `pr_curves` [6, N] tensor. TensorBoard
   * needs counts; they are nominal: a population of 1,000,000 positives, TP = recall x 1e6,
   * FN = 1e6 - TP, FP from precision, TN = 0.
   */
  #prCurve(tag: string, precision: number[], recall: number[], description: string): void {
    const n = precision.length;
    const P = 1_000_000;
    const rows: number[] = new Array(6 * n);
    for (let i = 0; i < n; i++) {
      const p = precision[i], r = recall[i];
      const tp = Number.isFinite(r) ? Math.round(r * P) : 0;
      const fp = Number.isFinite(p) && p > 0 ? Math.round(tp * (1 - p) / p) : 0;
      rows[i] = tp;
      rows[n + i] = fp;
      rows[2 * n + i] = 0;
      rows[3 * n + i] = P - tp;
      rows[4 * n + i] = p;
      rows[5 * n + i] = r;
    }
    const w = this.#w;
    const v = w.begin(1);
    w.string(1, tag);
    writeNumberTensor(w, 8, DT.FLOAT, [6, n], rows);
    const content = new ProtoWriter(8);
    content.uint(2, n);
    writeMetadata(w, 9, {
      pluginName: "pr_curves",
      content: content.finish(),
      description: description || "Polyaxon PR curve (counts are nominal)",
      dataClass: DataClass.TENSOR,
    });
    w.end(v);
  }

  #pluginValue(e: PlxEvent, env: Envelope, inline: Uint8Array | null): void {
    const w = this.#w;
    const v = w.begin(1);
    w.string(1, pluginTag(e.scope, e.kind, e.name));
    if (e.type === "metric") {
      writeNumberTensor(w, 8, DT.DOUBLE, [], [e.value]);
    } else {
      // (the plugin holds values as Polyaxon names their fields, as the plx and JSONL files do)
      const strings: Uint8Array[] = [enc.encode(toJson(toPolyaxonValue(e.type, e.value)))];
      if (inline) strings.push(inline);
      writeStringTensor(w, 8, [strings.length], strings);
    }
    writeMetadata(w, 9, {
      pluginName: PLUGIN,
      content: enc.encode(JSON.stringify(env)),
      dataClass: DataClass.TENSOR,
    });
    w.end(v);
  }

  /**
   * The last records: hparams from the run's inputs/outputs (spec §4.7) and the plxkit run record holding
   * the run's metadata exactly.
   */
  trailer(
    meta: Record<string, unknown> | undefined,
    lineages: unknown[] | undefined,
    wallTime: number,
    records?: { meta?: string; lineages?: string },
  ): Uint8Array {
    const w = this.#w;
    const inputs = meta?.inputs;
    if (inputs && typeof inputs === "object" && !Array.isArray(inputs) && Object.keys(inputs).length) {
      const hparams: Record<string, HParamValue> = {};
      const infos: { name: string; type?: number }[] = [];
      let converted = 0;
      for (const [k, v] of Object.entries(inputs)) {
        if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
          hparams[k] = v;
          infos.push({ name: k, type: typeof v === "string" ? 1 : typeof v === "boolean" ? 2 : 3 });
        } else {
          hparams[k] = JSON.stringify(v ?? null);
          infos.push({ name: k, type: 1 });
          converted++;
        }
      }
      if (converted) {
        this.#note(
          "tensorboard: run inputs that are not string/bool/number (hparams hold them as JSON text)",
          converted,
        );
      }
      const outputs = meta?.outputs && typeof meta.outputs === "object" ? Object.keys(meta.outputs) : [];
      const status = meta?.status;
      const data: HParamsData[] = [
        {
          experiment: {
            hparams: infos,
            metrics: outputs.map((k) => ({ tag: this.tagOf({ scope: "events", kind: "metric", name: k }) })),
          },
        },
        { sessionStart: { hparams } },
      ];
      if (status === "succeeded" || status === "failed" || status === "running" || status === "stopped") {
        data.push({ sessionEnd: { status: status === "succeeded" ? 1 : status === "running" ? 3 : 2 } });
      }
      const tags = ["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info"];
      data.forEach((d, i) => {
        const content = new ProtoWriter(64);
        encodeHParams(content, d);
        this.#begin();
        w.double(1, wallTime);
        const sm = w.begin(5);
        const v = w.begin(1);
        w.string(1, tags[i]);
        writeMetadata(w, 9, {
          // No data_class: TensorBoard's Python loader adds the null tensor only when it fills it in.
          pluginName: "hparams",
          content: content.finish(),
        });
        w.end(v);
        w.end(sm);
        this.#emit();
      });
    }
    if (this.#plugin && (meta || lineages?.length)) {
      this.#begin();
      w.double(1, wallTime);
      const sm = w.begin(5);
      const v = w.begin(1);
      w.string(1, RUN_TAG);
      const record = { meta: meta ?? null, lineages: lineages ?? null, ...(records ? { records } : {}) };
      writeStringTensor(w, 8, [1], [enc.encode(toJson(record))]);
      writeMetadata(w, 9, {
        pluginName: PLUGIN,
        content: enc.encode(JSON.stringify({ v: ENVELOPE_VERSION, run: true })),
        dataClass: DataClass.TENSOR,
      });
      w.end(v);
      w.end(sm);
      this.#emit();
    }
    return this.#take();
  }
}
