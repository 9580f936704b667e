/**
 * JSONL writer: canonical events to bytes (plain or gzip), the mirror image of `read.ts`. A pure codec:
 * it returns byte chunks and never touches the file system.
 *
 * @module
 */
import { gzipSync } from "node:zlib";
import type { EventOf, MetricColumns, PlxEvent } from "../../model/event.ts";
import { encodeJsonlEvent, linePrefix, metricJson } from "./codec.ts";
import { TimestampWriter } from "../../model/time.ts";
import { ascii, copyShortDecimal, integer } from "../../io/ascii.ts";

const EMPTY = new Uint8Array();

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
  /** The timestamp field with the keys around it: `,"timestamp":"…","type":"metric","value":`. */
  readonly #ts = new TimestampWriter("iso", ',"timestamp":"', '","type":"metric","value":');
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

  /** Adds ready JSON lines (each without its newline), e.g. log rows; returns the chunks that became full. */
  pushLines(lines: Iterable<string>): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const l of lines) {
      const line = l + "\n";
      this.#parts.push(line);
      this.#chars += line.length;
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
    if (!this.#usePrefix(linePrefix(e), out)) {
      // A name too long for the buffer: take the general path.
      this.#parts.push(encodeJsonlEvent(e) + "\n");
      this.#encodeParts(out);
      return;
    }
    const t = e.timestamp;
    this.#metricRow(e.step ?? NaN, t.micros, t.offset ?? NaN, e.value, EMPTY, -1, -1);
    if (this.#len >= this.#chunkBytes) out.push(this.#take());
  }

  /**
   * Encodes metric rows held as columns (a reader's fast path): the same bytes as pushing
   * `metricEvents(columns)`, without making the objects. Returns the chunks that became full.
   */
  pushMetrics(c: MetricColumns): Uint8Array[] {
    const out: Uint8Array[] = [];
    if (c.length === 0) return out;
    if (this.#parts.length) this.#encodeParts(out);
    const prefixText = linePrefix({
      run: c.run,
      scope: c.scope,
      kind: c.kind,
      name: c.name,
    } as PlxEvent);
    const { step, micros, offset, value } = c;
    const text = c.valueBytes ?? EMPTY;
    const span = c.valueSpan ?? null;
    for (let i = 0; i < c.length; i++) {
      if (!this.#usePrefix(prefixText, out)) {
        for (let j = i; j < c.length; j++) {
          const s = step[j];
          const o = offset[j];
          this.#parts.push(
            encodeJsonlEvent({
              run: c.run,
              scope: c.scope,
              kind: c.kind,
              name: c.name,
              step: s === s ? s : null,
              timestamp: { micros: micros[j], offset: o === o ? o : null },
              type: "metric",
              value: value[j],
            }) + "\n",
          );
          this.#encodeParts(out);
        }
        return out;
      }
      // Rows that surely fit in the free space, up to the end of the chunk (where #metric would emit it).
      const fit = Math.floor((this.#buf.length - this.#len) / (this.#prefix.length + 160));
      const stop = Math.min(c.length, i + Math.max(1, fit));
      const limit = this.#chunkBytes;
      for (; i < stop; i++) {
        if (span === null) this.#metricRow(step[i], micros[i], offset[i], value[i], EMPTY, -1, -1);
        else this.#metricRow(step[i], micros[i], offset[i], value[i], text, span[2 * i], span[2 * i + 1]);
        if (this.#len >= limit) {
          i++;
          break;
        }
      }
      i--;
      if (this.#len >= limit) out.push(this.#take());
    }
    return out;
  }

  /** Makes the line prefix current and room for a metric line; false when the prefix is too long. */
  #usePrefix(prefixText: string, out: Uint8Array[]): boolean {
    if (prefixText !== this.#prefixText) {
      this.#prefixText = prefixText;
      // The prefix with `"step":` and the timestamp key parts are written per row: keep them as bytes.
      this.#prefix = this.#enc.encode(prefixText);
    }
    return this.#room(this.#prefix.length + 160, out);
  }

  /**
   * Writes one metric line (after {@linkcode JsonlEncoder.#usePrefix} made room): the UTF-8 prefix (run,
   * scope, kind, name) encoded once per file, numbers and timestamps as ASCII. Exactly the bytes of
   * `encodeJsonlEvent(e) + "\n"`. `step` and `offset` are `NaN` for null. With a source text span
   * (`s >= 0`), the value's characters are copied when `copyShortDecimal` accepts them.
   */
  #metricRow(
    step: number,
    micros: number,
    offset: number,
    value: number,
    text: Uint8Array,
    s: number,
    e: number,
  ): void {
    const buf = this.#buf;
    let n = this.#len;
    const prefix = this.#prefix;
    buf.set(prefix, n); // (set beats a byte loop for these tens of bytes)
    n += prefix.length;
    n = step !== step ? ascii(buf, n, "null") : integer(buf, n, step);
    n = this.#ts.write(buf, n, micros, offset);
    // The source's digits when they are already the JSON text; else finite and not zero: plain shortest
    // digits; the rest through metricJson.
    const copied = s < 0 ? -1 : copyShortDecimal(buf, n, text, s, e, "js");
    if (copied >= 0) n = copied;
    else n = ascii(buf, n, value !== 0 && value - value === 0 ? String(value) : metricJson(value));
    buf[n++] = 0x7d; // }
    buf[n++] = 0x0a; // \n
    this.#len = n;
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
    if (this.#gzip) return new Uint8Array(gzipSync(bytes, { level: this.#level }));
    // Hand the filled buffer over and start a fresh one (cheaper than copying the chunk out).
    this.#buf = new Uint8Array(this.#buf.length);
    return bytes;
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
