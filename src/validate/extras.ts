/**
 * Validators contributed by formats other than the Polyaxon layout, tried on folders that are not
 * Polyaxon runs: TensorBoard runs (every folder directly holding `events.out.tfevents.*` files), plxkit
 * Parquet datasets (a folder with `_plxkit/dataset.json`) and plxkit JSONL files (`.jsonl` files whose
 * first line is a plxkit event, `.jsonl.gz` files with a `<stem>.assets/` folder beside them).
 *
 * @module
 */
import * as path from "node:path";
import type { ValidateOptions } from "./validate.ts";
import type { Target } from "../model/layout.ts";
import { detectTensorboardDir, isEventFileName } from "../formats/tensorboard/layout.ts";
import { validateTensorboardRun } from "../formats/tensorboard/source.ts";
import { validateDataset, validateJsonlFile } from "./lone.ts";

/** A folder holding `_plxkit/dataset.json` (a file) is a plxkit Parquet dataset. */
export function detectDataset(dir: string): Target | null {
  try {
    if (Deno.statSync(path.join(dir, "_plxkit", "dataset.json")).isFile) {
      return { type: "dataset", path: dir };
    }
  } catch { /* not a dataset */ }
  return null;
}

/** The start of a line plxkit's JSONL writer writes: keys in this order, compact. */
const PLXKIT_LINE = /^\{"run":"(?:[^"\\]|\\.)*","scope":"(?:events|resources)","kind":"/;

/** Whether a file starts with a line plxkit's JSONL writer wrote (other tools' JSONL does not). */
function startsLikeJsonlEvent(file: string): boolean {
  try {
    using f = Deno.openSync(file, { read: true });
    const buf = new Uint8Array(4096);
    const n = f.readSync(buf) ?? 0;
    return PLXKIT_LINE.test(new TextDecoder().decode(buf.subarray(0, n)));
  } catch {
    return false;
  }
}

/**
 * The plxkit JSONL files among the regular files `files` of `dir`: `.jsonl` files starting with a line as
 * plxkit writes it (`{"run":"…","scope":"events","kind":"…`), and `.jsonl` / `.jsonl.gz` files with their `<stem>.assets/` folder beside them (only plxkit writes
 * that). Other `.jsonl` files in a tree (logs, datasets of other tools) are left alone.
 */
export function detectJsonlFiles(dir: string, files: string[]): Target[] {
  const out: Target[] = [];
  for (const name of files) {
    const m = /^(.*)\.jsonl(\.gz)?$/i.exec(name);
    if (!m || name.startsWith(".")) continue;
    const file = path.join(dir, name);
    let assets = false;
    try {
      assets = Deno.statSync(path.join(dir, `${m[1]}.assets`)).isDirectory;
    } catch { /* none */ }
    if (assets || (!m[2] && startsLikeJsonlEvent(file))) out.push({ type: "jsonl", path: file });
  }
  return out;
}

/**
 * The event files directly in the TensorBoard run folder `dir` (regular files, links followed), sorted: the
 * folder alone is listed, not the tree below it (nested runs are found and validated on their own).
 */
function eventFilesIn(dir: string): string[] | undefined {
  const out: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)];
  } catch {
    return undefined; // validateTensorboardRun lists it again and reports why it cannot
  }
  for (const e of entries) {
    if (!isEventFileName(e.name)) continue;
    let isFile = e.isFile;
    if (e.isSymlink) {
      try {
        isFile = Deno.statSync(path.join(dir, e.name)).isFile;
      } catch { /* broken link */ }
    }
    if (isFile) out.push(e.name);
  }
  return out.sort();
}

/** Every extra validator, wired into `plxkit validate`. */
export const VALIDATE_EXTRAS: NonNullable<ValidateOptions["extra"]> = [
  {
    detectors: [detectTensorboardDir, detectDataset, detectJsonlFiles],
    validate: (t, o) => {
      switch (t.type) {
        case "tensorboard":
          return validateTensorboardRun(t.run.path, t.run.id, {}, eventFilesIn(t.run.path));
        case "dataset":
          return validateDataset(t.path, o.maxPerCode);
        case "jsonl":
          return validateJsonlFile(t.path, o.maxPerCode);
        default:
          return Promise.resolve(null);
      }
    },
  },
];
