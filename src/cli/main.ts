/**
 * The `plxkit` command line: dispatches to subcommands, maps errors to exit codes (0 ok, 1 invalid data or
 * failure, 2 usage) and never prints a stack trace for bad input.
 *
 * @module
 */
import { escapeControls, InputNotFoundError, PlxDataError, PlxkitError } from "../diagnostics.ts";
import { UsageError } from "./errors.ts";
import { type CliIO, type Command, commandHelp, nearest, parseCommand } from "./args.ts";
import { convertCommand } from "./convert.ts";
import { inspectCommand } from "./inspect.ts";
import { schemaCommand } from "./schema.ts";
import { VERSION } from "../version.ts";
import { versionText } from "./version.ts";
import { validateCommand } from "./validate.ts";

/** Every subcommand. */
export const COMMANDS: Command[] = [validateCommand, inspectCommand, convertCommand, schemaCommand];

/** The version printed by `--version`. */
export { VERSION };

function mainHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "plxkit: validate, inspect and convert Polyaxon run-artifact folders",
    "",
    "Usage: plxkit <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    "",
    "Run 'plxkit <command> --help' for a command's options and examples.",
    "Inputs: paths, quoted globs ('runs/02*'), @list.txt (one path a line), - (JSONL on stdin).",
    "Exit codes: 0 ok, 1 invalid data or a failure, 2 usage error.",
    "",
    "Examples:",
    "  plxkit validate runs/ --format github",
    "  plxkit inspect runs/ --kind metric --name 'loss*'",
    "  plxkit convert runs/ --to jsonl --out - | gzip > runs.jsonl.gz",
    "  plxkit convert runs/ --to parquet --out out/runs.parquet --dry-run",
    "",
  ].join("\n");
}

export { versionText };

/** Standard streams as {@linkcode CliIO}. */
export function denoIO(): CliIO {
  const enc = new TextEncoder();
  const errIsTty = Deno.stderr.isTerminal();
  let status = false;
  const clearStatus = () => {
    if (status) writeAllSync(Deno.stderr, enc.encode("\r\x1b[K"));
    status = false;
  };
  return {
    out: (t) => writeAllSync(Deno.stdout, enc.encode(t)),
    outBytes: (b) => writeAllSync(Deno.stdout, b),
    err: (t) => {
      clearStatus();
      writeAllSync(Deno.stderr, enc.encode(t.endsWith("\n") ? t : t + "\n"));
    },
    status: (line) => {
      if (!errIsTty) return;
      writeAllSync(Deno.stderr, enc.encode(`\r\x1b[K${line}`));
      status = line !== "";
    },
    errIsTty,
    color: Deno.stdout.isTerminal() && !Deno.env.get("NO_COLOR"),
  };
}

function writeAllSync(w: { writeSync(p: Uint8Array): number }, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += w.writeSync(data.subarray(off));
}

/**
 * Runs the CLI with `args`; returns the exit code.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * const code = await main(["validate", "fixtures/runs"]);
 * ```
 */
export async function main(args: string[], io: CliIO = denoIO()): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    io.out(versionText());
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    const names = COMMANDS.map((c) => c.name);
    const near = name.startsWith("-") ? undefined : nearest(name, names);
    io.err(
      `plxkit: unknown ${name.startsWith("-") ? "option" : "command"} "${name}"; ${
        near ? `did you mean ${near}? ` : ""
      }commands: ${names.join(", ")}\nRun 'plxkit --help' for usage.`,
    );
    return 2;
  }
  try {
    const { values, positionals } = parseCommand(cmd, rest);
    if (values.help) {
      io.out(commandHelp(cmd));
      return 0;
    }
    return await cmd.run(values, positionals, io);
  } catch (e) {
    if (e instanceof Error) e.message = escapeControls(e.message);
    if (e instanceof Deno.errors.BrokenPipe) return 0; // the reader of stdout (e.g. `| head`) is gone
    if (e instanceof UsageError) {
      io.err(`plxkit ${cmd.name}: ${e.message}\nRun 'plxkit ${cmd.name} --help' for usage.`);
      return 2;
    }
    if (e instanceof InputNotFoundError) {
      io.err(`plxkit ${cmd.name}: ${e.message}`);
      return 2;
    }
    if (e instanceof PlxkitError && e.code !== "bad-data") {
      // an unknown format or a bad setting: a usage problem
      io.err(`plxkit ${cmd.name}: ${e.message}\nRun 'plxkit ${cmd.name} --help' for usage.`);
      return 2;
    }
    if (e instanceof PlxDataError || e instanceof PlxkitError) {
      io.err(`plxkit ${cmd.name}: ${e.message}`);
      return 1;
    }
    if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotFound) {
      io.err(`plxkit ${cmd.name}: ${e.message}`);
      return 1;
    }
    if (e instanceof Error && /No space left|Read-only file system|EROFS|ENOSPC/i.test(e.message)) {
      io.err(`plxkit ${cmd.name}: ${e.message}`);
      return 1;
    }
    io.err(`plxkit ${cmd.name}: internal error: ${e instanceof Error ? e.message : String(e)}`);
    if (Deno.env.get("PLXKIT_DEBUG")) io.err(e instanceof Error ? e.stack ?? "" : "");
    return 1;
  }
}
