import * as path from "node:path";
import { assertEquals } from "../../_assert.ts";
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

Deno.test("the committed dataset and JSONL fixtures read back to the same events, assets and run records", async () => {
  const pq = await read(new ParquetSource([path.join(root, "parquet/small-dataset")]));
  const js = await read(new JsonlSource([path.join(root, "jsonl/small.jsonl")]));
  assertEquals(pq.events.length, 20);
  assertEquals(pq.events, parquetOrder(byRun(js.events)));
  assertEquals(pq.assets, js.assets);
  assertEquals(pq.meta, js.meta);
  const nan = pq.events.find((e) => e.type === "metric" && Number.isNaN(e.value))!;
  assertEquals(nan.timestamp.offset, 3600);
});
