/**
 * Fuzzing the Polyaxon-layout readers: every input ends in events plus structured diagnostics naming the
 * file and a line or byte offset; never an exception, never a hang.
 */
import { assertOk } from "../_assert.ts";
import { fuzzReader } from "./_harness.ts";
import { PlxReader } from "../../src/formats/plx/read.ts";
import { readLogs } from "../../src/model/logs.ts";
import { validateRun } from "../../src/validate/validate.ts";
import type { Diagnostic } from "../../src/diagnostics.ts";

const RUN = new URL("../../fixtures/runs/0f3c2b1a9d8e4f6a8b7c6d5e4f3a2b1c/", import.meta.url).pathname;
const read = (rel: string) => Deno.readFileSync(RUN + rel);

function checkDiag(d: Diagnostic, file: string): void {
  assertOk(d.file === file, `diagnostic names ${d.file}, not ${file}`);
  assertOk(typeof d.message === "string" && d.message.length > 0, "empty message");
  if (d.severity !== "info") {
    assertOk(d.line !== undefined || d.offset !== undefined, `no position: ${d.message}`);
  }
}

for (
  const [kind, rel] of [
    ["metric", "events/metric/loss.plx"],
    ["image", "events/image/sample.plx"],
    ["histogram", "events/histogram/w.plx"],
    ["text", "events/text/notes.plx"],
    ["chart", "events/chart/fig.plx"],
    ["span", "events/span/trace.plx"],
  ] as const
) {
  Deno.test(`fuzz: ${rel}`, async () => {
    const file = `events/${kind}/x.plx`;
    await fuzzReader([read(rel), new TextEncoder().encode(`step|timestamp|${kind}\n`)], async (bytes) => {
      const r = new PlxReader({ run: "r", scope: "events", kind, name: "x", file });
      for await (const b of r.read([bytes])) for (const d of b.diagnostics) checkDiag(d, file);
    });
  });
}

Deno.test("fuzz: plxlogs/logs.jsonl", async () => {
  await fuzzReader([read("plxlogs/logs.jsonl")], async (bytes) => {
    for await (const b of readLogs([bytes], "r", "plxlogs/logs.jsonl")) {
      for (const d of b.diagnostics) checkDiag(d, "plxlogs/logs.jsonl");
    }
  });
});

Deno.test("fuzz: run.plx.json and lineages.plx.json through the validator", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const rel of ["run.plx.json", "lineages.plx.json"]) {
      await fuzzReader([read(rel)], async (bytes) => {
        await Deno.writeFile(`${dir}/${rel}`, bytes);
        const r = await validateRun({ id: "r", path: dir });
        for (const f of r.files) {
          for (const d of f.diagnostics) assertOk(d.file === rel && d.message.length > 0);
        }
      }, 50);
      await Deno.remove(`${dir}/${rel}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
