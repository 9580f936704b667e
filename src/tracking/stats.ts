/**
 * The few numpy/pandas reductions Polyaxon's summaries and histograms depend on, reproduced operation for
 * operation so results match to the last bit: numpy's pairwise summation, `np.percentile` (linear),
 * `np.std`, and pandas' `Series.describe()`.
 *
 * @module
 */

/** numpy's `pairwise_sum` for float64 (8 accumulators, blocks of 128, halves rounded to multiples of 8). */
export function pairwiseSum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    let i = 8;
    const lim = n - (n % 8);
    for (; i < lim; i += 8) {
      const p = start + i;
      r0 += a[p];
      r1 += a[p + 1];
      r2 += a[p + 2];
      r3 += a[p + 3];
      r4 += a[p + 4];
      r5 += a[p + 5];
      r6 += a[p + 6];
      r7 += a[p + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.mean` of float64 values. */
export function mean(a: ArrayLike<number>): number {
  return pairwiseSum(a) / a.length;
}

/** `np.std(a)` (population, ddof 0): `sqrt(mean(abs(a - mean)**2))`. */
export function std(a: ArrayLike<number>): number {
  const m = mean(a);
  const sq = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - m;
    sq[i] = d * d;
  }
  return Math.sqrt(pairwiseSum(sq) / a.length);
}

/** numpy's `_lerp(a, b, t)`: `a + (b-a)*t`, or `b - (b-a)*(1-t)` when `t >= 0.5`. */
function lerp(a: number, b: number, t: number): number {
  const d = b - a;
  return t >= 0.5 ? b - d * (1 - t) : a + d * t;
}

/**
 * `np.percentile(sorted, q)` with the default linear method, on values already sorted ascending (NaN-free).
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const quantile = q / 100;
  const virtual = (n - 1) * quantile;
  let prev = Math.floor(virtual);
  const gamma = virtual - prev;
  if (prev < 0) prev = 0;
  if (prev > n - 1) prev = n - 1;
  let next = prev + 1;
  if (next > n - 1) next = n - 1;
  const a = sorted[prev];
  const b = sorted[next];
  return lerp(a, b, gamma);
}

/** Ascending copy as a Float64Array (NaN last, as numpy sorts). */
export function sortedCopy(a: ArrayLike<number>): Float64Array {
  const s = Float64Array.from(a);
  s.sort();
  return s;
}

/** pandas `Series.describe()` of a float column plus Polyaxon's `last`, NaN in place of null. */
export interface Describe {
  count: number;
  mean: number;
  std: number;
  min: number;
  "25%": number;
  "50%": number;
  "75%": number;
  max: number;
  last: number;
}

/**
 * pandas `describe()` of float values (NaN = missing): `count` of non-NaN, `mean` and sample `std` as
 * pandas' nanops compute them (pairwise sums with NaN filled by 0), min/max, linear percentiles of the
 * non-NaN values, and `last` = the last value (NaN when missing).
 *
 * @example
 * ```ts
 * import { describe } from "./stats.ts";
 * describe([0.6931, 0.5, NaN]).std; // 0.13654231944712236
 * ```
 */
export function describe(values: ArrayLike<number>): Describe {
  const n = values.length;
  const filled = new Float64Array(n);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== v) continue;
    filled[i] = v;
    kept.push(v);
  }
  const count = kept.length;
  const last = n ? values[n - 1] : NaN;
  if (count === 0) {
    return {
      count: 0,
      mean: NaN,
      std: NaN,
      min: NaN,
      "25%": NaN,
      "50%": NaN,
      "75%": NaN,
      max: NaN,
      last,
    };
  }
  const sum = pairwiseSum(filled);
  const avg = sum / count;
  let sd = NaN;
  if (count > 1) {
    const sq = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v !== v) continue;
      const d = avg - v;
      sq[i] = d * d;
    }
    sd = Math.sqrt(pairwiseSum(sq) / (count - 1));
  }
  const s = sortedCopy(kept);
  return {
    count,
    mean: avg,
    std: sd,
    min: s[0],
    "25%": percentileSorted(s, 25),
    "50%": percentileSorted(s, 50),
    "75%": percentileSorted(s, 75),
    max: s[count - 1],
    last,
  };
}

const POW10: number[] = Array.from({ length: 309 }, (_, i) => Number(`1e${i}`));

/**
 * The float pandas' `read_csv` gets for a decimal string (its default "high" precision parser,
 * `precise_xstrtod`): at most 17 significant digits accumulated in a double, then scaled by a power of ten.
 * It is not always correctly rounded (`"0.30000000000000004"` reads as `0.3`), and Polyaxon's summaries
 * inherit that.
 *
 * @returns The value, or NaN when the text is not a plain decimal number.
 *
 * @example
 * ```ts
 * import { pandasReadFloat } from "./stats.ts";
 * pandasReadFloat("0.30000000000000004"); // 0.3
 * ```
 */
export function pandasReadFloat(text: string): number {
  let p = 0;
  const n = text.length;
  const isDigit = (i: number) => i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57;
  while (p < n && text.charCodeAt(p) <= 32) p++;
  let negative = false;
  if (text[p] === "-") {
    negative = true;
    p++;
  } else if (text[p] === "+") p++;
  let number = 0;
  let exponent = 0;
  let digits = 0;
  let decimals = 0;
  while (isDigit(p)) {
    if (digits < 17) {
      number = number * 10 + (text.charCodeAt(p) - 48);
      digits++;
    } else exponent++;
    p++;
  }
  if (text[p] === ".") {
    p++;
    while (digits < 17 && isDigit(p)) {
      number = number * 10 + (text.charCodeAt(p) - 48);
      p++;
      digits++;
      decimals++;
    }
    if (digits >= 17) { while (isDigit(p)) p++; }
    exponent -= decimals;
  }
  if (digits === 0) return NaN;
  if (negative) number = -number;
  if (text[p] === "e" || text[p] === "E") {
    p++;
    let neg = false;
    if (text[p] === "-") {
      neg = true;
      p++;
    } else if (text[p] === "+") p++;
    let e = 0;
    let ed = 0;
    while (ed < 17 && isDigit(p)) {
      e = e * 10 + (text.charCodeAt(p) - 48);
      ed++;
      p++;
    }
    exponent += neg ? -e : e;
  }
  if (exponent > 308) return negative ? -Infinity : Infinity;
  if (exponent > 0) number *= POW10[exponent];
  else if (exponent < -308) {
    if (exponent < -616) number = negative ? -0 : 0;
    else {
      number /= POW10[-308 - exponent];
      number /= POW10[308];
    }
  } else number /= POW10[-exponent];
  return number;
}
