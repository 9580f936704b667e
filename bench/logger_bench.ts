/**
 * Logger benchmark: how many metric events per second `logMetrics` accepts, how fast flushes reach the
 * disk (MB/s), and whether memory stays flat over a long run (peak RSS sampled during the run).
 *
 * `deno run -A bench/logger_bench.ts [events]` (default 10,000,000 events). Targets: >= 1M events/s
 * accepted, >= 100 MB/s flushed, RSS flat.
 *
 * @module
 */
import { Run } from "../src/tracking/run.ts";
import { EventWriter } from "../src/tracking/writer.ts";
import { cpuUsage } from "node:process";

const total = Number(Deno.args[0] ?? 10_000_000);
const mb = (b: number) => (b / 1e6).toFixed(1);
const rss = () => Deno.memoryUsage().rss;

// 1. API throughput over a long run, with back-pressure (await ready() every 10,000 calls).
{
  const dir = await Deno.makeTempDir({ prefix: "plx-bench-" });
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false });
  const calls = total / 2;
  let peak = rss();
  const samples: number[] = [];
  const heap: number[] = [];
  const t0 = performance.now();
  const c0 = cpuUsage();
  let apiMs = 0;
  for (let i = 0; i < calls; i += 10_000) {
    const a = performance.now();
    const end = Math.min(calls, i + 10_000);
    for (let s = i; s < end; s++) run.logMetrics({ loss: 1 / (s + 1), accuracy: s / calls }, { step: s });
    apiMs += performance.now() - a;
    await run.ready();
    if (i % 500_000 === 0) {
      const mu = Deno.memoryUsage();
      if (Deno.env.get("BENCH_VERBOSE")) {
        console.log(mb(mu.rss), mb(mu.heapUsed), mb(mu.heapTotal), mb(mu.external));
      }
      const r = mu.rss;
      heap.push(mu.heapUsed + mu.external);
      samples.push(r);
      if (r > peak) peak = r;
    }
  }
  await run.end();
  const wall = (performance.now() - t0) / 1000;
  const c1 = cpuUsage(c0);
  const cpu = (c1.user + c1.system) / 1e6;
  const bytes = run.bytesWritten;
  console.log(`logMetrics: ${total.toLocaleString()} events in ${wall.toFixed(2)} s wall`);
  console.log(
    `  accepted by the API: ${(total / (apiMs / 1000) / 1e6).toFixed(2)} M events/s (time inside log calls)`,
  );
  console.log(
    `  end to end incl. flushes: ${(total / wall / 1e6).toFixed(2)} M events/s, ${
      mb(bytes / wall)
    } MB/s to disk`,
  );
  console.log(
    `  CPU: ${cpu.toFixed(2)} s = ${
      (total / cpu / 1e6).toFixed(2)
    } M events per CPU-second (robust to a busy machine)`,
  );
  console.log(`  written: ${mb(bytes)} MB; peak RSS ${mb(peak)} MB`);
  console.log(`  RSS every 1M events (MB): ${samples.map((s) => mb(s)).join(" ")}`);
  console.log(`  JS heap used + external every 1M events (MB): ${heap.map((s) => mb(s)).join(" ")}`);
  await Deno.remove(dir, { recursive: true });
}

// 2. Flush throughput: buffer ~256 MB of lines, then time the flush alone.
{
  const dir = await Deno.makeTempDir({ prefix: "plx-bench-flush-" });
  const w = new EventWriter(dir, { flushInterval: 3_600_000, maxBufferedBytes: 1 << 30 });
  const line = "123456|2025-03-01 09:15:02.481516+00:00|0.30000000000000004";
  const files = 8;
  const perFile = Math.floor((256e6 / (line.length + 1)) / files);
  for (let f = 0; f < files; f++) {
    for (let i = 0; i < perFile; i++) w.append(`events/metric/m${f}.plx`, "step|timestamp|metric", line);
  }
  const t0 = performance.now();
  const c0 = cpuUsage();
  await w.flush();
  const s = (performance.now() - t0) / 1000;
  const c1 = cpuUsage(c0);
  console.log(`  flush CPU: ${((c1.user + c1.system) / 1e6).toFixed(2)} s`);
  console.log(`flush: ${mb(w.bytesWritten)} MB in ${s.toFixed(2)} s = ${mb(w.bytesWritten / s)} MB/s`);
  await w.close();
  await Deno.remove(dir, { recursive: true });
}
