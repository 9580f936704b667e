/**
 * `plxkit report` on big inputs: a generated store of 2,000 runs (5 metrics × 230 steps, a text file and a
 * run record each) and one run with a 1M-point metric. Prints build time, peak RSS, the report's size and,
 * when Chromium is installed, how long the browser takes to show the report (data parsed, tables and
 * charts drawn).
 *
 * @module
 */
import * as path from "node:path";
import { DATA, metricRun, rssSampler } from "./_common.ts";
import { pyFloatRepr } from "../src/model/pyfloat.ts";
import { formatPyTimestamp } from "../src/model/time.ts";
import { main } from "../src/cli/main.ts";
import type { CliIO } from "../src/cli/args.ts";
import { findChromium, launch } from "../tests/report/_browser.ts";

const RUNS = Number(Deno.env.get("PLXKIT_BENCH_RUNS") ?? 2000);
const ROWS = 230;

async function store(runs: number): Promise<string> {
  const dir = path.join(DATA, `report-store-${runs}x${ROWS}`);
  try {
    await Deno.stat(path.join(dir, ".complete"));
    return dir;
  } catch { /* generate */ }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  let seed = 11;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let r = 0; r < runs; r++) {
    const id = (r.toString(16).padStart(8, "0") + "ab".repeat(12)).slice(0, 32);
    const run = path.join(dir, id);
    await Deno.mkdir(path.join(run, "events/metric"), { recursive: true });
    await Deno.mkdir(path.join(run, "events/text"), { recursive: true });
    let micros = 1740820502000000 + r * 1e9;
    const lr = [0.1, 0.01, 0.001][r % 3];
    for (const m of ["loss", "accuracy", "val_loss", "val_accuracy", "lr"]) {
      const lines = ["step|timestamp|metric"];
      for (let i = 0; i < ROWS; i++) {
        micros += 1000 + Math.floor(rnd() * 997_000);
        const v = m.includes("loss")
          ? 10 / (i + 1) * (1 + lr) + rnd() * 0.05
          : m === "lr"
          ? lr
          : 1 - 1 / (i + 2);
        lines.push(`${i}|${formatPyTimestamp({ micros, offset: 0 })}|${pyFloatRepr(v)}`);
      }
      await Deno.writeTextFile(path.join(run, `events/metric/${m}.plx`), lines.join("\n"));
    }
    await Deno.writeTextFile(
      path.join(run, "events/text/log.plx"),
      ["step|timestamp|text", `1|${formatPyTimestamp({ micros, offset: 0 })}|run ${r} done`].join("\n"),
    );
    await Deno.writeTextFile(
      path.join(run, "run.plx.json"),
      JSON.stringify({
        uuid: id,
        name: `sweep-${r}`,
        kind: "job",
        status: r % 17 ? "succeeded" : "failed",
        tags: ["bench", `lr-${lr}`],
        inputs: { lr, batch: 32 << (r % 3) },
        outputs: { loss: 10 / ROWS },
      }),
    );
  }
  await Deno.writeTextFile(path.join(dir, ".complete"), "");
  return dir;
}

const quietIO: CliIO = { out: () => {}, err: (t) => console.error(t), errIsTty: false, color: false };

async function bench(label: string, input: string, out: string): Promise<void> {
  const rss = rssSampler();
  const t0 = performance.now();
  const code = await main(["report", input, "--out", out, "--quiet"], quietIO);
  const secs = (performance.now() - t0) / 1000;
  const peak = rss.stop();
  if (code > 1) throw new Error(`report exited ${code}`);
  const size = (await Deno.stat(out)).size;
  let shown = "";
  if (findChromium()) {
    const browser = await launch();
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      const t1 = performance.now();
      await page.goto(new URL(`file://${out}`).href, { waitUntil: "load", timeout: 120_000 });
      await page.waitForSelector("body[data-ready]", { timeout: 120_000 });
      shown = `, shown by Chromium in ${((performance.now() - t1) / 1000).toFixed(2)} s`;
    } finally {
      await browser.close();
    }
  }
  console.log(
    `${label.padEnd(36)} ${secs.toFixed(2).padStart(6)} s, peak RSS ${peak.toFixed(0)} MB, ` +
      `report ${(size / 1e6).toFixed(2)} MB${shown}`,
  );
}

const outDir = await Deno.makeTempDir({ prefix: "plxkit-report-bench-" });
try {
  const dir = await store(RUNS);
  await bench(`report: store of ${RUNS} runs`, dir, path.join(outDir, "store.html"));
  const big = await metricRun(1_000_000);
  await bench("report: one run, 1M-point metric", big.run, path.join(outDir, "big.html"));
} finally {
  await Deno.remove(outDir, { recursive: true });
}
