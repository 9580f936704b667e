/**
 * The background event writer behind {@linkcode Run}: lines are buffered in memory per file and appended by a
 * background flush (spec §9), so logging never waits for the disk.
 *
 * Guarantees:
 * - Every flush appends whole lines only: each file's buffer is written with `O_APPEND` in writes of at
 *   most {@linkcode WRITE_CHUNK_BYTES} bytes that end at a line boundary. A process killed at any moment
 *   leaves every line it wrote intact, and two processes appending to the same file never interleave inside
 *   a line (POSIX appends of one `write` are not interleaved on local file systems).
 * - A CSV file is created with its header atomically (written to a temporary file and hard-linked into
 *   place), so a concurrent writer can never append before the header.
 * - Memory is bounded: above `maxBufferedBytes` a flush starts at once and {@linkcode EventWriter.ready}
 *   stays pending until it is done; above `hardLimitBytes` the log call itself flushes synchronously.
 *
 * Needs `--allow-write` for the run folder.
 *
 * @module
 */
import * as path from "node:path";
import { pyFloatRepr } from "../model/pyfloat.ts";
import { UtcFormatter } from "./_utc.ts";

/** The largest single `write` of a flush; writes end on a line boundary. */
export const WRITE_CHUNK_BYTES = 4 << 20;

/** Options of {@linkcode EventWriter}. */
export interface EventWriterOptions {
  /** Milliseconds between background flushes. @default 10000 (Polyaxon's 10 s) */
  flushInterval?: number;
  /** Buffered bytes above which a flush starts and `ready()` waits (bytes being written count too). @default 16777216 (16 MiB) */
  maxBufferedBytes?: number;
  /** Buffered bytes above which a log call flushes synchronously before returning. @default 4 x maxBufferedBytes */
  hardLimitBytes?: number;
}

/**
 * One event file's buffer: whole lines (each `\n` + line, UTF-8) in chunks that never split a line, so each
 * chunk can be appended with one `write`. Obtain with {@linkcode EventWriter.file}.
 */
export class FileBuffer {
  /** Filled chunks waiting for a flush. */
  chunks: Uint8Array[] = [];
  /** The chunk being filled, and how far. */
  cur: Uint8Array | null = null;
  /** Bytes filled in `cur`. */
  pos = 0;
  /** Next chunk size: starts small, doubles up to CHUNK_MAX (many files stay cheap). */
  next = 4096;
  /** Whether a flush has created the file (with its header) or found it existing. */
  created = false;
  /** Whether lines wait for a flush (the buffer is then in the writer's dirty list). */
  dirty = false;
  /**
   * The buffer of the file at absolute path `abs`; `header` is its CSV header line (no newline), or ""
   * for a JSONL file (created empty).
   */
  constructor(readonly abs: string, readonly header: string) {}
}

const CHUNK_MAX = 1 << 20;

/** Thrown when logging to a writer that was closed (Python raises `IOError` there). */
export class WriterClosedError extends Error {
  /** An error with `message` (by default: the writer is closed). */
  constructor(message = "the event writer is closed; no more events can be logged") {
    super(message);
    this.name = "WriterClosedError";
  }
}

const RESOLVED = Promise.resolve();

/**
 * Buffers `"\n" + line` appends per file and writes them in the background.
 *
 * @example
 * ```ts
 * import { EventWriter } from "./writer.ts";
 * const dir = await Deno.makeTempDir();
 * const w = new EventWriter(dir, { flushInterval: 1000 });
 * w.append("events/metric/loss.plx", "step|timestamp|metric", "1|2025-03-01 09:15:02+00:00|0.5");
 * await w.close();
 * ```
 */
export class EventWriter {
  /** Milliseconds between background flushes. */
  readonly flushInterval: number;
  /** Buffered bytes above which a flush starts at once and `ready()` waits. */
  readonly maxBufferedBytes: number;
  /** Buffered bytes above which a log call flushes synchronously. */
  readonly hardLimitBytes: number;
  /** Bytes (UTF-8) appended to files so far. */
  bytesWritten = 0;
  /** Lines appended to files so far. */
  linesWritten = 0;
  #files = new Map<string, FileBuffer>();
  #dirty: FileBuffer[] = [];
  #inflight = new Set<FileBuffer>();
  /** Bytes handed to the running flush and not yet written. */
  #inflightBytes = 0;
  /** Full-size chunks returned by flushes, reused so a long run allocates nothing in steady state. */
  #pool: Uint8Array[] = [];
  #ts = new UtcFormatter();
  #buffered = 0;
  #flushing: Promise<void> | null = null;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #firstFlushDone = false;
  #closed = false;
  #error: unknown = null;
  #enc = new TextEncoder();

  /**
   * A writer for files under the run folder `root` (paths given to it are run-relative); throws `RangeError`
   * on bad options.
   */
  constructor(readonly root: string, options: EventWriterOptions = {}) {
    this.flushInterval = options.flushInterval ?? 10_000;
    if (!(this.flushInterval > 0)) throw new RangeError("flushInterval must be a positive number of ms");
    this.maxBufferedBytes = options.maxBufferedBytes ?? 16 << 20;
    if (!(this.maxBufferedBytes > 0)) throw new RangeError("maxBufferedBytes must be positive");
    this.hardLimitBytes = options.hardLimitBytes ?? this.maxBufferedBytes * 4;
    if (!(this.hardLimitBytes >= this.maxBufferedBytes)) {
      throw new RangeError("hardLimitBytes must be at least maxBufferedBytes");
    }
  }

  /** Units buffered and not yet handed to a flush. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Whether {@linkcode EventWriter.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The buffer of `rel` (run-relative), created on first use. The file itself is created at the first
   * flush: with `header` (CSV) or empty (`header === ""`, JSONL).
   */
  file(rel: string, header: string): FileBuffer {
    let f = this.#files.get(rel);
    if (f === undefined) {
      f = new FileBuffer(path.join(this.root, rel), header);
      this.#files.set(rel, f);
    }
    return f;
  }

  /**
   * Buffers one line for `rel`. Returns without touching the disk unless the hard limit is passed.
   *
   * @throws {WriterClosedError} After {@linkcode EventWriter.close}.
   */
  append(rel: string, header: string, line: string): void {
    this.appendTo(this.file(rel, header), line);
  }

  /** Room for `need` more bytes in `f`'s current chunk. */
  #room(f: FileBuffer, need: number): Uint8Array {
    const cur = f.cur;
    if (cur !== null && cur.length - f.pos >= need) return cur;
    if (cur !== null && f.pos > 0) f.chunks.push(cur.subarray(0, f.pos));
    const size = Math.max(need, f.next);
    if (f.next < CHUNK_MAX) f.next *= 2;
    f.cur = size === CHUNK_MAX && this.#pool.length ? this.#pool.pop()! : new Uint8Array(size);
    f.pos = 0;
    return f.cur;
  }

  /**
   * Buffers `"\n" + line` for a file from {@linkcode EventWriter.file}.
   *
   * @throws {WriterClosedError} After {@linkcode EventWriter.close}.
   */
  appendTo(f: FileBuffer, line: string): void {
    if (this.#closed) throw new WriterClosedError();
    const n = line.length;
    const out = this.#room(f, n * 3 + 1);
    const start = f.pos;
    let at = start;
    out[at++] = 10;
    let i = 0;
    for (; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c >= 128) break;
      out[at++] = c;
    }
    if (i < n) at += this.#enc.encodeInto(line.slice(i), out.subarray(at)).written;
    f.pos = at;
    this.#added(f, at - start);
  }

  /**
   * Buffers a metric row `<step>|<timestamp>|<value>` without building strings: the hot path of
   * `logMetrics`. `step` may be given already as decimal text (computed once per call); `micros` is a UTC
   * instant (written with `+00:00`).
   *
   * @throws {WriterClosedError} After {@linkcode EventWriter.close}.
   */
  appendMetric(f: FileBuffer, step: number | string | null, micros: number, value: number): void {
    if (this.#closed) throw new WriterClosedError();
    const v = pyFloatRepr(value);
    const st = step === null ? "" : typeof step === "string" ? step : String(step);
    const out = this.#room(f, 40 + st.length + v.length);
    const start = f.pos;
    let at = start;
    out[at++] = 10;
    for (let i = 0; i < st.length; i++) out[at++] = st.charCodeAt(i);
    out[at++] = 124;
    at = this.#ts.write(out, at, micros);
    out[at++] = 124;
    for (let i = 0; i < v.length; i++) out[at++] = v.charCodeAt(i);
    f.pos = at;
    this.#added(f, at - start);
  }

  #added(f: FileBuffer, bytes: number): void {
    if (!f.dirty) {
      f.dirty = true;
      this.#dirty.push(f);
    }
    this.#buffered += bytes;
    if (this.#buffered > this.maxBufferedBytes) {
      if (this.#buffered > this.hardLimitBytes) this.flushSync();
      else if (this.#flushing === null) void this.#startFlush();
    } else if (this.#timer === null && this.#flushing === null) {
      this.#schedule();
    }
  }

  #schedule(): void {
    // Polyaxon flushes the very first item at once, then every interval.
    const delay = this.#firstFlushDone ? this.flushInterval : 0;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#startFlush();
    }, delay);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  /**
   * Resolves at once while under `maxBufferedBytes`, else when the running flush has written the excess.
   * Callers producing events faster than the disk takes them `await` it now and then.
   */
  ready(): Promise<void> {
    if (this.#buffered + this.#inflightBytes <= this.maxBufferedBytes && this.#error === null) {
      return RESOLVED;
    }
    return this.#startFlush().then(() => this.#throwError());
  }

  /** Rethrows (once) the first write error a background flush met. */
  #throwError(): void {
    if (this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      throw e;
    }
  }

  /** Starts a flush (or joins the running one). Never rejects: errors wait in #error for flush()/close(). */
  #startFlush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    const p = this.#flushLoop().finally(() => {
      this.#flushing = null;
      // Lines that arrived during the flush wait for the next interval.
      if (this.#dirty.length && this.#timer === null && !this.#closed) this.#schedule();
    });
    this.#flushing = p;
    return p;
  }

  async #flushLoop(): Promise<void> {
    do {
      this.#again = false;
      const batch = this.#take();
      for (const [, chunks] of batch) for (const c of chunks) this.#inflightBytes += c.length;
      for (const [f, chunks] of batch) {
        this.#inflight.add(f);
        try {
          await this.#writeFile(f, chunks);
        } catch (e) {
          this.#error ??= e;
        } finally {
          this.#inflight.delete(f);
          for (const c of chunks) {
            this.#inflightBytes -= c.length;
            this.#recycle(c);
          }
        }
      }
    } while (this.#again || this.#buffered > this.maxBufferedBytes);
    this.#firstFlushDone = true;
  }

  #recycle(c: Uint8Array): void {
    if (
      c.buffer.byteLength === CHUNK_MAX && c.byteOffset === 0 &&
      this.#pool.length * CHUNK_MAX < this.maxBufferedBytes
    ) {
      this.#pool.push(new Uint8Array(c.buffer as ArrayBuffer));
    }
  }

  /** Takes the pending chunks of every dirty file (except those being written, when `skipInflight`). */
  #take(skipInflight = false): [FileBuffer, Uint8Array[]][] {
    const out: [FileBuffer, Uint8Array[]][] = [];
    const keep: FileBuffer[] = [];
    for (const f of this.#dirty) {
      if (skipInflight && this.#inflight.has(f)) {
        keep.push(f);
        continue;
      }
      const chunks = f.chunks;
      if (f.cur !== null && f.pos > 0) chunks.push(f.cur.subarray(0, f.pos));
      for (const c of chunks) this.#buffered -= c.length;
      f.chunks = [];
      f.cur = null;
      f.pos = 0;
      f.dirty = false;
      if (chunks.length) out.push([f, chunks]);
    }
    this.#dirty = keep;
    if (keep.length === 0) this.#buffered = 0;
    return out;
  }

  /**
   * Appends everything buffered (waiting for a flush already running).
   *
   * @throws The first error a write met since the last call (e.g. `Deno.errors.PermissionDenied`).
   */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      await this.#flushing;
    }
    if (this.#buffered > 0 || this.#dirty.length) await this.#startFlush();
    this.#throwError();
  }

  /**
   * Appends everything buffered with synchronous writes: for `unload` handlers and the hard memory limit.
   * Files an asynchronous flush is writing at this moment are left to it (so lines stay in order), unless
   * `force` (at exit, when that flush can no longer finish).
   */
  flushSync(force = false): void {
    const batch = this.#take(!force);
    let err: unknown = null;
    for (const [f, chunks] of batch) {
      try {
        this.#writeFileSync(f, chunks);
      } catch (e) {
        err ??= e;
      }
      for (const c of chunks) this.#recycle(c);
    }
    this.#firstFlushDone = true;
    if (err !== null) throw err;
  }

  /** Flushes and stops accepting events. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.flush();
  }

  /** {@linkcode EventWriter.close} for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Synchronous close, for `unload`. */
  closeSync(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.flushSync(true);
  }

  async #create(f: FileBuffer): Promise<void> {
    await Deno.mkdir(path.dirname(f.abs), { recursive: true });
    if (f.header === "") {
      await (await Deno.open(f.abs, { write: true, create: true })).close();
    } else {
      const tmp = `${f.abs}.${crypto.randomUUID().slice(0, 8)}.tmp`;
      await Deno.writeTextFile(tmp, f.header);
      try {
        await Deno.link(tmp, f.abs);
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      } finally {
        await Deno.remove(tmp).catch(() => {});
      }
    }
    f.created = true;
  }

  #createSync(f: FileBuffer): void {
    Deno.mkdirSync(path.dirname(f.abs), { recursive: true });
    if (f.header === "") {
      Deno.openSync(f.abs, { write: true, create: true }).close();
    } else {
      const tmp = `${f.abs}.${crypto.randomUUID().slice(0, 8)}.tmp`;
      Deno.writeTextFileSync(tmp, f.header);
      try {
        Deno.linkSync(tmp, f.abs);
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
      } finally {
        try {
          Deno.removeSync(tmp);
        } catch { /* gone */ }
      }
    }
    f.created = true;
  }

  async #writeFile(f: FileBuffer, chunks: Uint8Array[]): Promise<void> {
    if (!f.created) await this.#create(f);
    const file = await Deno.open(f.abs, { append: true });
    try {
      for (const bytes of groupChunks(chunks)) {
        let off = 0;
        while (off < bytes.length) off += await file.write(bytes.subarray(off));
        this.bytesWritten += bytes.length;
        this.linesWritten += countLines(bytes);
      }
    } finally {
      file.close();
    }
  }

  #writeFileSync(f: FileBuffer, chunks: Uint8Array[]): void {
    if (!f.created) this.#createSync(f);
    const file = Deno.openSync(f.abs, { append: true });
    try {
      for (const bytes of groupChunks(chunks)) {
        let off = 0;
        while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
        this.bytesWritten += bytes.length;
        this.linesWritten += countLines(bytes);
      }
    } finally {
      file.close();
    }
  }
}

/** Joins consecutive small chunks into writes of at most WRITE_CHUNK_BYTES (chunks hold whole lines). */
function* groupChunks(chunks: Uint8Array[]): Generator<Uint8Array> {
  let i = 0;
  while (i < chunks.length) {
    let size = chunks[i].length;
    let j = i + 1;
    while (j < chunks.length && size + chunks[j].length <= WRITE_CHUNK_BYTES) size += chunks[j++].length;
    if (j === i + 1) yield chunks[i];
    else {
      const out = new Uint8Array(size);
      let o = 0;
      for (let k = i; k < j; k++) {
        out.set(chunks[k], o);
        o += chunks[k].length;
      }
      yield out;
    }
    i = j;
  }
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  let i = -1;
  while ((i = bytes.indexOf(10, i + 1)) !== -1) n++;
  return n;
}
