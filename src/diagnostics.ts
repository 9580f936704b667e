/**
 * Diagnostics (what readers and the validator report) and the error classes the library throws.
 *
 * @module
 */

/** How bad a finding is: `error` makes input invalid, `warning` fails only under `--strict`, `info` never. */
export type Severity = "error" | "warning" | "info";

/**
 * Every code a {@linkcode Diagnostic} can carry, one name per finding; docs/validation.md says what each
 * means (a test checks that every code emitted anywhere is listed here and documented there).
 */
export const DIAGNOSTIC_CODES = [
  // Polyaxon event files (.plx) and lines in general
  "header",
  "field-count",
  "quote",
  "bad-step",
  "bad-timestamp",
  "bad-metric",
  "bad-json",
  "schema",
  "invalid-utf8",
  "binary",
  "line-too-long",
  "truncated-line",
  "too-large",
  "mixed",
  "unknown-field",
  "generation",
  // checks across events
  "step-order",
  "step-repeat",
  "utc-offset-mix",
  "pandas-unreadable",
  "histogram-shape",
  "confusion-shape",
  "curve-shape",
  "artifact-kind",
  "asset",
  // run layout and discovery
  "io",
  "not-a-file",
  "symlink-loop",
  "link-outside",
  "unknown-file",
  "unrecognised",
  "not-validated",
  // JSONL
  "bad-event",
  "truncated-gzip",
  "run-not-contiguous",
  // TensorBoard
  "no-event-files",
  "no-file-version",
  "not-event-file",
  "bad-length-crc",
  "bad-data-crc",
  "bad-length",
  "truncated-record",
  "bad-protobuf",
  "bad-value",
  "nan-wall-time",
  "infinite-wall-time",
  "restart",
  "deduplicated",
  // Parquet
  "parquet",
  "not-a-dataset",
  "dataset-version",
  "bad-commit",
  "unreadable",
  // conversion
  "not-converted",
  "bad-run-id",
  "bad-run-record",
] as const;

/** A diagnostic code: one of {@linkcode DIAGNOSTIC_CODES}. */
export type DiagnosticCode = typeof DIAGNOSTIC_CODES[number];

/** One finding about one place in one file. */
export interface Diagnostic {
  /** How bad the finding is. */
  severity: Severity;
  /** Stable machine-readable code, e.g. `field-count`, `bad-timestamp`, `truncated-line`. */
  code: DiagnosticCode;
  /** What is wrong, in words a user can act on. */
  message: string;
  /** The file, relative to the run folder when inside one (else as given). */
  file: string;
  /** 1-based line number, when the finding is about a line. */
  line?: number;
  /** 0-based byte offset in the file, when the finding is about a byte position. */
  offset?: number;
  /**
   * How many findings this one stands for, when more than one: the "N more … not shown" line of a capped
   * code has `count` N. Totals add `count ?? 1`.
   */
  count?: number;
}

/**
 * Escapes control characters (C0 but tab, DEL, C1, and the bidirectional overrides) as `\xNN` / `\u{N}`,
 * so text taken from a file can never move the cursor, recolour or retitle a terminal when printed.
 *
 * @example
 * ```ts
 * import { escapeControls } from "./diagnostics.ts";
 * escapeControls("a\x1b[2Jb"); // "a\\x1b[2Jb"
 * ```
 */
export function escapeControls(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, "0")}` : `\\u{${n.toString(16)}}`;
  });
}

/**
 * Formats a diagnostic as `file:line: severity: message`, the one way diagnostics are printed: control
 * characters from file names and contents are escaped ({@linkcode escapeControls}).
 */
export function formatDiagnostic(d: Diagnostic, prefix = ""): string {
  const where = d.line !== undefined ? `:${d.line}` : d.offset !== undefined ? `@${d.offset}` : "";
  return escapeControls(`${prefix}${d.file}${where}: ${d.severity}: ${d.message}`);
}

/** Where in which file a {@linkcode PlxDataError} happened. */
export interface ErrorPosition {
  /** The file, as shown in the message. */
  file: string;
  /** 1-based line number, when the error is about a line. */
  line?: number;
  /** 0-based byte offset, when the error is about a byte position (shown when there is no line). */
  offset?: number;
}

/** What kind of failure a {@linkcode PlxkitError} is. */
export type ErrorCode = "input-not-found" | "unknown-format" | "bad-setting" | "bad-data";

/**
 * The base of every error plxkit's library throws on purpose: a `code` to branch on, and the file (and line
 * or byte offset) when the error is about one. The CLI maps them to exit codes: bad data 1; a missing
 * input, an unknown format or a bad setting 2 (a usage problem).
 */
export class PlxkitError extends Error {
  /** What kind of failure this is. */
  readonly code: ErrorCode;
  /** The file or path the error is about, when it is about one. */
  readonly file?: string;
  /** 1-based line number, when known. */
  readonly line?: number;
  /** 0-based byte offset, when known. */
  readonly offset?: number;
  /** An error of kind `code`; `where` names the file and position (already part of `message`). */
  constructor(code: ErrorCode, message: string, where?: ErrorPosition) {
    super(message);
    this.name = "PlxkitError";
    this.code = code;
    this.file = where?.file;
    this.line = where?.line;
    this.offset = where?.offset;
  }
}

/**
 * A path given as input does not exist (or is a broken link). Its message is
 * `no such file or directory: <path>`; nothing was read or written.
 */
export class InputNotFoundError extends PlxkitError {
  /** The missing input as given. */
  constructor(readonly path: string) {
    super("input-not-found", `no such file or directory: ${path}`, { file: path });
    this.name = "InputNotFoundError";
  }
}

/** The format of an input cannot be told, or a format name is unknown. */
export class FormatError extends PlxkitError {
  /** A format error about `path` (when it is about one input). */
  constructor(message: string, path?: string) {
    super("unknown-format", message, path === undefined ? undefined : { file: path });
    this.name = "FormatError";
  }
}

/** A setting has a bad value (a format's `--set key=value`, a `--shard k/n`). */
export class SettingError extends PlxkitError {
  /** A setting error; `setting` is its name, when one setting is at fault. */
  constructor(message: string, readonly setting?: string) {
    super("bad-setting", message);
    this.name = "SettingError";
  }
}

/**
 * Bad data that stops a read or a conversion: carries the file and position. The CLI prints its message
 * (never a stack trace) and exits 1.
 */
export class PlxDataError extends PlxkitError {
  /** The file the bad data is in. */
  declare readonly file: string;
  /** An error at `where`; the message is prefixed with the file and the line or byte offset. */
  constructor(message: string, where: ErrorPosition) {
    const at = where.line !== undefined
      ? `:${where.line}`
      : where.offset !== undefined
      ? ` at byte ${where.offset}`
      : "";
    super("bad-data", `${where.file}${at}: ${message}`, where);
    this.name = "PlxDataError";
  }
}

/**
 * Collects diagnostics with a cap per (file, code) so a file with millions of bad rows reports the first
 * few and a count of the rest instead of flooding memory.
 */
export class DiagnosticSink {
  /** Diagnostics kept so far ({@linkcode DiagnosticSink.finish} adds the "N more" lines). */
  readonly items: Diagnostic[] = [];
  /** Diagnostics added per severity, kept or not. */
  readonly counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  #perCode = new Map<string, number>();
  #suppressed = new Map<string, Diagnostic & { extra: number }>();
  /** A sink keeping at most `maxPerCode` diagnostics per (file, code); the rest are only counted. */
  constructor(readonly maxPerCode = 20) {}

  /** Records a diagnostic (counted always, kept while under the cap for its file and code). */
  add(d: Diagnostic): void {
    this.counts[d.severity]++;
    const key = `${d.file}\0${d.code}`;
    const n = (this.#perCode.get(key) ?? 0) + 1;
    this.#perCode.set(key, n);
    if (n <= this.maxPerCode) {
      this.items.push(d);
    } else {
      const s = this.#suppressed.get(key);
      if (s) s.extra++;
      else this.#suppressed.set(key, { ...d, extra: 1 });
    }
  }

  /** Appends one "and N more" line per capped (file, code) and returns all kept diagnostics. */
  finish(): Diagnostic[] {
    for (const s of this.#suppressed.values()) {
      this.items.push({
        severity: s.severity,
        code: s.code,
        file: s.file,
        message: `${s.extra} more "${s.code}" ${s.severity}${
          s.extra === 1 ? "" : "s"
        } in this file not shown`,
        count: s.extra,
      });
    }
    this.#suppressed.clear();
    return this.items;
  }
}

/** A diagnostic for a file-system error. */
export function ioDiag(file: string, e: unknown, what: string): Diagnostic {
  const reason = e instanceof Deno.errors.NotFound
    ? "no such file or folder"
    : e instanceof Deno.errors.PermissionDenied
    ? "permission denied"
    : e instanceof Error
    ? e.message
    : String(e);
  return { severity: "error", code: "io", file, message: `${what}: ${reason}` };
}
