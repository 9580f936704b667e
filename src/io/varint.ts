/**
 * Variable-length integers (LEB128 varints, as protobuf and Parquet's Thrift compact protocol write them)
 * and zig-zag signed integers: the one writer every binary encoder uses.
 *
 * @module
 */

/**
 * Writes `v` as an unsigned varint at `at` in `buf` and returns the end. A negative `v` is written as its
 * 64-bit two's complement (10 bytes), as protobuf writes negative `int64`/`int32`. Exact for safe integers;
 * room for 10 bytes is the caller's.
 *
 * @example
 * ```ts
 * import { writeVarint } from "./varint.ts";
 * const buf = new Uint8Array(10);
 * writeVarint(buf, 0, 300); // 2: buf starts 0xac 0x02
 * ```
 */
export function writeVarint(buf: Uint8Array, at: number, v: number): number {
  if (v < 0) {
    const lo = v % 4294967296;
    let low = lo < 0 ? lo + 4294967296 : lo;
    let high = Math.floor(v / 4294967296) + 4294967296; // as unsigned 32
    for (let i = 0; i < 9; i++) {
      const byte = low & 0x7f;
      low = (low >>> 7) | ((high & 0x7f) << 25);
      high = high >>> 7;
      buf[at++] = byte | 0x80;
    }
    buf[at++] = 1;
    return at;
  }
  while (v >= 0x80) {
    buf[at++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[at++] = v;
  return at;
}

/** Bytes {@linkcode writeVarint} takes for `v` (>= 0). */
export function varintSize(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/**
 * The zig-zag form of a signed safe integer (|v| < 2^52): 0, -1, 1, -2 ... become 0, 1, 2, 3 ..., so small
 * magnitudes make short varints.
 *
 * @example
 * ```ts
 * import { zigzag } from "./varint.ts";
 * zigzag(-3); // 5
 * ```
 */
export function zigzag(v: number): number {
  return v >= 0 ? 2 * v : -2 * v - 1;
}
