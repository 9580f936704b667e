/**
 * The one commit protocol for outputs, and the output lock.
 *
 * - Temporary names all start with {@linkcode TMP_PREFIX} (`.plxkit-tmp-`), followed by the writer's
 *   host and process id: no run, kind or name may start with `.plxkit-` ({@linkcode isReservedName}), so a
 *   temporary never collides with an output and an output is never taken for a temporary.
 * - Files are created exclusively (`createNew`) and published with {@linkcode commitNew}: a hard link onto
 *   the final name, which fails when that name exists (no overwrite, atomic), then the temporary removed.
 *   A folder (a whole run) is published by `rename` onto a name checked absent under the lock.
 * - Temporaries are registered while alive; {@linkcode removeLiveTemps} (called on SIGINT/SIGTERM by the
 *   CLI) removes them, and {@linkcode removeStaleTemps} removes those of dead writers on the next run.
 * - {@linkcode lockOutput} takes an advisory lock (`flock`) on `<out>/.plxkit-lock` (or
 *   `.plxkit-lock-<name>` beside a single-file output): exclusive for a whole conversion, shared plus an
 *   exclusive per-shard lock for `--shard k/n` workers. The kernel drops the lock when the process dies, so
 *   a killed writer never leaves a stale lock; the last holder removes the lock file.
 *
 * Needs `--allow-read --allow-write` (and `--allow-sys` for the host name, optional).
 *
 * @module
 */
import * as path from "node:path";
import { randomUUID } from "node:crypto";

/** Prefix of every temporary name plxkit writes. */
export const TMP_PREFIX = ".plxkit-tmp-";

/** Whether `name` (a run id, kind, name or path segment) is in plxkit's reserved `.plxkit-` namespace. */
export function isReservedName(name: string): boolean {
  return name.startsWith(".plxkit-");
}

function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

let hostTag: string | undefined;
/** A short tag of this host (hash of its name). */
function host(): string {
  if (hostTag === undefined) {
    try {
      hostTag = fnv(Deno.hostname());
    } catch {
      hostTag = "00000000";
    }
  }
  return hostTag;
}

/** This writer's tag in temporary names: `<host hash>-<pid>`. */
export function writerTag(): string {
  return `${host()}-${Deno.pid}`;
}

const live = new Set<string>();

/**
 * A fresh temporary path in folder `dir` for an output named `base`: `.plxkit-tmp-<host>-<pid>-<rand>-<base>`
 * (the base cut to keep the name under 255 bytes). Registered as live until {@linkcode forget}.
 */
export function tempIn(dir: string, base: string): string {
  let b = base;
  while (new TextEncoder().encode(b).length > 160) b = b.slice(0, Math.floor(b.length * 0.8));
  const p = path.join(dir, `${TMP_PREFIX}${writerTag()}-${randomUUID().slice(0, 8)}-${b}`);
  live.add(p);
  return p;
}

/** Unregisters a temporary (renamed into place or removed). */
export function forget(tmp: string): void {
  live.delete(tmp);
}

/** Removes every live temporary of this process (files and folders), synchronously: for signal handlers. */
export function removeLiveTemps(): void {
  for (const p of live) {
    try {
      Deno.removeSync(p, { recursive: true });
    } catch { /* gone */ }
  }
  live.clear();
}

/** Whether process `pid` of this host is alive (Linux `/proc`; elsewhere assumed alive). */
function alive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      try {
        Deno.statSync("/proc/self");
        return false;
      } catch {
        return true;
      }
    }
    return true;
  }
}

/**
 * Removes the temporaries in `dir` (not below) left by writers of this host that are no longer running
 * (a killed conversion). Temporaries of live writers and of other hosts are left alone. Returns how many
 * were removed.
 */
export async function removeStaleTemps(dir: string): Promise<number> {
  let n = 0;
  let entries: Deno.DirEntry[];
  try {
    entries = [];
    for await (const e of Deno.readDir(dir)) if (e.name.startsWith(TMP_PREFIX)) entries.push(e);
  } catch {
    return 0;
  }
  for (const e of entries) {
    const m = /^\.plxkit-tmp-([0-9a-f]{8})-(\d+)-/.exec(e.name);
    if (m && m[1] === host() && !alive(Number(m[2]))) {
      await Deno.remove(path.join(dir, e.name), { recursive: true }).catch(() => {});
      n++;
    }
  }
  return n;
}

/** The final name already exists: plxkit never overwrites. */
export class OutputExistsError extends Error {
  /** The path that exists. */
  readonly target: string;
  /** `target` exists. */
  constructor(target: string) {
    super(`${target} already exists; plxkit never overwrites an output (remove it or choose another --out)`);
    this.name = "OutputExistsError";
    this.target = target;
  }
}

/**
 * Publishes the finished temporary file `tmp` as `target`, atomically and never over an existing file:
 * `link(tmp, target)` (fails when `target` exists), then `tmp` removed. On file systems without hard links
 * it falls back to checking `target` absent and renaming (safe under the output lock).
 *
 * @throws {OutputExistsError} When `target` exists.
 */
export function commitNewSync(tmp: string, target: string): void {
  try {
    Deno.linkSync(tmp, target);
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw new OutputExistsError(target);
    if (e instanceof Deno.errors.NotFound) throw e;
    // No hard links here (e.g. some FUSE or SMB mounts): check and rename.
    let exists = true;
    try {
      Deno.lstatSync(target);
    } catch {
      exists = false;
    }
    if (exists) throw new OutputExistsError(target);
    Deno.renameSync(tmp, target);
    forget(tmp);
    return;
  }
  Deno.removeSync(tmp);
  forget(tmp);
}

/** {@linkcode commitNewSync}, asynchronously. */
export async function commitNew(tmp: string, target: string): Promise<void> {
  try {
    await Deno.link(tmp, target);
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw new OutputExistsError(target);
    if (e instanceof Deno.errors.NotFound) throw e;
    let exists = true;
    try {
      await Deno.lstat(target);
    } catch {
      exists = false;
    }
    if (exists) throw new OutputExistsError(target);
    await Deno.rename(tmp, target);
    forget(tmp);
    return;
  }
  await Deno.remove(tmp);
  forget(tmp);
}

/**
 * Publishes the finished temporary folder `tmp` as `target` (a whole run): `target` must not exist (not even
 * as a link or an empty folder), then `rename`.
 *
 * @throws {OutputExistsError} When `target` exists.
 */
export async function commitDir(tmp: string, target: string): Promise<void> {
  try {
    await Deno.lstat(target);
    throw new OutputExistsError(target);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await Deno.rename(tmp, target);
  forget(tmp);
}

/**
 * Writes a new file `target` with `data`: exclusive temporary in the same folder, then
 * {@linkcode commitNewSync}. Creates missing folders.
 *
 * @throws {OutputExistsError} When `target` exists.
 */
export function writeNewFileSync(target: string, data: Uint8Array | string): void {
  const dir = path.dirname(target);
  Deno.mkdirSync(dir, { recursive: true });
  const tmp = tempIn(dir, path.basename(target));
  try {
    const f = Deno.openSync(tmp, { write: true, createNew: true });
    try {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      let off = 0;
      while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
    } finally {
      f.close();
    }
    commitNewSync(tmp, target);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* not made */ }
    forget(tmp);
    throw e;
  }
}

/** A held output lock; {@linkcode OutputLock.release} (or process exit) drops it. */
export interface OutputLock {
  /** The lock files held. */
  readonly files: string[];
  /** Drops the lock. */
  release(): void;
}

/** Options of {@linkcode lockOutput}. */
export interface LockOptions {
  /** `k/n` of a shard worker: shares the output with the other shards, excludes whole conversions. */
  shard?: string;
  /** Called once when the lock is held by another writer and this one starts waiting. */
  onWait?: (message: string) => void;
  /** Fail instead of waiting. */
  noWait?: boolean;
}

/** Where the lock of output `out` lives: inside it for a folder, beside it for a single file. */
export function lockPath(out: string, isFile: boolean, suffix = ""): string {
  const abs = path.resolve(out);
  return isFile
    ? path.join(path.dirname(abs), `.plxkit-lock-${path.basename(abs)}${suffix}`)
    : path.join(abs, `.plxkit-lock${suffix}`);
}

async function take(file: string, exclusive: boolean, what: string, o: LockOptions): Promise<Deno.FsFile> {
  let waited = false;
  while (true) {
    const f = await Deno.open(file, { read: true, write: true, create: true });
    try {
      if (!(await f.tryLock(exclusive))) {
        let holder = "";
        try {
          holder = new TextDecoder().decode(Deno.readFileSync(file)).trim();
        } catch { /* unreadable */ }
        const msg = `another plxkit process${holder ? ` (${holder})` : ""} is writing to ${what}`;
        if (o.noWait) throw new Error(`${msg} (lock ${file})`);
        if (!waited) o.onWait?.(`${msg}; waiting for it to finish`);
        waited = true;
        await f.lock(exclusive);
      }
      // The holder we waited for removes the lock file when done: then this lock is on a removed file and
      // a newcomer may lock a new one. Hold only a lock on the file the name still points to.
      let same = false;
      try {
        same = (await f.stat()).ino === (await Deno.stat(file)).ino;
      } catch { /* removed */ }
      if (!same) {
        f.close();
        continue;
      }
      if (exclusive) {
        try {
          await f.truncate(0);
          await f.write(new TextEncoder().encode(`pid ${Deno.pid} since ${new Date().toISOString()}\n`));
        } catch { /* the note is optional (a full disk) */ }
      }
      return f;
    } catch (e) {
      f.close();
      throw e;
    }
  }
}

/** Drops a held lock; removes the lock file when no other process holds it (nothing is left in --out). */
function drop(file: string, f: Deno.FsFile): void {
  try {
    if (f.tryLockSync(true)) Deno.removeSync(file);
  } catch { /* still in use or gone */ }
  try {
    f.close();
  } catch { /* closed */ }
}

/**
 * Locks output `out` for this process: a whole conversion excludes every other writer of `out`; shard
 * workers (`shard: "k/n"`) exclude only the same shard and whole conversions. Waits while another process
 * holds it (calling `onWait` once). Creates the output folder (or the folder of a single-file output).
 */
export async function lockOutput(out: string, isFile: boolean, o: LockOptions = {}): Promise<OutputLock> {
  const abs = path.resolve(out);
  await Deno.mkdir(isFile ? path.dirname(abs) : abs, { recursive: true });
  const files: string[] = [];
  const held: Deno.FsFile[] = [];
  const main = lockPath(out, isFile);
  held.push(await take(main, o.shard === undefined, out, o));
  files.push(main);
  if (o.shard !== undefined) {
    const s = lockPath(out, isFile, `-s${o.shard.replace("/", "of")}`);
    try {
      held.push(await take(s, true, `${out} (shard ${o.shard})`, o));
    } catch (e) {
      drop(main, held[0]);
      throw e;
    }
    files.push(s);
  }
  return {
    files,
    release() {
      for (let i = held.length - 1; i >= 0; i--) drop(files[i], held[i]);
      held.length = 0;
    },
  };
}
