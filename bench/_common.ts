/**
 * Shared benchmark helpers: generated inputs, peak-RSS sampling, timing, peer tools.
 *
 * @module
 */
import * as path from "node:path";
import { pyFloatRepr } from "../src/model/pyfloat.ts";
import { formatPyTimestamp } from "../src/model/time.ts";

/** Folder for generated benchmark data (gitignored). */
export const DATA = path.join(path.dirname(new URL(import.meta.url).pathname), "data");

/**
 * Writes (once) a run folder with one metric file of `rows` rows in Polyaxon's writer format and returns
 * the run folder. Values and timestamps vary like a real training loop.
 */
export async function metricRun(
  rows: number,
  name = `metric-${rows}`,
): Promise<{ run: string; file: string; bytes: number }> {
  const run = path.join(DATA, name);
  const file = path.join(run, "events/metric/loss.plx");
  try {
    const st = await Deno.stat(file);
    return { run, file, bytes: st.size };
  } catch { /* generate */ }
  await Deno.mkdir(path.dirname(file), { recursive: true });
  const tmp = file + ".tmp";
  const f = await Deno.open(tmp, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const buf = new Uint8Array(4 << 20);
  let len = 0;
  const put = (s: string) => {
    if (len + s.length * 3 > buf.length) {
      f.writeSync(buf.subarray(0, len));
      len = 0;
    }
    len += enc.encodeInto(s, buf.subarray(len)).written;
  };
  put("step|timestamp|metric");
  let micros = 1740820502000000;
  let seed = 1;
  for (let i = 0; i < rows; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    micros += 1000 + (seed % 997_000);
    const v = 10 / (i + 1) + (seed / 0x7fffffff - 0.5) * 0.01;
    put(`\n${i}|${formatPyTimestamp({ micros, offset: 0 })}|${pyFloatRepr(v)}`);
  }
  f.writeSync(buf.subarray(0, len));
  f.close();
  await Deno.rename(tmp, file);
  return { run, file, bytes: (await Deno.stat(file)).size };
}

/** Samples RSS every 20 ms until stopped; returns the peak in MB. */
export function rssSampler(): { stop(): number } {
  let peak = Deno.memoryUsage().rss;
  const id = setInterval(() => {
    const r = Deno.memoryUsage().rss;
    if (r > peak) peak = r;
  }, 20);
  return {
    stop() {
      clearInterval(id);
      peak = Math.max(peak, Deno.memoryUsage().rss);
      return peak / 1e6;
    },
  };
}

/** Times `fn` once (after the caller's warm-up), in seconds. */
export async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const r = await fn();
  return [(performance.now() - t0) / 1000, r];
}

/** Runs a Python snippet and returns its stdout, or null when python3 or a module is missing. */
export async function python(code: string, args: string[] = []): Promise<string | null> {
  try {
    const p = await new Deno.Command("python3", {
      args: ["-c", code, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (!p.success) {
      const err = new TextDecoder().decode(p.stderr).trim().split("\n").pop();
      console.log(`   (python peer skipped: ${err})`);
      return null;
    }
    return new TextDecoder().decode(p.stdout).trim();
  } catch {
    console.log("   (python peer skipped: python3 not found)");
    return null;
  }
}

/** Formats a rate line. */
export function rate(
  label: string,
  bytes: number,
  records: number,
  seconds: number,
  peakMb?: number,
): string {
  const mbs = bytes / 1e6 / seconds;
  const rps = records / seconds;
  return `${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s  ${mbs.toFixed(0).padStart(5)} MB/s  ${
    (rps / 1e6).toFixed(2).padStart(6)
  } M records/s${peakMb !== undefined ? `  peak RSS ${peakMb.toFixed(0)} MB` : ""}`;
}
