/**
 * The `plxkit` command-line entry point.
 *
 * ```sh
 * deno run -A cli.ts validate runs/
 * ```
 *
 * @module
 */
import { main } from "./src/cli/main.ts";

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
