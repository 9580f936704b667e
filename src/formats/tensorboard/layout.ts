/**
 * TensorBoard logdirs on disk (spec §2): which files are event files, and which folders are runs.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { type Diagnostic, ioDiag } from "../../diagnostics.ts";
import { type RunFolder, SIDE_DIR, type Target } from "../../model/layout.ts";
import { isInside } from "../../io/files.ts";
export { SIDE_DIR } from "../../model/layout.ts";

/**
 * Whether a file name is a TensorBoard event file: the basename contains `tfevents` and it is not a
 * profiler placeholder (`.profile-empty`) or an upload marker. Temporary files of plxkit's writer never
 * match.
 *
 * @example
 * ```ts
 * import { isEventFileName } from "./layout.ts";
 * isEventFileName("events.out.tfevents.1700000000.host.1.0"); // true
 * isEventFileName("events.out.tfevents.1.host.profile-empty"); // false
 * ```
 */
export function isEventFileName(name: string): boolean {
  return name.includes("tfevents") && !name.endsWith(".profile-empty") &&
    !name.endsWith(".sagemaker-uploaded") &&
    !name.startsWith(".");
}

/** A TensorBoard run: a folder directly holding event files. */
export interface TbRunDir {
  /** Run id for Polyaxon: the relative path with `/` turned into `__`, or the logdir's name for `.`. */
  id: string;
  /** The run's path relative to the logdir (`.` for the logdir itself), with `/` separators. */
  rel: string;
  /** The folder path. */
  path: string;
  /** Event file names directly in the folder, sorted (the order TensorBoard reads them in). */
  files: string[];
}

/**
 * The Polyaxon run id of a run folder at `rel` under the logdir `root`.
 *
 * @example
 * ```ts
 * import { runIdOf } from "./layout.ts";
 * runIdOf("logs", "hp/trial1"); // "hp__trial1"
 * runIdOf("logs", "."); // "logs"
 * ```
 */
export function runIdOf(root: string, rel: string): string {
  if (rel === "." || rel === "") {
    const base = path.basename(path.resolve(root));
    return base && base !== "." && base !== ".." ? base : "run";
  }
  return rel.split("/").map((s) => (s === "." || s === ".." ? "_" : s)).join("__");
}

/**
 * Finds every run (folder directly holding event files) under `root`, depth first in name order. A file
 * path gives the run of its folder with that one file.
 *
 * @example
 * ```ts
 * import { findRuns } from "./layout.ts";
 * for await (const r of findRuns("fixtures/tensorboard/logdirs/tbx")) console.log(r);
 * ```
 */
export async function* findRuns(root: string): AsyncGenerator<TbRunDir | Diagnostic> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(root);
  } catch (e) {
    yield ioDiag(root, e, "cannot read");
    return;
  }
  if (st.isFile) {
    const dir = path.dirname(root);
    yield { id: runIdOf(dir, "."), rel: ".", path: dir, files: [path.basename(root)] };
    return;
  }
  const seen = new Set<string>();
  let realRoot: string;
  try {
    realRoot = await Deno.realPath(root);
  } catch (e) {
    yield ioDiag(root, e, "cannot resolve");
    return;
  }
  const stack: string[] = ["."];
  while (stack.length) {
    const rel = stack.pop()!;
    const dir = rel === "." ? root : path.join(root, rel);
    try {
      const real = await Deno.realPath(dir);
      if (seen.has(real)) {
        yield {
          severity: "warning",
          code: "symlink-loop",
          file: dir,
          message: `folder already visited as ${real}; skipped`,
        };
        continue;
      }
      seen.add(real);
    } catch (e) {
      yield ioDiag(dir, e, "cannot resolve");
      continue;
    }
    const files: string[] = [];
    const dirs: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) {
        let isDir = e.isDirectory, isFile = e.isFile;
        if (e.isSymlink) {
          try {
            const s = await Deno.stat(path.join(dir, e.name));
            isDir = s.isDirectory;
            isFile = s.isFile;
            // The one read rule (io/safe.ts): a link leading out of the logdir is not followed.
            const real = await Deno.realPath(path.join(dir, e.name));
            if (!isInside(real, realRoot) && (isDir || isEventFileName(e.name))) {
              yield {
                severity: "error",
                code: "link-outside",
                file: path.join(dir, e.name),
                message: `a link leading outside the logdir ${root} (to ${real}); not read`,
              };
              continue;
            }
          } catch {
            continue;
          }
        }
        if (isFile && isEventFileName(e.name)) files.push(e.name);
        else if (isDir && e.name !== ".git" && e.name !== "node_modules" && !e.name.startsWith(".")) {
          dirs.push(e.name);
        }
      }
    } catch (e) {
      yield ioDiag(dir, e, "cannot list");
      continue;
    }
    files.sort();
    if (files.length) yield { id: runIdOf(root, rel), rel, path: dir, files };
    // A run plxkit wrote keeps the run's other files in its side folder: not runs of their own, even
    // when they hold event files (e.g. a Polyaxon run's outputs/tensorboard/).
    if (files.some((f) => f.endsWith(".plxkit"))) {
      dirs.splice(0, dirs.length, ...dirs.filter((d) => d !== SIDE_DIR));
    }
    dirs.sort();
    for (let i = dirs.length - 1; i >= 0; i--) stack.push(rel === "." ? dirs[i] : `${rel}/${dirs[i]}`);
  }
}

/**
 * Whether `input` is an event file or a folder with an event file within `depth` levels.
 *
 * @example
 * ```ts
 * import { hasEventFiles } from "./layout.ts";
 * await hasEventFiles("fixtures/tensorboard/logdirs/tbx"); // true
 * ```
 */
export async function hasEventFiles(input: string, depth = 4): Promise<boolean> {
  try {
    const st = await Deno.stat(input);
    if (st.isFile) return isEventFileName(path.basename(input));
    if (depth < 0) return false;
    const dirs: string[] = [];
    for await (const e of Deno.readDir(input)) {
      let { isFile, isDirectory } = e;
      if (e.isSymlink) {
        try {
          ({ isFile, isDirectory } = await Deno.stat(path.join(input, e.name)));
        } catch {
          continue;
        }
      }
      if (isFile && isEventFileName(e.name)) return true;
      if (isDirectory && !e.name.startsWith(".") && e.name !== "node_modules") dirs.push(e.name);
    }
    for (const d of dirs) if (await hasEventFiles(path.join(input, d), depth - 1)) return true;
  } catch { /* unreadable: not this format */ }
  return false;
}

/**
 * A discovery detector for `discover(..., { detectors })` (see `DiscoverOptions.detectors`): a folder
 * directly holding event files is a TensorBoard run; `discover` keeps walking below it, so nested runs
 * (`hp/` and `hp/trial1/`) are each found. `files` are the names of the regular files in `dir` (only files
 * are event files: a folder named `tfevents-js/` is not one).
 *
 * @example
 * ```ts
 * import { detectTensorboardDir } from "./layout.ts";
 * detectTensorboardDir("logs/run1", ["events.out.tfevents.1.host"]); // { type: "tensorboard", run: {...} }
 * ```
 */
export function detectTensorboardDir(dir: string, files: string[]): Target | null {
  if (!files.some(isEventFileName)) return null;
  const run: RunFolder = { id: path.basename(path.resolve(dir)), path: dir };
  return { type: "tensorboard", run };
}
