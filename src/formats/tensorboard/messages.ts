/**
 * The TensorBoard protobuf messages plxkit reads and writes (spec §3, §4): Event, Summary, SummaryMetadata,
 * Image, Audio, HistogramProto, TensorProto, SessionLog, and the hparams and plugin-data messages.
 * Hand-rolled decoders (bounds-checked, packed and unpacked repeated fields) and encoders.
 *
 * @module
 */
import { I32, I64, LEN, ProtoError, ProtoReader, type ProtoWriter, VARINT } from "./proto.ts";

/** DataType enum values (spec §3). */
export const DT = {
  INVALID: 0,
  FLOAT: 1,
  DOUBLE: 2,
  INT32: 3,
  UINT8: 4,
  INT16: 5,
  INT8: 6,
  STRING: 7,
  COMPLEX64: 8,
  INT64: 9,
  BOOL: 10,
  BFLOAT16: 14,
  UINT16: 17,
  COMPLEX128: 18,
  HALF: 19,
  UINT32: 22,
  UINT64: 23,
} as const;

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

/** TensorProto, with the typed value fields kept apart. */
export interface TbTensor {
  /** TensorProto.dtype: a DataType enum value (`DT`, e.g. 1 = DT_FLOAT; 0 = DT_INVALID when unset). */
  dtype: number;
  /** Dimension sizes; empty = rank 0. */
  shape: number[];
  /** Raw little-endian element bytes (a view into the record). */
  content: Uint8Array | null;
  /** float_val, double_val, int_val, int64_val, bool_val, half_val, uint32_val, uint64_val, complex: numbers. */
  values: number[];
  /** string_val (views into the record). */
  strings: Uint8Array[];
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

const EMPTY = new Uint8Array(0);

/** Decodes a TensorProto from `r` up to `end` (entered with `r.enter()`; leaves it). */
export function decodeTensor(r: ProtoReader, end: number): TbTensor {
  const t: TbTensor = { dtype: 0, shape: [], content: null, values: [], strings: [] };
  while (r.pos < end) {
    const k = r.tag();
    const wt = k & 7;
    switch (k >>> 3) {
      case 1:
        t.dtype = r.varint();
        break;
      case 2: {
        const e = r.enter();
        while (r.pos < e) {
          const u = r.tag();
          if (u === ((2 << 3) | LEN)) {
            const de = r.enter();
            let size = 0;
            while (r.pos < de) {
              const v = r.tag();
              if (v === ((1 << 3) | VARINT)) size = r.int64();
              else r.skip(v & 7);
            }
            r.exit();
            t.shape.push(size);
          } else r.skip(u & 7);
        }
        r.exit();
        break;
      }
      case 4:
        t.content = r.bytes();
        break;
      case 5:
      case 9:
        r.floats(wt, t.values);
        break;
      case 6:
      case 12:
        r.doubles(wt, t.values);
        break;
      case 7:
      case 10:
      case 13:
        r.int64s(wt, t.values);
        break;
      case 11:
      case 16:
      case 17:
        r.uint64s(wt, t.values);
        break;
      case 8:
        if (wt !== LEN) throw new ProtoError("string_val with a non-length wire type", r.pos);
        t.strings.push(r.bytes());
        break;
      default:
        r.skip(wt);
    }
  }
  r.exit();
  return t;
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
 * import { decodeEvent } from "./messages.ts";
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
// Tensors: element access.

const ELEMENT_SIZE: Record<number, number> = {
  [DT.FLOAT]: 4,
  [DT.DOUBLE]: 8,
  [DT.INT32]: 4,
  [DT.UINT8]: 1,
  [DT.INT16]: 2,
  [DT.INT8]: 1,
  [DT.INT64]: 8,
  [DT.BOOL]: 1,
  [DT.BFLOAT16]: 2,
  [DT.UINT16]: 2,
  [DT.HALF]: 2,
  [DT.UINT32]: 4,
  [DT.UINT64]: 8,
};

/** Whether `dtype` is a real numeric (or bool) type plxkit can decode. */
export function isNumericDtype(dtype: number): boolean {
  return dtype in ELEMENT_SIZE;
}

/** Element count of a shape (1 for rank 0). */
export function shapeSize(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >>> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bfloat16(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0];
}

/**
 * The numeric elements of a tensor as float64, row-major: from `tensor_content` (little-endian) or the
 * typed `*_val` field (one value repeated to fill the shape). Complex types and strings are not numeric.
 *
 * @throws {RangeError} When the dtype is not numeric or the content does not match the shape.
 */
export function tensorNumbers(t: TbTensor): number[] {
  const size = ELEMENT_SIZE[t.dtype];
  if (size === undefined) throw new RangeError(`dtype ${dtypeName(t.dtype)} is not numeric`);
  const want = shapeSize(t.shape);
  if (t.content && t.content.length) {
    const c = t.content;
    if (c.length !== want * size) {
      throw new RangeError(
        `tensor_content has ${c.length} bytes; shape [${t.shape}] of ${dtypeName(t.dtype)} needs ${
          want * size
        }`,
      );
    }
    const v = new DataView(c.buffer, c.byteOffset, c.byteLength);
    const out = new Array<number>(want);
    for (let i = 0; i < want; i++) {
      const o = i * size;
      switch (t.dtype) {
        case DT.FLOAT:
          out[i] = v.getFloat32(o, true);
          break;
        case DT.DOUBLE:
          out[i] = v.getFloat64(o, true);
          break;
        case DT.INT32:
          out[i] = v.getInt32(o, true);
          break;
        case DT.UINT8:
        case DT.BOOL:
          out[i] = v.getUint8(o);
          break;
        case DT.INT16:
          out[i] = v.getInt16(o, true);
          break;
        case DT.INT8:
          out[i] = v.getInt8(o);
          break;
        case DT.INT64:
          out[i] = Number(v.getBigInt64(o, true));
          break;
        case DT.UINT64:
          out[i] = Number(v.getBigUint64(o, true));
          break;
        case DT.UINT16:
          out[i] = v.getUint16(o, true);
          break;
        case DT.UINT32:
          out[i] = v.getUint32(o, true);
          break;
        case DT.HALF:
          out[i] = half(v.getUint16(o, true));
          break;
        case DT.BFLOAT16:
          out[i] = bfloat16(v.getUint16(o, true));
          break;
      }
    }
    return out;
  }
  let vals = t.values;
  if (t.dtype === DT.HALF) vals = vals.map(half);
  else if (t.dtype === DT.BFLOAT16) vals = vals.map(bfloat16);
  else if (t.dtype === DT.UINT32) vals = vals.map((x) => x >>> 0);
  if (vals.length === want) return vals;
  if (vals.length === 1) return new Array<number>(want).fill(vals[0]);
  if (vals.length === 0 && want > 0) return new Array<number>(want).fill(0);
  throw new RangeError(`tensor holds ${vals.length} values; shape [${t.shape}] needs ${want}`);
}

const DT_NAMES = Object.fromEntries(Object.entries(DT).map(([k, v]) => [v, "DT_" + k]));

/** `DT_FLOAT` etc. for messages. */
export function dtypeName(dtype: number): string {
  return DT_NAMES[dtype] ?? `DataType ${dtype}`;
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

/** Writes a TensorShapeProto as field `field`. */
export function writeShape(w: ProtoWriter, field: number, shape: number[]): void {
  const mark = w.begin(field);
  for (const d of shape) {
    const dm = w.begin(2);
    if (d) w.uint(1, d);
    w.end(dm);
  }
  w.end(mark);
}

/** Writes a DT_STRING tensor of `shape` holding `strings` as field `field`. */
export function writeStringTensor(
  w: ProtoWriter,
  field: number,
  shape: number[],
  strings: Uint8Array[],
): void {
  const mark = w.begin(field);
  w.uint(1, DT.STRING);
  writeShape(w, 2, shape);
  for (const s of strings) w.bytes(8, s);
  w.end(mark);
}

/** Writes a numeric tensor in `tensor_content` (DT_FLOAT or DT_DOUBLE) as field `field`. */
export function writeNumberTensor(
  w: ProtoWriter,
  field: number,
  dtype: typeof DT.FLOAT | typeof DT.DOUBLE,
  shape: number[],
  values: ArrayLike<number>,
): void {
  const mark = w.begin(field);
  w.uint(1, dtype);
  writeShape(w, 2, shape);
  const size = dtype === DT.DOUBLE ? 8 : 4;
  const n = values.length * size;
  w.key(4, LEN);
  w.rawVarint(n);
  w.ensure(n);
  for (let i = 0; i < values.length; i++) {
    if (size === 8) w.view.setFloat64(w.pos, values[i], true);
    else w.view.setFloat32(w.pos, values[i], true);
    w.pos += size;
  }
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

// ---------------------------------------------------------------------------------------------------
// hparams plugin (spec §4.7) and pr_curves content.

/** A google.protobuf.Value as hparams use it. */
export type HParamValue = number | string | boolean | null;

function decodeProtoValue(r: ProtoReader, end: number): HParamValue {
  let v: HParamValue = null;
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((2 << 3) | I64)) v = r.double();
    else if (t === ((3 << 3) | LEN)) v = r.string();
    else if (t === ((4 << 3) | VARINT)) v = r.bool();
    else r.skip(t & 7);
  }
  r.exit();
  return v;
}

/** HParamsPluginData, decoded to plain JSON-able objects. */
export interface HParamsData {
  experiment?: {
    name?: string;
    description?: string;
    hparams: { name: string; type?: number; domain?: HParamValue[] | { min: number; max: number } }[];
    metrics: { tag: string; group?: string; displayName?: string }[];
  };
  sessionStart?: { hparams: Record<string, HParamValue>; groupName?: string; startTimeSecs?: number };
  sessionEnd?: { status: number; endTimeSecs?: number };
}

/**
 * Decodes HParamsPluginData content bytes.
 *
 * @throws {ProtoError} On invalid bytes.
 */
export function decodeHParams(content: Uint8Array): HParamsData {
  const r = new ProtoReader(content);
  const out: HParamsData = {};
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === ((2 << 3) | LEN)) {
      const e = r.enter();
      const ex: NonNullable<HParamsData["experiment"]> = { hparams: [], metrics: [] };
      while (r.pos < e) {
        const u = r.tag();
        if (u === ((6 << 3) | LEN)) ex.name = r.string();
        else if (u === ((1 << 3) | LEN)) ex.description = r.string();
        else if (u === ((4 << 3) | LEN)) {
          const he = r.enter();
          const h: NonNullable<HParamsData["experiment"]>["hparams"][number] = { name: "" };
          while (r.pos < he) {
            const x = r.tag();
            if (x === ((1 << 3) | LEN)) h.name = r.string();
            else if (x === ((4 << 3) | VARINT)) h.type = r.varint();
            else if (x === ((5 << 3) | LEN)) {
              const le = r.enter();
              const list: HParamValue[] = [];
              while (r.pos < le) {
                const y = r.tag();
                if (y === ((1 << 3) | LEN)) list.push(decodeProtoValue(r, r.enter()));
                else r.skip(y & 7);
              }
              r.exit();
              h.domain = list;
            } else if (x === ((6 << 3) | LEN)) {
              const ie = r.enter();
              const iv = { min: 0, max: 0 };
              while (r.pos < ie) {
                const y = r.tag();
                if (y === ((1 << 3) | I64)) iv.min = r.double();
                else if (y === ((2 << 3) | I64)) iv.max = r.double();
                else r.skip(y & 7);
              }
              r.exit();
              h.domain = iv;
            } else r.skip(x & 7);
          }
          r.exit();
          ex.hparams.push(h);
        } else if (u === ((5 << 3) | LEN)) {
          const me = r.enter();
          const m: { tag: string; group?: string; displayName?: string } = { tag: "" };
          while (r.pos < me) {
            const x = r.tag();
            if (x === ((1 << 3) | LEN)) {
              const ne = r.enter();
              while (r.pos < ne) {
                const y = r.tag();
                if (y === ((1 << 3) | LEN)) m.group = r.string();
                else if (y === ((2 << 3) | LEN)) m.tag = r.string();
                else r.skip(y & 7);
              }
              r.exit();
            } else if (x === ((3 << 3) | LEN)) m.displayName = r.string();
            else r.skip(x & 7);
          }
          r.exit();
          ex.metrics.push(m);
        } else r.skip(u & 7);
      }
      r.exit();
      out.experiment = ex;
    } else if (t === ((3 << 3) | LEN)) {
      const e = r.enter();
      const s: NonNullable<HParamsData["sessionStart"]> = { hparams: {} };
      while (r.pos < e) {
        const u = r.tag();
        if (u === ((1 << 3) | LEN)) {
          const me = r.enter();
          let key = "";
          let val: HParamValue = null;
          while (r.pos < me) {
            const x = r.tag();
            if (x === ((1 << 3) | LEN)) key = r.string();
            else if (x === ((2 << 3) | LEN)) val = decodeProtoValue(r, r.enter());
            else r.skip(x & 7);
          }
          r.exit();
          s.hparams[key] = val;
        } else if (u === ((4 << 3) | LEN)) s.groupName = r.string();
        else if (u === ((5 << 3) | I64)) s.startTimeSecs = r.double();
        else r.skip(u & 7);
      }
      r.exit();
      out.sessionStart = s;
    } else if (t === ((4 << 3) | LEN)) {
      const e = r.enter();
      const s = { status: 0 } as NonNullable<HParamsData["sessionEnd"]>;
      while (r.pos < e) {
        const u = r.tag();
        if (u === ((1 << 3) | VARINT)) s.status = r.varint();
        else if (u === ((2 << 3) | I64)) s.endTimeSecs = r.double();
        else r.skip(u & 7);
      }
      r.exit();
      out.sessionEnd = s;
    } else r.skip(t & 7);
  }
  return out;
}

function writeProtoValue(w: ProtoWriter, field: number, v: HParamValue): void {
  const mark = w.begin(field);
  if (typeof v === "number") w.double(2, v);
  else if (typeof v === "string") w.string(3, v);
  else if (typeof v === "boolean") w.bool(4, v);
  else w.uint(1, 0); // null_value
  w.end(mark);
}

/** Encodes HParamsPluginData content (version 0) for an experiment, a session start or a session end. */
export function encodeHParams(w: ProtoWriter, data: HParamsData): void {
  if (data.experiment) {
    const mark = w.begin(2);
    const ex = data.experiment;
    if (ex.description) w.string(1, ex.description);
    for (const h of ex.hparams) {
      const hm = w.begin(4);
      w.string(1, h.name);
      if (h.type) w.uint(4, h.type);
      w.end(hm);
    }
    for (const m of ex.metrics) {
      const mm = w.begin(5);
      const nm = w.begin(1);
      if (m.group) w.string(1, m.group);
      w.string(2, m.tag);
      w.end(nm);
      w.end(mm);
    }
    if (ex.name) w.string(6, ex.name);
    w.end(mark);
  }
  if (data.sessionStart) {
    const mark = w.begin(3);
    for (const [k, v] of Object.entries(data.sessionStart.hparams)) {
      const em = w.begin(1);
      w.string(1, k);
      writeProtoValue(w, 2, v);
      w.end(em);
    }
    if (data.sessionStart.groupName) w.string(4, data.sessionStart.groupName);
    if (data.sessionStart.startTimeSecs) w.double(5, data.sessionStart.startTimeSecs);
    w.end(mark);
  }
  if (data.sessionEnd) {
    const mark = w.begin(4);
    if (data.sessionEnd.status) w.uint(1, data.sessionEnd.status);
    if (data.sessionEnd.endTimeSecs) w.double(2, data.sessionEnd.endTimeSecs);
    w.end(mark);
  }
}

/** Reads `num_thresholds` from PrCurvePluginData content (0 when absent). */
export function decodePrCurveThresholds(content: Uint8Array): number {
  const r = new ProtoReader(content);
  let n = 0;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === ((2 << 3) | VARINT)) n = r.varint();
    else r.skip(t & 7);
  }
  return n;
}
