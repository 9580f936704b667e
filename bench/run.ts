/**
 * `deno task bench`: runs every `bench/*_bench.ts` script in its own process (so peak memory is measured
 * per benchmark) and prints what each reports (MB/s, records/s, peak RSS, ratios to peer tools).
 *
 * Pass a substring to run only matching scripts: `deno task bench validate`.
 *
 * @module
 */
const filter = Deno.args[0] ?? "";
const dir = new URL(".", import.meta.url).pathname;
const scripts: string[] = [];
for await (const e of Deno.readDir(dir)) {
  if (e.isFile && e.name.endsWith("_bench.ts") && e.name.includes(filter)) scripts.push(e.name);
}
scripts.sort();
let failed = 0;
for (const s of scripts) {
  console.log(`\n== ${s}`);
  const p = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--max-old-space-size=4096", dir + s],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const { code } = await p.status;
  if (code !== 0) {
    failed++;
    console.log(`!! ${s} exited ${code}`);
  }
}
Deno.exit(failed ? 1 : 0);
