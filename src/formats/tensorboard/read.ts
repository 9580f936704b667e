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
 * @module
 */
import type { Diagnostic } from "../../diagnostics.ts";
import { fromPolyaxonValue, type PlxEvent, type ValueType } from "../../model/event.ts";
import { assetPath, toFqnName } from "../../model/names.ts";
import type { PlxTime } from "../../model/time.ts";
import { decodeUtf8, ProtoError, ProtoReader, StringInterner } from "./_proto.ts";
import { type FrameProblem, RecordScanner } from "./tfrecord.ts";
import { decodeEvent, SessionStatus, type TbEvent, type TbMetadata, type TbValue } from "./_messages.ts";
import { decodeHParams, decodePrCurveThresholds, type HParamsData } from "./_plugin_data.ts";
import { DT, dtypeName, isNumericDtype, shapeSize, type TbTensor, tensorNumbers } from "./_tensor.ts";
import { type Envelope, fromJson, PLUGIN, RUN_TAG } from "./plugin.ts";
import { pngInfo, sniffExt, wavInfo } from "../../io/media.ts";
import type { PlxBatch } from "../../model/batch.ts";

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

/**
 * Where an asset's bytes are in the event files: the record at `offset` of `file` (the name given to
 * `readFile`), its Summary.Value with `tag`, and `part`: -1 for the encoded bytes of a legacy image or
 * audio value, else the index in the tensor's `string_val`.
 */
export interface AssetRef {
  /** The event file, as named to {@linkcode TensorboardRunReader.readFile}. */
  file: string;
  /** Byte offset of the record (its 12-byte header) in the file. */
  offset: number;
  /** Tag of the Summary.Value holding the bytes. */
  tag: string;
  /** -1 for the encoded bytes of a legacy image or audio value, else the index in `string_val`. */
  part: number;
  /** The asset's size in bytes. */
  size: number;
}

/**
 * Takes an asset's bytes out of the record an {@linkcode AssetRef} points at (`record` = the record's
 * payload).
 *
 * @throws {ProtoError} When the record does not decode.
 * @example
 * ```ts
 * import { assetFromRecord } from "./read.ts";
 * // assetFromRecord(payload, { file: "f", offset: 0, tag: "img", part: -1, size: 10 }) -> PNG bytes
 * ```
 */
export function assetFromRecord(record: Uint8Array, ref: AssetRef): Uint8Array | null {
  const ev = decodeEvent(record);
  for (const v of ev.summary ?? []) {
    if (v.tag !== ref.tag) continue;
    const b = ref.part < 0 ? (v.image?.encoded ?? v.audio?.encoded) : v.tensor?.strings[ref.part];
    if (b) return b.slice();
  }
  return null;
}

/** See {@linkcode TbReadOptions.steps}. */
export type StepPolicy = "all" | "last" | "restart";

/**
 * A tag's Polyaxon name cut to fit a file name: names over 200 UTF-8 bytes keep their first ~180 bytes
 * and get `~<hash of the whole name>` appended (`onShorten` is called), so one long tag never fails a run.
 */
function shortName(name: string, onShorten: () => void): string {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length <= 200) return name;
  onShorten();
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  let cut = new TextDecoder().decode(bytes.subarray(0, 180));
  if (cut.endsWith("\ufffd")) cut = cut.slice(0, -1); // (a character cut in half)
  return `${cut}~${h.toString(16).padStart(8, "0")}`;
}

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

const TEXT_SUFFIX = "/text_summary";

/** One Polyaxon series (kind, name) fed by one TensorBoard tag. */
interface Series {
  kind: string;
  name: string;
  lastStep: number | null;
  repeats: number;
  /** The last value (for hparams outputs). */
  lastValue: unknown;
}

interface TagState {
  metadata: TbMetadata | null;
  /** The series used last (most tags feed one kind only). */
  last: Series | null;
  byKind: Map<string, Series> | null;
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
  readonly #keepAssets: boolean;
  #recordOffset = 0;
  /** Events read. */
  events = 0;
  /** Records read (including file_version and session logs). */
  records = 0;
  /** The `file_version` of the file read last, when its first record holds one (else null). */
  fileVersion: string | null = null;
  readonly #checksum: boolean;
  readonly #batchSize: number;
  #tags = new Map<string, TagState>();
  #series: Series[] = [];
  /** Restarts after the run's first `SessionLog START`: how many events came before, and the step. */
  readonly starts: { at: number; step: number }[] = [];
  #report = true;
  #interner = new StringInterner();
  #taken = new Set<string>(); // kind \0 name
  #tagMap: Record<string, string> = {};
  #dropped = new Map<string, number>(); // reason -> count
  #notes: Diagnostic[] = [];
  #hparams: HParamsData = {};
  #runMeta: Record<string, unknown> | null = null;
  #runLineages: unknown[] | null = null;
  #runRecords: { meta?: string; lineages?: string } | null = null;
  #sawData = false;
  #starts = 0;
  #file = "";

  /** A reader for the event files of the run with id `run` (put on its events). */
  constructor(readonly run: string, options: TbReadOptions = {}) {
    this.#checksum = options.checksum ?? true;
    this.#batchSize = options.batchSize ?? 4096;
    this.#report = (options.steps ?? "all") === "all";
    this.#keepAssets = options.keepAssets ?? true;
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
    this.#file = file;
    const scanner = new RecordScanner({ fileSize, checksum: this.#checksum });
    const reader = new ProtoReader(new Uint8Array(0));
    reader.interner = this.#interner;
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
      this.#recordOffset = offset;
      const isFirst = first;
      first = false;
      if (this.#fastScalar(buf, start, end, reader, events)) return;
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
        if (events.length >= this.#batchSize || diagnostics.length) {
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

  /**
   * The common legacy scalar record (`wall_time, step, summary { value { tag, simple_value } }` and
   * nothing else), decoded without intermediate objects. Returns false for anything else (the general
   * decoder then handles it, errors included).
   */
  #fastScalar(buf: Uint8Array, start: number, end: number, reader: ProtoReader, out: PlxEvent[]): boolean {
    let p = start;
    if (end - start < 20 || buf[p] !== 0x09) return false;
    const view = reader.reset(buf, start, end).view;
    const wall = view.getFloat64(p + 1, true);
    p += 9;
    let step = 0;
    if (buf[p] === 0x10) {
      p++;
      let mul = 1;
      for (let k = 0;; k++) {
        if (k === 8 || p >= end) return false; // long (negative or huge) steps: general path
        const b = buf[p++];
        step += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 128;
      }
    }
    if (
      end - p - 2 > 127 || buf[p] !== 0x2a || buf[p + 1] !== end - p - 2 || buf[p + 2] !== 0x0a ||
      buf[p + 3] !== end - p - 4
    ) {
      return false;
    }
    p += 4;
    if (buf[p] !== 0x0a) return false;
    const tagEnd = p + 2 + buf[p + 1];
    if (buf[p + 1] > 127 || tagEnd + 5 !== end || buf[tagEnd] !== 0x15 || !Number.isFinite(wall)) {
      return false;
    }
    const tag = this.#interner.get(buf, p + 2, tagEnd);
    const st = this.#tags.get(tag);
    if (st !== undefined && st.metadata !== null && st.metadata.pluginName === PLUGIN) return false;
    const value = view.getFloat32(tagEnd + 1, true);
    const series = st !== undefined && st.last !== null && st.last.kind === "metric"
      ? st.last
      : this.#seriesOf("metric", tag);
    if (series.lastStep !== null && step <= series.lastStep) series.repeats++;
    series.lastStep = step;
    series.lastValue = value;
    out.push({
      run: this.run,
      scope: "events",
      kind: "metric",
      name: series.name,
      step,
      timestamp: { micros: Math.round(wall * 1e6), offset: 0 },
      type: "metric",
      value,
    });
    this.events++;
    this.#sawData = true;
    return true;
  }

  #drop(reason: string, n = 1): void {
    this.#dropped.set(reason, (this.#dropped.get(reason) ?? 0) + n);
  }

  #event(ev: TbEvent, offset: number, out: PlxEvent[], diags: Diagnostic[]): void {
    const file = this.#file;
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
        if (this.#sawData && this.#report) {
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
      const st = this.#tag(v);
      const md = st.metadata;
      if (md === null || md.pluginName !== PLUGIN) continue;
      if (v.tag === RUN_TAG) {
        this.#runRecord(v);
        continue;
      }
      const e = this.#plugin(v, md, ev.step, ts);
      if (!e) continue;
      out.push(e);
      this.events++;
      this.#sawData = true;
      const env = this.#lastEnvelope!;
      if (env.tag !== undefined) {
        (covered ??= new Set()).add(env.tag);
        if (env.asset === "native") {
          (nativeAssets ??= new Map()).set(env.tag, { ...env, value: e.value as Record<string, unknown> });
        }
      }
    }
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const st = this.#tags.get(v.tag)!;
      const md = st.metadata;
      if (md !== null && md.pluginName === PLUGIN) continue;
      if (covered !== null && covered.has(v.tag)) {
        const na = nativeAssets?.get(v.tag);
        if (na) {
          const bytes = v.image?.encoded ?? v.audio?.encoded ?? firstBlob(v.tensor);
          const p = na.value.path;
          const part = v.image || v.audio ? -1 : (v.tensor?.strings.length ?? 0) > 2 ? 2 : 0;
          if (bytes && typeof p === "string" && p) this.#keep(p, bytes, v.tag, part);
        }
        continue;
      }
      const before = out.length;
      this.#native(v, md, ev.step, ts, out, diags, offset);
      if (out.length > before) {
        this.events += out.length - before;
        this.#sawData = true;
      }
    }
  }

  /** The state of a value's tag, created on first sight; the first metadata seen applies from then on. */
  #tag(v: TbValue): TagState {
    let st = this.#tags.get(v.tag);
    if (st === undefined) {
      st = { metadata: keep(v.metadata), last: null, byKind: null };
      this.#tags.set(v.tag, st);
    } else if (st.metadata === null && v.metadata !== null) st.metadata = keep(v.metadata);
    return st;
  }

  #lastEnvelope: Envelope | null = null;
  #envelopeHeads = new Map<string, { head: Uint8Array; env: Envelope }>();

  /**
   * Parses an envelope. The writer ends metric envelopes with `,"step":<n|null>,"ts":[<micros>,<offset|null>]}`
   * after a head that is the same for the whole series: the head is parsed once and cached, the tail by
   * hand. Anything else goes through JSON.parse.
   */
  #envelope(c: Uint8Array, tag: string): Envelope {
    const n = c.length;
    // Find `,"step":` (2c 22 73 74 65 70 22 3a).
    let at = -1;
    for (let i = n - 24; i >= 0; i--) {
      if (c[i] === 0x2c && c[i + 1] === 0x22 && c[i + 2] === 0x73 && c[i + 6] === 0x22 && c[i + 7] === 0x3a) {
        at = i;
        break;
      }
    }
    if (at > 0) {
      const tail = decodeUtf8(c, at, n);
      const m = /^,"step":(null|-?\d{1,16}),"ts":\[(-?\d{1,17}),(null|-?\d{1,6})\]\}$/.exec(tail);
      if (m) {
        let cached = this.#envelopeHeads.get(tag);
        if (cached === undefined || cached.head.length !== at || !sameBytes(cached.head, c, at)) {
          cached = { head: c.slice(0, at), env: JSON.parse(decodeUtf8(c, 0, at) + "}") as Envelope };
          this.#envelopeHeads.set(tag, cached);
        }
        const base = cached.env;
        return {
          ...base,
          step: m[1] === "null" ? null : Number(m[1]),
          ts: [Number(m[2]), m[3] === "null" ? null : Number(m[3])],
        };
      }
    }
    return JSON.parse(decodeUtf8(c, 0, n));
  }

  #plugin(v: TbValue, md: TbMetadata, step: number, ts: PlxTime): PlxEvent | null {
    const own = v.metadata ?? md;
    let env: Envelope;
    try {
      env = this.#envelope(own.content, v.tag);
    } catch {
      throw new SyntaxError(`plxkit value "${v.tag}" has plugin content that is not JSON`);
    }
    if (!env || typeof env !== "object" || typeof env.kind !== "string" || typeof env.name !== "string") {
      throw new SyntaxError(`plxkit value "${v.tag}" has an envelope without kind and name`);
    }
    if (env.v > 1) this.#drop(`plxkit plugin values of a newer version (${env.v}); read as version 1`);
    this.#lastEnvelope = env;
    const t = v.tensor;
    if (!t) throw new SyntaxError(`plxkit value "${v.tag}" has no tensor`);
    let value: unknown;
    if (env.type === "metric") {
      const nums = tensorNumbers(t);
      if (nums.length !== 1) throw new RangeError(`plxkit metric "${v.tag}" is not a single number`);
      value = nums[0];
    } else {
      if (t.dtype !== DT.STRING || !t.strings.length) {
        throw new SyntaxError(`plxkit value "${v.tag}" is not a string tensor`);
      }
      value = fromPolyaxonValue(
        env.type as ValueType,
        fromJson(decodeUtf8(t.strings[0], 0, t.strings[0].length)),
      );
      if (env.asset === "inline" && t.strings.length > 1 && value && typeof value === "object") {
        const p = (value as Record<string, unknown>).path;
        if (typeof p === "string" && p) this.#keep(p, t.strings[1], v.tag, 1);
      }
    }
    const time: PlxTime = Array.isArray(env.ts) && typeof env.ts[0] === "number"
      ? { micros: env.ts[0], offset: env.ts[1] ?? null }
      : ts;
    return {
      run: this.run,
      scope: env.scope === "resources" ? "resources" : "events",
      kind: env.kind,
      name: env.name,
      step: env.step === undefined ? step : env.step,
      timestamp: time,
      type: env.type,
      value,
    } as PlxEvent;
  }

  #runRecord(v: TbValue): void {
    const s = v.tensor?.strings[0];
    if (!s) return;
    try {
      const m = fromJson(decodeUtf8(s, 0, s.length)) as
        | { meta?: unknown; lineages?: unknown; records?: { meta?: unknown; lineages?: unknown } }
        | null;
      if (m && typeof m === "object") {
        this.#runMeta = m.meta && typeof m.meta === "object" ? m.meta as Record<string, unknown> : {};
        if (Array.isArray(m.lineages)) this.#runLineages = m.lineages;
        const r = m.records;
        if (r && typeof r === "object") {
          this.#runRecords = {};
          if (typeof r.meta === "string") this.#runRecords.meta = r.meta;
          if (typeof r.lineages === "string") this.#runRecords.lineages = r.lineages;
        }
      }
    } catch {
      this.#drop("plxkit run record that is not JSON (ignored)");
    }
  }

  /** The series of `tag` for events of `kind`: its Polyaxon name is unique per kind within the run. */
  #seriesOf(kind: string, tag: string): Series {
    let st = this.#tags.get(tag);
    if (st === undefined) {
      st = { metadata: null, last: null, byKind: null };
      this.#tags.set(tag, st);
    }
    if (st.last !== null && st.last.kind === kind) return st.last;
    const known = st.byKind?.get(kind);
    if (known !== undefined) return (st.last = known);
    let base = "";
    try {
      base = toFqnName(tag);
    } catch { /* empty tag */ }
    if (base === "" || base === "." || base === "..") base = "tag";
    base = shortName(
      base,
      () =>
        this.#drop(
          "tags longer than 200 bytes (name shortened with a hash; full tag kept in run.plx.json tensorboard.tags)",
        ),
    );
    let name = base;
    for (let i = 2; this.#taken.has(kind + "\0" + name); i++) name = `${base}-${i}`;
    this.#taken.add(kind + "\0" + name);
    const s: Series = { kind, name, lastStep: null, repeats: 0, lastValue: undefined };
    (st.byKind ??= new Map()).set(kind, s);
    this.#series.push(s);
    if (name !== tag) this.#tagMap[`${kind}/${name}`] = tag;
    return (st.last = s);
  }

  #name(kind: string, tag: string): string {
    return this.#seriesOf(kind, tag).name;
  }

  #push(
    out: PlxEvent[],
    kind: string,
    tag: string,
    step: number,
    ts: PlxTime,
    type: string,
    value: unknown,
  ): PlxEvent {
    const s = this.#seriesOf(kind, tag);
    if (s.lastStep !== null && step <= s.lastStep) s.repeats++;
    s.lastStep = step;
    s.lastValue = value;
    const e = {
      run: this.run,
      scope: "events",
      kind,
      name: s.name,
      step,
      timestamp: ts,
      type,
      value,
    } as PlxEvent;
    out.push(e);
    return e;
  }

  #native(
    v: TbValue,
    md: TbMetadata | null,
    step: number,
    ts: PlxTime,
    out: PlxEvent[],
    diags: Diagnostic[],
    offset: number,
  ): void {
    const plugin = md?.pluginName ?? "";
    const tag = v.tag;
    if (v.simpleValue !== undefined) {
      this.#push(out, "metric", tag, step, ts, "metric", v.simpleValue);
      return;
    }
    if (v.image) {
      const im = v.image;
      this.#image(out, tag, step, ts, im.encoded, im.width, im.height, im.colorspace, tag, -1);
      return;
    }
    if (v.audio) {
      const a = v.audio;
      this.#audio(
        out,
        tag,
        step,
        ts,
        a.encoded,
        a.sampleRate,
        a.numChannels,
        a.lengthFrames,
        a.contentType,
        tag,
        -1,
      );
      return;
    }
    if (v.histo) {
      const h = v.histo;
      if (h.bucket.length !== h.bucketLimit.length) {
        this.#drop(
          `histograms with ${h.bucket.length} buckets but ${h.bucketLimit.length} limits (tag "${tag}")`,
        );
        return;
      }
      this.#push(out, "histogram", tag, step, ts, "histogram", legacyHistogram(h));
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
      case "scalars": {
        if (isNumericDtype(t.dtype) && shapeSize(t.shape) === 1 && t.shape.length <= 1) {
          const x = tensorNumbers(t)[0];
          this.#push(out, "metric", tag, step, ts, "metric", x);
        } else if (plugin === "" && md?.dataClass !== 1) {
          this.#drop(`tensors with no plugin (tag "${tag}"; TensorBoard drops them too)`);
        } else {
          this.#drop(
            `scalar values that are not one number (tag "${tag}", ${dtypeName(t.dtype)} [${t.shape}])`,
          );
        }
        return;
      }
      case "images": {
        if (t.dtype !== DT.STRING || t.strings.length < 2) {
          this.#drop(`image tensors that are not [width, height, images...] strings (tag "${tag}")`);
          return;
        }
        const w = Number(decodeUtf8(t.strings[0], 0, t.strings[0].length));
        const h = Number(decodeUtf8(t.strings[1], 0, t.strings[1].length));
        const k = t.strings.length - 2;
        for (let i = 0; i < k; i++) {
          const itag = k === 1 ? tag : `${tag}/${i}`;
          this.#image(out, itag, step, ts, t.strings[2 + i], w, h, 0, tag, 2 + i);
        }
        return;
      }
      case "audio": {
        if (t.dtype !== DT.STRING || !t.strings.length) {
          this.#drop(`audio tensors that are not strings (tag "${tag}")`);
          return;
        }
        const cols = t.shape.length === 2 ? t.shape[1] : 1;
        const k = Math.floor(t.strings.length / cols);
        for (let i = 0; i < k; i++) {
          const itag = k === 1 ? tag : `${tag}/${i}`;
          this.#audio(out, itag, step, ts, t.strings[i * cols], 0, 0, 0, "", tag, i * cols);
        }
        return;
      }
      case "histograms": {
        if (
          !isNumericDtype(t.dtype) || (t.shape.length !== 2 || t.shape[1] !== 3) && shapeSize(t.shape) !== 0
        ) {
          this.#drop(`histogram tensors that are not [k, 3] (tag "${tag}", [${t.shape}])`);
          return;
        }
        const nums = tensorNumbers(t);
        const k = nums.length / 3;
        const counts: number[] = [];
        const edges: number[] = [];
        for (let i = 0; i < k; i++) {
          if (i === 0) edges.push(nums[0]);
          edges.push(nums[i * 3 + 1]);
          counts.push(nums[i * 3 + 2]);
        }
        this.#push(out, "histogram", tag, step, ts, "histogram", { counts, edges });
        return;
      }
      case "text": {
        if (t.dtype !== DT.STRING) {
          this.#drop(`text tensors that are not strings (tag "${tag}")`);
          return;
        }
        const name = tag.endsWith(TEXT_SUFFIX) ? tag.slice(0, -TEXT_SUFFIX.length) || tag : tag;
        const strings = t.strings.map((s) => decodeUtf8(s, 0, s.length));
        const full = strings.length === shapeSize(t.shape) ? strings : fill(strings, shapeSize(t.shape));
        const text = t.shape.length === 0 || full.length === 1
          ? (full[0] ?? "")
          : markdownTable(full, t.shape);
        this.#push(out, "text", name, step, ts, "text", text);
        if (name !== tag) this.#tagMap[`text/${this.#name("text", name)}`] = tag;
        return;
      }
      case "pr_curves": {
        if (!isNumericDtype(t.dtype) || t.shape.length !== 2 || t.shape[0] !== 6) {
          this.#drop(`PR curve tensors that are not [6, N] (tag "${tag}")`);
          return;
        }
        const nums = tensorNumbers(t);
        const n = t.shape[1];
        const row = (i: number) => nums.slice(i * n, (i + 1) * n);
        const declared = md?.content.length ? decodePrCurveThresholds(md.content) : 0;
        const thresholds = Array.from({ length: n }, (_, i) => (n > 1 ? i / (n - 1) : 0));
        const value: Record<string, unknown> = {
          kind: "pr",
          x: row(4),
          y: row(5),
          thresholds,
          tp: row(0),
          fp: row(1),
          tn: row(2),
          fn: row(3),
        };
        if (declared && declared !== n) value.num_thresholds = declared;
        this.#push(out, "curve", tag, step, ts, "curve", value);
        return;
      }
      default:
        this.#drop(`values of plugin "${plugin}" (tag "${tag}"; no Polyaxon equivalent)`);
    }
  }

  #image(
    out: PlxEvent[],
    tag: string,
    step: number,
    ts: PlxTime,
    bytes: Uint8Array,
    width: number,
    height: number,
    colorspace: number,
    srcTag: string,
    part: number,
  ): void {
    const ext = sniffExt(bytes);
    const png = ext === "png" ? pngInfo(bytes) : null;
    const kind = ext === "gif" ? "video" : "image";
    const name = this.#name(kind, tag);
    const value: Record<string, unknown> = {};
    const h = height || png?.height;
    const w = width || png?.width;
    const c = colorspace || png?.channels;
    if (h) value.height = h;
    if (w) value.width = w;
    if (c) value.colorspace = c;
    value.path = this.#uniquePath(assetPath(kind, name, step, ext));
    if (kind === "video") value.content_type = "gif";
    this.#keep(value.path as string, bytes, srcTag, part);
    this.#push(out, kind, tag, step, ts, kind, value);
  }

  #audio(
    out: PlxEvent[],
    tag: string,
    step: number,
    ts: PlxTime,
    bytes: Uint8Array,
    sampleRate: number,
    channels: number,
    frames: number,
    contentType: string,
    srcTag: string,
    part: number,
  ): void {
    const wav = wavInfo(bytes);
    const ext = wav ? "wav" : sniffExt(bytes);
    const name = this.#name("audio", tag);
    const value: Record<string, unknown> = {};
    const sr = sampleRate || wav?.sampleRate;
    if (sr) value.sample_rate = sr;
    const ch = channels || wav?.channels;
    if (ch) value.num_channels = ch;
    const fr = frames || wav?.frames;
    if (fr) value.length_frames = fr;
    value.path = this.#uniquePath(assetPath("audio", name, step, ext));
    value.content_type = contentType || (wav ? "audio/wav" : "application/octet-stream");
    this.#keep(value.path as string, bytes, srcTag, part);
    this.#push(out, "audio", tag, step, ts, "audio", value);
  }

  /** Records where an asset's bytes are (and keeps a copy when `keepAssets`). */
  #keep(path: string, bytes: Uint8Array, tag: string, part: number): void {
    this.assetRefs.set(path, { file: this.#file, offset: this.#recordOffset, tag, part, size: bytes.length });
    if (this.#keepAssets) this.assets.set(path, bytes.slice());
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
        file: this.#file,
        offset,
        message: `hparams value "${tag}" has invalid plugin content (${(e as Error).message}); ignored`,
      });
      return;
    }
    if (d.experiment) this.#hparams.experiment = d.experiment;
    if (d.sessionStart) {
      this.#hparams.sessionStart = {
        ...d.sessionStart,
        hparams: { ...this.#hparams.sessionStart?.hparams, ...d.sessionStart.hparams },
      };
    }
    if (d.sessionEnd) this.#hparams.sessionEnd = d.sessionEnd;
  }

  /** Lineage records of a run written by plxkit (from its run record), or null. */
  lineages(): unknown[] | null {
    return this.#runLineages;
  }

  /** The texts of the run's record files as plxkit stored them (see `RunInfo.records`), or null. */
  runRecords(): { meta?: string; lineages?: string } | null {
    return this.#runRecords;
  }

  /** Run-level diagnostics (dropped values, repeated steps), one per reason and tag. Call after reading. */
  finish(): Diagnostic[] {
    const out = [...this.#notes];
    for (const [reason, n] of this.#dropped) {
      out.push({ severity: "warning", code: "not-converted", file: ".", message: `${n} × ${reason}` });
    }
    for (const { kind, name, repeats: n } of this.#series) {
      if (!n || !this.#report) continue;
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
    const m: TbRunMeta = this.#runMeta ? structuredClone(this.#runMeta) : {};
    const hp = this.#hparams;
    if (!this.#runMeta) {
      if (hp.sessionStart && Object.keys(hp.sessionStart.hparams).length) {
        m.inputs = { ...hp.sessionStart.hparams };
      }
      if (hp.experiment?.metrics.length) {
        const outputs: Record<string, unknown> = {};
        for (const x of hp.experiment.metrics) {
          const v = this.#tags.get(x.tag)?.byKind?.get("metric")?.lastValue;
          if (v !== undefined) outputs[x.tag] = v;
        }
        if (Object.keys(outputs).length) m.outputs = outputs;
      }
    }
    const tb: NonNullable<TbRunMeta["tensorboard"]> = {};
    if (runPath !== undefined && !this.#runMeta) tb.run = runPath;
    if (Object.keys(this.#tagMap).length) tb.tags = { ...this.#tagMap };
    if (!this.#runMeta && (hp.experiment || hp.sessionEnd || hp.sessionStart)) {
      tb.hparams = JSON.parse(JSON.stringify(hp));
    }
    if (Object.keys(tb).length) m.tensorboard = { ...(m.tensorboard as object ?? {}), ...tb };
    return Object.keys(m).length ? m : null;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of metadata whose content outlives the record it came from. */
function keep(m: TbMetadata | null): TbMetadata | null {
  return m === null ? null : { ...m, content: m.content.slice() };
}

function firstBlob(t: TbTensor | undefined): Uint8Array | undefined {
  if (!t || t.dtype !== DT.STRING) return undefined;
  return t.strings.length > 2 ? t.strings[2] : t.strings[0];
}

function fill(strings: string[], n: number): string[] {
  if (strings.length === 1) return new Array<string>(n).fill(strings[0]);
  return strings;
}

function cell(s: string): string {
  return s.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll("\n", "<br>");
}

/**
 * A rank-1 or rank-2 string tensor as a Markdown table (the first row is the header; `|` escaped).
 *
 * @example
 * ```ts
 * import { markdownTable } from "./read.ts";
 * markdownTable(["a", "b", "1", "2"], [2, 2]); // "| a | b |\n| --- | --- |\n| 1 | 2 |"
 * ```
 */
export function markdownTable(strings: string[], shape: number[]): string {
  const cols = shape.length >= 2 ? shape[shape.length - 1] : 1;
  const rows: string[][] = [];
  for (let i = 0; i < strings.length; i += cols) rows.push(strings.slice(i, i + cols));
  if (shape.length === 1) rows.unshift([""]);
  const line = (r: string[]) => `| ${r.map(cell).join(" | ")} |`;
  return [line(rows[0]), `|${" --- |".repeat(cols)}`, ...rows.slice(1).map(line)].join("\n");
}

/**
 * A legacy HistogramProto as the model's `{counts, edges}`, normalised as TensorBoard's
 * Python loader does (spec §4.4): empty buckets at both ends dropped, `min` as the first left edge and `max`
 * as the last right edge, inner edges from `bucket_limit`.
 *
 * @example
 * ```ts
 * import { legacyHistogram } from "./read.ts";
 * legacyHistogram({ min: 0, max: 3, bucketLimit: [0, 1, 2, 3], bucket: [0, 2, 1, 4] });
 * // { counts: [2, 1, 4], edges: [0, 1, 2, 3] }
 * ```
 */
export function legacyHistogram(h: {
  min: number;
  max: number;
  bucketLimit: number[];
  bucket: number[];
}): { counts: number[]; edges: number[] } {
  let first = 0;
  let last = h.bucket.length - 1;
  while (first <= last && h.bucket[first] === 0) first++;
  while (last >= first && h.bucket[last] === 0) last--;
  if (first > last) return { counts: [], edges: [] };
  const counts = h.bucket.slice(first, last + 1);
  const edges = [h.min];
  for (let i = first; i < last; i++) edges.push(h.bucketLimit[i]);
  edges.push(h.max);
  return { counts, edges };
}
