/**
 * A minimal protobuf wire codec: a bounds-checked cursor for decoding (the encoder,
 * `ProtoWriter`, is in `_proto_write.ts`).
 * Every length is checked against the bytes that remain before anything is sliced or allocated.
 *
 * @module
 */

/** A protobuf message that cannot be decoded; `pos` is the byte offset inside the message. */
export class ProtoError extends SyntaxError {
  constructor(message: string, readonly pos: number) {
    super(message);
    this.name = "ProtoError";
  }
}

/** Wire types. */
export const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Decodes UTF-8 (short ASCII strings without a TextDecoder call). */
export function decodeUtf8(b: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 32) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (b[i] > 127) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      let s = "";
      for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
      return s;
    }
  }
  return utf8.decode(b.subarray(start, end));
}

/**
 * Interns short strings by their bytes, so a tag repeated in millions of records is decoded once and the
 * same string object comes back each time (cheaper to make, hash and compare).
 */
export class StringInterner {
  #buckets = new Map<number, { bytes: Uint8Array; s: string }[]>();
  #count = 0;
  /**
   * An empty interner keeping up to `maxEntries` strings. Strings over `maxLength` bytes are decoded each
   * time; new strings met once it holds `maxEntries` are decoded but not added.
   */
  constructor(readonly maxEntries = 65536, readonly maxLength = 256) {}

  #slots: ({ bytes: Uint8Array; s: string } | undefined)[] = new Array(256);

  /** The string of `buf[start, end)` (UTF-8). */
  get(buf: Uint8Array, start: number, end: number): string {
    const n = end - start;
    if (n > this.maxLength) return decodeUtf8(buf, start, end);
    // A direct-mapped cache in front of the hash map: most files have few tags.
    const slot = n === 0 ? 0 : (n * 31 + buf[start] * 7 + buf[end - 1] * 3 + buf[start + (n >> 1)]) & 255;
    const hit = this.#slots[slot];
    if (hit !== undefined && hit.bytes.length === n) {
      const b = hit.bytes;
      let same = true;
      for (let i = 0; i < n; i++) {
        if (b[i] !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return hit.s;
    }
    const s = this.#lookup(buf, start, end);
    this.#slots[slot] = { bytes: buf.slice(start, end), s };
    return s;
  }

  #lookup(buf: Uint8Array, start: number, end: number): string {
    const n = end - start;
    let h = 0x811c9dc5 ^ n;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const bucket = this.#buckets.get(h);
    if (bucket !== undefined) {
      outer: for (let k = 0; k < bucket.length; k++) {
        const e = bucket[k];
        const b = e.bytes;
        if (b.length !== n) continue;
        for (let i = 0; i < n; i++) if (b[i] !== buf[start + i]) continue outer;
        return e.s;
      }
    }
    const s = decodeUtf8(buf, start, end);
    if (this.#count < this.maxEntries) {
      const entry = { bytes: buf.slice(start, end), s };
      if (bucket) bucket.push(entry);
      else this.#buckets.set(h, [entry]);
      this.#count++;
    }
    return s;
  }
}

/**
 * A decoding cursor over `buf[pos, end)`.
 *
 * @example
 * ```ts
 * import { ProtoReader } from "./_proto.ts";
 * const r = new ProtoReader(new Uint8Array([0x08, 0x96, 0x01]));
 * const tag = r.tag(); // field 1, varint
 * r.varint(); // 150
 * ```
 */
export class ProtoReader {
  /** The bytes being decoded (reads stay within `[pos, end)`). */
  buf: Uint8Array;
  /** A DataView over `buf`, for the fixed-width reads. */
  view: DataView;
  /** Byte offset in `buf` of the next read. */
  pos: number;
  /** Byte offset in `buf` where the current message ends ({@linkcode ProtoReader.enter} narrows it). */
  end: number;
  /** When set, {@linkcode ProtoReader.interned} strings go through it. */
  interner: StringInterner | null = null;
  /** A cursor over the message `buf[start, end)`, positioned at `start`. */
  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = start;
    this.end = end;
  }

  /** Points the reader at `buf[start, end)` (reusing the DataView when `buf` is the same). */
  reset(buf: Uint8Array, start: number, end: number): this {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.pos = start;
    this.end = end;
    this.#ends.length = 0;
    return this;
  }

  /** Reads a field key; returns `field << 3 | wireType`. Rejects field 0 and group wire types. */
  tag(): number {
    const t = this.varint();
    const wt = t & 7;
    if (t < 8 || wt === 3 || wt === 4 || wt === 6 || wt === 7) {
      throw new ProtoError(`invalid field key ${t} (field ${Math.floor(t / 8)}, wire type ${wt})`, this.pos);
    }
    return t;
  }

  /** An unsigned varint as a JS number (exact up to 2^53; larger values lose low bits). */
  varint(): number {
    const b = this.buf;
    let p = this.pos;
    if (p < this.end && b[p] < 0x80) {
      this.pos = p + 1;
      return b[p];
    }
    let lo = 0, shift = 0;
    for (; shift < 28; shift += 7) {
      if (p >= this.end) throw new ProtoError("varint runs past the end of the message", p);
      const x = b[p++];
      lo |= (x & 0x7f) << shift;
      if (x < 0x80) {
        this.pos = p;
        return lo >>> 0;
      }
    }
    // 28 bits so far; the rest as a float multiplier.
    let hi = 0, mul = 1;
    for (let i = 0; i < 6; i++) {
      if (p >= this.end) throw new ProtoError("varint runs past the end of the message", p);
      const x = b[p++];
      hi += (x & 0x7f) * mul;
      mul *= 128;
      if (x < 0x80) {
        this.pos = p;
        return (lo >>> 0) + hi * 268435456;
      }
    }
    throw new ProtoError("varint longer than 10 bytes", p);
  }

  /** A signed int64/int32 varint (two's complement, not zig-zag). */
  int64(): number {
    const b = this.buf;
    const p = this.pos;
    if (p < this.end && b[p] < 0x80) {
      this.pos = p + 1;
      return b[p];
    }
    // Find the length to tell negatives (10 bytes, top bit set).
    let q = p;
    while (q < this.end && q - p < 10 && b[q] & 0x80) q++;
    if (q - p === 9 && q < this.end && b[q] === 1) {
      // Negative: the magnitude is the bitwise complement of the low 63 bits, plus one.
      let mag = 0, mul = 1;
      for (let i = 0; i < 9; i++) {
        mag += (0x7f - (b[p + i] & 0x7f)) * mul;
        mul *= 128;
      }
      this.pos = q + 1;
      return -(mag + 1);
    }
    return this.varint();
  }

  /** A varint as a bool (any non-zero value is true). */
  bool(): boolean {
    return this.varint() !== 0;
  }

  /** A little-endian 64-bit float (wire type I64: `double`). */
  double(): number {
    if (this.pos + 8 > this.end) throw new ProtoError("double runs past the end of the message", this.pos);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A little-endian 32-bit float (wire type I32: `float`). */
  float(): number {
    if (this.pos + 4 > this.end) throw new ProtoError("float runs past the end of the message", this.pos);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A little-endian unsigned 32-bit integer (wire type I32: `fixed32`). */
  fixed32(): number {
    if (this.pos + 4 > this.end) throw new ProtoError("fixed32 runs past the end of the message", this.pos);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** Reads a length prefix and returns the end offset of the delimited bytes (checked). */
  len(): number {
    const n = this.varint();
    const end = this.pos + n;
    if (end > this.end) {
      throw new ProtoError(
        `length ${n} runs past the end of the message (${this.end - this.pos} left)`,
        this.pos,
      );
    }
    return end;
  }

  #ends: number[] = [];

  /**
   * Enters a length-delimited sub-message: reads its length, checks it fits, and bounds every read to it
   * until {@linkcode ProtoReader.exit}. Returns the sub-message's end offset.
   */
  enter(): number {
    const end = this.len();
    this.#ends.push(this.end);
    this.end = end;
    return end;
  }

  /** Leaves the sub-message entered last (its bytes must all have been read). */
  exit(): void {
    if (this.pos !== this.end) throw new ProtoError("sub-message not read to its end", this.pos);
    this.end = this.#ends.pop()!;
  }

  /** Length-delimited bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const end = this.len();
    const v = this.buf.subarray(this.pos, end);
    this.pos = end;
    return v;
  }

  /** A length-delimited UTF-8 string (invalid bytes become U+FFFD). */
  string(): string {
    const end = this.len();
    const s = decodeUtf8(this.buf, this.pos, end);
    this.pos = end;
    return s;
  }

  /** A length-delimited string through the interner (when one is set). */
  interned(): string {
    if (this.interner === null) return this.string();
    const end = this.len();
    const s = this.interner.get(this.buf, this.pos, end);
    this.pos = end;
    return s;
  }

  /** Skips a field of wire type `wt`. */
  skip(wt: number): void {
    switch (wt) {
      case VARINT:
        this.varint();
        return;
      case I64:
        if (this.pos + 8 > this.end) throw new ProtoError("fixed64 runs past the end", this.pos);
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.len();
        return;
      case I32:
        if (this.pos + 4 > this.end) throw new ProtoError("fixed32 runs past the end", this.pos);
        this.pos += 4;
        return;
      default:
        throw new ProtoError(`unsupported wire type ${wt}`, this.pos);
    }
  }

  /** Reads a repeated double field (packed or one unpacked element) into `out`. */
  doubles(wt: number, out: number[]): void {
    if (wt === LEN) {
      const end = this.len();
      if ((end - this.pos) % 8) throw new ProtoError("packed doubles not a multiple of 8 bytes", this.pos);
      for (; this.pos < end; this.pos += 8) out.push(this.view.getFloat64(this.pos, true));
    } else if (wt === I64) out.push(this.double());
    else throw new ProtoError(`wire type ${wt} for a double field`, this.pos);
  }

  /** Reads a repeated float field (packed or unpacked). */
  floats(wt: number, out: number[]): void {
    if (wt === LEN) {
      const end = this.len();
      if ((end - this.pos) % 4) throw new ProtoError("packed floats not a multiple of 4 bytes", this.pos);
      for (; this.pos < end; this.pos += 4) out.push(this.view.getFloat32(this.pos, true));
    } else if (wt === I32) out.push(this.float());
    else throw new ProtoError(`wire type ${wt} for a float field`, this.pos);
  }

  /** Reads a repeated signed varint field (packed or unpacked). */
  int64s(wt: number, out: number[]): void {
    if (wt === LEN) {
      const end = this.len();
      const saved = this.end;
      this.end = end;
      while (this.pos < end) out.push(this.int64());
      this.end = saved;
    } else if (wt === VARINT) out.push(this.int64());
    else throw new ProtoError(`wire type ${wt} for an integer field`, this.pos);
  }

  /** Reads a repeated unsigned varint field (packed or unpacked). */
  uint64s(wt: number, out: number[]): void {
    if (wt === LEN) {
      const end = this.len();
      const saved = this.end;
      this.end = end;
      while (this.pos < end) out.push(this.varint());
      this.end = saved;
    } else if (wt === VARINT) out.push(this.varint());
    else throw new ProtoError(`wire type ${wt} for an integer field`, this.pos);
  }
}
