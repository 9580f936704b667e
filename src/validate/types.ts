/**
 * Shapes of a validation report: per run, per file, with diagnostics (defined in the core, beside the
 * format generations, so formats that validate their own files can build them).
 *
 * @module
 */
export type { FileReport, RunReport } from "../model/report.ts";
