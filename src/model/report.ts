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
  /** What the file is (`event`, `resource`, `log`, `run-meta`, `lineage`, `tensorboard`, `unknown`). */
  role: string;
  /** Kind folder, for event files. */
  kind?: string;
  /** Format generation label, for event files. */
  generation?: Generation | null;
  /** Encoding seen, for event files. */
  encoding?: string;
  /** Events (or records) read. */
  events: number;
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
  /** `plx` for Polyaxon run folders, `tensorboard` for TensorBoard logdirs. */
  format: string;
  /** One report per file read, in the order read. */
  files: FileReport[];
  /** Findings not tied to one file. */
  diagnostics: Diagnostic[];
}
