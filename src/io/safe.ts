/**
 * The one safe path join for outputs and the one safe open for sources.
 *
 * - Outputs: {@linkcode outputJoin} joins a relative path onto an output root and refuses any path whose
 *   existing part below the root holds a symbolic link (a link in the output tree is never followed).
 * - Sources: {@linkcode checkSource} is the one rule every read of an input goes through: a link whose
 *   target leaves its root (the run, logdir, dataset or sidecar folder) is refused, and a FIFO, socket,
 *   device or folder is refused from `stat` alone, without opening it (opening a FIFO blocks).
 * - {@linkcode realish} and {@linkcode overlaps} compare real paths (through links), also of paths that do
 *   not exist yet, for the `--out` versus input checks.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { isInside, safeJoin } from "./files.ts";

/** A source file refused by the one read rule (link out of its root, FIFO, device, folder). */
export class RefusedSourceError extends Error {
  /** The refused path, as given. */
  readonly file: string;
  /** A refusal of `file`; the message says why. */
  constructor(file: string, why: string) {
    super(`${file}: ${why}`);
    this.name = "RefusedSourceError";
    this.file = file;
  }
}

/** What kind of non-regular file `st` is, in words. */
function kindOf(st: Deno.FileInfo): string {
  if (st.isDirectory) return "a folder";
  if (st.isFifo) return "a FIFO (named pipe)";
  if (st.isSocket) return "a socket";
  if (st.isCharDevice || st.isBlockDevice) return "a device";
  return "not a regular file";
}

const realCache = new Map<string, string>();

/** `Deno.realPathSync` of a root folder, cached (roots are asked for once per file). */
function realRoot(root: string): string {
  let r = realCache.get(root);
  if (r === undefined) {
    r = Deno.realPathSync(root);
    if (realCache.size > 1000) realCache.clear();
    realCache.set(root, r);
  }
  return r;
}

/**
 * The one read rule: `file` must be a regular file and, when `root` is given, its real path must be inside
 * the real path of `root`. Checked with `lstat`/`stat` only, so a FIFO is never opened. Returns the file's
 * `stat` (size for bounds).
 *
 * @throws {RefusedSourceError} When the file is a link leading out of `root` or is not a regular file.
 * @throws {Deno.errors.NotFound} When it does not exist (or is a broken link).
 *
 * @example
 * ```ts
 * import { checkSource } from "./safe.ts";
 * checkSource("deno.json", ".").size; // > 0
 * ```
 */
export function checkSource(file: string, root?: string): Deno.FileInfo {
  const l = Deno.lstatSync(file);
  let st = l;
  if (l.isSymlink) {
    st = Deno.statSync(file);
    if (root !== undefined) {
      const real = Deno.realPathSync(file);
      const r = realRoot(root);
      if (!isInside(real, r)) {
        throw new RefusedSourceError(file, `is a link leading outside ${root} (to ${real}); not read`);
      }
    }
  } else if (root !== undefined) {
    // A plain entry may still sit below a linked folder: compare the real path of its folder.
    const dirReal = Deno.realPathSync(path.dirname(file));
    if (!isInside(path.join(dirReal, path.basename(file)), realRoot(root))) {
      throw new RefusedSourceError(file, `leads outside ${root} (through a linked folder); not read`);
    }
  }
  if (!st.isFile) throw new RefusedSourceError(file, `is ${kindOf(st)}, not a regular file; not read`);
  return st;
}

/**
 * Reads a whole source file under the one read rule ({@linkcode checkSource}), refusing files larger than
 * `maxBytes` before reading them.
 *
 * @throws {RefusedSourceError} Refused by the rule or larger than `maxBytes`.
 */
export async function readSource(file: string, root?: string, maxBytes = 2 ** 31 - 1): Promise<Uint8Array> {
  const st = checkSource(file, root);
  if (st.size > maxBytes) {
    throw new RefusedSourceError(file, `is ${st.size} bytes, more than the ${maxBytes} bytes allowed here`);
  }
  return await Deno.readFile(file);
}

/** {@linkcode readSource} as text (UTF-8), synchronously. */
export function readSourceTextSync(file: string, root?: string, maxBytes = 1 << 28): string {
  const st = checkSource(file, root);
  if (st.size > maxBytes) {
    throw new RefusedSourceError(file, `is ${st.size} bytes, more than the ${maxBytes} bytes allowed here`);
  }
  return Deno.readTextFileSync(file);
}

/**
 * The bytes of asset `rel` of a run whose files live under `root`, under the one read rule: `null` when
 * `rel` is not a path inside `root` or the file does not exist (the sink records the asset as missing).
 *
 * @throws {RefusedSourceError} When the file is a link leading out of `root`, a FIFO, device or folder.
 */
export async function readAssetUnder(root: string, rel: string): Promise<Uint8Array | null> {
  let p: string;
  try {
    p = safeJoin(root, rel);
  } catch {
    return null;
  }
  try {
    return await readSource(p, root);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/**
 * Joins `rel` onto the output root `root` ({@linkcode safeJoin}: no `..`, absolute path or NUL) and refuses
 * the result when any existing component below `root` (the target included) is a symbolic link: writing
 * through it would land outside the output.
 *
 * @throws {RangeError} When `rel` leaves `root` or a component is a link.
 *
 * @example
 * ```ts
 * import { outputJoin } from "./safe.ts";
 * outputJoin("/tmp", "plxkit-out/a/b.txt"); // "/tmp/plxkit-out/a/b.txt"
 * ```
 */
export function outputJoin(root: string, rel: string): string {
  const joined = safeJoin(root, rel);
  noLinkBelow(root, joined);
  return joined;
}

/**
 * Refuses `target` when an existing component of it below `root` (the target included) is a symbolic
 * link. `target` must be `root` or inside it (as joined paths, not resolved).
 *
 * @throws {RangeError} When a component is a link.
 */
export function noLinkBelow(root: string, target: string): void {
  const rest = path.relative(root, target);
  if (rest === "") return;
  let p = root;
  for (const seg of rest.split(path.sep)) {
    p = path.join(p, seg);
    let st: Deno.FileInfo;
    try {
      st = Deno.lstatSync(p);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      throw e;
    }
    if (st.isSymlink) {
      throw new RangeError(`${p} is a symbolic link inside the output; plxkit never writes through links`);
    }
  }
}

/**
 * The real path of `p` even when it does not exist yet: the real path of its deepest existing ancestor
 * with the rest appended.
 *
 * @example
 * ```ts
 * import { realish } from "./safe.ts";
 * realish("/tmp/does/not/exist"); // "/tmp/does/not/exist" (with /tmp resolved)
 * ```
 */
export function realish(p: string): string {
  let cur = path.resolve(p);
  const tail: string[] = [];
  while (true) {
    try {
      return path.join(Deno.realPathSync(cur), ...tail.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return path.join(cur, ...tail.reverse());
      tail.push(path.basename(cur));
      cur = parent;
    }
  }
}

/** Whether the real paths of `a` and `b` are the same or one is inside the other. */
export function overlaps(a: string, b: string): boolean {
  const ra = realish(a);
  const rb = realish(b);
  return isInside(ra, rb) || isInside(rb, ra);
}
