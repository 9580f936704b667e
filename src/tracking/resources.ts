/**
 * System resource sampling (spec §7): `cpu` (system CPU %, from `/proc/stat` deltas; the first sample is
 * 0.0 as with psutil), `memory` (% of memory in use, `(total - available) / total`) and `load` (1-minute load
 * average), rounded to one decimal as psutil does. Linux gives all three; elsewhere what Deno offers.
 *
 * Needs `--allow-sys` (`loadavg`, `systemMemoryInfo`) and `--allow-read=/proc/stat`.
 *
 * @module
 */

/** One sample: resource name to value. */
export type ResourceSample = Record<"cpu" | "memory" | "load", number | undefined>;

function readCpuTimes(): [number, number] | null {
  try {
    const text = Deno.readTextFileSync("/proc/stat");
    const line = text.slice(0, text.indexOf("\n"));
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest* are inside user/nice)
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    let total = 0;
    for (let i = 0; i < Math.min(f.length, 8); i++) total += f[i];
    return [total - idle, total];
  } catch {
    return null;
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/**
 * Samples CPU, memory and load; each call measures CPU since the previous call.
 *
 * @example
 * ```ts
 * import { ResourceSampler } from "./resources.ts";
 * const s = new ResourceSampler();
 * console.log(s.sample()); // { cpu: 0, memory: 41.2, load: 0.8 }
 * ```
 */
export class ResourceSampler {
  #prev: [number, number] | null = readCpuTimes();

  /** Takes one sample; a resource this platform cannot report is `undefined`. */
  sample(): ResourceSample {
    const out: ResourceSample = { cpu: undefined, memory: undefined, load: undefined };
    try {
      out.load = Deno.loadavg()[0];
    } catch { /* not permitted or not available */ }
    const now = readCpuTimes();
    if (now !== null && this.#prev !== null) {
      const busy = now[0] - this.#prev[0];
      const total = now[1] - this.#prev[1];
      out.cpu = total > 0 ? round1((busy / total) * 100) : 0.0;
    }
    this.#prev = now;
    try {
      const m = Deno.systemMemoryInfo();
      out.memory = m.total > 0 ? round1(((m.total - m.available) / m.total) * 100) : undefined;
    } catch { /* not permitted */ }
    return out;
  }
}
