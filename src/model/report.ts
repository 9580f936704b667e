/**
 * Shapes of a validation report (per run, per file, with diagnostics) and the format generations a plx
 * file can belong to. Shared by the validator and the formats that validate their own files.
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics.ts";

/** Format generations (spec §12). */
export const GENERATIONS = ["v1-csv", "v1.1-csv", "v2-jsonl", "mixed"] as const;
/** A format generation label. */
export type Generation = typeof GENERATIONS[number];

/** What validation found in one file. */
export interface FileReport {
  /** Run-relative path (or the path as given for lone files). */
  file: string;
  /**
   * What the file is: `event`, `resource`, `log`, `run-meta`, `lineage` (parts of a Polyaxon run),
   * `tensorboard`, `jsonl`, `parquet` (inputs of other formats) or `unknown`.
   */
  role: string;
  /** Kind folder, for event files. */
  kind?: string;
  /** Format generation label, for event files. */
  generation?: Generation | null;
  /** Encoding seen, for event files. */
  encoding?: string;
  /**
   * Events read: rows of event and resource files (`events/`, `resources/`), of JSONL and Parquet, and
   * TensorBoard values. Never run records, lineage records or log lines: those are `records`.
   */
  events: number;
  /**
   * Records read: the run record (`run.plx.json`, 1), lineage records (one per entry of
   * `lineages.plx.json`), log records (one per `plxlogs/` line).
   */
  records: number;
  /** Bytes read. */
  bytes: number;
  /** Findings in the file (plx files: at most `maxPerCode` per code, then one line counting the rest). */
  diagnostics: Diagnostic[];
}

/** What validation found in one run. */
export interface RunReport {
  /** Run id. */
  id: string;
  /** Folder path as found. */
  path: string;
  /**
   * `plx` for Polyaxon run folders, `tensorboard` for TensorBoard runs, `jsonl` / `parquet` for those
   * inputs, `unknown` for a file of no known format.
   */
  format: string;
  /**
   * How many runs this report covers: 1 for a run folder or TensorBoard run (the default), the runs found
   * in a JSONL file or Parquet dataset, 0 for files outside any run.
   */
  runs?: number;
  /** One report per file read, in the order read. */
  files: FileReport[];
  /** Findings not tied to one file. */
  diagnostics: Diagnostic[];
}
