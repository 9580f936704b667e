/**
 * Command-line parsing on `node:util` `parseArgs`, with errors turned into {@linkcode UsageError}s (exit 2)
 * and a `--help` text per command.
 *
 * @module
 */
import { defaultJobs } from "../io/pool.ts";
import { parseArgs } from "node:util";
import { UsageError } from "./errors.ts";

/** One option of a command. */
export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Shown in help, e.g. `<dir>`. */
  arg?: string;
  help: string;
  default?: string | boolean;
}

/** A subcommand. */
export interface Command {
  name: string;
  summary: string;
  /** Usage line after `plxkit <name>`. */
  usage: string;
  /** Longer explanation shown by `--help`. */
  details?: string;
  options: Record<string, OptionSpec>;
  /** Real command lines shown at the end of `--help` (3 to 5), each with a one-line comment. */
  examples?: { cmd: string; about: string }[];
  run(
    values: Record<string, string | boolean | string[] | undefined>,
    positionals: string[],
    io: CliIO,
  ): Promise<number>;
}

/** Where a command writes: data on `out`, diagnostics on `err`. */
export interface CliIO {
  /** Writes text to stdout (as given: the commands end their lines). */
  out(text: string): void;
  /** Writes a message to stderr (a newline is added when missing). */
  err(text: string): void;
  /** Whether stderr is a terminal (progress lines only then). */
  errIsTty: boolean;
  /** Colours allowed on stdout (stdout is a terminal and `NO_COLOR` is unset). */
  color: boolean;
  /** Writes raw bytes to stdout (data streams such as `--out -`); text through {@linkcode CliIO.out} if absent. */
  outBytes?(bytes: Uint8Array): void;
  /** Redraws the live status line on stderr (terminal only); `""` erases it. */
  status?(line: string): void;
  /** Milliseconds clock (tests can drive progress output). */
  now?(): number;
}

/** Common options every command takes. */
export const COMMON: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", help: "show this help" },
  quiet: { type: "boolean", short: "q", help: "print only errors and the final result" },
};

/** Parses `args` for `cmd`. @throws {UsageError} on unknown options or missing values. */
export function parseCommand(cmd: Command, args: string[]) {
  const options = { ...COMMON, ...cmd.options };
  const config: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [k, o] of Object.entries(options)) {
    config[k] = {
      type: o.type,
      ...(o.short ? { short: o.short } : {}),
      ...(o.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({
      args,
      options: config,
      allowPositionals: true,
      strict: true,
    });
    for (const [k, o] of Object.entries(options)) {
      if (values[k] === undefined && o.default !== undefined) {
        (values as Record<string, unknown>)[k] = o.default;
      }
    }
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(msg);
    if (unknown) {
      const near = nearest(unknown[2], Object.keys(options));
      throw new UsageError(
        `unknown option '${unknown[1]}${unknown[2]}'${near ? `; did you mean --${near}?` : ""}`,
      );
    }
    throw new UsageError(
      msg.replace(/\. To specify a positional argument.*$/s, "").replace(/^Unknown option/, "unknown option"),
    );
  }
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps) between `a` and `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The candidate nearest to `word` (by {@linkcode editDistance}, or a prefix), if close enough to be a typo. */
export function nearest(word: string, candidates: string[]): string | undefined {
  const w = word.replace(/=.*$/, "").toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = c.startsWith(w) && w.length >= 2 ? 0.5 : editDistance(w, c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(1, Math.floor(w.length / 3)) ? best : undefined;
}

/** The `--help` text of a command. */
export function commandHelp(cmd: Command): string {
  const options = { ...cmd.options, ...COMMON };
  const rows = Object.entries(options).map(([k, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${k}${o.arg ? ` ${o.arg}` : ""}`;
    const def = o.default !== undefined && o.default !== false ? ` (default: ${o.default})` : "";
    return [flag, o.help + def];
  });
  const w = Math.max(...rows.map((r) => r[0].length));
  return [
    `plxkit ${cmd.name}: ${cmd.summary}`,
    "",
    `Usage: plxkit ${cmd.name} ${cmd.usage}`,
    ...(cmd.details ? ["", cmd.details] : []),
    "",
    "Options:",
    ...rows.map(([f, h]) => `  ${f.padEnd(w)}  ${h}`),
    ...(cmd.examples?.length
      ? ["", "Examples:", ...cmd.examples.flatMap((e) => [`  # ${e.about}`, `  plxkit ${e.cmd}`])]
      : []),
    "",
  ].join("\n");
}

/** Reads a string option, or throws a usage error when required and absent. */
export function str(values: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = values[name];
  if (typeof v === "string") return v;
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

/** Reads a choice option, checking it against `choices`. */
export function choice<T extends string>(
  values: Record<string, unknown>,
  name: string,
  choices: readonly T[],
): T | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${choices.join(", ")} (got "${v}")`);
  }
  return v as T;
}

/**
 * The `--jobs N` value: a positive integer, or one worker per core when not given.
 *
 * @throws {UsageError} When N is not a positive integer.
 */
export function jobsOption(values: Record<string, unknown>): number {
  const v = values.jobs;
  if (v === undefined) return defaultJobs();
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--jobs must be a positive integer (got "${String(v)}")`);
  }
  return n;
}
