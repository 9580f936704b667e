/**
 * Validation report renderers: human text, one JSON document (versioned, with a published JSON Schema),
 * JUnit XML and GitHub Actions annotations.
 *
 * @module
 */
import { z } from "../_deps/zod.ts";
import type { Diagnostic, Severity } from "../diagnostics.ts";
import { REPORT_VERSION } from "../version.ts";
import type { ValidationSummary } from "./validate.ts";
import type { RunReport } from "../model/report.ts";

/** Whether a validation passed: no errors, and no warnings when `strict`. */
export function isValid(s: ValidationSummary, strict: boolean): boolean {
  return s.errors === 0 && (!strict || s.warnings === 0);
}

const COLORS: Record<Severity, string> = { error: "\x1b[31m", warning: "\x1b[33m", info: "\x1b[36m" };

function plural(n: number, word: string): string {
  return `${n.toLocaleString("en-US")} ${word}${n === 1 ? "" : "s"}`;
}

/** Options of {@linkcode runText}. */
export interface TextOptions {
  /** Colour the severities with ANSI escapes. @default false */
  color?: boolean;
  /** Show info-level findings. @default true */
  infos?: boolean;
  /** Also print runs without findings. @default true */
  showClean?: boolean;
  /** Show only failing findings: errors, and warnings when `strict` (`--quiet`). @default false */
  failingOnly?: boolean;
  /** Warnings fail (with `failingOnly`). @default false */
  strict?: boolean;
}

/** Text lines for one run: a heading, then `file:line: severity: message` lines. */
export function runText(r: RunReport, opts: TextOptions = {}): string {
  const lines: string[] = [];
  const show = (d: Diagnostic) =>
    opts.failingOnly
      ? d.severity === "error" || (opts.strict === true && d.severity === "warning")
      : opts.infos !== false || d.severity !== "info";
  const fmt = (d: Diagnostic) => {
    const where = d.line !== undefined ? `:${d.line}` : d.offset !== undefined ? `@${d.offset}` : "";
    const sev = opts.color ? `${COLORS[d.severity]}${d.severity}\x1b[0m` : d.severity;
    return `  ${d.file}${where}: ${sev}: ${d.message}`;
  };
  for (const d of r.diagnostics) if (show(d)) lines.push(fmt(d));
  let events = 0;
  let records = 0;
  for (const f of r.files) {
    events += f.events;
    records += f.records;
    for (const d of f.diagnostics) if (show(d)) lines.push(fmt(d));
  }
  if (!lines.length && opts.showClean === false) return "";
  const title = r.id
    ? `run ${r.id} (${r.path})`
    : r.path && r.format !== "plx"
    ? `${r.format === "unknown" ? "file" : r.format} ${r.path}`
    : "files outside any run";
  const fmtName = r.format === "plx" || !r.id ? "" : `, ${r.format}`;
  const runs = r.runs !== undefined && r.runs !== 1 && r.path ? `${plural(r.runs, "run")}, ` : "";
  return `${title}: ${runs}${plural(r.files.length, "file")}, ${plural(events, "event")}, ${
    plural(records, "record")
  }${fmtName}\n` +
    (lines.length ? lines.join("\n") + "\n" : "");
}

/** The final count line. */
export function summaryText(s: ValidationSummary, strict: boolean): string {
  const verdict = isValid(s, strict) ? "valid" : "INVALID";
  return `${verdict}: ${plural(s.runs, "run")}, ${plural(s.files, "file")}, ${plural(s.events, "event")}, ` +
    `${plural(s.records, "record")}; ` +
    `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.infos, "note")}` +
    (strict ? " (strict: warnings fail)" : "") + "\n";
}

/** Version of the JSON report's shape ({@linkcode ReportSchema}); raised when a field changes meaning. */
export { REPORT_VERSION } from "../version.ts";

const DiagnosticSchema = z.object({
  severity: z.enum(["error", "warning", "info"]),
  code: z.string().describe("stable machine-readable code, e.g. field-count, bad-timestamp"),
  message: z.string(),
  file: z.string().describe("relative to the run folder when inside one, else as given"),
  line: z.number().int().optional().describe("1-based line"),
  offset: z.number().int().optional().describe("0-based byte offset"),
  count: z.number().int().optional().describe("findings this one stands for (a capped code's 'N more' line)"),
}).loose();

/** JSON Schema source of `plxkit validate --format json` (`plxkit schema report`). */
export const ReportSchema = z.object({
  report: z.literal("plxkit-validate"),
  reportVersion: z.literal(REPORT_VERSION).describe("version of this document's shape"),
  tool: z.literal("plxkit"),
  version: z.string().describe("plxkit version that wrote the report"),
  valid: z.boolean(),
  strict: z.boolean().describe("warnings fail too"),
  summary: z.object({
    runs: z.number().int(),
    files: z.number().int(),
    events: z.number().int(),
    bytes: z.number().int(),
    errors: z.number().int(),
    warnings: z.number().int(),
    infos: z.number().int(),
  }),
  runs: z.array(
    z.object({
      id: z.string().describe("run id; empty for files outside any run"),
      path: z.string().describe("run folder as found"),
      format: z.string().describe("plx or tensorboard"),
      files: z.array(
        z.object({
          file: z.string(),
          role: z.string(),
          kind: z.string().optional(),
          generation: z.string().nullable().optional(),
          encoding: z.string().optional(),
          events: z.number().int(),
          bytes: z.number().int(),
          diagnostics: z.array(DiagnosticSchema),
        }).loose(),
      ),
      diagnostics: z.array(DiagnosticSchema),
    }).loose(),
  ),
});

/** The JSON report document (shape: {@linkcode ReportSchema}, version {@linkcode REPORT_VERSION}). */
export function jsonReport(
  runs: RunReport[],
  s: ValidationSummary,
  strict: boolean,
  version: string,
): string {
  return JSON.stringify(
    {
      report: "plxkit-validate",
      reportVersion: REPORT_VERSION,
      tool: "plxkit",
      version,
      valid: isValid(s, strict),
      strict,
      summary: s,
      runs,
    },
    null,
    2,
  ) + "\n";
}

/** The path of a finding's file as a user (or CI) sees it: the run's folder joined with the file. */
export function findingPath(r: RunReport, file: string): string {
  if (!r.path || file === "" || file.startsWith("/") || file.startsWith(r.path)) return file || r.path;
  return `${r.path.replace(/[\\/]+$/, "")}/${file}`;
}

function ghData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function ghProp(s: string): string {
  return ghData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * GitHub Actions workflow commands, one a finding: `::error file=<path>,line=<n>,title=<code>::<message>`
 * (warnings as `::warning`, notes as `::notice` unless `infos` is false), so findings show on the diff.
 */
export function githubAnnotations(r: RunReport, opts: TextOptions = {}): string {
  const lines: string[] = [];
  const one = (d: Diagnostic) => {
    if (d.severity === "info" && opts.infos === false) return;
    if (opts.failingOnly && !(d.severity === "error" || (opts.strict && d.severity === "warning"))) return;
    const cmd = d.severity === "error" ? "error" : d.severity === "warning" ? "warning" : "notice";
    const props = [`file=${ghProp(findingPath(r, d.file))}`];
    if (d.line !== undefined) props.push(`line=${d.line}`);
    props.push(`title=${ghProp(`plxkit ${d.code}`)}`);
    const count = d.count !== undefined && d.count > 1 ? ` (${d.count} findings)` : "";
    lines.push(`::${cmd} ${props.join(",")}::${ghData(d.message + count)}`);
  };
  r.diagnostics.forEach(one);
  for (const f of r.files) f.diagnostics.forEach(one);
  return lines.length ? lines.join("\n") + "\n" : "";
}
/** Characters XML 1.0 cannot hold. */
// deno-lint-ignore no-control-regex
const XML_INVALID = new RegExp("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]", "g");

function xml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot" }[c]};`).replace(
    XML_INVALID,
    "\uFFFD",
  );
}

/**
 * JUnit XML: a test suite per run named by its path, a test case per file (with a `file` attribute); a
 * file's errors (and warnings under `strict`) make its failure, whose message names the first one's line,
 * and whose text lists each as `path:line: severity: message`; the rest goes to `system-out`.
 */
export function junitReport(runs: RunReport[], _s: ValidationSummary, strict: boolean): string {
  const failing = (d: Diagnostic) => d.severity === "error" || (strict && d.severity === "warning");
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  let totalFailures = 0;
  let totalTests = 0;
  const suites: string[] = [];
  for (const r of runs) {
    const name = r.path || "(files outside any run)";
    const cases: string[] = [];
    let failures = 0;
    const files = [...r.files];
    if (r.diagnostics.length) {
      files.unshift({ file: "", role: "run", events: 0, records: 0, bytes: 0, diagnostics: r.diagnostics });
    }
    for (const f of files) {
      const filePath = findingPath(r, f.file);
      const bad = f.diagnostics.filter(failing);
      const rest = f.diagnostics.filter((d) => !failing(d));
      const line = (d: Diagnostic) =>
        `${findingPath(r, d.file || f.file)}${
          d.line !== undefined ? `:${d.line}` : ""
        }: ${d.severity}: ${d.message}`;
      let body = "";
      if (bad.length) {
        failures++;
        const first = bad[0];
        const message = `${first.line !== undefined ? `line ${first.line}: ` : ""}${first.message}` +
          (bad.length > 1 ? ` (and ${bad.length - 1} more)` : "");
        body += `<failure message="${xml(message)}" type="${first.severity}">${
          xml(bad.map(line).join("\n"))
        }</failure>`;
      }
      if (rest.length) body += `<system-out>${xml(rest.map(line).join("\n"))}</system-out>`;
      const caseName = f.file || "(run)";
      cases.push(
        `    <testcase classname="${xml(name)}" name="${xml(caseName)}" file="${xml(filePath)}"${
          body ? `>${body}</testcase>` : "/>"
        }`,
      );
    }
    totalFailures += failures;
    totalTests += files.length;
    suites.push(
      `  <testsuite name="${xml(name)}"${r.id ? ` id="${xml(r.id)}"` : ""} tests="${files.length}" ` +
        `failures="${failures}" errors="0">`,
      ...cases,
      "  </testsuite>",
    );
  }
  out.push(
    `<testsuites name="plxkit validate" tests="${totalTests}" failures="${totalFailures}" errors="0">`,
    ...suites,
    "</testsuites>",
  );
  return out.join("\n") + "\n";
}
