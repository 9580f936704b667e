/**
 * Validation report renderers: human text, one JSON document, JUnit XML.
 *
 * @module
 */
import type { Diagnostic, Severity } from "../diagnostics.ts";
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
}

/** Text lines for one run: a heading, then `file:line: severity: message` lines. */
export function runText(r: RunReport, opts: TextOptions = {}): string {
  const lines: string[] = [];
  const show = (d: Diagnostic) => opts.infos !== false || d.severity !== "info";
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

/** The JSON report document. */
export function jsonReport(
  runs: RunReport[],
  s: ValidationSummary,
  strict: boolean,
  version: string,
): string {
  return JSON.stringify(
    { tool: "plxkit", version, valid: isValid(s, strict), strict, summary: s, runs },
    null,
    2,
  ) + "\n";
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
 * JUnit XML: a test suite per run, a test case per file; errors (and warnings under `strict`) are failures,
 * the rest goes to `system-out`.
 */
export function junitReport(runs: RunReport[], s: ValidationSummary, strict: boolean): string {
  const failing = (d: Diagnostic) => d.severity === "error" || (strict && d.severity === "warning");
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  let totalFailures = 0;
  const suites: string[] = [];
  for (const r of runs) {
    const name = r.id || (r.path && r.format !== "plx" ? `${r.format} ${r.path}` : "(files outside any run)");
    const cases: string[] = [];
    let failures = 0;
    const files = [...r.files];
    if (r.diagnostics.length) {
      files.unshift({
        file: "(run)",
        role: "run",
        events: 0,
        records: 0,
        bytes: 0,
        diagnostics: r.diagnostics,
      });
    }
    for (const f of files) {
      const bad = f.diagnostics.filter(failing);
      const rest = f.diagnostics.filter((d) => !failing(d));
      const line = (d: Diagnostic) =>
        `${f.file}${d.line !== undefined ? `:${d.line}` : ""}: ${d.severity}: ${d.message}`;
      let body = "";
      if (bad.length) {
        failures++;
        body += `<failure message="${xml(line(bad[0]))}" type="${bad[0].severity}">${
          xml(bad.map(line).join("\n"))
        }</failure>`;
      }
      if (rest.length) body += `<system-out>${xml(rest.map(line).join("\n"))}</system-out>`;
      cases.push(
        `    <testcase classname="${xml(name)}" name="${xml(f.file)}"${body ? `>${body}</testcase>` : "/>"}`,
      );
    }
    totalFailures += failures;
    suites.push(
      `  <testsuite name="${xml(name)}" tests="${files.length}" failures="${failures}" errors="0">`,
      ...cases,
      "  </testsuite>",
    );
  }
  out.push(
    `<testsuites name="plxkit validate" tests="${s.files}" failures="${totalFailures}" errors="0">`,
    ...suites,
    "</testsuites>",
  );
  return out.join("\n") + "\n";
}
