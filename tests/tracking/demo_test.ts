import * as path from "node:path";
import { demo } from "../../demo.ts";
import { summarizeFile } from "../../src/tracking/summary.ts";
import { PlxSource } from "../../src/formats/plx/source.ts";
import { assetRefs } from "../../src/model/event.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { listFiles } from "./_replay.ts";
import { validateRun } from "../../src/validate/validate.ts";

Deno.test("the seed demo writes a run PlxReader reads with no diagnostics, every asset present", async () => {
  const root = await Deno.makeTempDir({ prefix: "plx-demo-" });
  const run = await demo(root);
  assertEquals(run.status, "succeeded");
  assertEquals(run.diagnostics, []);
  const files = listFiles(run.path);
  const eventFiles = files.filter((f) => f.startsWith("events/"));
  assertEquals(
    [...new Set(eventFiles.map((f) => f.split("/")[1]))].sort(),
    ["audio", "chart", "confusion", "curve", "histogram", "html", "image", "metric", "text"],
  );
  for (const rel of eventFiles) {
    const s = summarizeFile(run.path, rel);
    assertEquals(s.diagnostics, [], rel);
    assertOk(s.rows >= 4, `${rel}: ${s.rows} rows`);
    const text = Deno.readTextFileSync(path.join(run.path, rel));
    for (const m of text.matchAll(/\\?"path\\?":\s*\\?"(assets\/[^"\\]+)/g)) {
      assertOk(files.includes(m[1]), `${rel} references missing ${m[1]}`);
    }
  }
  assertOk(
    files.includes("run.plx.json") && files.includes("lineages.plx.json") &&
      files.includes("outputs/env.json"),
  );
  const rec = JSON.parse(Deno.readTextFileSync(path.join(run.path, "run.plx.json")));
  assertEquals(rec.outputs.foo, "bar");
  assertEquals(typeof rec.outputs.loss, "number");
  // The whole run through the lead's run reader: no diagnostics at all, every asset readable.
  let runs = 0, events = 0;
  for await (const item of new PlxSource([root]).runs()) {
    assertOk(item.type === "run", JSON.stringify(item));
    if (item.type !== "run") continue;
    const src = item.run;
    runs++;
    assertEquals(src.info.meta?.status, "succeeded");
    for await (const b of src.batches()) {
      assertEquals(b.diagnostics, []);
      for (const e of b.events) {
        events++;
        for (const ref of assetRefs(e)) assertOk(await src.readAsset(ref) !== null, ref);
      }
    }
  }
  assertEquals(runs, 1);
  // resources are sampled by default offline (cpu, memory, load: at start, every 10 s, at the end)
  const sampled = files.filter((f) => f.startsWith("resources/")).reduce(
    (n, f) => n + summarizeFile(run.path, f).rows,
    0,
  );
  assertOk(sampled >= 6, `${sampled} resource samples`);
  assertEquals(events - sampled, 68); // 8 metric, 4 text, 4 html, 4 audio, 8 histogram, 20 chart, 4 image, 12 curve, 4 confusion
  // And through the validator, strictly: no error, no warning, no note.
  const report = await validateRun({ id: run.uuid, path: run.path });
  assertEquals(report.diagnostics, []);
  assertEquals(report.files.flatMap((f) => f.diagnostics), []);
  assertEquals(
    report.files.filter((f) => f.role === "event").every((f) => f.generation === "v2-jsonl"),
    true,
  );
  await Deno.remove(root, { recursive: true });
});
