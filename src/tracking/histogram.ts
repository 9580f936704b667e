/**
 * `numpy.histogram` for float64 data with a bin count or a numpy bin rule (`auto`, `fd`, `doane`, `scott`,
 * `stone`, `rice`, `sturges`, `sqrt`): the same edges (`np.linspace`) and the same counts (numpy's
 * uniform-bin fast path), as Polyaxon's `log_histogram` computes them after `values.astype(float)`.
 *
 * @module
 */
import { mean, percentileSorted, sortedCopy, std } from "./stats.ts";

/** numpy's named bin-width estimators. */
export const BIN_RULES = ["auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"] as const;
/** A numpy bin rule name. */
export type BinRule = typeof BIN_RULES[number];

/** A histogram: `counts[i]` values fell in `[edges[i], edges[i+1])` (the last bin is closed). */
export interface Histogram {
  /** Frequency per bin (Polyaxon stores these as `values`). */
  counts: number[];
  /** Bin edges, one more than counts (Polyaxon stores these as `counts`). */
  edges: number[];
}

function ptpOf(sorted: Float64Array): number {
  return sorted[sorted.length - 1] - sorted[0];
}

/** Bin width per rule (numpy `_hist_bin_*`); `x` is the data, `sorted` its ascending copy. */
function ruleWidth(rule: BinRule, x: Float64Array, sorted: Float64Array, range: [number, number]): number {
  const n = x.length;
  const ptp = ptpOf(sorted);
  const sqrtW = () => ptp / Math.sqrt(n);
  const sturges = () => ptp / (Math.log2(n) + 1.0);
  const fd = () => {
    const iqr = percentileSorted(sorted, 75) - percentileSorted(sorted, 25);
    return 2.0 * iqr * Math.pow(n, -1.0 / 3.0);
  };
  switch (rule) {
    case "sqrt":
      return sqrtW();
    case "sturges":
      return sturges();
    case "rice":
      return ptp / (2.0 * Math.pow(n, 1.0 / 3));
    case "scott":
      return Math.pow(24.0 * Math.pow(Math.PI, 0.5) / n, 1.0 / 3.0) * std(x);
    case "fd":
      return fd();
    case "auto":
      return Math.min(Math.max(fd(), sqrtW() / 2), sturges());
    case "doane": {
      if (n > 2) {
        const sg1 = Math.sqrt(6.0 * (n - 2) / ((n + 1.0) * (n + 3)));
        const sigma = std(x);
        if (sigma > 0.0) {
          const m = mean(x);
          const t = new Float64Array(n);
          for (let i = 0; i < n; i++) {
            const z = (x[i] - m) / sigma;
            t[i] = Math.pow(z, 3);
          }
          const g1 = mean(t);
          return ptp / (1.0 + Math.log2(n) + Math.log2(1.0 + Math.abs(g1) / sg1));
        }
      }
      return 0.0;
    }
    case "stone": {
      if (n <= 1 || ptp === 0) return 0;
      const upper = Math.max(100, Math.trunc(Math.sqrt(n)));
      let best = 1;
      let bestCost = Infinity;
      for (let nbins = 1; nbins <= upper; nbins++) {
        const hh = ptp / nbins;
        const counts = uniformCounts(x, range[0], range[1], linspace(range[0], range[1], nbins + 1));
        let dot = 0;
        for (const c of counts) {
          const p = c / n;
          dot += p * p;
        }
        const cost = (2 - (n + 1) * dot) / hh;
        if (cost < bestCost) {
          bestCost = cost;
          best = nbins;
        }
      }
      return ptp / best;
    }
  }
}

/** `np.linspace(start, stop, num)` (endpoint included, float64). */
export function linspace(start: number, stop: number, num: number): number[] {
  const out = new Array<number>(num);
  const div = num - 1;
  const delta = stop - start;
  if (div > 0) {
    const step = delta / div;
    if (step === 0) {
      for (let i = 0; i < num; i++) out[i] = (i / div) * delta + start;
    } else {
      for (let i = 0; i < num; i++) out[i] = i * step + start;
    }
    out[num - 1] = stop;
  } else {
    for (let i = 0; i < num; i++) out[i] = i * delta + start;
  }
  return out;
}

/** numpy's uniform-bin counting: index from a scaled offset, then corrected against the edges. */
function uniformCounts(x: Float64Array, first: number, last: number, edges: number[]): number[] {
  const nb = edges.length - 1;
  const counts = new Array<number>(nb).fill(0);
  const denom = last - first;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!(v >= first && v <= last)) continue;
    let k = Math.trunc(((v - first) / denom) * nb);
    if (k === nb) k--;
    if (v < edges[k]) k--;
    else if (v >= edges[k + 1] && k !== nb - 1) k++;
    counts[k]++;
  }
  return counts;
}

/**
 * `np.histogram(values, bins)` on float64 data.
 *
 * @param values The data (any numbers; converted to float64 as Polyaxon does).
 * @param bins A positive bin count or a numpy rule name.
 * @param maxBins More bins than this is a `RangeError`, checked before anything is allocated.
 * @returns Frequencies and edges.
 * @throws {RangeError} On empty data, non-finite values, a non-positive bin count, an unknown rule, or more
 *   than `maxBins` bins.
 *
 * @example
 * ```ts
 * import { numpyHistogram } from "./histogram.ts";
 * numpyHistogram([1, 2, 2, 3], 2); // { counts: [1, 3], edges: [1, 2, 3] }
 * ```
 */
export function numpyHistogram(
  values: ArrayLike<number>,
  bins: number | BinRule,
  maxBins = 1_000_000,
): Histogram {
  const x = Float64Array.from(values as ArrayLike<number>);
  if (x.length === 0) throw new RangeError("values: the input has no element");
  const sorted = sortedCopy(x);
  let first = sorted[0];
  let last = sorted[sorted.length - 1];
  if (!Number.isFinite(first) || !Number.isFinite(last)) {
    throw new RangeError(`values: autodetected range of [${first}, ${last}] is not finite`);
  }
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  let nb: number;
  if (typeof bins === "string") {
    if (!(BIN_RULES as readonly string[]).includes(bins)) {
      throw new RangeError(`bins: ${JSON.stringify(bins)} is not a numpy bin rule (${BIN_RULES.join(", ")})`);
    }
    const width = ruleWidth(bins, x, sorted, [first, last]);
    nb = width ? Math.ceil((last - first) / width) : 1;
  } else if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1) {
      throw new RangeError(`bins: must be a positive integer or a rule name, got ${bins}`);
    }
    nb = bins;
  } else {
    throw new TypeError("bins: must be a positive integer or a numpy rule name");
  }
  if (!Number.isFinite(nb) || nb > maxBins) {
    throw new RangeError(`bins: the histogram would have ${nb} bins, more than maxBins (${maxBins})`);
  }
  const edges = linspace(first, last, nb + 1);
  for (let i = 0; i < nb; i++) {
    if (!(edges[i] < edges[i + 1])) {
      throw new RangeError(`bins: too many bins for data range; cannot create ${nb} finite-sized bins`);
    }
  }
  return { counts: uniformCounts(x, first, last, edges), edges };
}
