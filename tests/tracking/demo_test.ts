import * as path from "node:path";
import { demo } from "../../demo.ts";
import { summarizeFile } from "../../src/tracking/summary.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { listFiles } from "./_replay.ts";

Deno.test("the seed demo writes a run PlxReader reads with no diagnostics, every asset present", async () => {
  const root = await Deno.makeTempDir({ prefix: "plx-demo-" });
  const run = await demo(root);
  assertEquals(run.status, "succeeded");
  assertEquals(run.diagnostics, []);
  const files = listFiles(run.path);
  const events = files.filter((f) => f.startsWith("events/"));
  assertEquals(
    [...new Set(events.map((f) => f.split("/")[1]))].sort(),
    ["audio", "chart", "confusion", "curve", "histogram", "html", "image", "metric", "text"],
  );
  for (const rel of events) {
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
  await Deno.remove(root, { recursive: true });
});
