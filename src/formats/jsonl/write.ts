/**
 * JSONL writer: canonical events to bytes (plain or gzip), the mirror image of `read.ts`. A pure codec:
 * it returns byte chunks and never touches the file system.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import type { EventOf, PlxEvent } from "../../model/event.ts";
import { encodeJsonlEvent, isoTimestamp, linePrefix, metricJson } from "./codec.ts";

const TS_KEY = new TextEncoder().encode(',"timestamp":"');
const METRIC_VALUE_KEY = new TextEncoder().encode('","type":"metric","value":');

/** Writes an ASCII string's bytes at `at`; returns the end. */
function ascii(buf: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  return at + s.length;
}

/** Options of {@linkcode JsonlEncoder}. */
export interface JsonlEncoderOptions {
  /** Emit gzip: every chunk is one complete gzip member (members concatenate into one valid file). */
  gzip?: boolean;
  /** Bytes buffered before a chunk is emitted. @default 1048576 */
  chunkChars?: number;
  /** gzip level (1 fastest .. 9 smallest). @default 3 */
  level?: number;
}

/**
 * Turns events into JSONL bytes, one line per event, `\n` after every line, in chunks of about 1 MiB.
 * With `gzip`, each chunk is a whole gzip member, so a writer can cut the output between chunks (e.g. to
 * drop a failed run) and still have a valid file.
 *
 * @example
 * ```ts
 * import { JsonlEncoder } from "./write.ts";
 * const enc = new JsonlEncoder();
 * const chunks = enc.push([{
 *   run: "r", scope: "events", kind: "text", name: "note", step: null,
 *   timestamp: { micros: 0, offset: null }, type: "text", value: "hi",
 * }]);
 * const last = enc.flush(); // the bytes of the line
 * ```
 */
export class JsonlEncoder {
  /** Output buffer: starts small (many small runs stay cheap) and grows up to `#maxBytes`. */
  #buf: Uint8Array;
  readonly #maxBytes: number;
  #len = 0;
  #parts: string[] = [];
  #prefixText = "";
  #prefix = new Uint8Array();
  #tsSecond = NaN;
  #tsOffset: number | null = -1;
  #tsHead = new Uint8Array();
  #tsTail = new Uint8Array();
  #chars = 0;
  readonly #enc = new TextEncoder();
  readonly #gzip: boolean;
  readonly #chunkBytes: number;
  readonly #level: number;
  readonly #partChars: number;

  /** An encoder with the given options. */
  constructor(options: JsonlEncoderOptions = {}) {
    this.#gzip = options.gzip ?? false;
    this.#chunkBytes = options.chunkChars ?? 1 << 20;
    this.#level = options.level ?? 3;
    this.#partChars = Math.min(1 << 16, this.#chunkBytes);
    this.#maxBytes = this.#chunkBytes + 3 * (1 << 16) + 1024;
    this.#buf = new Uint8Array(Math.min(this.#maxBytes, 1 << 16));
  }

  /** Encodes events; returns the chunks that became full (possibly none). */
  push(events: Iterable<PlxEvent>): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const e of events) {
      if (e.type === "metric") {
        this.#metric(e, out);
        continue;
      }
      const line = encodeJsonlEvent(e) + "\n";
      this.#parts.push(line);
      this.#chars += line.length;
      // Encode ~64 Ki characters at a time: one encodeInto per few hundred lines, no huge joined string.
      if (this.#chars >= this.#partChars) this.#encodeParts(out);
    }
    return out;
  }

  /**
   * Fast path for metrics (the bulk of any log): the line is written straight into the byte buffer, the
   * UTF-8 prefix (run, scope, kind, name) encoded once per file, numbers and timestamps as ASCII. Writes
   * exactly the bytes of `encodeJsonlEvent(e) + "\n"`.
   */
  #metric(e: EventOf<"metric">, out: Uint8Array[]): void {
    if (this.#parts.length) this.#encodeParts(out);
    const prefixText = linePrefix(e);
    if (prefixText !== this.#prefixText) {
      this.#prefixText = prefixText;
      this.#prefix = this.#enc.encode(prefixText);
    }
    const prefix = this.#prefix;
    if (!this.#room(prefix.length + 160, out)) {
      // A name too long for the buffer: take the general path.
      this.#parts.push(encodeJsonlEvent(e) + "\n");
      this.#encodeParts(out);
      return;
    }
    const buf = this.#buf;
    let n = this.#len;
    buf.set(prefix, n);
    n += prefix.length;
    n = ascii(buf, n, e.step === null ? "null" : String(e.step));
    buf.set(TS_KEY, n);
    n += TS_KEY.length;
    // Timestamp: bytes up to the seconds and the offset cached per second; the microseconds as digits.
    const t = e.timestamp;
    let us = ((t.micros % 1_000_000) + 1_000_000) % 1_000_000;
    const second = (t.micros - us) / 1_000_000;
    if (second !== this.#tsSecond || t.offset !== this.#tsOffset) {
      const full = isoTimestamp(t);
      this.#tsSecond = second;
      this.#tsOffset = t.offset;
      this.#tsHead = this.#enc.encode(full.slice(0, 20));
      this.#tsTail = this.#enc.encode(full.slice(26));
    }
    buf.set(this.#tsHead, n);
    n += this.#tsHead.length;
    for (let d = 5; d >= 0; d--) {
      buf[n + d] = 48 + (us % 10);
      us = (us - (us % 10)) / 10;
    }
    n += 6;
    buf.set(this.#tsTail, n);
    n += this.#tsTail.length;
    buf.set(METRIC_VALUE_KEY, n);
    n += METRIC_VALUE_KEY.length;
    n = ascii(buf, n, metricJson(e.value));
    buf[n++] = 0x7d; // }
    buf[n++] = 0x0a; // \n
    this.#len = n;
    if (n >= this.#chunkBytes) out.push(this.#take());
  }

  #encodeParts(out: Uint8Array[]): void {
    if (!this.#parts.length) return;
    const text = this.#parts.join("");
    this.#parts = [];
    this.#chars = 0;
    if (!this.#room(text.length * 3, out)) {
      const bytes = this.#enc.encode(text);
      out.push(this.#gzip ? new Uint8Array(gzipSync(bytes, { level: this.#level })) : bytes);
      return;
    }
    this.#len += this.#enc.encodeInto(text, this.#buf.subarray(this.#len)).written;
    if (this.#len >= this.#chunkBytes) out.push(this.#take());
  }

  /** Makes `need` free bytes at the end of the buffer (growing it, or emitting a chunk); false if impossible. */
  #room(need: number, out: Uint8Array[]): boolean {
    if (this.#buf.length - this.#len >= need) return true;
    const grow = (size: number) => {
      const b = new Uint8Array(size);
      b.set(this.#buf.subarray(0, this.#len));
      this.#buf = b;
    };
    if (this.#buf.length < this.#maxBytes) {
      grow(Math.min(this.#maxBytes, Math.max(this.#buf.length * 2, this.#len + need)));
      if (this.#buf.length - this.#len >= need) return true;
    }
    if (this.#len) out.push(this.#take());
    if (this.#buf.length < need && this.#buf.length < this.#maxBytes) grow(Math.min(this.#maxBytes, need));
    return this.#buf.length - this.#len >= need;
  }

  #take(): Uint8Array {
    const bytes = this.#buf.subarray(0, this.#len);
    this.#len = 0;
    return this.#gzip ? new Uint8Array(gzipSync(bytes, { level: this.#level })) : bytes.slice();
  }

  /** Emits whatever is buffered as one chunk (a complete gzip member with `gzip`), or `null` if nothing. */
  flush(): Uint8Array | null {
    const out: Uint8Array[] = [];
    this.#encodeParts(out);
    if (this.#len) out.push(this.#take());
    if (out.length <= 1) return out[0] ?? null;
    const all = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of out) {
      all.set(c, o);
      o += c.length;
    }
    return all;
  }
}
