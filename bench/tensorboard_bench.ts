/**
 * TensorBoard event files: write and read a generated scalar-heavy event file (>= 200 MB), printing MB/s,
 * events/s and peak RSS, and the time TensorBoard's own Python loader (`EventFileLoader`, and
 * `EventAccumulator` on a smaller file) takes on the same file when Python + tensorboard are installed.
 *
 *   deno run -A bench/tensorboard_bench.ts [sizeMB=220]
 *
 * Data goes to bench/data/tensorboard/ (gitignored).
 *
 * @module
 */
import * as path from "node:path";
import process from "node:process";
import type { PlxEvent } from "../src/model/event.ts";
import { TensorboardEncoder } from "../src/formats/tensorboard/write.ts";
import { TensorboardRunReader } from "../src/formats/tensorboard/read.ts";
import { readAhead } from "../src/formats/tensorboard/source.ts";

const targetMB = Number(Deno.args[0] ?? 220);
const dir = path.join(import.meta.dirname!, "data", "tensorboard");
await Deno.mkdir(dir, { recursive: true });

let peak = 0;
const sample = () => {
  const r = Deno.memoryUsage().rss;
  if (r > peak) peak = r;
};
const mb = (b: number) => b / 1e6;
/** Process CPU seconds (user + system) since `from`: the work done, whatever else the machine runs. */
const cpu = (from?: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
};
const fmt = (x: number, d = 1) => x.toFixed(d);

const TAGS = [
  "train/loss",
  "train/accuracy",
  "val/loss",
  "val/accuracy",
  "lr",
  "grad_norm",
  "throughput",
  "gpu/mem",
];
const BATCH = 8192;

/** Writes a scalar-heavy file with our encoder; returns [bytes, events, seconds]. */
async function writeFile(
  file: string,
  plugin: boolean,
  bytesWanted: number,
): Promise<[number, number, number, number]> {
  const enc = new TensorboardEncoder({ plugin });
  const batch: PlxEvent[] = Array.from({ length: BATCH }, (_, i) => ({
    run: "bench",
    scope: "events",
    kind: "metric",
    name: TAGS[i % TAGS.length].replace("/", "__"),
    step: 0,
    timestamp: { micros: 0, offset: 0 },
    type: "metric",
    value: 0,
  } as PlxEvent));
  const f = await Deno.open(file, { write: true, create: true, truncate: true });
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let written = 0, events = 0, step = 0;
  // Like the sink: the write of one batch overlaps the encoding of the next.
  let pending: Promise<void> = Promise.resolve();
  const w = async (b: Uint8Array) => {
    await pending;
    written += b.length;
    pending = (async () => {
      let o = 0;
      while (o < b.length) o += await f.write(b.subarray(o));
    })();
  };
  await w(enc.header(1700000000));
  const none = () => Promise.resolve(null);
  while (written < bytesWanted) {
    for (let i = 0; i < BATCH; i++) {
      const e = batch[i] as PlxEvent & { value: number };
      if (i % TAGS.length === 0) step++;
      e.step = step;
      (e as { timestamp: { micros: number; offset: number } }).timestamp = {
        micros: 1700000000_000000 + step * 1000 + i,
        offset: 0,
      };
      e.value = Math.sin(step / 1000 + i) * 3.7 + step * 1e-7;
    }
    await w(await enc.encode(batch, none));
    events += BATCH;
    sample();
  }
  await pending;
  f.close();
  return [written, events, (performance.now() - t0) / 1000, cpu(c0)];
}

async function readFile(file: string): Promise<[number, number, number, number]> {
  const size = (await Deno.stat(file)).size;
  const r = new TensorboardRunReader("bench");
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let events = 0, problems = 0;
  for await (const b of r.readFile(path.basename(file), readAhead(file), size)) {
    events += b.events.length;
    problems += b.diagnostics.length;
    sample();
  }
  const secs = (performance.now() - t0) / 1000;
  const c = cpu(c0);
  if (problems) throw new Error(`${problems} diagnostics reading ${file}`);
  return [size, events, secs, c];
}

async function python(code: string, file: string): Promise<{ events: number; secs: number } | string> {
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", code, file],
      stdout: "piped",
      stderr: "piped",
      env: { TF_CPP_MIN_LOG_LEVEL: "3" },
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
    if (!out.success) {
      return "python failed: " + new TextDecoder().decode(out.stderr).trim().split("\n").pop();
    }
    return JSON.parse(text);
  } catch (e) {
    return `python not available (${(e as Error).message})`;
  }
}

/** TensorBoard's fastest Python path: raw records + Event parsing (C++ with TensorFlow installed). */
const RAW_LOADER = `
import json, sys, time
try:
    from tensorboard.backend.event_processing import event_file_loader as l
except ImportError:
    print(json.dumps("tensorboard not installed")); sys.exit(0)
t = time.perf_counter(); n = 0
for e in l.LegacyEventFileLoader(sys.argv[1]).Load():
    if e.HasField("summary"):
        n += len(e.summary.value)
print(json.dumps({"events": n, "secs": time.perf_counter() - t}))
`;
/** What TensorBoard's data path reads: parsed and migrated events (data_compat, dataclass_compat). */
const LOADER = `
import json, sys, time
from tensorboard.backend.event_processing import event_file_loader as l
t = time.perf_counter(); n = 0
for e in l.EventFileLoader(sys.argv[1]).Load():
    if e.HasField("summary"):
        n += len(e.summary.value)
print(json.dumps({"events": n, "secs": time.perf_counter() - t}))
`;
const ACCUMULATOR = `
import json, sys, time
from tensorboard.backend.event_processing import event_accumulator as ea
t = time.perf_counter()
a = ea.EventAccumulator(sys.argv[1], size_guidance={"scalars": 0}); a.Reload()
n = sum(len(a.Scalars(k)) for k in a.Tags()["scalars"])
print(json.dumps({"events": n, "secs": time.perf_counter() - t}))
`;

console.log(
  `TensorBoard bench: scalar-heavy event files, ${targetMB} MB target, one core (load average ${
    Deno.loadavg().map((x) => x.toFixed(1)).join(" ")
  })`,
);
const line = (what: string, [bytes, events, secs, cpuSecs]: number[]) =>
  console.log(
    `${what}: ${fmt(mb(bytes))} MB, ${events} events in ${fmt(secs, 2)} s = ${fmt(mb(bytes) / secs)} MB/s, ` +
      `${fmt(events / secs / 1e6, 2)} M events/s (per CPU second: ${fmt(mb(bytes) / cpuSecs)} MB/s)`,
  );
const big = path.join(dir, "events.out.tfevents.1700000000.bench.scalars");
const withPlugin = path.join(dir, "events.out.tfevents.1700000000.bench.plugin");
line("write (simple_value only, tensorboardX-like)", await writeFile(big, false, targetMB * 1e6));
line(
  "write (default: simple_value + exact float64 plxkit copy)",
  await writeFile(withPlugin, true, targetMB * 1e6),
);
const readBig = await readFile(big);
line("read (simple_value file)", readBig);
line("read (plxkit file, exact copies used)", await readFile(withPlugin));
const [rb, , rs] = readBig;
console.log(`peak RSS: ${fmt(mb(peak), 0)} MB`);

const py = await python(RAW_LOADER, big);
if (typeof py === "string") console.log(`TensorBoard LegacyEventFileLoader: skipped (${py})`);
else {
  console.log(
    `TensorBoard LegacyEventFileLoader (raw records + Event protos) on the same file: ${py.events} values in ` +
      `${fmt(py.secs, 2)} s = ${fmt(mb(rb) / py.secs)} MB/s; ours (to canonical events) is ${
        fmt(py.secs / rs, 1)
      }x faster`,
  );
  // The loaders that do what we do (migrated events, accumulated series) are far slower: a 10 MB file.
  const small = path.join(dir, "events.out.tfevents.1700000000.bench.small");
  await writeFile(small, false, 10e6);
  const [sb, , ss] = await readFile(small);
  for (const [name, code] of [["EventFileLoader", LOADER], ["EventAccumulator.Reload", ACCUMULATOR]]) {
    const r = await python(code, small);
    if (typeof r === "string") console.log(`TensorBoard ${name}: skipped (${r})`);
    else {
      console.log(
        `TensorBoard ${name} on a ${fmt(mb(sb))} MB file: ${r.events} values in ${
          fmt(r.secs, 2)
        } s vs ours ` +
          `${fmt(ss, 3)} s; ours is ${fmt(r.secs / ss, 0)}x faster`,
      );
    }
  }
}
