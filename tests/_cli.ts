/**
 * Runs the CLI in-process with captured output, for tests.
 *
 * @module
 */
import { main } from "../src/cli/main.ts";
import type { CliIO } from "../src/cli/args.ts";

/** `plxkit <args>`: exit code, stdout and stderr. */
export async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t + "\n"), errIsTty: false, color: false };
  const code = await main(args, io);
  return { code, out, err };
}
