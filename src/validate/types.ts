/**
 * Shapes of a validation report: per run, per file, with diagnostics.
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { Generation } from "../formats/plx/read.ts";

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
  files: FileReport[];
  /** Findings not tied to one file. */
  diagnostics: Diagnostic[];
}
