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

/** The largest single `write` of a flush; writes end on a line boundary. */
export const WRITE_CHUNK_BYTES = 4 << 20;

/** Options of {@linkcode EventWriter}. */
export interface EventWriterOptions {
  /** Milliseconds between background flushes. @default 10000 (Polyaxon's 10 s) */
  flushInterval?: number;
  /** Buffered size (UTF-16 code units, about bytes) above which a flush starts and `ready()` waits. @default 67108864 (64 MiB) */
  maxBufferedBytes?: number;
  /** Buffered size above which a log call flushes synchronously before returning. @default 4 x maxBufferedBytes */
  hardLimitBytes?: number;
}

interface FileBuffer {
  /** Absolute path. */
  abs: string;
  /** CSV header, or `""` for JSONL files (created empty). */
  header: string;
  /** Lines waiting, each prefixed by `\n`. */
  pending: string;
  created: boolean;
}

/** Thrown when logging to a writer that was closed (Python raises `IOError` there). */
export class WriterClosedError extends Error {
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
  readonly flushInterval: number;
  readonly maxBufferedBytes: number;
  readonly hardLimitBytes: number;
  /** Bytes (UTF-8) appended to files so far. */
  bytesWritten = 0;
  /** Lines appended to files so far. */
  linesWritten = 0;
  #files = new Map<string, FileBuffer>();
  #dirty = new Set<FileBuffer>();
  #inflight = new Set<FileBuffer>();
  #buffered = 0;
  #flushing: Promise<void> | null = null;
  #again = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #firstFlushDone = false;
  #closed = false;
  #error: unknown = null;
  #enc = new TextEncoder();
  #chunk = new Uint8Array(WRITE_CHUNK_BYTES);

  constructor(readonly root: string, options: EventWriterOptions = {}) {
    this.flushInterval = options.flushInterval ?? 10_000;
    if (!(this.flushInterval > 0)) throw new RangeError("flushInterval must be a positive number of ms");
    this.maxBufferedBytes = options.maxBufferedBytes ?? 64 << 20;
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
   * Buffers one line for `rel` (run-relative). The file is created at the first flush: with `header` (CSV)
   * or empty (`header === ""`, JSONL). Returns without touching the disk unless the hard limit is passed.
   *
   * @throws {WriterClosedError} After {@linkcode EventWriter.close}.
   */
  append(rel: string, header: string, line: string): void {
    if (this.#closed) throw new WriterClosedError();
    let f = this.#files.get(rel);
    if (f === undefined) {
      f = { abs: path.join(this.root, rel), header, pending: "", created: false };
      this.#files.set(rel, f);
    }
    f.pending += "\n" + line;
    this.#dirty.add(f);
    this.#buffered += line.length + 1;
    if (this.#buffered > this.maxBufferedBytes) {
      if (this.#buffered > this.hardLimitBytes) this.flushSync();
      else void this.#startFlush();
    } else if (this.#timer === null) {
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
    if (this.#buffered <= this.maxBufferedBytes) return RESOLVED;
    return this.#startFlush();
  }

  #startFlush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      return this.#flushing;
    }
    const p = this.#flushLoop().finally(() => {
      this.#flushing = null;
    });
    this.#flushing = p;
    return p;
  }

  async #flushLoop(): Promise<void> {
    do {
      this.#again = false;
      const batch = this.#take();
      for (const [f, text] of batch) {
        this.#inflight.add(f);
        try {
          await this.#writeFile(f, text);
        } catch (e) {
          this.#error ??= e;
        } finally {
          this.#inflight.delete(f);
        }
      }
    } while (this.#again || this.#buffered > this.maxBufferedBytes);
    this.#firstFlushDone = true;
    if (this.#error !== null) {
      const e = this.#error;
      this.#error = null;
      throw e;
    }
  }

  /** Takes the pending text of every dirty file (except those being written, when `skipInflight`). */
  #take(skipInflight = false): [FileBuffer, string][] {
    const out: [FileBuffer, string][] = [];
    for (const f of this.#dirty) {
      if (skipInflight && this.#inflight.has(f)) continue;
      if (f.pending.length) out.push([f, f.pending]);
      this.#buffered -= f.pending.length;
      f.pending = "";
      this.#dirty.delete(f);
    }
    if (this.#dirty.size === 0) this.#buffered = 0;
    return out;
  }

  /** Appends everything buffered (waiting for a flush already running). */
  async flush(): Promise<void> {
    if (this.#flushing) {
      this.#again = true;
      await this.#flushing;
    }
    if (this.#buffered > 0 || this.#dirty.size) await this.#startFlush();
  }

  /**
   * Appends everything buffered with synchronous writes: for `unload` handlers and the hard memory limit.
   * Files an asynchronous flush is writing at this moment are left to it (so lines stay in order), unless
   * `force` (at exit, when that flush can no longer finish).
   */
  flushSync(force = false): void {
    const batch = this.#take(!force);
    let err: unknown = null;
    for (const [f, text] of batch) {
      try {
        this.#writeFileSync(f, text);
      } catch (e) {
        err ??= e;
      }
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

  /** Yields `[start, end)` byte ranges of whole lines, each at most WRITE_CHUNK_BYTES (UTF-8). */
  *#pieces(text: string): Generator<Uint8Array> {
    const maxChars = WRITE_CHUNK_BYTES / 3;
    let start = 0;
    while (start < text.length) {
      let end = text.length;
      if (end - start > maxChars) {
        end = text.lastIndexOf("\n", start + maxChars);
        if (end <= start) {
          // One line longer than a chunk: write it alone (still one line per write).
          end = text.indexOf("\n", start + 1);
          if (end === -1) end = text.length;
          yield this.#enc.encode(text.slice(start, end));
          start = end;
          continue;
        }
      }
      const r = this.#enc.encodeInto(text.slice(start, end), this.#chunk);
      yield this.#chunk.subarray(0, r.written);
      start = end;
    }
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

  async #writeFile(f: FileBuffer, text: string): Promise<void> {
    if (!f.created) await this.#create(f);
    const file = await Deno.open(f.abs, { append: true });
    try {
      for (const bytes of this.#pieces(text)) {
        let off = 0;
        while (off < bytes.length) off += await file.write(bytes.subarray(off));
        this.bytesWritten += bytes.length;
      }
      this.linesWritten += countLines(text);
    } finally {
      file.close();
    }
  }

  #writeFileSync(f: FileBuffer, text: string): void {
    if (!f.created) this.#createSync(f);
    const file = Deno.openSync(f.abs, { append: true });
    try {
      for (const bytes of this.#pieces(text)) {
        let off = 0;
        while (off < bytes.length) off += file.writeSync(bytes.subarray(off));
        this.bytesWritten += bytes.length;
      }
      this.linesWritten += countLines(text);
    } finally {
      file.close();
    }
  }
}

function countLines(text: string): number {
  let n = 0;
  let i = -1;
  while ((i = text.indexOf("\n", i + 1)) !== -1) n++;
  return n;
}
