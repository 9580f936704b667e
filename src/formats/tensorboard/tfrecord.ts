/**
 * TFRecord framing (spec §1): `u64 length | masked crc32c(length) | payload | masked crc32c(payload)`.
 * {@linkcode scanRecords} is a streaming, pure decoder over byte chunks; {@linkcode frameRecord} encodes one.
 *
 * @module
 */
import { maskedCrc32c } from "./crc32c.ts";

/** One record's payload and where it starts in the file. */
export interface TfRecord {
  /** Byte offset of the record's header in the file. */
  offset: number;
  /** The payload (a view into a read buffer; copy it to keep it past the next iteration). */
  data: Uint8Array;
}

/** A framing problem; readers turn it into a diagnostic. */
export interface FrameProblem {
  problem:
    | "truncated-record"
    | "bad-length-crc"
    | "bad-data-crc"
    | "bad-length"
    | "not-event-file";
  /** Byte offset of the record header. */
  offset: number;
  message: string;
  /** True when reading of the file stops here. */
  fatal: boolean;
}

/** Options of {@linkcode scanRecords}. */
export interface ScanOptions {
  /** Total file size, when known: lets a length that exceeds the file be told apart from a torn tail. */
  fileSize?: number;
  /** Check payload CRCs. @default true */
  checksum?: boolean;
}

const hex = (n: number) => "0x" + n.toString(16).padStart(8, "0");

/** Longest payload accepted (2 GiB): larger lengths are treated as damage. */
export const MAX_RECORD = 2 ** 31;

/**
 * Splits a byte stream into TFRecords. Yields records and framing problems in file order. A bad length CRC
 * or an impossible length stops the scan (the record boundaries are lost); a bad payload CRC skips that
 * record only. Bytes left at the end that do not make a whole record give a non-fatal `truncated-record`.
 *
 * Memory: no buffer is allocated from a length field before that field's CRC has been checked and the
 * length found to fit the file; a record that spans chunks is assembled from the chunks as they arrive.
 *
 * @example
 * ```ts
 * import { frameRecord, scanRecords } from "./tfrecord.ts";
 * async function* one() { yield frameRecord(new Uint8Array([1, 2, 3])); }
 * for await (const r of scanRecords(one())) console.log(r);
 * ```
 */
export async function* scanRecords(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ScanOptions = {},
): AsyncGenerator<TfRecord | FrameProblem> {
  const checksum = options.checksum ?? true;
  const fileSize = options.fileSize;
  let buf: Uint8Array = new Uint8Array(0); // bytes [0, n) hold data; capacity may be larger
  let n = 0;
  let owned = false; // whether buf is our own accumulation buffer (else a caller's chunk)
  let base = 0; // file offset of buf[0]
  let pos = 0; // next record start within buf
  for await (const chunk of chunks) {
    if (pos >= n) {
      base += n;
      buf = chunk;
      n = chunk.length;
      owned = false;
    } else {
      // A partial record is pending: append. Capacity grows by doubling from bytes actually received,
      // never from a length field, so a record spanning many chunks costs linear time.
      const rest = n - pos;
      if (!owned || rest + chunk.length > buf.length) {
        const grown = new Uint8Array(Math.max(rest + chunk.length, owned ? buf.length * 2 : 0));
        grown.set(buf.subarray(pos, n));
        buf = grown;
        owned = true;
      } else if (pos > 0) {
        buf.copyWithin(0, pos, n);
      }
      buf.set(chunk, rest);
      base += pos;
      n = rest + chunk.length;
    }
    pos = 0;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    while (n - pos >= 12) {
      const offset = base + pos;
      const lo = view.getUint32(pos, true);
      const hi = view.getUint32(pos + 4, true);
      const lenCrc = view.getUint32(pos + 8, true);
      const want = maskedCrc32c(buf, pos, pos + 8);
      if (lenCrc !== want) {
        yield offset === 0
          ? {
            problem: "not-event-file",
            offset,
            fatal: true,
            message: `does not start with a TFRecord header (length checksum ${hex(lenCrc)}, expected ${
              hex(want)
            }): not a TensorBoard event file, or damaged at the start`,
          }
          : {
            problem: "bad-length-crc",
            offset,
            fatal: true,
            message: `record length checksum mismatch (stored ${hex(lenCrc)}, computed ${
              hex(want)
            }): the file is damaged here; the rest of the file is not read`,
          };
        return;
      }
      const length = hi * 4294967296 + lo;
      const total = length + 16;
      if (length > MAX_RECORD || (fileSize !== undefined && offset + total > fileSize && total > fileSize)) {
        yield {
          problem: "bad-length",
          offset,
          fatal: true,
          message: `record length ${length} is larger than the ${
            fileSize !== undefined ? `whole file (${fileSize} bytes)` : `limit (${MAX_RECORD} bytes)`
          }: the file is damaged here; the rest of the file is not read`,
        };
        return;
      }
      if (n - pos < total) break; // wait for more bytes
      const start = pos + 12;
      const end = start + length;
      pos += total;
      if (checksum) {
        const dataCrc = view.getUint32(end, true);
        const got = maskedCrc32c(buf, start, end);
        if (dataCrc !== got) {
          yield {
            problem: "bad-data-crc",
            offset,
            fatal: false,
            message: `record of ${length} bytes: data checksum mismatch (stored ${hex(dataCrc)}, computed ${
              hex(got)
            }); record skipped`,
          };
          continue;
        }
      }
      yield { offset, data: buf.subarray(start, end) };
    }
  }
  if (pos < n) {
    const rest = n - pos;
    let what = `${rest} byte${rest === 1 ? "" : "s"} at the end do not make a whole record`;
    if (rest >= 12) {
      const view = new DataView(buf.buffer, buf.byteOffset + pos, 12);
      const length = view.getUint32(4, true) * 4294967296 + view.getUint32(0, true);
      what = `the last record (${length} bytes of data) is cut short: ${rest} of ${
        length + 16
      } bytes present`;
    }
    yield {
      problem: "truncated-record",
      offset: base + pos,
      fatal: false,
      message: `${what} (the writer may still be running, or stopped mid-write); ignored`,
    };
  }
}

/**
 * Frames one payload as a TFRecord.
 *
 * @example
 * ```ts
 * import { frameRecord } from "./tfrecord.ts";
 * frameRecord(new Uint8Array(0)).length; // 16
 * ```
 */
export function frameRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 16);
  writeFrame(out, 0, payload, 0, payload.length);
  return out;
}

/**
 * Writes the record of `src[start, end)` into `out` at `at` (needs `end - start + 16` bytes); returns the
 * offset after it. `src` may be `out` itself when the payload already sits at `at + 12`.
 */
export function writeFrame(out: Uint8Array, at: number, src: Uint8Array, start: number, end: number): number {
  const length = end - start;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (src !== out || start !== at + 12) out.set(src.subarray(start, end), at + 12);
  view.setUint32(at, length >>> 0, true);
  view.setUint32(at + 4, Math.floor(length / 4294967296), true);
  view.setUint32(at + 8, maskedCrc32c(out, at, at + 8), true);
  view.setUint32(at + 12 + length, maskedCrc32c(out, at + 12, at + 12 + length), true);
  return at + 16 + length;
}
