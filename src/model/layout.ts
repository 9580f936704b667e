/**
 * Names for what lies on disk: run folders, the files in them and their roles, and the targets
 * `plxkit validate` can be pointed at. Types only; the formats find and list them.
 *
 * @module
 */

/** A run folder: one holding `events/`, `resources/`, `plxlogs/` or `run.plx.json`. */
export interface RunFolder {
  /** The run id: the folder's name. */
  id: string;
  /** The folder path as found (joined onto what the user gave). */
  path: string;
}

/** What a file in a run is for. */
export type EntryRole =
  | "event"
  | "resource"
  | "log"
  | "run-meta"
  | "lineage"
  | "unknown";

/** One file of a run, with its role (and kind/name for event files). */
export interface RunEntry {
  /** Run-relative path with `/` separators. */
  rel: string;
  /** Path on disk. */
  abs: string;
  /** What the file is for. */
  role: EntryRole;
  /** Kind folder name (`events/<kind>/`, `resources/<kind>/`), for event and resource files. */
  kind?: string;
  /** Event name (file name without `.plx`), for event and resource files. */
  name?: string;
}

/**
 * Something `plxkit validate` can be pointed at: a Polyaxon run folder, a file, or what other formats'
 * detectors find in a tree: a TensorBoard run, a plxkit Parquet dataset (not walked below), a plxkit JSONL
 * file (its `<stem>.assets/` folder not walked).
 */
export type Target =
  | { type: "run"; run: RunFolder }
  | { type: "file"; path: string; run: RunFolder | null; entry: RunEntry }
  | { type: "tensorboard"; run: RunFolder }
  | { type: "dataset"; path: string }
  | { type: "jsonl"; path: string };

/**
 * The side folder of a TensorBoard run plxkit wrote (`<run>/plx/`): the Polyaxon run's files that are not
 * events (`outputs/`, `plxlogs/`, ...) and its run records. Not a run of its own.
 */
export const SIDE_DIR = "plx";

/**
 * True when `name`, in a folder whose entries are `names`, is the side folder of a TensorBoard run plxkit
 * wrote (the folder holds an event file plxkit wrote, `events.out.tfevents.*.plxkit`).
 */
export function isSideFolder(name: string, names: readonly string[]): boolean {
  return name === SIDE_DIR && names.some((n) => n.includes("tfevents") && n.endsWith(".plxkit"));
}
