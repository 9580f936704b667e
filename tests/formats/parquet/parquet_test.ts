import { runUuid } from "../../../src/convert/carry.ts";
import fc from "../../_fc.ts";
import * as path from "node:path";
import { DuckDBInstance } from "../../_deps.ts";
import { assertEquals, assertOk } from "../../_assert.ts";
import { convert, type EventSink } from "../../../src/convert/pipeline.ts";
import type { PlxEvent } from "../../../src/model/event.ts";
import { ParquetSink, type ParquetSinkOptions } from "../../../src/formats/parquet/sink.ts";
import { ParquetSource } from "../../../src/formats/parquet/source.ts";
import { JsonlSink } from "../../../src/formats/jsonl/sink.ts";
import { JsonlSource } from "../../../src/formats/jsonl/source.ts";
import { PlxSource } from "../../../src/formats/plx/source.ts";
import { PlxSink } from "../../../src/formats/plx/sink.ts";
import { byRun, eventArb, memorySource, parquetOrder } from "../_columnar.ts";

function collector(): { sink: EventSink; events: PlxEvent[]; ids: string[] } {
  const events: PlxEvent[] = [];
  const ids: string[] = [];
  return {
    events,
    ids,
    sink: {
      openRun: (info) => {
        ids.push(info.id);
        return Promise.resolve({
          write: (ev: PlxEvent[]) => Promise.resolve(void events.push(...ev)),
          commit: () => Promise.resolve(),
          abort: () => Promise.resolve(),
        });
      },
      close: () => Promise.resolve(),
    },
  };
}

async function readBack(dir: string): Promise<PlxEvent[]> {
  const c = collector();
  const r = await convert(new ParquetSource([dir]), c.sink);
  assertEquals(r.diagnostics, []);
  return c.events;
}

async function query<T = unknown[]>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const rows = (await con.runAndReadAll(sql)).getRows() as T[];
  con.closeSync();
  db.closeSync();
  return rows;
}

const metric = (run: string, name: string, step: number, value: number): PlxEvent => ({
  run,
  scope: "events",
  kind: "metric",
  name,
  step,
  timestamp: { micros: 1740820502000000 + step, offset: 0 },
  type: "metric",
  value,
});

Deno.test("property: events -> parquet -> events is lossless (every kind, NaN/inf/-0, offsets, unicode)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<ParquetSinkOptions>(
          // Small row groups and parts exercise splitting runs across row groups and parts.
          { rowGroupRows: 3, partBytes: 1 },
          {},
          // parquet-wasm: snappy (on the worker), and every kind through it (the benchmark's comparison)
          { compression: "snappy" },
          { rowGroupRows: 3, partBytes: 1, encoder: "wasm" },
        ),
        async (events, options) => {
          const out = path.join(dir, String(i++));
          const runs = byRun(events);
          const sink = await ParquetSink.open(out, options);
          const r = await convert(memorySource(runs, { batch: 4 }), sink);
          assertEquals(r.runs.map((x) => x.status), runs.map(() => "ok"));
          assertEquals(await readBack(out), parquetOrder(runs));
        },
      ),
      { numRuns: 30 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("plx -> parquet -> plx and plx -> jsonl -> parquet -> plx give the same folders and assets", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runs = path.join(dir, "runs");
    const events = (run: string): PlxEvent[] => [
      metric(run, "loss", 1, NaN),
      { ...metric(run, "loss", 2, -0), timestamp: { micros: 1740820502000002, offset: null } },
      { ...metric(run, "cpu", 0, 1.5), scope: "resources", step: null },
      {
        ...metric(run, "t", 3, 0),
        kind: "tsv",
        type: "artifact",
        value: { kind: "tsv", path: "assets/tsv/t_3.tsv" },
      } as PlxEvent,
    ];
    const assets = { "assets/tsv/t_3.tsv": new TextEncoder().encode("a\tb\n") };
    await convert(memorySource([["r1", events("r1")], ["r2", events("r2")]], { assets }), new PlxSink(runs));
    await convert(new PlxSource([runs]), await ParquetSink.open(path.join(dir, "pq")));
    await convert(new ParquetSource([path.join(dir, "pq")]), new PlxSink(path.join(dir, "back")));
    await convert(new PlxSource([runs]), new JsonlSink(path.join(dir, "j.jsonl")));
    await convert(
      new JsonlSource([path.join(dir, "j.jsonl")]),
      await ParquetSink.open(path.join(dir, "pq2")),
    );
    await convert(new ParquetSource([path.join(dir, "pq2")]), new PlxSink(path.join(dir, "back2")));
    for (const back of ["back", "back2"]) {
      // (Run ids that are not Polyaxon uuids become the folders of their name-based uuids.)
      const [r1, r2] = [runUuid("r1"), runUuid("r2")];
      for (
        const f of [
          `${r1}/events/metric/loss.plx`,
          `${r2}/resources/metric/cpu.plx`,
          `${r1}/assets/tsv/t_3.tsv`,
        ]
      ) {
        assertEquals(
          await Deno.readTextFile(path.join(dir, back, f)),
          await Deno.readTextFile(path.join(runs, f)),
          `${back}/${f}`,
        );
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DuckDB reads the dataset: counts, sums, per-name last values and types match the source", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runs: [string, PlxEvent[]][] = [];
    for (let r = 0; r < 5; r++) {
      const ev: PlxEvent[] = [];
      for (let s = 0; s < 300; s++) {
        ev.push(metric(`run${r}`, "loss", s, s * 0.25 + r), metric(`run${r}`, "acc/top-1", s, 1 / (s + 1)));
      }
      ev.push(metric(`run${r}`, "loss", 300, NaN));
      runs.push([`run${r}`, ev]);
    }
    const out = path.join(dir, "ds");
    await convert(memorySource(runs), await ParquetSink.open(out, { rowGroupRows: 256 }));
    const src = runs.flatMap(([, e]) => e);
    const glob = `read_parquet('${out}/data/kind=*/*.parquet', hive_partitioning=true)`;
    const [[count, sum, nans]] = await query<[bigint, number, bigint]>(
      `select count(*), sum(value) filter (where not isnan(value)), count(*) filter (where isnan(value)) from ${glob} where kind = 'metric'`,
    );
    assertEquals(Number(count), src.length);
    assertEquals(Number(nans), 5);
    const want = src.reduce((a, e) => a + (Number.isNaN(e.value) ? 0 : e.value as number), 0);
    assertOk(Math.abs(sum - want) < 1e-6 * Math.abs(want), `${sum} vs ${want}`);
    const last = await query<[string, string, number]>(
      `select run, name, arg_max(value, step) from ${glob} where not isnan(value) group by all order by all`,
    );
    assertEquals(last.length, 10);
    for (const [run, name, v] of last) {
      const vals = src.filter((e) => e.run === run && e.name === name && !Number.isNaN(e.value));
      assertEquals(v, vals.at(-1)!.value);
    }
    const types = await query<[string, string]>(
      `select column_name, column_type from (describe select * from ${glob})`,
    );
    const t = Object.fromEntries(types);
    assertEquals([t.step, t.timestamp, t.value, t.utc_offset, t.kind], [
      "BIGINT",
      "TIMESTAMP WITH TIME ZONE",
      "DOUBLE",
      "INTEGER",
      "VARCHAR",
    ]);
    const meta = await query<[string]>(
      `select value::varchar from parquet_kv_metadata('${out}/data/kind=metric/*.parquet') where key::varchar = 'plxkit.columnar_version' limit 1`,
    );
    assertEquals(meta, [["2"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a killed conversion leaves no visible half part; a rerun resumes without duplicated rows", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "ds");
    const runs: [string, PlxEvent[]][] = Array.from({ length: 6 }, (_, r) => [
      `run${r}`,
      Array.from({ length: 50 }, (_, s) => metric(`run${r}`, "loss", s, s)),
    ]);
    // First attempt: commits every part (tiny parts), then "dies" in run3 without closing.
    const sink = await ParquetSink.open(out, { rowGroupRows: 16, partBytes: 1 });
    for (const [id, ev] of runs.slice(0, 3)) {
      const rs = await sink.openRun({ id }, { note() {} } as never) as Exclude<
        Awaited<ReturnType<typeof sink.openRun>>,
        "done"
      >;
      await rs.write(ev, {
        info: { id },
        batches: async function* () {},
        readAsset: () => Promise.resolve(null),
      });
      await rs.commit();
    }
    const rs = await sink.openRun({ id: "run3" }, { note() {} } as never) as Exclude<
      Awaited<ReturnType<typeof sink.openRun>>,
      "done"
    >;
    await rs.write(runs[3][1], {
      info: { id: "run3" },
      batches: async function* () {},
      readAsset: () => Promise.resolve(null),
    });
    // (no commit, no close: the process is gone)
    sink.terminate();
    const r = await convert(memorySource(runs), await ParquetSink.open(out, { rowGroupRows: 16 }));
    const status = r.runs.map((x) => x.status);
    assertEquals(status.filter((s) => s === "ok").length + status.filter((s) => s === "skipped").length, 6);
    const [[n, runsSeen]] = await query<[bigint, bigint]>(
      `select count(*), count(distinct run) from '${out}/data/kind=metric/*.parquet'`,
    );
    assertEquals([Number(n), Number(runsSeen)], [300, 6]);
    const tmp = [...Deno.readDirSync(path.join(out, "data", "kind=metric"))].filter((e) =>
      e.name.endsWith(".tmp")
    );
    assertEquals(tmp, []);
    // Rerun: all done.
    const again = await convert(memorySource(runs), await ParquetSink.open(out));
    assertEquals(again.runs.every((x) => x.status === "skipped"), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("one bad run is reported and dropped, others kept; shards write into one dataset without clashing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "ds");
    const runs: [string, PlxEvent[]][] = Array.from({ length: 8 }, (_, r) => [
      `run${r}`,
      Array.from({ length: 40 }, (_, s) => metric(`run${r}`, "loss", s, s)),
    ]);
    const { shardFilter } = await import("../../../src/convert/shard.ts");
    const reports = await Promise.all(["1/2", "2/2"].map(async (shard) =>
      convert(
        memorySource(runs, { failRun: "run5", batch: 7 }),
        await ParquetSink.open(out, { shard, rowGroupRows: 8, partBytes: 1 }),
        { filter: shardFilter(shard) },
      )
    ));
    const all = reports.flatMap((r) => r.runs);
    assertEquals(all.length, 8);
    assertEquals(all.filter((x) => x.status === "failed").map((x) => x.id), ["run5"]);
    const rows = await query<[string, bigint]>(
      `select run, count(*) from '${out}/data/kind=*/*.parquet' where kind <> 'run' group by run order by run`,
    );
    assertEquals(
      rows.map(([r, n]) => [r, Number(n)]),
      runs.filter(([id]) => id !== "run5").map(([id]) => [id, 40]),
    );
    const files = [...Deno.readDirSync(path.join(out, "data", "kind=metric"))].map((e) => e.name);
    assertOk(files.some((f) => f.includes("-s1of2-")) && files.some((f) => f.includes("-s2of2-")));
    const back = collector();
    await convert(new ParquetSource([out]), back.sink);
    assertEquals(back.ids.sort(), runs.map(([id]) => id).filter((id) => id !== "run5"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kinds and run ids that look like paths never leave the dataset", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "ds");
    const r = await convert(
      memorySource([["..", [metric("..", "x", 1, 1)]], ["ok", [
        { ...metric("ok", "x", 1, 1), kind: "a/../..", type: "artifact", value: {} } as PlxEvent,
      ]]]),
      await ParquetSink.open(out),
    );
    assertEquals(r.runs[0].status, "failed");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["ds"]);
    const back = await readBack(out);
    assertEquals(back.map((e) => e.kind), ["a/../.."]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a crash between the commit record and the renames is rolled forward on reopen", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "ds");
    const runs: [string, PlxEvent[]][] = [["a", [metric("a", "x", 1, 1)]], ["b", [metric("b", "x", 1, 2)]]];
    await convert(memorySource(runs), await ParquetSink.open(out));
    const part = [...Deno.readDirSync(path.join(out, "data", "kind=metric"))][0].name;
    // Put the part back under its temporary name, as if the process died before renaming it.
    await Deno.rename(
      path.join(out, "data", "kind=metric", part),
      path.join(out, "data", "kind=metric", `.${part}.tmp`),
    );
    const r = await convert(memorySource(runs), await ParquetSink.open(out));
    assertEquals(r.runs.map((x) => x.status), ["skipped", "skipped"]);
    assertEquals([...Deno.readDirSync(path.join(out, "data", "kind=metric"))].map((e) => e.name), [part]);
    assertEquals((await readBack(out)).map((e) => e.value), [1, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a damaged part fails the runs that need it, naming the part; nothing crashes", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "ds");
    const runs: [string, PlxEvent[]][] = ["a", "b"].map((id) => [id, [metric(id, "x", 1, 1)]]);
    await convert(memorySource(runs), await ParquetSink.open(out));
    const part = path.join(
      out,
      "data",
      "kind=metric",
      [...Deno.readDirSync(path.join(out, "data", "kind=metric"))][0].name,
    );
    const bytes = await Deno.readFile(part);
    bytes.fill(0, 100, 180);
    await Deno.writeFile(part, bytes);
    const c = collector();
    const r = await convert(new ParquetSource([out]), c.sink);
    assertEquals(r.runs.map((x) => x.status), ["failed", "failed"]);
    assertOk(/data\/kind=metric\/part-s1of1-\d+\.parquet/.test(r.runs[0].error!), r.runs[0].error);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("property: events -> jsonl -> parquet -> jsonl gives the same lines", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 30 }), async (events) => {
        const d = path.join(dir, String(i++));
        const runs = byRun(events);
        await convert(memorySource(runs), new JsonlSink(path.join(d, "a.jsonl")));
        await convert(new JsonlSource([path.join(d, "a.jsonl")]), await ParquetSink.open(path.join(d, "pq")));
        await convert(new ParquetSource([path.join(d, "pq")]), new JsonlSink(path.join(d, "b.jsonl")));
        const a = await convert(new JsonlSource([path.join(d, "a.jsonl")]), collector().sink);
        const lines = (f: string) => Deno.readTextFileSync(path.join(d, f)).split("\n").filter(Boolean);
        assertEquals(a.events, events.length);
        // Parquet gives runs back kind by kind; compare as sorted multisets per run.
        assertEquals(lines("b.jsonl").sort(), lines("a.jsonl").sort());
      }),
      { numRuns: 20 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the repository's plx fixture runs survive plx -> parquet and plx -> jsonl event for event", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runsDir = path.join(import.meta.dirname!, "../../../fixtures/runs");
    const read = async (source: PlxSource | ParquetSource | JsonlSource) => {
      const c = collector();
      await convert(source, c.sink);
      return c.events;
    };
    const original = await read(new PlxSource([runsDir]));
    assertOk(original.length > 10);
    await convert(new PlxSource([runsDir]), await ParquetSink.open(path.join(dir, "pq")));
    await convert(new PlxSource([runsDir]), new JsonlSink(path.join(dir, "all.jsonl")));
    assertEquals(await read(new ParquetSource([path.join(dir, "pq")])), parquetOrder(byRun(original)));
    assertEquals(await read(new JsonlSource([path.join(dir, "all.jsonl")])), original);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a dataset of another layout version is refused, not mixed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "ds");
    await Deno.mkdir(path.join(out, "_plxkit"), { recursive: true });
    await Deno.writeTextFile(
      path.join(out, "_plxkit/dataset.json"),
      '{"format":"plxkit-parquet","version":"99"}',
    );
    const { PlxDataError } = await import("../../../src/diagnostics.ts");
    const { assertRejects } = await import("../../_assert.ts");
    await assertRejects(() => ParquetSink.open(out), PlxDataError, 'version "99"');
    const r = await convert(new ParquetSource([out]), collector().sink);
    assertEquals(r.diagnostics.map((d) => d.code), ["dataset-version"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
