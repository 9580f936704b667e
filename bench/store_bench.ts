/**
 * Many small runs, the common case of a migration: a generated store of 2,000 runs × 13 files (about
 * 270 MB), validated by the real CLI as a whole process with 1 worker and with one per core, next to a
 * traceml-style pandas walk (every event file read with `read_csv(sep="|")`) when Python and pandas are
 * present. Also the start-up case: `plxkit --version` against `deno eval 0`.
 *
 * Goals (issue 16): store validate <= 0.07 x the pandas walk; start-up <= 2 x `deno eval 0`.
 *
 * @module
 */
import * as path from "node:path";
import { DATA, python } from "./_common.ts";
import { pyFloatRepr } from "../src/model/pyfloat.ts";
import { formatPyTimestamp } from "../src/model/time.ts";

const RUNS = Number(Deno.env.get("PLXKIT_BENCH_RUNS") ?? 2000);
const ROWS = Number(Deno.env.get("PLXKIT_BENCH_RUN_ROWS") ?? 230); // rows per metric file
const CLI = new URL("../cli.ts", import.meta.url).pathname;

/** Writes (once) `runs` run folders of 10 metric files, a text file, run.plx.json and lineages.plx.json. */
async function store(runs: number, rows: number): Promise<{ dir: string; bytes: number; files: number }> {
  const dir = path.join(DATA, `store-${runs}x${rows}`);
  const done = path.join(dir, ".complete");
  const count = async () => {
    let bytes = 0, files = 0;
    for await (const e of Deno.readDir(dir)) {
      if (!e.isDirectory) continue;
      for (const sub of ["events/metric", "events/text", "."]) {
        for await (const f of Deno.readDir(path.join(dir, e.name, sub))) {
          if (!f.isFile) continue;
          bytes += (await Deno.stat(path.join(dir, e.name, sub, f.name))).size;
          files++;
        }
      }
    }
    return { dir, bytes, files };
  };
  try {
    await Deno.stat(done);
    return await count();
  } catch { /* generate */ }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let r = 0; r < runs; r++) {
    const id = (r.toString(16).padStart(8, "0") + "0".repeat(24)).slice(0, 32);
    const run = path.join(dir, id);
    await Deno.mkdir(path.join(run, "events/metric"), { recursive: true });
    await Deno.mkdir(path.join(run, "events/text"), { recursive: true });
    let micros = 1740820502000000 + r * 1e9;
    for (let m = 0; m < 10; m++) {
      const lines = ["step|timestamp|metric"];
      for (let i = 0; i < rows; i++) {
        micros += 1000 + Math.floor(rnd() * 997_000);
        lines.push(
          `${i}|${formatPyTimestamp({ micros, offset: 0 })}|${pyFloatRepr(10 / (i + 1) + rnd() * 0.01)}`,
        );
      }
      await Deno.writeTextFile(path.join(run, `events/metric/m${m}.plx`), lines.join("\n"));
    }
    const text = ["step|timestamp|text"];
    for (let i = 0; i < 20; i++) {
      text.push(`${i}|${formatPyTimestamp({ micros: micros + i, offset: 0 })}|epoch ${i} done`);
    }
    await Deno.writeTextFile(path.join(run, "events/text/log.plx"), text.join("\n"));
    await Deno.writeTextFile(
      path.join(run, "run.plx.json"),
      JSON.stringify({ uuid: id, name: `run-${r}`, kind: "job", status: "succeeded", inputs: { lr: 0.1 } }),
    );
    await Deno.writeTextFile(path.join(run, "lineages.plx.json"), "[]");
  }
  await Deno.writeTextFile(done, "");
  return await count();
}

async function timeCmd(args: string[]): Promise<{ secs: number; code: number }> {
  const t = performance.now();
  const { code } = await new Deno.Command(args[0], { args: args.slice(1), stdout: "null", stderr: "null" })
    .output();
  return { secs: (performance.now() - t) / 1000, code };
}

async function best(args: string[], n = 3): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const { secs, code } = await timeCmd(args);
    if (code > 1) throw new Error(`${args.join(" ")} exited ${code}`);
    b = Math.min(b, secs);
  }
  return b;
}

const deno = Deno.execPath();
const { dir, bytes, files } = await store(RUNS, ROWS);
console.log(`input: ${RUNS} runs, ${files} files, ${(bytes / 1e6).toFixed(0)} MB (${dir})`);
const cores = navigator.hardwareConcurrency;
const t1 = await best([deno, "run", "-A", CLI, "validate", dir, "--quiet", "--jobs", "1"], 2);
const tn = await best([deno, "run", "-A", CLI, "validate", dir, "--quiet", "--jobs", String(cores)], 2);
const line = (label: string, s: number) =>
  `${label.padEnd(40)} ${s.toFixed(2).padStart(6)} s  ${(bytes / 1e6 / s).toFixed(0).padStart(5)} MB/s  ${
    (files / s).toFixed(0).padStart(6)
  } files/s`;
console.log(line("plxkit validate --jobs 1", t1));
console.log(line(`plxkit validate --jobs ${cores}`, tn));
const walk = await python(
  `import sys,os,time,pandas as pd
t=time.time(); n=0
for root,dirs,fs in os.walk(sys.argv[1]):
  for f in fs:
    if f.endswith(".plx"):
      df=pd.read_csv(os.path.join(root,f), sep="|", parse_dates=["timestamp"]); n+=len(df)
print(time.time()-t, n)`,
  [dir],
);
if (walk) {
  const ps = Number(walk.split(" ")[0]);
  console.log(line("pandas walk (read_csv per file)", ps));
  console.log(
    `ratio: plxkit validate --jobs ${cores} / pandas walk = ${(tn / ps).toFixed(3)} (goal <= 0.07)`,
  );
} else {
  console.log("pandas walk: skipped (python3 with pandas not found)");
}

const ver = await best([deno, "run", "-A", CLI, "--version"], 5);
const ev = await best([deno, "eval", "0"], 5);
console.log(
  `start-up: plxkit --version ${(ver * 1000).toFixed(0)} ms, deno eval 0 ${
    (ev * 1000).toFixed(0)
  } ms, ratio ${(ver / ev).toFixed(2)} (goal <= 2)`,
);
