/**
 * Fuzzing the JSONL and Parquet readers: random bytes and mutations of real outputs end in events plus
 * diagnostics naming file and line, or one structured error naming the file; never an uncaught exception,
 * a wasm trap escaping as a crash, or a hang.
 */
import { assertOk } from "../_assert.ts";
import { fuzzReader, RUNS } from "./_harness.ts";
import { readJsonl } from "../../src/formats/jsonl/read.ts";
import { formatByName } from "../../src/formats/registry.ts";
import { PlxDataError } from "../../src/diagnostics.ts";
import { gzipSync } from "node:zlib";

const FIX = new URL("../../fixtures/", import.meta.url).pathname;

Deno.test("fuzz: JSONL (plain and gzip)", async () => {
  const text = await Deno.readFile(`${FIX}jsonl/small.jsonl`);
  const seeds = [text.subarray(0, 6000)];
  for (const gzip of [false, true]) {
    await fuzzReader(gzip ? [new Uint8Array(gzipSync(seeds[0]))] : seeds, async (bytes) => {
      for await (const b of readJsonl([bytes], "x.jsonl", { gzip })) {
        for (const d of b.diagnostics) {
          assertOk(d.file === "x.jsonl" && d.message.length > 0, JSON.stringify(d));
          if (d.severity !== "info") assertOk(d.line !== undefined || d.offset !== undefined, d.message);
        }
      }
    }, gzip ? Math.ceil(RUNS / 4) : RUNS);
  }
});

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    if (e.isDirectory) await copyDir(`${from}/${e.name}`, `${to}/${e.name}`);
    else await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
  }
}

Deno.test("fuzz: a Parquet part replaced by damaged bytes", async () => {
  const dir = await Deno.makeTempDir();
  await copyDir(`${FIX}parquet/small-dataset`, dir);
  const parts: string[] = [];
  for await (const e of Deno.readDir(`${dir}/kind=metric`)) parts.push(`${dir}/kind=metric/${e.name}`);
  parts.sort();
  const target = parts[0];
  const seed = await Deno.readFile(target);
  const fmt = formatByName("parquet")!;
  await fuzzReader(
    [seed],
    async (bytes) => {
      await Deno.writeFile(target, bytes);
      try {
        for await (const item of fmt.source!([dir], { settings: {} }).runs()) {
          if (item.type === "diagnostic") continue;
          try {
            for await (const b of item.run.batches()) {
              for (const d of b.diagnostics) assertOk(d.message.length > 0);
            }
          } catch (e) {
            assertOk(e instanceof PlxDataError && e.file.endsWith(".parquet"), `unstructured error: ${e}`);
          }
        }
      } catch (e) {
        assertOk(e instanceof PlxDataError, `unstructured error: ${e}`);
      }
    },
    Math.ceil(RUNS / 4),
    37,
  );
  await Deno.remove(dir, { recursive: true });
});
