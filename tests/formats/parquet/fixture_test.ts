import * as path from "node:path";
import { assertEquals, assertOk } from "../../_assert.ts";
import { ParquetSink } from "../../../src/formats/parquet/sink.ts";
import { convert, type EventSink } from "../../../src/convert/pipeline.ts";
import type { PlxEvent } from "../../../src/model/event.ts";
import { ParquetSource } from "../../../src/formats/parquet/source.ts";
import { JsonlSource } from "../../../src/formats/jsonl/source.ts";
import { byRun, parquetOrder } from "../_columnar.ts";

const root = path.join(import.meta.dirname!, "../../../fixtures");

async function read(source: ParquetSource | JsonlSource) {
  const events: PlxEvent[] = [];
  const assets: Record<string, number[]> = {};
  const meta: Record<string, unknown> = {};
  const sink: EventSink = {
    openRun: (info) => {
      meta[info.id] = info.meta;
      return Promise.resolve({
        write: async (ev, src) => {
          events.push(...ev);
          for (const e of ev) {
            const p = (e.value as { path?: string }).path;
            if (p) assets[`${e.run}/${p}`] = [...(await src.readAsset(p)) ?? []];
          }
        },
        commit: () => Promise.resolve(),
        abort: () => Promise.resolve(),
      });
    },
    close: () => Promise.resolve(),
  };
  const r = await convert(source, sink);
  assertEquals(r.diagnostics, []);
  return { events, assets, meta };
}

for (
  const [fixture, version] of [["small-dataset", "1 (the previous layout)"], [
    "small-dataset-v2",
    "2",
  ]] as const
) {
  Deno.test(`the committed dataset of layout ${version} and the JSONL fixture read back to the same events, assets and run records`, async () => {
    const pq = await read(new ParquetSource([path.join(root, "parquet", fixture)]));
    const js = await read(new JsonlSource([path.join(root, "jsonl/small.jsonl")]));
    assertEquals(pq.events.length, 20);
    assertEquals(pq.events, parquetOrder(byRun(js.events)));
    assertEquals(pq.assets, js.assets);
    assertEquals(pq.meta, js.meta);
    const nan = pq.events.find((e) => e.type === "metric" && Number.isNaN(e.value))!;
    assertEquals(nan.timestamp.offset, 3600);
  });
}

Deno.test("a dataset of the previous layout is read, but not added to (one dataset, one schema)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await new Deno.Command("cp", { args: ["-r", path.join(root, "parquet/small-dataset"), `${dir}/ds`] })
      .output();
    let msg = "";
    try {
      await ParquetSink.open(`${dir}/ds`);
    } catch (e) {
      msg = (e as Error).message;
    }
    assertOk(msg.includes('version "1"') && msg.includes("adds only to plxkit-parquet version 2"), msg);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
