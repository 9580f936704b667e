/**
 * The Polyaxon run-folder layout on disk: finding run folders in a tree and listing what each holds.
 *
 * Needs `--allow-read`.
 *
 * @module
 */
import * as path from "node:path";
import { isInside } from "../../io/files.ts";
import { type Diagnostic, ioDiag } from "../../diagnostics.ts";
import { isSideFolder, type RunEntry, type RunFolder, type Target } from "../../model/layout.ts";

/** What marks a run folder: these folders, or this file (a name alone is not enough: the type must match). */
const RUN_MARKERS: [name: string, folder: boolean][] = [
  ["events", true],
  ["resources", true],
  ["plxlogs", true],
  ["run.plx.json", false],
];

/**
 * Whether `dir` is a run folder: it holds an `events/`, `resources/` or `plxlogs/` folder or a
 * `run.plx.json` file (a file named `events` or a folder named `run.plx.json` does not count).
 */
export function isRunFolder(dir: string): Promise<boolean> {
  // (synchronous calls: cheaper than round trips through the I/O thread pool, over thousands of runs)
  for (const [m, folder] of RUN_MARKERS) {
    try {
      const st = Deno.statSync(path.join(dir, m));
      if (folder ? st.isDirectory : st.isFile) return Promise.resolve(true);
    } catch { /* not there */ }
  }
  return Promise.resolve(false);
}

/** Options of {@linkcode discover}. */
export interface DiscoverOptions {
  /** Called for each folder entered, for progress display. */
  onFolder?: (dir: string) => void;
  /**
   * Extra detectors tried on folders that are not Polyaxon runs (e.g. TensorBoard logdirs), given the names
   * of the regular files directly in the folder (links followed; folders, FIFOs and broken links left out,
   * so a folder named like a data file is never taken for one). A detector returns a target for the
   * folder, or `null`; walking goes on below it either way.
   */
  detectors?: ((
    dir: string,
    files: string[],
  ) => Promise<Target | Target[] | null> | Target | Target[] | null)[];
}

/**
 * Finds every run folder under `paths` (a run folder, a tree of runs such as an offline root with
 * `runs/<uuid>/`, or single files). Problems (missing paths, unreadable folders, symlink loops) come out as
 * diagnostics; walking goes on.
 *
 * @example
 * ```ts
 * import { discover } from "./layout.ts";
 * for await (const t of discover(["fixtures/runs"])) console.log(t);
 * ```
 */
export async function* discover(
  paths: string[],
  options: DiscoverOptions = {},
): AsyncGenerator<Target | Diagnostic> {
  const seen = new Set<string>();
  for (const p of paths) {
    let st: Deno.FileInfo;
    try {
      st = await Deno.stat(p);
    } catch (e) {
      yield ioDiag(p, e, "cannot read");
      continue;
    }
    if (st.isFile) {
      yield fileTarget(p);
    } else if (st.isDirectory) {
      yield* walk(p, seen, options);
    } else {
      yield {
        severity: "error",
        code: "not-a-file",
        file: p,
        message: "not a regular file or folder; skipped",
      };
    }
  }
}

async function* walk(
  dir: string,
  seen: Set<string>,
  options: DiscoverOptions,
): AsyncGenerator<Target | Diagnostic> {
  let real: string;
  try {
    real = Deno.realPathSync(dir);
  } catch (e) {
    yield ioDiag(dir, e, "cannot resolve");
    return;
  }
  if (seen.has(real)) {
    yield {
      severity: "warning",
      code: "symlink-loop",
      file: dir,
      message: `folder already visited as ${real} (a symlink loop or a second link); skipped`,
    };
    return;
  }
  seen.add(real);
  options.onFolder?.(dir);
  if (await isRunFolder(dir)) {
    yield { type: "run", run: { id: path.basename(path.resolve(dir)), path: dir } };
    return;
  }
  const files: string[] = [];
  const dirs: string[] = [];
  try {
    for (const e of Deno.readDirSync(dir)) {
      if (e.isFile) files.push(e.name);
      else if (e.isDirectory) dirs.push(e.name);
      else if (e.isSymlink) {
        try {
          const st = Deno.statSync(path.join(dir, e.name));
          if (st.isFile) files.push(e.name);
          else if (st.isDirectory) dirs.push(e.name);
        } catch {
          dirs.push(e.name); // a broken link: reported when followed below
        }
      }
    }
  } catch (e) {
    yield ioDiag(dir, e, "cannot list");
    return;
  }
  files.sort();
  // Other formats' runs (e.g. TensorBoard logdirs) may nest: yield and keep descending, except below a
  // Parquet dataset (its folders are its own) and into a JSONL file's assets folder.
  const skip = new Set<string>();
  for (const d of options.detectors ?? []) {
    const found = await d(dir, files);
    const list = found === null ? [] : Array.isArray(found) ? found : [found];
    for (const t of list) {
      yield t;
      if (t.type === "dataset") return;
      if (t.type === "jsonl") skip.add(path.basename(t.path).replace(/\.jsonl(\.gz)?$/i, ".assets"));
    }
  }
  dirs.sort();
  for (const name of dirs) {
    if (name === ".git" || name === "node_modules" || skip.has(name) || isSideFolder(name, files)) continue;
    const child = path.join(dir, name);
    try {
      if (!Deno.statSync(child).isDirectory) continue;
    } catch (e) {
      yield ioDiag(child, e, "cannot follow");
      continue;
    }
    yield* walk(child, seen, options);
  }
}

/** Builds the target for a single file given on the command line, placing it in its run when it has one. */
export function fileTarget(p: string): Target {
  const abs = path.resolve(p);
  const parent = path.dirname(abs);
  const grand = path.dirname(parent);
  const scope = path.basename(grand);
  if ((scope === "events" || scope === "resources") && abs.endsWith(".plx")) {
    const runPath = path.dirname(grand);
    const run = { id: path.basename(runPath), path: runPath };
    const rel = path.relative(runPath, abs).split(path.sep).join("/");
    return { type: "file", path: p, run, entry: classify(rel, abs) };
  }
  const base = path.basename(abs);
  if (base === "run.plx.json" || base === "lineages.plx.json" || path.basename(parent) === "plxlogs") {
    const runPath = base.endsWith(".plx.json") ? parent : grand;
    const run = { id: path.basename(runPath), path: runPath };
    const rel = path.relative(runPath, abs).split(path.sep).join("/");
    return { type: "file", path: p, run, entry: classify(rel, abs) };
  }
  // A lone .plx file: the parent folder is its kind.
  const entry: RunEntry = abs.endsWith(".plx")
    ? { rel: p, abs, role: "event", kind: path.basename(parent), name: base.slice(0, -4) }
    : { rel: p, abs, role: "unknown" };
  return { type: "file", path: p, run: null, entry };
}

/** The role of a run-relative path. */
export function classify(rel: string, abs: string): RunEntry {
  const parts = rel.split("/");
  if (
    parts.length === 3 && (parts[0] === "events" || parts[0] === "resources") && parts[2].endsWith(".plx")
  ) {
    return {
      rel,
      abs,
      role: parts[0] === "events" ? "event" : "resource",
      kind: parts[1],
      name: parts[2].slice(0, -4),
    };
  }
  if (parts.length === 1 && rel === "run.plx.json") return { rel, abs, role: "run-meta" };
  if (parts.length === 1 && rel === "lineages.plx.json") return { rel, abs, role: "lineage" };
  if (parts.length === 2 && (parts[0] === "plxlogs" || parts[0] === ".tmpplxlogs")) {
    return { rel, abs, role: "log" };
  }
  return { rel, abs, role: "unknown" };
}

/** Folders of a run that hold user files or asset bytes: listed on demand, not walked. */
const NOT_WALKED = new Set(["assets", "outputs"]);

/**
 * Lists the files of a run (events, resources, logs, offline metadata, and unknown files at the places the
 * layout defines), sorted. `assets/` and `outputs/` are not walked: assets are checked when referenced.
 */
export async function* listRun(run: RunFolder): AsyncGenerator<RunEntry | Diagnostic> {
  // Synchronous file-system calls: a run is a handful of small folders, and on a busy machine each
  // round trip through the I/O thread pool cost more than the call (reading thousands of small runs).
  const stack: string[] = [""];
  const seen = new Set<string>();
  let root: string;
  try {
    root = Deno.realPathSync(run.path);
  } catch (e) {
    yield ioDiag(".", e, "cannot resolve");
    return;
  }
  while (stack.length) {
    const rel = stack.pop()!;
    const dir = rel ? path.join(run.path, rel) : run.path;
    try {
      const real = Deno.realPathSync(dir);
      if (seen.has(real)) {
        yield {
          severity: "warning",
          code: "symlink-loop",
          file: rel,
          message: `folder already visited as ${real} (a symlink loop?); skipped`,
        };
        continue;
      }
      seen.add(real);
    } catch (e) {
      yield ioDiag(rel || ".", e, "cannot resolve");
      continue;
    }
    const entries: Deno.DirEntry[] = [];
    try {
      for (const e of Deno.readDirSync(dir)) entries.push(e);
    } catch (e) {
      yield ioDiag(rel || ".", e, "cannot list");
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(run.path, childRel);
      let isDir = e.isDirectory;
      let isFile = e.isFile;
      if (e.isSymlink) {
        try {
          const st = Deno.statSync(abs);
          isDir = st.isDirectory;
          isFile = st.isFile;
          const real = Deno.realPathSync(abs);
          if (!isInside(real, root)) {
            yield {
              severity: "warning",
              code: "link-outside",
              file: childRel,
              message: `a link leading outside the run (to ${real}); not read`,
            };
            continue;
          }
        } catch (err) {
          yield ioDiag(childRel, err, "broken link");
          continue;
        }
      }
      if (!isDir && !isFile) {
        yield {
          severity: "warning",
          code: "not-a-file",
          file: childRel,
          message: "not a regular file (a FIFO, socket or device); skipped",
        };
        continue;
      }
      if (isDir) {
        if (rel === "" && NOT_WALKED.has(e.name)) continue;
        subdirs.push(childRel);
      } else {
        yield classify(childRel, abs);
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
}
