import * as path from "node:path";
import { collectReport } from "../../src/report/collect.ts";
import { parseCsv } from "../../src/report/_values.ts";
import { PlxSource } from "../../src/formats/plx/source.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { hostileRun } from "./_runs.ts";

Deno.test("collectReport bounds the points of all runs together, keeping every series' spike", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await hostileRun(dir, 20_000, "0".repeat(31) + "1");
    await hostileRun(dir, 20_000, "0".repeat(31) + "2");
    const data = await collectReport(new PlxSource([dir]), { maxTotalPoints: 1000 });
    const total = data.metrics.reduce((n, m) => n + m.points.v.length, 0);
    assertOk(total <= 1000, `${total} points`);
    const losses = data.metrics.filter((m) => m.name === "loss");
    assertEquals(losses.length, 2);
    for (const m of losses) {
      assertOk(m.downsampled && m.points.v.includes(1 / 7778 + 5), "spike kept");
      assertEquals(m.stats.count, 20_000);
    }
    assertEquals(data.totals.downsampledSeries, 2);
    const img = data.series.find((s) => s.type === "image")!;
    assertOk(img.items.every((i) => i.src?.startsWith("data:image/png;base64,")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("collectReport reads the sample runs' records into the runs table", async () => {
  const data = await collectReport(
    new PlxSource([path.join(new URL("../../", import.meta.url).pathname, "fixtures/runs")]),
  );
  assertEquals(data.runs.length, 4);
  assertOk(data.runs.every((r) => typeof r.id === "string" && Array.isArray(r.tags)));
  assertOk(data.metrics.length > 0);
});

Deno.test("parseCsv: quotes, escaped quotes, CRLF, and the row and column caps", () => {
  assertEquals(parseCsv('a,b\r\n"x,1","say ""hi"""\n3,4'), [["a", "b"], ["x,1", 'say "hi"'], ["3", "4"]]);
  assertEquals(parseCsv("a\tb\n1\t2\n", "\t"), [["a", "b"], ["1", "2"]]);
  assertEquals(parseCsv("1,2,3\n4,5,6\n7,8,9", ",", 2, 2), [["1", "2"], ["4", "5"]]);
});
