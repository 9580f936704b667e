/**
 * Columnar benchmark: plx -> parquet and plx -> jsonl (and back) on a generated run of 5 million metric rows
 * (`bench/data/columnar/run0/events/metric/loss.plx`, made on first use, gitignored). Prints MB/s of plx
 * input, rows/s and peak RSS, plus the plx read alone (the reader bounds the conversions), and when
 * Python's duckdb is installed, DuckDB's own `COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT parquet)`
 * on the same file and the time ratio.
 *
 * `deno run -A bench/columnar_bench.ts [rows]`
 *
 * @module
 */
import * as path from "node:path";
import { convert, type EventSource, runItem } from "../src/convert/pipeline.ts";
import type { PlxEvent } from "../src/model/event.ts";
import { PlxSource } from "../src/formats/plx/source.ts";
import { ParquetSink } from "../src/formats/parquet/sink.ts";
import { JsonlSink } from "../src/formats/jsonl/sink.ts";
import { JsonlSource } from "../src/formats/jsonl/source.ts";
import { ParquetSource } from "../src/formats/parquet/source.ts";
import { PlxSink } from "../src/formats/plx/sink.ts";

const ROWS = Number(Deno.args[0] ?? 5_000_000);
const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "data", "columnar");
const runDir = path.join(dir, "run0");
const file = path.join(runDir, "events", "metric", "loss.plx");

async function generate(): Promise<void> {
  try {
    const st = await Deno.stat(file);
    const want = await Deno.readTextFile(path.join(dir, "rows.txt")).catch(() => "");
    if (st.size > 0 && want.trim() === String(ROWS)) return;
  } catch { /* make it */ }
  await Deno.mkdir(path.dirname(file), { recursive: true });
  using f = await Deno.open(file, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let parts: string[] = ["step|timestamp|metric"];
  let t = Date.UTC(2025, 2, 1) * 1000;
  for (let i = 0; i < ROWS; i++) {
    t += 1000 + (i * 7919) % 997;
    const d = new Date(Math.floor(t / 1000)).toISOString().replace("T", " ").slice(0, 19);
    const v = i % 100_000 === 7 ? "nan" : String(Math.sin(i) * 1e-3 + i * 1e-4);
    parts.push(`\n${i}|${d}.${String(t % 1_000_000).padStart(6, "0")}+00:00|${v}`);
    if (parts.length >= 100_000) {
      await f.write(enc.encode(parts.join("")));
      parts = [];
    }
  }
  await f.write(enc.encode(parts.join("")));
  await Deno.writeTextFile(path.join(dir, "rows.txt"), String(ROWS));
}

const TASKS: Record<string, (out: string) => Promise<number>> = {};
const ONE = Deno.env.get("COLUMNAR_BENCH_TASK");

/** Whether `taskset` can pin a process to one CPU here (Linux). */
const PIN = await new Deno.Command("taskset", { args: ["-c", "0", "true"] }).output().then(
  (o) => o.success,
  () => false,
);

/**
 * Runs a task in a fresh process (so its peak RSS is its own) and prints its line. With `pinned`, the
 * process (its I/O and GC threads included) is confined to one CPU with `taskset -c 0`: the one-core
 * figure.
 */
async function measure(
  label: string,
  task: (out: string) => Promise<number>,
  pinned = false,
): Promise<number> {
  TASKS[label] = task;
  if (ONE !== undefined) return 0;
  if (pinned && !PIN) return 0;
  await Deno.remove(out, { recursive: true }).catch(() => {});
  const args = [
    "run",
    "-A",
    "--v8-flags=--max-old-space-size=4096",
    new URL(import.meta.url).pathname,
    String(ROWS),
  ];
  const p = await new Deno.Command(pinned ? "taskset" : Deno.execPath(), {
    args: pinned ? ["-c", "0", Deno.execPath(), ...args] : args,
    env: { COLUMNAR_BENCH_TASK: label },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const r = JSON.parse(new TextDecoder().decode(p.stdout).trim().split("\n").at(-1) ?? "{}") as {
    s: number;
    rows: number;
    peak: number;
  };
  const bytes = (await Deno.stat(file)).size;
  console.log(
    `${(label + (pinned ? " [1 CPU]" : "")).padEnd(30)} ${r.s.toFixed(2)} s  ${
      (bytes / 1e6 / r.s).toFixed(1)
    } MB/s of plx input  ` +
      `${(r.rows / r.s / 1e6).toFixed(2)} M rows/s  peak RSS ${(r.peak / 2 ** 20).toFixed(0)} MiB`,
  );
  return r.s;
}

async function runOne(label: string, out: string): Promise<void> {
  let peak = Deno.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, Deno.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const rows = await TASKS[label](out);
  const s = (performance.now() - t0) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, Deno.memoryUsage().rss);
  console.log(JSON.stringify({ s, rows, peak }));
}

if (ONE === undefined) await generate();
const size = (await Deno.stat(file)).size;
if (ONE === undefined) console.log(`input: ${file} (${(size / 1e6).toFixed(0)} MB, ${ROWS} metric rows)`);
const out = path.join(dir, "out");
if (ONE === undefined) await Deno.remove(out, { recursive: true }).catch(() => {});

await measure("plx read only", async () => {
  let n = 0;
  for await (const item of new PlxSource([runDir]).runs()) {
    if (item.type === "diagnostic") continue;
    for await (const b of item.run.batches()) n += b.events.length;
  }
  return n;
});
await measure("plx read (columns)", async () => {
  // What the JSONL and Parquet sinks take: metric rows as columns (PlxBatch.metrics), no event objects.
  let n = 0;
  for await (const item of new PlxSource([runDir]).runs()) {
    if (item.type === "diagnostic") continue;
    for await (const b of item.run.batches()) n += b.metrics?.length ?? b.events.length;
  }
  return n;
});
const ours = await measure("plx -> parquet", async () => {
  const r = await convert(new PlxSource([runDir]), await ParquetSink.open(path.join(out, "ds")));
  return r.events;
});
let pqBytes = 0;
if (ONE === undefined) {
  for await (const e of Deno.readDir(path.join(out, "ds", "data", "kind=metric"))) {
    pqBytes += (await Deno.stat(path.join(out, "ds", "data", "kind=metric", e.name))).size;
  }
}
await measure("plx -> parquet", async () => {
  const r = await convert(new PlxSource([runDir]), await ParquetSink.open(path.join(out, "ds")));
  return r.events;
}, true);
await measure("plx -> jsonl", async () => {
  const r = await convert(new PlxSource([runDir]), new JsonlSink(path.join(out, "all.jsonl")));
  return r.events;
});
await measure("plx -> jsonl", async () => {
  const r = await convert(new PlxSource([runDir]), new JsonlSink(path.join(out, "all.jsonl")));
  return r.events;
}, true);
// The same with the output in memory (tmpfs), when there is one: our work without this disk's speed, which
// on this VM varies by 2x from hour to hour for 830 MB of output written and synced.
const SHM = await Deno.stat("/dev/shm").then((s) => s.isDirectory, () => false);
const shmOut = `/dev/shm/plxkit-bench-${Deno.pid}.jsonl`;
for (const pinned of [false, true]) {
  if (!SHM) break;
  await measure("plx -> jsonl (tmpfs)", async () => {
    const r = await convert(new PlxSource([runDir]), new JsonlSink(shmOut));
    await Deno.remove(shmOut);
    return r.events;
  }, pinned);
}
await measure("plx -> jsonl.gz", async () => {
  const r = await convert(new PlxSource([runDir]), new JsonlSink(path.join(out, "all.jsonl.gz")));
  return r.events;
});
// The sinks alone: events made on the fly (no plx parsing), to separate writer cost from reader cost.
function synthetic(): EventSource {
  return {
    async *runs() {
      yield runItem({
        info: { id: "run0" },
        async *batches() {
          let t = Date.UTC(2025, 2, 1) * 1000;
          for (let i = 0; i < ROWS; i += 10_000) {
            const events: PlxEvent[] = [];
            for (let j = i; j < Math.min(ROWS, i + 10_000); j++) {
              t += 1000 + (j * 7919) % 997;
              events.push({
                run: "run0",
                scope: "events",
                kind: "metric",
                name: "loss",
                step: j,
                timestamp: { micros: t, offset: 0 },
                type: "metric",
                value: Math.sin(j) * 1e-3 + j * 1e-4,
              });
            }
            yield { events, diagnostics: [] };
          }
        },
        readAsset: () => Promise.resolve(null),
      });
    },
  };
}
await measure("events -> parquet", async () => {
  const r = await convert(synthetic(), await ParquetSink.open(path.join(out, "ds2")));
  return r.events;
});
await measure("events -> jsonl", async () => {
  const r = await convert(synthetic(), new JsonlSink(path.join(out, "all2.jsonl")));
  return r.events;
});
// Back: the dataset and JSONL file made once here (not timed), read into each other and into plx.
const rev = path.join(dir, "rev");
if (ONE === undefined) {
  await Deno.remove(rev, { recursive: true }).catch(() => {});
  await convert(new PlxSource([runDir]), await ParquetSink.open(path.join(rev, "ds")));
  await convert(new PlxSource([runDir]), new JsonlSink(path.join(rev, "all.jsonl")));
}
await measure("parquet -> jsonl", async () => {
  const r = await convert(
    new ParquetSource([path.join(rev, "ds")]),
    new JsonlSink(path.join(out, "b.jsonl")),
  );
  return r.events;
});
await measure("parquet -> plx", async () => {
  const r = await convert(new ParquetSource([path.join(rev, "ds")]), new PlxSink(path.join(out, "plx")));
  return r.events;
});
await measure("jsonl -> parquet", async () => {
  const sink = await ParquetSink.open(path.join(out, "ds-back"));
  const r = await convert(new JsonlSource([path.join(rev, "all.jsonl")]), sink);
  return r.events;
});
await measure("jsonl -> plx", async () => {
  const r = await convert(
    new JsonlSource([path.join(rev, "all.jsonl")]),
    new PlxSink(path.join(out, "plx2")),
  );
  return r.events;
});
if (ONE === undefined) await Deno.remove(rev, { recursive: true }).catch(() => {});
if (ONE !== undefined) {
  await runOne(ONE, out);
  Deno.exit(0);
}
console.log(
  "(events -> x: no plx parsing; x -> y from Parquet or JSONL: MB/s per byte of the equivalent plx)",
);
console.log(
  "(parquet: every row encoded natively, one thread; one schema of 45 columns, layout 2)",
);
console.log(`parquet output: ${(pqBytes / 1e6).toFixed(1)} MB`);

const py = `
import duckdb, time, sys
t = time.perf_counter()
duckdb.sql("SET threads=1")
duckdb.sql(f"COPY (SELECT * FROM read_csv('{sys.argv[1]}', delim='|')) TO '{sys.argv[2]}' (FORMAT parquet)")
print(time.perf_counter() - t)
`;
try {
  const p = await new Deno.Command("python3", {
    args: ["-c", py, file, path.join(dir, "duckdb.parquet")],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!p.success) throw new Error(new TextDecoder().decode(p.stderr).trim().split("\n").at(-1));
  const s = Number(new TextDecoder().decode(p.stdout).trim());
  console.log(
    `duckdb COPY (1 thread) ${s.toFixed(2)} s  ${
      (size / 1e6 / s).toFixed(1)
    } MB/s; plxkit/duckdb time ratio ${(ours / s).toFixed(2)}`,
  );
} catch (e) {
  console.log(`duckdb (python) not available; skipped (${e instanceof Error ? e.message : e})`);
}
await Deno.remove(out, { recursive: true }).catch(() => {});
await Deno.remove(path.join(dir, "duckdb.parquet")).catch(() => {});
