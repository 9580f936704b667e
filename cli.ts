/**
 * The `plxkit` command line. Run as a script, it runs the command its arguments name and exits with its
 * code (0 ok, 1 invalid data or a failure, 2 usage error); imported, it offers {@linkcode main}, which returns
 * the exit code instead and can print to any {@linkcode CliIO}.
 *
 * ```sh
 * deno run -A cli.ts validate runs/
 * ```
 *
 * `--version` loads only the version module, and the command line itself is loaded on demand, so start-up
 * pays only for what a command runs.
 *
 * @example Run a command in-process and keep what it prints
 * ```ts
 * import { main } from "./cli.ts";
 *
 * const out: string[] = [];
 * const code = await main(["--version"], {
 *   out: (s) => out.push(s),
 *   err: (s) => out.push(s),
 *   errIsTty: false,
 *   color: false,
 * });
 * if (code !== 0 || !out.join("").startsWith("plxkit ")) throw new Error(out.join(""));
 * ```
 *
 * @module
 */
import type { CliIO } from "./src/cli/args.ts";

export type { CliIO };

/**
 * Runs the plxkit command `args` names (as `plxkit <args>` would) and returns its exit code; prints to `io`
 * (default: standard output and error).
 */
export async function main(args: string[], io?: CliIO): Promise<number> {
  const cli = await import("./src/cli/main.ts");
  return io === undefined ? cli.main(args) : cli.main(args, io);
}

if (import.meta.main) {
  const args = Deno.args;
  if (args.length === 1 && args[0] === "--version") {
    const { versionText } = await import("./src/cli/version.ts");
    Deno.stdout.writeSync(new TextEncoder().encode(versionText()));
    Deno.exit(0);
  }
  Deno.exit(await main(args));
}
