/**
 * The protobuf wire encoder: a growable buffer with nested messages written in place (the mirror of
 * `ProtoReader` in `_proto.ts`).
 *
 * @module
 */
import { varintSize, writeVarint } from "../../io/varint.ts";
import { I32, I64, LEN, VARINT } from "./_proto.ts";

const enc = new TextEncoder();

/**
 * A growable encoding buffer. Nested messages are written in place: {@linkcode ProtoWriter.begin} reserves
 * one length byte and {@linkcode ProtoWriter.end} fixes it up (moving the body when the length needs more).
 *
 * @example
 * ```ts
 * import { ProtoWriter } from "./_proto_write.ts";
 * const w = new ProtoWriter();
 * w.uint(2, 5); // step = 5
 * w.finish(); // Uint8Array [0x10, 0x05]
 * ```
 */
export class ProtoWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  constructor(size = 256) {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
    this.view = new DataView(b.buffer);
  }

  /** Clears for reuse. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** An unsigned varint ({@linkcode writeVarint}: negative numbers take 10 bytes). */
  rawVarint(v: number): void {
    this.ensure(10);
    this.pos = writeVarint(this.buf, this.pos, v);
  }

  key(field: number, wt: number): void {
    this.rawVarint(field * 8 + wt);
  }

  /** A varint field (int32/int64/uint/enum); negative numbers take 10 bytes. */
  uint(field: number, v: number): void {
    this.key(field, VARINT);
    this.rawVarint(v);
  }

  bool(field: number, v: boolean): void {
    this.key(field, VARINT);
    this.rawVarint(v ? 1 : 0);
  }

  double(field: number, v: number): void {
    this.key(field, I64);
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  float(field: number, v: number): void {
    this.key(field, I32);
    this.ensure(4);
    this.view.setFloat32(this.pos, v, true);
    this.pos += 4;
  }

  bytes(field: number, v: Uint8Array): void {
    this.key(field, LEN);
    this.rawVarint(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  string(field: number, s: string): void {
    const n = s.length;
    if (n <= 24) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) > 127) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.key(field, LEN);
        this.rawVarint(n);
        this.ensure(n);
        for (let i = 0; i < n; i++) this.buf[this.pos++] = s.charCodeAt(i);
        return;
      }
    }
    // Longer strings: encode in place after a prefix sized for the worst case, then close the gap.
    this.key(field, LEN);
    const max = n * 3;
    const room = varintSize(max);
    this.ensure(room + max);
    const start = this.pos + room;
    const written = enc.encodeInto(s, this.buf.subarray(start, start + max)).written;
    const size = varintSize(written);
    if (size < room) this.buf.copyWithin(this.pos + size, start, start + written);
    this.rawVarint(written);
    this.pos += written;
  }

  /** Raw bytes (already encoded fields). */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Raw ASCII text, no key or length (the caller guarantees ASCII). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Packed doubles. */
  doubles(field: number, vs: ArrayLike<number>): void {
    if (!vs.length) return;
    this.key(field, LEN);
    this.rawVarint(vs.length * 8);
    this.ensure(vs.length * 8);
    for (let i = 0; i < vs.length; i++) {
      this.view.setFloat64(this.pos, vs[i], true);
      this.pos += 8;
    }
  }

  /** Packed floats. */
  floats(field: number, vs: ArrayLike<number>): void {
    if (!vs.length) return;
    this.key(field, LEN);
    this.rawVarint(vs.length * 4);
    this.ensure(vs.length * 4);
    for (let i = 0; i < vs.length; i++) {
      this.view.setFloat32(this.pos, vs[i], true);
      this.pos += 4;
    }
  }

  /** Starts a nested message in field `field`; returns a mark for {@linkcode ProtoWriter.end}. */
  begin(field: number): number {
    this.key(field, LEN);
    this.ensure(1);
    this.pos++;
    return this.pos;
  }

  /** Ends the nested message started at `mark`, writing its length. */
  end(mark: number): void {
    const n = this.pos - mark;
    if (n < 128) {
      this.buf[mark - 1] = n;
      return;
    }
    let size = 1;
    for (let v = n; v >= 128; v = Math.floor(v / 128)) size++;
    this.ensure(size - 1);
    this.buf.copyWithin(mark + size - 1, mark, this.pos);
    this.pos = mark - 1;
    this.rawVarint(n);
    this.pos += n;
  }
}
