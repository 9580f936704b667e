/**
 * Resource bounds (`deno task stress`, minutes; not in the quick suite): a 2 GB single-line file, a
 * histogram with 10 million buckets, and a tree of 100,000 runs, each with bounded memory and a clear
 * message or the correct output.
 */
import { assertEquals, assertOk } from "../_assert.ts";
import { validatePaths, validateRun } from "../../src/validate/validate.ts";

function rss(): number {
  return Deno.memoryUsage().rss / 1e6;
}

Deno.test("a 2 GB single-line file: reported as too long, memory bounded", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/events/text`, { recursive: true });
  const f = await Deno.open(`${dir}/events/text/t.plx`, { write: true, create: true });
  const block = new Uint8Array(64 << 20).fill(120);
  for (let i = 0; i < 32; i++) await f.write(block);
  f.close();
  const before = rss();
  const r = await validateRun({ id: "r", path: dir });
  const grew = rss() - before;
  assertEquals(r.files[0].diagnostics.map((d) => [d.line, d.code]), [[1, "line-too-long"]]);
  assertOk(grew < 400, `RSS grew ${grew.toFixed(0)} MB`);
  console.log(`2 GB line: RSS grew ${grew.toFixed(0)} MB`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a histogram with 10 million buckets: read and judged, memory bounded", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/events/histogram`, { recursive: true });
  const f = await Deno.open(`${dir}/events/histogram/h.plx`, { write: true, create: true });
  const enc = new TextEncoder();
  await f.write(enc.encode('step|timestamp|histogram\n1|2025-03-01 09:15:02+00:00|{"values":['));
  const chunk = enc.encode(Array(100_000).fill("1.0").join(",") + ",");
  for (let i = 0; i < 100; i++) await f.write(chunk);
  await f.write(enc.encode('1.0],"counts":[0.0]}'));
  f.close();
  const r = await validateRun({ id: "r", path: dir });
  // 40 MB on one line: read (under the 64 MiB line limit) and judged against the writer's rules.
  assertEquals(r.files[0].diagnostics.map((d) => [d.line, d.message]), [
    [2, 'histogram has 10000001 frequencies ("values") but 1 edges ("counts"); expected 10000002 edges'],
    [2, "histogram has 10000001 bins; Polyaxon allows at most 512"],
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a tree of 100,000 runs streams with flat memory", async () => {
  const root = await Deno.makeTempDir();
  const N = 100_000;
  const body = "step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|0.5";
  for (let i = 0; i < N; i++) {
    const d = `${root}/runs/${String(i).padStart(6, "0")}/events/metric`;
    Deno.mkdirSync(d, { recursive: true });
    Deno.writeTextFileSync(`${d}/loss.plx`, body);
  }
  const before = rss();
  let runs = 0;
  let events = 0;
  let peak = before;
  for await (const r of validatePaths([root])) {
    runs++;
    events += r.files[0].events;
    if (runs % 5000 === 0) peak = Math.max(peak, rss());
  }
  assertEquals([runs, events], [N, N]);
  console.log(`100,000 runs: RSS ${before.toFixed(0)} -> peak ${peak.toFixed(0)} MB`);
  assertOk(peak - before < 300, `RSS grew ${(peak - before).toFixed(0)} MB`);
  await Deno.remove(root, { recursive: true });
});
