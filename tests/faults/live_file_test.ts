/**
 * Files that change while they are read (a run still logging): growth is read up to the moment of EOF,
 * truncation ends the read, and a partial last line is a warning, as for a crash mid-write.
 */
import { assertEquals } from "../_assert.ts";
import { PlxReader } from "../../src/formats/plx/read.ts";
import { readChunks } from "../../src/io/files.ts";
import type { Diagnostic } from "../../src/diagnostics.ts";

const row = (i: number) => `\n${i}|2025-03-01 09:15:02+00:00|${i}.5`;

async function readWhile(file: string, during: (chunk: number) => Promise<void>) {
  const r = new PlxReader({
    run: "r",
    scope: "events",
    kind: "metric",
    name: "m",
    file: "events/metric/m.plx",
  });
  let chunk = 0;
  const chunks = async function* () {
    for await (const c of readChunks(file, 256)) {
      yield c;
      await during(chunk++);
    }
  };
  const steps: number[] = [];
  const diags: Diagnostic[] = [];
  for await (const b of r.read(chunks())) {
    for (const e of b.events) steps.push(e.step!);
    diags.push(...b.diagnostics);
  }
  return { steps, diags };
}

Deno.test("a file that grows while read: the new lines are read, a half-written one is a warning", async () => {
  const file = await Deno.makeTempFile();
  let text = "step|timestamp|metric";
  for (let i = 0; i < 20; i++) text += row(i);
  await Deno.writeTextFile(file, text);
  const { steps, diags } = await readWhile(file, async (n) => {
    if (n === 1) await Deno.writeTextFile(file, row(20) + row(21) + "\n22|2025-03-01 09:1", { append: true });
  });
  assertEquals(steps, Array.from({ length: 22 }, (_, i) => i));
  assertEquals(diags.map((d) => [d.severity, d.code, d.line]), [["warning", "truncated-line", 24]]);
  await Deno.remove(file);
});

Deno.test("a file truncated while read: what was read stands, the cut line is a warning", async () => {
  const file = await Deno.makeTempFile();
  let text = "step|timestamp|metric";
  for (let i = 0; i < 40; i++) text += row(i);
  await Deno.writeTextFile(file, text);
  const { steps, diags } = await readWhile(file, async (n) => {
    if (n === 1) await Deno.truncate(file, 600);
  });
  // 512 bytes were read before the cut at 600: rows up to the one crossing byte 600, which is partial.
  const whole = text.slice(0, 600).split("\n").length - 2; // complete data rows before byte 600
  assertEquals(steps, Array.from({ length: whole }, (_, i) => i));
  assertEquals(diags.map((d) => [d.severity, d.code]), [["warning", "truncated-line"]]);
  await Deno.remove(file);
});
