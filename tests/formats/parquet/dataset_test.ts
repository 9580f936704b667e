/**
 * The dataset as engines see it (layout 2): one schema for every file, the run table, original names,
 * and `--shard auto` over the documented Kubernetes manifest. DuckDB (from npm) reads the whole folder.
 */
import * as path from "node:path";
import { DuckDBInstance } from "../../_deps.ts";
import { assertEquals, assertOk } from "../../_assert.ts";
import { run } from "../../_cli.ts";
import { resolveShard } from "../../../src/convert/shard.ts";

const FIX = path.join(import.meta.dirname!, "../../../fixtures");
const DOCS = path.join(import.meta.dirname!, "../../../docs");

async function query<T = unknown[]>(sql: string): Promise<T[]> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    return (await con.runAndReadAll(sql)).getRows() as T[];
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const p = path.join(dir, e.name);
    if (e.isDirectory) out.push(...await files(p));
    else out.push(p);
  }
  return out.sort();
}

/** Events per kind of a plx tree, counted from its JSONL conversion (one line per event). */
async function jsonlKinds(src: string, dir: string): Promise<Record<string, number>> {
  const out = path.join(dir, "all.jsonl");
  const r = await run("convert", src, "--to", "jsonl", "--out", out);
  assertEquals(r.code, 0, r.err);
  const kinds: Record<string, number> = {};
  for (const line of (await Deno.readTextFile(out)).split("\n")) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    if (typeof e.kind === "string") kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  }
  return kinds;
}

Deno.test("one schema: DuckDB reads data/**/*.parquet as one table, with and without union_by_name", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = path.join(dir, "pq");
    const src = path.join(FIX, "runs");
    const c = await run("convert", src, "--to", "parquet", "--out", out);
    assertEquals(c.code, 0, c.err);
    const want = await jsonlKinds(src, dir);
    assertOk(Object.keys(want).length >= 10, JSON.stringify(want));
    // Nothing but Parquet files below data/ (polars.scan_parquet(dir) refuses other extensions).
    const parts = await files(path.join(out, "data"));
    assertEquals(parts.filter((f) => !f.endsWith(".parquet")), []);
    const runs = 4; // (the fixture's run folders)
    for (const union of [false, true]) {
      const t =
        `read_parquet('${out}/data/**/*.parquet', hive_partitioning = true, union_by_name = ${union})`;
      const rows = await query<[string, bigint]>(
        `SELECT kind, count(*) FROM ${t} GROUP BY kind ORDER BY kind`,
      );
      const got = Object.fromEntries(rows.map(([k, n]) => [k, Number(n)]));
      assertEquals(got, { ...want, run: runs }, `union_by_name=${union}`);
      const types = Object.fromEntries(
        await query<[string, string]>(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${t})`),
      );
      assertEquals(
        [types.value, types.text, types.values, types.labels_x, types.run_created_at, types.kind],
        ["DOUBLE", "VARCHAR", "DOUBLE[]", "VARCHAR[]", "TIMESTAMP WITH TIME ZONE", "VARCHAR"],
      );
      // Metric values stay numbers; every other kind has its own columns.
      const [[sum]] = await query<[number]>(
        `SELECT sum(value) FILTER (WHERE isfinite(value)) FROM ${t} WHERE kind = 'metric'`,
      );
      assertEquals(typeof sum, "number");
      const [[texts]] = await query<[bigint]>(`SELECT count(text) FROM ${t} WHERE kind = 'text'`);
      assertEquals(Number(texts), want.text);
    }
    // Row order within each file: by run (a plx tree is walked sorted), then scope and name.
    const unordered = await query<[string, bigint]>(
      `SELECT filename, count(*) FROM (
         SELECT filename, (run, scope, name) < lag((run, scope, name)) OVER (PARTITION BY filename
           ORDER BY file_row_number) AS back
         FROM read_parquet('${out}/data/**/*.parquet', filename = true, file_row_number = true))
       WHERE back GROUP BY filename`,
    );
    assertEquals(unordered, []);
    // The pyarrow.dataset / pandas / polars condition: every file has the same schema (first file wins).
    const schemas = new Set<string>();
    for (const f of parts) {
      const s = await query<[string, string, string, string]>(
        `SELECT name, type::VARCHAR, repetition_type::VARCHAR, logical_type::VARCHAR FROM parquet_schema('${f}')`,
      );
      schemas.add(JSON.stringify(s.slice(1))); // (the root's name differs by writer: not a column)
    }
    assertEquals(schemas.size, 1, [...schemas].join("\n"));
    const kv = await query<[string, string]>(
      `SELECT DISTINCT key::VARCHAR, value::VARCHAR FROM parquet_kv_metadata('${out}/data/**/*.parquet')
       WHERE key::VARCHAR IN ('plxkit.columnar_version', 'ARROW:schema')`,
    );
    // (ARROW:schema is in every file; arrow-rs and plxkit encode the same schema to different bytes)
    assertEquals([...new Set(kv.map(([k]) => k))].sort(), ["ARROW:schema", "plxkit.columnar_version"]);
    assertEquals(kv.find(([k]) => k === "plxkit.columnar_version")![1], "2");
    const marker = JSON.parse(await Deno.readTextFile(path.join(out, "_plxkit/dataset.json")));
    assertEquals([marker.version, marker.table], ["2", "data"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A plx run folder with a run record and a `loss` metric. */
async function plxRun(root: string, uuid: string, meta: Record<string, unknown>, losses: string[]) {
  const d = path.join(root, uuid);
  await Deno.mkdir(path.join(d, "events", "metric"), { recursive: true });
  await Deno.writeTextFile(path.join(d, "run.plx.json"), JSON.stringify({ uuid, ...meta }));
  const lines = losses.map((v, i) => `${i}|2025-03-01 09:15:${String(i).padStart(2, "0")}|${v}`);
  await Deno.writeTextFile(
    path.join(d, "events", "metric", "loss.plx"),
    ["step|timestamp|metric", ...lines].join("\n"),
  );
}

Deno.test("run table: one row per run; last loss per run against lr is one SQL join; records restored byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const src = path.join(dir, "runs");
    const lrs = [0.1, 0.01, 0.001];
    for (const [i, lr] of lrs.entries()) {
      await plxRun(src, `${i}`.repeat(32), {
        name: `r${i}`,
        tags: ["sweep", `lr${i}`],
        status: "succeeded",
        created_at: "2025-03-01T09:15:00.123456+01:00",
        finished_at: "2025-03-01T09:16:00+00:00",
        duration: 60.5,
        inputs: { lr, opt: "adam" },
        outputs: { best: i },
      }, ["3.0", "2.0", String(1 + lr)]);
    }
    const out = path.join(dir, "pq");
    assertEquals((await run("convert", src, "--to", "parquet", "--out", out)).code, 0);
    const t = `read_parquet('${out}/data/**/*.parquet', hive_partitioning = true)`;
    const joined = await query<[string, number, number]>(
      `WITH last AS (SELECT run, arg_max(value, step) AS loss FROM ${t}
                     WHERE kind = 'metric' AND name = 'loss' GROUP BY run)
       SELECT r.run_name, (r.inputs ->> 'lr')::DOUBLE AS lr, last.loss
       FROM ${t} AS r JOIN last USING (run) WHERE r.kind = 'run' ORDER BY lr`,
    );
    assertEquals(joined, [["r2", 0.001, 1.001], ["r1", 0.01, 1.01], ["r0", 0.1, 1.1]]);
    const [row] = await query<unknown[]>(
      `SELECT run_uuid, run_status, run_tags::VARCHAR, epoch_us(run_created_at), epoch_us(run_finished_at),
              run_started_at, run_duration, outputs, scope
       FROM ${t} WHERE kind = 'run' AND run_name = 'r1'`,
    );
    assertEquals(row, [
      "1".repeat(32),
      "succeeded",
      "[sweep, lr1]",
      BigInt(Date.UTC(2025, 2, 1, 8, 15, 0)) * 1000n + 123456n,
      BigInt(Date.UTC(2025, 2, 1, 9, 16, 0)) * 1000n,
      null,
      60.5,
      '{"best":1}',
      "run",
    ]);
    // Back to plx: the run table is not events; run.plx.json comes back byte for byte.
    const back = path.join(dir, "back");
    assertEquals((await run("convert", out, "--to", "plx", "--out", back)).code, 0);
    for (const i of [0, 1, 2]) {
      const id = `${i}`.repeat(32);
      assertEquals(
        await Deno.readTextFile(path.join(back, id, "run.plx.json")),
        await Deno.readTextFile(path.join(src, id, "run.plx.json")),
      );
      assertEquals(
        await Deno.readTextFile(path.join(back, id, "events/metric/loss.plx")),
        await Deno.readTextFile(path.join(src, id, "events/metric/loss.plx")),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("original names: TensorBoard tags are kept beside the sanitized names and come back in TensorBoard", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const logdir = path.join(FIX, "tensorboard/logdirs/tf2");
    const out = path.join(dir, "pq");
    assertEquals((await run("convert", logdir, "--to", "parquet", "--out", out)).code, 0);
    const t = `read_parquet('${out}/data/**/*.parquet', hive_partitioning = true)`;
    const renamed = await query<[string, string, string]>(
      `SELECT DISTINCT kind, name, source_name FROM ${t} WHERE name <> source_name ORDER BY ALL`,
    );
    assertOk(renamed.some(([k, n, s]) => k === "metric" && n === "typed__float64" && s === "typed/float64"));
    assertOk(renamed.every(([, n, s]) => n === s.replaceAll("/", "__")), JSON.stringify(renamed));
    // hparams are the run's inputs in the run table.
    const [[inputs]] = await query<[string]>(
      `SELECT inputs FROM ${t} WHERE kind = 'run' AND run_name = 'hp_run'`,
    );
    assertEquals(JSON.parse(inputs).lr, 0.01);
    // dataset -> TensorBoard -> dataset: the same original names.
    const tb = path.join(dir, "tb");
    const w = await run("convert", out, "--to", "tensorboard", "--out", tb);
    assertEquals(w.code, 0, w.err);
    const again = path.join(dir, "pq2");
    assertEquals((await run("convert", tb, "--to", "parquet", "--out", again)).code, 0);
    const names = (d: string) =>
      query<[string, string, string]>(
        `SELECT DISTINCT kind, name, source_name FROM read_parquet('${d}/data/**/*.parquet',
         hive_partitioning = true) WHERE kind <> 'run' ORDER BY ALL`,
      );
    assertEquals(await names(again), await names(out));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--shard auto takes k/n from a Kubernetes Indexed Job's environment; bad values are usage errors", async (t) => {
  await t.step("resolveShard", () => {
    assertEquals(resolveShard("auto", { JOB_COMPLETION_INDEX: "0", PLXKIT_SHARDS: "3" }), "1/3");
    assertEquals(resolveShard("auto", { JOB_COMPLETION_INDEX: "2", PLXKIT_SHARDS: "3" }), "3/3");
    assertEquals(resolveShard("2/5", {}), "2/5");
    assertEquals(resolveShard(undefined, {}), undefined);
    for (
      const env of [
        {},
        { JOB_COMPLETION_INDEX: "0" },
        { JOB_COMPLETION_INDEX: "3", PLXKIT_SHARDS: "3" },
        { JOB_COMPLETION_INDEX: "-1", PLXKIT_SHARDS: "3" },
        { JOB_COMPLETION_INDEX: "0", PLXKIT_SHARDS: "0" },
      ]
    ) {
      let msg = "";
      try {
        resolveShard("auto", env);
      } catch (e) {
        msg = (e as Error).message;
      }
      assertOk(msg.startsWith("--shard auto: "), JSON.stringify(env) + " " + msg);
    }
  });

  await t.step(
    "the docs' Indexed Job manifest: every index converts its shard into one dataset",
    async () => {
      const manifest = await Deno.readTextFile(path.join(DOCS, "examples/plxkit-indexed-job.yaml"));
      const completions = Number(/^\s*completions:\s*(\d+)/m.exec(manifest)![1]);
      assertEquals(/^\s*completionMode:\s*Indexed/m.test(manifest), true);
      const shards = /name: PLXKIT_SHARDS\s*\n\s*value: "(\d+)"/.exec(manifest)![1];
      assertEquals(Number(shards), completions);
      const args = JSON.parse(/^\s*args:\s*(\[.*\])\s*$/m.exec(manifest)![1]) as string[];
      assertEquals(args.slice(0, 1), ["convert"]);
      const dir = await Deno.makeTempDir();
      try {
        // The pod's paths (/data/runs, /data/dataset) mapped to a temporary folder.
        const src = path.join(dir, "runs");
        await new Deno.Command("cp", { args: ["-r", path.join(FIX, "runs"), src] }).output();
        const local = args.map((a) =>
          a.replace("/data/runs", src).replace("/data/dataset", path.join(dir, "ds"))
        );
        assertOk(local.includes("auto"));
        for (let i = 0; i < completions; i++) {
          Deno.env.set("JOB_COMPLETION_INDEX", String(i));
          Deno.env.set("PLXKIT_SHARDS", shards);
          try {
            const r = await run(...local);
            assertEquals(r.code, 0, r.err);
            // Idempotent: a retried pod finds its runs done.
            const again = await run(...local);
            assertOk(
              /0 ok, 0 failed, \d+ already done/.test(again.out) || again.out.includes(" 0 runs"),
              again.out,
            );
          } finally {
            Deno.env.delete("JOB_COMPLETION_INDEX");
            Deno.env.delete("PLXKIT_SHARDS");
          }
        }
        const [[n, runs]] = await query<[bigint, bigint]>(
          `SELECT count(*), count(DISTINCT run) FROM read_parquet('${dir}/ds/data/kind=run/*.parquet')`,
        );
        assertEquals([Number(n), Number(runs)], [4, 4]);
        const writers = new Set((await files(path.join(dir, "ds/data"))).map((f) => /-s(\d+)of/.exec(f)![1]));
        assertOk(writers.size > 1, [...writers].join());
        const bad = await run(...local);
        assertEquals(bad.code, 2);
        assertOk(bad.err.includes("--shard auto: JOB_COMPLETION_INDEX is not set"), bad.err);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
});
