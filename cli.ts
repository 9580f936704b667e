/**
 * The `plxkit` command line. Run as a script, it runs the command its arguments name and exits with its
 * code (0 ok, 1 invalid data or a failure, 2 usage error); imported, it offers {@linkcode main}, which returns
 * the exit code instead and can print to any {@linkcode CliIO}.
 *
 * ```sh
 * deno run -A cli.ts validate runs/
 * ```
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
import { main } from "./src/cli/main.ts";

export { main };
export type { CliIO } from "./src/cli/args.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
