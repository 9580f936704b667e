/**
 * TFRecord framing (spec §1): `u64 length | masked crc32c(length) | payload | masked crc32c(payload)`.
 * {@linkcode scanRecords} is a streaming, pure decoder over byte chunks; {@linkcode frameRecord} encodes one.
 *
 * @module
 */
import { crc32c8, maskCrc, maskedCrc32c } from "./crc32c.ts";

/** One record's payload and where it starts in the file. */
export interface TfRecord {
  /** Byte offset of the record's header in the file. */
  offset: number;
  /** The payload (a view into a read buffer; copy it to keep it past the next iteration). */
  data: Uint8Array;
}

/** A framing problem; readers turn it into a diagnostic. */
export interface FrameProblem {
  /**
   * What is wrong (readers use it as the diagnostic code): the first header is not a TFRecord header, a
   * length CRC or a payload CRC mismatch, an impossible length, or a record cut short at the end.
   */
  problem:
    | "truncated-record"
    | "bad-length-crc"
    | "bad-data-crc"
    | "bad-length"
    | "not-event-file";
  /** Byte offset of the record header. */
  offset: number;
  /** A readable account of the problem (offsets, stored and computed CRCs, and what happens next). */
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
 * A push-style TFRecord splitter: feed chunks with {@linkcode RecordScanner.push}, get the whole records
 * (and framing problems) they complete; call {@linkcode RecordScanner.end} at the end of the file.
 * Records are views into the scanner's buffer, valid until the next `push`.
 *
 * A bad length CRC or an impossible length stops the scan (the record boundaries are lost); a bad payload
 * CRC skips that record only. Bytes left at the end that do not make a whole record give a non-fatal
 * `truncated-record`. Memory: nothing is allocated from a length field; a record spanning chunks is
 * assembled in a buffer that grows (by doubling) with the bytes actually received.
 */
export class RecordScanner {
  #buf: Uint8Array = new Uint8Array(0); // bytes [0, n) hold data; capacity may be larger
  #n = 0;
  #owned = false; // whether #buf is our own accumulation buffer (else a caller's chunk)
  #base = 0; // file offset of #buf[0]
  #pos = 0; // next record start within #buf
  #stopped = false;
  readonly #checksum: boolean;
  readonly #fileSize: number | undefined;

  constructor(options: ScanOptions = {}) {
    this.#checksum = options.checksum ?? true;
    this.#fileSize = options.fileSize;
  }

  /** True after a fatal problem: further input is ignored. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Adds a chunk; appends the records and problems it completes to `out`. */
  push(chunk: Uint8Array, out: (TfRecord | FrameProblem)[]): void {
    this.each(
      chunk,
      (buf, start, end, offset) => out.push({ offset, data: buf.subarray(start, end) }),
      (p) => out.push(p),
    );
  }

  /**
   * Adds a chunk; calls `onRecord` with each completed record's payload range (`buf[start, end)`, valid
   * during the call) and `onProblem` with framing problems. The allocation-free form of `push`.
   */
  each(
    chunk: Uint8Array,
    onRecord: (buf: Uint8Array, start: number, end: number, offset: number) => void,
    onProblem: (p: FrameProblem) => void,
  ): void {
    if (this.#stopped) return;
    if (this.#pos >= this.#n) {
      this.#base += this.#n;
      this.#buf = chunk;
      this.#n = chunk.length;
      this.#owned = false;
    } else {
      const rest = this.#n - this.#pos;
      let buf = this.#buf;
      if (!this.#owned || rest + chunk.length > buf.length) {
        const grown = new Uint8Array(Math.max(rest + chunk.length, this.#owned ? buf.length * 2 : 0));
        grown.set(buf.subarray(this.#pos, this.#n));
        buf = grown;
        this.#owned = true;
      } else if (this.#pos > 0) {
        buf.copyWithin(0, this.#pos, this.#n);
      }
      buf.set(chunk, rest);
      this.#buf = buf;
      this.#base += this.#pos;
      this.#n = rest + chunk.length;
    }
    this.#pos = 0;
    this.#scan(onRecord, onProblem);
  }

  #scan(
    onRecord: (buf: Uint8Array, start: number, end: number, offset: number) => void,
    onProblem: (p: FrameProblem) => void,
  ): void {
    const buf = this.#buf;
    const n = this.#n;
    const base = this.#base;
    const fileSize = this.#fileSize;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = this.#pos;
    while (n - pos >= 12) {
      const offset = base + pos;
      const lo = view.getUint32(pos, true);
      const hi = view.getUint32(pos + 4, true);
      const lenCrc = view.getUint32(pos + 8, true);
      const want = maskCrc(crc32c8(buf, pos));
      if (lenCrc !== want) {
        onProblem(
          offset === 0
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
            },
        );
        this.#stop();
        return;
      }
      const length = hi * 4294967296 + lo;
      const total = length + 16;
      if (length > MAX_RECORD || (fileSize !== undefined && total > fileSize)) {
        onProblem({
          problem: "bad-length",
          offset,
          fatal: true,
          message: `record length ${length} is larger than the ${
            fileSize !== undefined ? `whole file (${fileSize} bytes)` : `limit (${MAX_RECORD} bytes)`
          }: the file is damaged here; the rest of the file is not read`,
        });
        this.#stop();
        return;
      }
      if (fileSize !== undefined && offset + total > fileSize) {
        // The record claims more bytes than are left: it can never complete. Stop now rather than buffer
        // the rest of the file waiting for it (memory bounded by the remaining size, not the length field).
        onProblem({
          problem: "truncated-record",
          offset,
          fatal: false,
          message:
            `the last record (${length} bytes of data) is cut short: ${fileSize - offset} of ${total} ` +
            `bytes present (the writer may still be running, or stopped mid-write); ignored`,
        });
        this.#stop();
        return;
      }
      if (n - pos < total) break; // wait for more bytes
      const start = pos + 12;
      const end = start + length;
      pos += total;
      if (this.#checksum) {
        const dataCrc = view.getUint32(end, true);
        const got = maskedCrc32c(buf, start, end);
        if (dataCrc !== got) {
          onProblem({
            problem: "bad-data-crc",
            offset,
            fatal: false,
            message: `record of ${length} bytes: data checksum mismatch (stored ${hex(dataCrc)}, computed ${
              hex(got)
            }); record skipped`,
          });
          continue;
        }
      }
      onRecord(buf, start, end, offset);
    }
    this.#pos = pos;
  }

  #stop(): void {
    this.#stopped = true;
    this.#pos = this.#n;
  }

  /** Ends the input: reports a torn tail, if any. */
  end(out: { push(p: FrameProblem): unknown }): void {
    if (this.#stopped || this.#pos >= this.#n) return;
    const rest = this.#n - this.#pos;
    let what = `${rest} byte${rest === 1 ? "" : "s"} at the end do not make a whole record`;
    if (rest >= 12) {
      const view = new DataView(this.#buf.buffer, this.#buf.byteOffset + this.#pos, 12);
      const length = view.getUint32(4, true) * 4294967296 + view.getUint32(0, true);
      what = `the last record (${length} bytes of data) is cut short: ${rest} of ${
        length + 16
      } bytes present`;
    }
    out.push({
      problem: "truncated-record",
      offset: this.#base + this.#pos,
      fatal: false,
      message: `${what} (the writer may still be running, or stopped mid-write); ignored`,
    });
  }
}

/**
 * Splits a byte stream into TFRecords, yielding them one by one in file order with framing problems in
 * between (see {@linkcode RecordScanner} for the rules). {@linkcode scanRecordBatches} is the faster form.
 *
 * @example
 * ```ts
 * import { frameRecord, scanRecords } from "./tfrecord.ts";
 * for await (const r of scanRecords([frameRecord(new Uint8Array([1, 2, 3]))])) console.log(r);
 * ```
 */
export async function* scanRecords(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ScanOptions = {},
): AsyncGenerator<TfRecord | FrameProblem> {
  for await (const batch of scanRecordBatches(chunks, options)) yield* batch;
}

/**
 * Like {@linkcode scanRecords}, but yields the records of each chunk as one array (views valid until the
 * next iteration).
 */
export async function* scanRecordBatches(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ScanOptions = {},
): AsyncGenerator<(TfRecord | FrameProblem)[]> {
  const scanner = new RecordScanner(options);
  for await (const chunk of chunks) {
    const out: (TfRecord | FrameProblem)[] = [];
    scanner.push(chunk, out);
    if (out.length) yield out;
    if (scanner.stopped) return;
  }
  const out: (TfRecord | FrameProblem)[] = [];
  scanner.end(out);
  if (out.length) yield out;
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
