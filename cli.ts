/**
 * The `plxkit` command-line entry point.
 *
 * ```sh
 * deno run -A cli.ts validate runs/
 * ```
 *
 * `--version` loads only the version module; every other command loads the command line on demand, so
 * start-up pays only for what a command runs.
 *
 * @module
 */

if (import.meta.main) {
  const args = Deno.args;
  if (args.length === 1 && args[0] === "--version") {
    const { versionText } = await import("./src/cli/version.ts");
    Deno.stdout.writeSync(new TextEncoder().encode(versionText()));
    Deno.exit(0);
  }
  const { main } = await import("./src/cli/main.ts");
  Deno.exit(await main(args));
}
