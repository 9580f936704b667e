/**
 * File-system edge: streaming reads and atomic writes. Everything else in plxkit is pure.
 *
 * Needs `--allow-read` (reads) and `--allow-write` (writes).
 *
 * @module
 */
import * as path from "node:path";
import { InputNotFoundError } from "../diagnostics.ts";
import { commitNew, commitNewSync, forget, isReservedName, OutputExistsError, tempIn } from "./commit.ts";

/** Default read size: 1 MiB. */
export const CHUNK_SIZE = 1 << 20;

/**
 * Reads a file in chunks of `chunkSize` bytes: each chunk a fresh buffer the caller may keep, or with
 * `reuse` one buffer refilled for every chunk (no allocation per chunk; the caller must be done with a
 * chunk before asking for the next, as the plx and log readers are).
 *
 * A FIFO, socket, device or folder is refused from `stat` before opening (opening a FIFO blocks forever).
 *
 * @example
 * ```ts
 * import { readChunks } from "./files.ts";
 * let n = 0;
 * for await (const c of readChunks("deno.json")) n += c.length;
 * ```
 */
export async function* readChunks(
  file: string,
  chunkSize = CHUNK_SIZE,
  reuse = false,
): AsyncGenerator<Uint8Array> {
  checkRegular(file);
  if (!reuse) {
    using f = await Deno.open(file, { read: true });
    while (true) {
      const chunk = await fillChunk(f, new Uint8Array(chunkSize));
      if (chunk === null) return;
      yield chunk;
      if (chunk.length < chunkSize) return;
    }
  }
  // With a reused buffer the caller consumes each chunk before asking for the next: open and read
  // synchronously (from the page cache this beats a round trip through the I/O thread pool), and take the
  // buffer from a pool (allocating and zeroing 1 MiB per file dominated reading many small files).
  using f = Deno.openSync(file, { read: true });
  const buf = takeBuffer(chunkSize);
  try {
    while (true) {
      let filled = 0;
      while (filled < chunkSize) {
        const n = f.readSync(buf.subarray(filled));
        if (n === null) break;
        filled += n;
      }
      if (filled === 0) return;
      yield filled === chunkSize ? buf : buf.subarray(0, filled);
      if (filled < chunkSize) return;
    }
  } finally {
    giveBuffer(buf);
  }
}

/**
 * Reads into `buf` until it is full or the file ends: the filled part, or `null` at the end of the file.
 */
export async function fillChunk(f: Deno.FsFile, buf: Uint8Array): Promise<Uint8Array | null> {
  let filled = 0;
  while (filled < buf.length) {
    const n = await f.read(buf.subarray(filled));
    if (n === null) break;
    filled += n;
  }
  return filled === 0 ? null : filled === buf.length ? buf : buf.subarray(0, filled);
}

/** Free read buffers of {@linkcode readChunks} (reuse mode), a few at most. */
const bufferPool: Uint8Array[] = [];

function takeBuffer(size: number): Uint8Array {
  const i = bufferPool.findIndex((b) => b.length === size);
  return i === -1 ? new Uint8Array(size) : bufferPool.splice(i, 1)[0];
}

function giveBuffer(buf: Uint8Array): void {
  if (bufferPool.length < 4) bufferPool.push(buf);
}

/** The path standard input is read from (the command line's `-`). */
export const STDIN = "/dev/stdin";

/**
 * Throws when `file` (links followed) is not a regular file (standard input excepted): FIFOs, sockets, devices and folders are
 * refused from `stat` alone, never opened.
 */
export function checkRegular(file: string): Deno.FileInfo {
  const st = Deno.statSync(file);
  // Standard input, named by the user as `-`, is read as a stream whatever it is (a pipe, a terminal).
  if (!st.isFile && file !== STDIN) {
    const what = st.isDirectory
      ? "a folder"
      : st.isFifo
      ? "a FIFO (named pipe)"
      : st.isSocket
      ? "a socket"
      : "a device or other non-regular file";
    throw new Deno.errors.InvalidData(`${file} is ${what}, not a regular file; not read`);
  }
  return st;
}

/**
 * A name for a temporary sibling of `target`, unique per process and call, in plxkit's reserved
 * `.plxkit-tmp-` namespace (see io/commit.ts).
 */
export function tempSibling(target: string): string {
  return tempIn(path.dirname(target), path.basename(target));
}

/**
 * Writes a whole file atomically: to a temporary sibling, then `rename`, so a crash leaves either the old
 * file or the complete new one, never half of it.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./files.ts";
 * await writeFileAtomic("/tmp/plxkit-example.txt", "hello\n");
 * ```
 */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
  if (data.length <= 1 << 16) {
    // Small files (run records, commit records, most assets): synchronous calls, which cost less than
    // round trips through the I/O thread pool (one conversion writes thousands of them).
    Deno.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = tempSibling(target);
    try {
      if (typeof data === "string") Deno.writeTextFileSync(tmp, data, { createNew: true });
      else Deno.writeFileSync(tmp, data, { createNew: true });
      Deno.renameSync(tmp, target);
    } catch (e) {
      try {
        Deno.removeSync(tmp);
      } catch { /* not made */ }
      throw e;
    } finally {
      forget(tmp);
    }
    return;
  }
  await Deno.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data, { createNew: true });
    else await Deno.writeFile(tmp, data, { createNew: true });
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  } finally {
    forget(tmp);
  }
}

/**
 * True when `target` is a regular file (not a link) holding exactly the bytes of `chunks`, compared as
 * they stream (memory stays flat for large files).
 */
export async function holdsExactly(
  target: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<boolean> {
  const st = await Deno.lstat(target).catch(() => null);
  if (!st?.isFile) return false;
  using f = await Deno.open(target, { read: true });
  const buf = new Uint8Array(1 << 16);
  let seen = 0;
  for await (const c of chunks) {
    let off = 0;
    while (off < c.length) {
      const n = await f.read(buf.subarray(0, Math.min(buf.length, c.length - off)));
      if (n === null || n === 0) return false;
      for (let i = 0; i < n; i++) if (buf[i] !== c[off + i]) return false;
      off += n;
    }
    seen += c.length;
  }
  return seen === st.size;
}

/**
 * Writes a new file as {@linkcode writeFileNew} does, except that an existing file with exactly these bytes
 * (left by an earlier, interrupted conversion into a shared side folder) is kept; one with other bytes is
 * an {@linkcode OutputExistsError}.
 */
export async function writeFileNewOrSame(target: string, data: Uint8Array | string): Promise<void> {
  try {
    await writeFileNew(target, data);
  } catch (e) {
    if (!(e instanceof OutputExistsError)) throw e;
    const want = typeof data === "string" ? new TextEncoder().encode(data) : data;
    if (!(await holdsExactly(target, [want]))) throw e;
  }
}

/**
 * Writes a new file atomically and never over an existing one: exclusive temporary sibling, then
 * `commitNew` (io/commit.ts), which fails with `OutputExistsError` when `target` exists.
 */
export async function writeFileNew(target: string, data: Uint8Array | string): Promise<void> {
  if (data.length <= 1 << 16) {
    Deno.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = tempSibling(target);
    try {
      if (typeof data === "string") Deno.writeTextFileSync(tmp, data, { createNew: true });
      else Deno.writeFileSync(tmp, data, { createNew: true });
      commitNewSync(tmp, target);
    } catch (e) {
      try {
        Deno.removeSync(tmp);
      } catch { /* not made */ }
      throw e;
    } finally {
      forget(tmp);
    }
    return;
  }
  await Deno.mkdir(path.dirname(target), { recursive: true });
  const tmp = tempSibling(target);
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data, { createNew: true });
    else await Deno.writeFile(tmp, data, { createNew: true });
    await commitNew(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  } finally {
    forget(tmp);
  }
}

/**
 * A buffered file writer that writes to a temporary sibling and renames on {@linkcode AtomicFileWriter.commit}.
 * Buffers up to 1 MiB before each write, so many small appends cost few system calls.
 */
export class AtomicFileWriter {
  /** The temporary sibling written until {@linkcode AtomicFileWriter.commit} renames it onto `target`. */
  readonly tmp: string;
  #file: Deno.FsFile | null = null;
  #buf = new Uint8Array(1 << 20);
  #len = 0;
  #enc = new TextEncoder();
  /** Bytes appended so far (buffered or written). */
  bytes = 0;

  private constructor(readonly target: string, file: Deno.FsFile, tmp: string) {
    this.#file = file;
    this.tmp = tmp;
  }

  /** Opens a temporary file beside `target` (creating folders). */
  static async open(target: string): Promise<AtomicFileWriter> {
    await Deno.mkdir(path.dirname(target), { recursive: true });
    const tmp = tempSibling(target);
    const f = await Deno.open(tmp, { write: true, createNew: true });
    return new AtomicFileWriter(target, f, tmp);
  }

  /** Appends text (UTF-8) or bytes. */
  async write(data: string | Uint8Array): Promise<void> {
    if (typeof data === "string") {
      if (data.length * 3 > this.#buf.length - this.#len) {
        await this.#drain();
        if (data.length * 3 > this.#buf.length) return this.#writeAll(this.#enc.encode(data));
      }
      const r = this.#enc.encodeInto(data, this.#buf.subarray(this.#len));
      this.#len += r.written;
      this.bytes += r.written;
      return;
    }
    if (data.length > this.#buf.length - this.#len) {
      await this.#drain();
      if (data.length > this.#buf.length) return this.#writeAll(data);
    }
    this.#buf.set(data, this.#len);
    this.#len += data.length;
    this.bytes += data.length;
  }

  async #writeAll(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) off += await this.#file!.write(data.subarray(off));
    this.bytes += data.length;
  }

  async #drain(): Promise<void> {
    if (this.#len === 0) return;
    const data = this.#buf.subarray(0, this.#len);
    let off = 0;
    while (off < data.length) off += await this.#file!.write(data.subarray(off));
    this.#len = 0;
  }

  /** Flushes, closes and publishes the temporary file as the target (never over an existing file). */
  async commit(): Promise<void> {
    await this.#drain();
    this.#file!.close();
    this.#file = null;
    await commitNew(this.tmp, this.target);
  }

  /** Closes and deletes the temporary file; the target is untouched. */
  async abort(): Promise<void> {
    try {
      this.#file?.close();
    } catch { /* already closed */ }
    this.#file = null;
    await Deno.remove(this.tmp).catch(() => {});
    forget(this.tmp);
  }
}

/** Whether the resolved path `real` is `root` or inside it (both already through `realPath`). */
export function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Resolves `rel` inside `root` and refuses anything that would leave it (`..`, absolute paths, NUL bytes,
 * backslashes turned separators on Windows). Returns the joined path.
 *
 * @throws {RangeError} When `rel` escapes `root` or is not a usable relative path.
 */
export function safeJoin(root: string, rel: string): string {
  if (rel.includes("\0")) throw new RangeError(`path ${JSON.stringify(rel)} contains a NUL byte`);
  if (path.isAbsolute(rel) || /^[A-Za-z]:[\\/]/.test(rel)) {
    throw new RangeError(`path ${JSON.stringify(rel)} is absolute`);
  }
  const norm = path.posix.normalize(rel.replaceAll("\\", "/"));
  if (norm === ".." || norm.startsWith("../") || norm === "." || norm === "") {
    throw new RangeError(`path ${JSON.stringify(rel)} leaves its folder`);
  }
  return path.join(root, norm);
}

/** Checks that a kind or name is usable as one path segment; returns it. */
export function checkSegment(what: string, s: string): string {
  if (s === "" || s === "." || s === ".." || /[\\/\0]/.test(s)) {
    throw new RangeError(`${what} ${JSON.stringify(s)} cannot be a file name`);
  }
  if (isReservedName(s)) {
    throw new RangeError(
      `${what} ${JSON.stringify(s)} starts with ".plxkit-", a prefix reserved for plxkit's temporaries`,
    );
  }
  // Only a name of more than 66 UTF-16 units can exceed 200 UTF-8 bytes: skip the encoding otherwise.
  if (s.length > 66 && new TextEncoder().encode(s).length > 200) {
    throw new RangeError(
      `${what} ${JSON.stringify(s.slice(0, 40) + "…")} is longer than 200 bytes, too long for a file name`,
    );
  }
  return s;
}

/**
 * Checks that every input path exists (a broken link does not), before anything is read or written.
 *
 * @throws {InputNotFoundError} For the first path that does not exist.
 *
 * @example
 * ```ts
 * import { requireInputs } from "./files.ts";
 * await requireInputs(["deno.json"]);
 * ```
 */
export async function requireInputs(paths: readonly string[]): Promise<void> {
  for (const p of paths) {
    try {
      await Deno.stat(p);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
        throw new InputNotFoundError(p);
      }
      // Other problems (permission denied...) are reported where the input is read.
    }
  }
}
