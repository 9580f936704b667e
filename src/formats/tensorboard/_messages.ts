/**
 * The TensorBoard protobuf messages of an event file (spec §3, §4): Event, Summary, SummaryMetadata, the
 * legacy Image, Audio and HistogramProto values, and SessionLog. Hand-rolled decoders (bounds-checked,
 * packed and unpacked repeated fields) and encoders. TensorProto is in `_tensor.ts`, the plugin-data
 * messages with their plugins in `plugins/`.
 *
 * @module
 */
import { I32, I64, LEN, ProtoReader, VARINT } from "./_proto.ts";
import type { ProtoWriter } from "./_proto_write.ts";
import { decodeTensor, type TbTensor } from "./_tensor.ts";

const EMPTY = new Uint8Array(0);

/** SummaryMetadata.DataClass. */
export const DataClass = { UNKNOWN: 0, SCALAR: 1, TENSOR: 2, BLOB_SEQUENCE: 3 } as const;

/** SessionLog.SessionStatus. */
export const SessionStatus = { UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } as const;

/** SummaryMetadata. */
export interface TbMetadata {
  /** SummaryMetadata.plugin_data.plugin_name: the owning plugin (e.g. `scalars`); "" when unset. */
  pluginName: string;
  /** Plugin content bytes (a view into the record: copy to keep). */
  content: Uint8Array;
  /** SummaryMetadata.display_name ("" when unset). */
  displayName: string;
  /** SummaryMetadata.summary_description ("" when unset). */
  description: string;
  /** SummaryMetadata.data_class: a `DataClass` value (1 scalar, 2 tensor, 3 blob sequence; 0 when unset). */
  dataClass: number;
}

/** Summary.Image. */
export interface TbImage {
  /** Summary.Image.height: in pixels (0 when unset). */
  height: number;
  /** Summary.Image.width: in pixels (0 when unset). */
  width: number;
  /**
   * Summary.Image.colorspace: 1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA, 5 DIGITAL_YUV, 6 BGRA
   * (0 when unset).
   */
  colorspace: number;
  /** Encoded image (a view into the record). */
  encoded: Uint8Array;
}

/** Summary.Audio. */
export interface TbAudio {
  /** Summary.Audio.sample_rate: in Hz (a float32 on the wire; 0 when unset). */
  sampleRate: number;
  /** Summary.Audio.num_channels (0 when unset). */
  numChannels: number;
  /** Summary.Audio.length_frames: frames (samples per channel) in the clip (0 when unset). */
  lengthFrames: number;
  /** Encoded audio (a view into the record). */
  encoded: Uint8Array;
  /** Summary.Audio.content_type: the MIME type of `encoded` (e.g. `audio/wav`; "" when unset). */
  contentType: string;
}

/** HistogramProto. */
export interface TbHisto {
  /** HistogramProto.min: the smallest value. */
  min: number;
  /** HistogramProto.max: the largest value. */
  max: number;
  /** HistogramProto.num: how many values (a double on the wire). */
  num: number;
  /** HistogramProto.sum: the sum of the values. */
  sum: number;
  /** HistogramProto.sum_squares: the sum of the squared values. */
  sumSquares: number;
  /**
   * HistogramProto.bucket_limit: each bucket's right edge (bucket i spans `bucketLimit[i - 1]` to
   * `bucketLimit[i]`; bucket 0 starts at -DBL_MAX).
   */
  bucketLimit: number[];
  /** HistogramProto.bucket: the count of each bucket (parallel to `bucketLimit`). */
  bucket: number[];
}

/** Summary.Value: a tag, optional metadata, and one of the value fields (or none). */
export interface TbValue {
  /** The value's tag (the series name in TensorBoard). */
  tag: string;
  /**
   * The value's SummaryMetadata, or `null` when it carries none (writers often send it with a tag's first
   * value only).
   */
  metadata: TbMetadata | null;
  /** simple_value: a scalar (a float32 on the wire). */
  simpleValue?: number;
  /** A legacy image summary. */
  image?: TbImage;
  /** A legacy histogram summary. */
  histo?: TbHisto;
  /** A legacy audio summary. */
  audio?: TbAudio;
  /** A tensor (TF2 summaries: scalars, images, audio, text, plugin data). */
  tensor?: TbTensor;
  /** Set when the value held obsolete_old_style_histogram. */
  obsolete?: boolean;
}

/** SessionLog. */
export interface TbSessionLog {
  /** SessionLog.status: a `SessionStatus` value (1 START, 2 STOP, 3 CHECKPOINT; 0 when unset). */
  status: number;
  /** SessionLog.checkpoint_path ("" when unset). */
  checkpointPath: string;
  /** SessionLog.msg: free text ("" when unset). */
  msg: string;
}

/** Event: the record of an event file. */
export interface TbEvent {
  /** Seconds since the Unix epoch (a double). */
  wallTime: number;
  /** The step (an int64, as a number). */
  step: number;
  /** file_version (e.g. `brain.Event:2`): set in a file's first record. */
  fileVersion?: string;
  /** The Summary's values, when the event holds a Summary. */
  summary?: TbValue[];
  /** The SessionLog, when the event holds one. */
  sessionLog?: TbSessionLog;
  /** Which other oneof was set (graph_def, log_message, tagged_run_metadata, meta_graph_def). */
  other?: "graph_def" | "log_message" | "tagged_run_metadata" | "meta_graph_def";
  /** source_metadata.writer: the program that wrote the file (e.g. `plxkit`), when given. */
  sourceWriter?: string;
}

function decodeMetadata(r: ProtoReader, end: number): TbMetadata {
  const m: TbMetadata = { pluginName: "", content: EMPTY, displayName: "", description: "", dataClass: 0 };
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN: {
        const e = r.enter();
        while (r.pos < e) {
          const u = r.tag();
          if (u === ((1 << 3) | LEN)) m.pluginName = r.interned();
          else if (u === ((2 << 3) | LEN)) m.content = r.bytes();
          else r.skip(u & 7);
        }
        r.exit();
        break;
      }
      case (2 << 3) | LEN:
        m.displayName = r.string();
        break;
      case (3 << 3) | LEN:
        m.description = r.string();
        break;
      case (4 << 3) | VARINT:
        m.dataClass = r.varint();
        break;
      default:
        r.skip(t & 7);
    }
  }
  r.exit();
  return m;
}

function decodeImage(r: ProtoReader, end: number): TbImage {
  const im: TbImage = { height: 0, width: 0, colorspace: 0, encoded: EMPTY };
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((1 << 3) | VARINT)) im.height = r.int64();
    else if (t === ((2 << 3) | VARINT)) im.width = r.int64();
    else if (t === ((3 << 3) | VARINT)) im.colorspace = r.int64();
    else if (t === ((4 << 3) | LEN)) im.encoded = r.bytes();
    else r.skip(t & 7);
  }
  r.exit();
  return im;
}

function decodeAudio(r: ProtoReader, end: number): TbAudio {
  const a: TbAudio = { sampleRate: 0, numChannels: 0, lengthFrames: 0, encoded: EMPTY, contentType: "" };
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((1 << 3) | I32)) a.sampleRate = r.float();
    else if (t === ((2 << 3) | VARINT)) a.numChannels = r.int64();
    else if (t === ((3 << 3) | VARINT)) a.lengthFrames = r.int64();
    else if (t === ((4 << 3) | LEN)) a.encoded = r.bytes();
    else if (t === ((5 << 3) | LEN)) a.contentType = r.string();
    else r.skip(t & 7);
  }
  r.exit();
  return a;
}

function decodeHisto(r: ProtoReader, end: number): TbHisto {
  const h: TbHisto = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | I64:
        h.min = r.double();
        break;
      case (2 << 3) | I64:
        h.max = r.double();
        break;
      case (3 << 3) | I64:
        h.num = r.double();
        break;
      case (4 << 3) | I64:
        h.sum = r.double();
        break;
      case (5 << 3) | I64:
        h.sumSquares = r.double();
        break;
      default:
        if (t >>> 3 === 6) r.doubles(t & 7, h.bucketLimit);
        else if (t >>> 3 === 7) r.doubles(t & 7, h.bucket);
        else r.skip(t & 7);
    }
  }
  r.exit();
  return h;
}

function decodeValue(r: ProtoReader, end: number): TbValue {
  // All fields up front: one object shape for every value keeps property access monomorphic.
  const v: TbValue = {
    tag: "",
    metadata: null,
    simpleValue: undefined,
    image: undefined,
    histo: undefined,
    audio: undefined,
    tensor: undefined,
    obsolete: undefined,
  };
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN:
        v.tag = r.interned();
        break;
      case (2 << 3) | I32:
        v.simpleValue = r.float();
        break;
      case (3 << 3) | LEN:
        r.skip(LEN);
        v.obsolete = true;
        break;
      case (4 << 3) | LEN:
        v.image = decodeImage(r, r.enter());
        break;
      case (5 << 3) | LEN:
        v.histo = decodeHisto(r, r.enter());
        break;
      case (6 << 3) | LEN:
        v.audio = decodeAudio(r, r.enter());
        break;
      case (8 << 3) | LEN:
        v.tensor = decodeTensor(r, r.enter());
        break;
      case (9 << 3) | LEN:
        v.metadata = decodeMetadata(r, r.enter());
        break;
      default:
        r.skip(t & 7);
    }
  }
  r.exit();
  return v;
}

/**
 * Decodes one Event payload (`data[start, end)`; pass `reader` to reuse one cursor across records).
 *
 * @throws {ProtoError} When the bytes are not a valid Event.
 *
 * @example
 * ```ts
 * import { decodeEvent } from "./_messages.ts";
 * decodeEvent(new Uint8Array([0x10, 0x05])); // { wallTime: 0, step: 5 }
 * ```
 */
export function decodeEvent(
  data: Uint8Array,
  start = 0,
  end: number = data.length,
  reader?: ProtoReader,
): TbEvent {
  const r = reader ? reader.reset(data, start, end) : new ProtoReader(data, start, end);
  const ev: TbEvent = {
    wallTime: 0,
    step: 0,
    fileVersion: undefined,
    summary: undefined,
    sessionLog: undefined,
    other: undefined,
    sourceWriter: undefined,
  };
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | I64:
        ev.wallTime = r.double();
        break;
      case (2 << 3) | VARINT:
        ev.step = r.int64();
        break;
      case (3 << 3) | LEN:
        ev.fileVersion = r.string();
        break;
      case (4 << 3) | LEN:
        r.skip(LEN);
        ev.other = "graph_def";
        break;
      case (5 << 3) | LEN: {
        const e = r.enter();
        const values: TbValue[] = ev.summary ?? (ev.summary = []);
        while (r.pos < e) {
          const u = r.tag();
          if (u === ((1 << 3) | LEN)) values.push(decodeValue(r, r.enter()));
          else r.skip(u & 7);
        }
        r.exit();
        break;
      }
      case (6 << 3) | LEN:
        r.skip(LEN);
        ev.other = "log_message";
        break;
      case (7 << 3) | LEN: {
        const e = r.enter();
        const s: TbSessionLog = { status: 0, checkpointPath: "", msg: "" };
        while (r.pos < e) {
          const u = r.tag();
          if (u === ((1 << 3) | VARINT)) s.status = r.varint();
          else if (u === ((2 << 3) | LEN)) s.checkpointPath = r.string();
          else if (u === ((3 << 3) | LEN)) s.msg = r.string();
          else r.skip(u & 7);
        }
        r.exit();
        ev.sessionLog = s;
        break;
      }
      case (8 << 3) | LEN:
        r.skip(LEN);
        ev.other = "tagged_run_metadata";
        break;
      case (9 << 3) | LEN:
        r.skip(LEN);
        ev.other = "meta_graph_def";
        break;
      case (10 << 3) | LEN: {
        const e = r.enter();
        while (r.pos < e) {
          const u = r.tag();
          if (u === ((1 << 3) | LEN)) ev.sourceWriter = r.string();
          else r.skip(u & 7);
        }
        r.exit();
        break;
      }
      default:
        r.skip(t & 7);
    }
  }
  return ev;
}

// ---------------------------------------------------------------------------------------------------
// Encoders.

/** Writes SummaryMetadata as field `field` of the current message. */
export function writeMetadata(
  w: ProtoWriter,
  field: number,
  m: {
    pluginName: string;
    content?: Uint8Array;
    /** Content given as text (written as UTF-8), instead of `content`. */
    contentText?: string;
    displayName?: string;
    description?: string;
    dataClass?: number;
  },
): void {
  const mark = w.begin(field);
  const pd = w.begin(1);
  w.string(1, m.pluginName);
  if (m.content?.length) w.bytes(2, m.content);
  else if (m.contentText) w.string(2, m.contentText);
  w.end(pd);
  if (m.displayName) w.string(2, m.displayName);
  if (m.description) w.string(3, m.description);
  if (m.dataClass) w.uint(4, m.dataClass);
  w.end(mark);
}

/** Writes a HistogramProto as field `field`. */
export function writeHisto(w: ProtoWriter, field: number, h: TbHisto): void {
  const mark = w.begin(field);
  w.double(1, h.min);
  w.double(2, h.max);
  w.double(3, h.num);
  w.double(4, h.sum);
  w.double(5, h.sumSquares);
  w.doubles(6, h.bucketLimit);
  w.doubles(7, h.bucket);
  w.end(mark);
}

/** Writes a Summary.Image as field `field`. */
export function writeImage(w: ProtoWriter, field: number, im: TbImage): void {
  const mark = w.begin(field);
  if (im.height) w.uint(1, im.height);
  if (im.width) w.uint(2, im.width);
  if (im.colorspace) w.uint(3, im.colorspace);
  w.bytes(4, im.encoded);
  w.end(mark);
}

/** Writes a Summary.Audio as field `field`. */
export function writeAudio(w: ProtoWriter, field: number, a: TbAudio): void {
  const mark = w.begin(field);
  if (a.sampleRate) w.float(1, a.sampleRate);
  if (a.numChannels) w.uint(2, a.numChannels);
  if (a.lengthFrames) w.uint(3, a.lengthFrames);
  w.bytes(4, a.encoded);
  if (a.contentType) w.string(5, a.contentType);
  w.end(mark);
}
