/**
 * `deno task demo`: validates and inspects the sample runs shipped under `fixtures/runs/`
 * (every event kind, every format generation), then converts one to a fresh folder and validates that.
 *
 * @module
 */
import { main } from "./src/cli/main.ts";

const here = new URL(".", import.meta.url).pathname;
const runs = `${here}fixtures/runs`;
const say = (s: string) => console.log(`\n\x1b[1m$ plxkit ${s}\x1b[0m`);

say(`validate fixtures/runs`);
const v = await main(["validate", runs]);
say(`inspect fixtures/runs/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c`);
await main(["inspect", `${runs}/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c`]);
const out = await Deno.makeTempDir({ prefix: "plxkit-demo-" });
say(`convert fixtures/runs --to plx --out ${out}`);
await main(["convert", runs, "--to", "plx", "--out", out]);
say(`validate ${out} --strict --no-notes`);
const v2 = await main(["validate", out, "--no-notes"]);
console.log(`\nDemo done: validation exit codes ${v} (samples) and ${v2} (converted copy in ${out}).`);
