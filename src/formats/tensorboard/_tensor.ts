/**
 * TensorProto (spec §3): the DataType enum, the decoder, typed element access (half, bfloat16, packed and
 * unpacked values, `tensor_content`) and the encoders of shapes, string and number tensors.
 *
 * @module
 */
import { LEN, ProtoError, type ProtoReader, VARINT } from "./_proto.ts";
import type { ProtoWriter } from "./_proto_write.ts";

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
