/**
 * Validation of run folders and lone files of every format, the report formats the CLI prints (text,
 * versioned JSON with its JSON Schema, JUnit XML, GitHub Actions annotations), and the inspector.
 *
 * @example Validate the sample runs and print their findings
 * ```ts
 * import { isValid, summaryText, validatePaths } from "./validate.ts";
 * import { addToSummary, emptySummary } from "./validate.ts";
 *
 * const summary = emptySummary();
 * for await (const report of validatePaths(["fixtures/runs/"])) addToSummary(summary, report);
 * if (!isValid(summary, false)) throw new Error(summaryText(summary, false));
 * ```
 *
 * @module
 */
export {
  addToSummary,
  emptySummary,
  type ValidateOptions,
  validatePaths,
  validateRun,
  type ValidationSummary,
} from "./src/validate/validate.ts";
export { type FileFormat, sniffFile, validateSourceInput } from "./src/validate/lone.ts";
export {
  githubAnnotations,
  isValid,
  jsonReport,
  junitReport,
  REPORT_VERSION,
  runText,
  summaryText,
  type TextOptions,
} from "./src/validate/report.ts";
export type { FileReport, RunReport } from "./src/model/report.ts";
export { type Diagnostic, DIAGNOSTIC_CODES, type DiagnosticCode, type Severity } from "./src/diagnostics.ts";
export {
  inspectionText,
  inspectRun,
  type MetricStats,
  type RunInspection,
  type SeriesInfo,
} from "./src/inspect/inspect.ts";
