import * as path from "node:path";
import { EventWriter, WriterClosedError } from "../../src/tracking/writer.ts";
import { assertEquals, assertOk, assertThrows } from "../_assert.ts";

const read = (dir: string, rel: string) => Deno.readTextFileSync(path.join(dir, rel));
const exists = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("EventWriter", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "plx-writer-" });

  await t.step("CSV header without newline, rows prefixed by newline; JSONL created empty", async () => {
    const w = new EventWriter(dir, { flushInterval: 60_000 });
    w.append("events/metric/a.plx", "step|timestamp|metric", "1|t|0.5");
    w.append("events/metric/a.plx", "step|timestamp|metric", "2|t|0.25");
    w.append("events/text/b.plx", "", '{"x": 1}');
    await w.close();
    assertEquals(read(dir, "events/metric/a.plx"), "step|timestamp|metric\n1|t|0.5\n2|t|0.25");
    assertEquals(read(dir, "events/text/b.plx"), '\n{"x": 1}');
    assertEquals(w.linesWritten, 3);
  });

  await t.step("appends to existing files without a second header", async () => {
    const w = new EventWriter(dir);
    w.append("events/metric/a.plx", "step|timestamp|metric", "3|t|0.125");
    await w.close();
    assertEquals(read(dir, "events/metric/a.plx"), "step|timestamp|metric\n1|t|0.5\n2|t|0.25\n3|t|0.125");
  });

  await t.step("the first event is flushed at once, later ones at the interval", async () => {
    const file = path.join(dir, "events/metric/c.plx");
    const until = async (ok: () => boolean, ms: number) => {
      const end = performance.now() + ms;
      while (!ok() && performance.now() < end) await sleep(5);
      return ok();
    };
    const w = new EventWriter(dir, { flushInterval: 1000 });
    w.append("events/metric/c.plx", "step|timestamp|metric", "1|t|1.0");
    assertOk(!exists(file), "nothing written synchronously");
    const t0 = performance.now();
    assertOk(await until(() => exists(file) && read(dir, "events/metric/c.plx").endsWith("1.0"), 800));
    assertOk(performance.now() - t0 < 800, "first flush is immediate");
    w.append("events/metric/c.plx", "step|timestamp|metric", "2|t|2.0");
    const t1 = performance.now();
    await sleep(100);
    assertEquals(
      read(dir, "events/metric/c.plx"),
      "step|timestamp|metric\n1|t|1.0",
      "not before the interval",
    );
    assertOk(await until(() => read(dir, "events/metric/c.plx").endsWith("2.0"), 5000));
    assertOk(performance.now() - t1 >= 900, "second flush waits for the interval");
    assertEquals(read(dir, "events/metric/c.plx"), "step|timestamp|metric\n1|t|1.0\n2|t|2.0");
    await w.close();
  });

  await t.step(
    "back-pressure: ready() waits past the soft bound; the hard bound flushes synchronously",
    async () => {
      const w = new EventWriter(dir, { flushInterval: 60_000, maxBufferedBytes: 1000, hardLimitBytes: 5000 });
      const line = "x".repeat(99);
      for (let i = 0; i < 9; i++) w.append("events/text/d.plx", "", line);
      assertEquals(w.bufferedBytes, 900);
      await w.ready(); // under the bound: resolves at once
      for (let i = 0; i < 5; i++) w.append("events/text/d.plx", "", line);
      const p = w.ready();
      await p;
      assertOk(w.bufferedBytes <= 1000);
      await w.flush();
      assertEquals(read(dir, "events/text/d.plx").split("\n").length - 1, 14);
      // Past the hard limit the append itself writes (no await in between).
      const big = "y".repeat(6000);
      w.append("events/text/e.plx", "", big);
      assertEquals(read(dir, "events/text/e.plx"), "\n" + big);
      await w.close();
    },
  );

  await t.step("big flushes are split at line boundaries and stay exact", async () => {
    const w = new EventWriter(dir, { flushInterval: 60_000, maxBufferedBytes: 64 << 20 });
    const lines: string[] = [];
    for (let i = 0; i < 120_000; i++) {
      const l = `${i}|2025-03-01 09:15:02.481516+00:00|${"é".repeat(i % 50)}`;
      lines.push(l);
      w.append("events/metric/big.plx", "step|timestamp|metric", l);
    }
    await w.close();
    assertEquals(read(dir, "events/metric/big.plx"), "step|timestamp|metric\n" + lines.join("\n"));
  });

  await t.step("appending after close throws WriterClosedError", async () => {
    const w = new EventWriter(dir);
    await w.close();
    assertThrows(
      () => w.append("events/metric/z.plx", "step|timestamp|metric", "1|t|1.0"),
      WriterClosedError,
    );
  });

  await t.step("await using closes", async () => {
    {
      await using w = new EventWriter(dir, { flushInterval: 60_000 });
      w.append("events/metric/u.plx", "step|timestamp|metric", "1|t|1.0");
    }
    assertEquals(read(dir, "events/metric/u.plx"), "step|timestamp|metric\n1|t|1.0");
  });

  await t.step("bad options are RangeErrors", () => {
    assertThrows(() => new EventWriter(dir, { flushInterval: 0 }), RangeError, "flushInterval");
    assertThrows(
      () => new EventWriter(dir, { maxBufferedBytes: 10, hardLimitBytes: 5 }),
      RangeError,
      "hardLimit",
    );
  });

  await Deno.remove(dir, { recursive: true });
});
