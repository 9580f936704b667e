/**
 * Bounded summaries of long series, built as events stream by, so a report's memory does not grow with its
 * input: {@linkcode MinMaxSeries} keeps min/max buckets of a metric series (extrema always kept, exact
 * statistics), {@linkcode Thinner} keeps evenly spread items of any other series (first and last kept).
 *
 * @module
 */

/** Exact statistics of a metric series (whatever was downsampled). */
export interface SeriesStats {
  /** Values seen. */
  count: number;
  /** Values that were NaN or infinite (not drawn). */
  nonFinite: number;
  /** Smallest finite value, or null when none. */
  min: number | null;
  /** Largest finite value, or null when none. */
  max: number | null;
  /** The last finite value in logging order, or null when none. */
  last: number | null;
  /** Step of the last finite value, when it has one. */
  lastStep: number | null;
}

/** The points of a series kept for drawing, as columns in logging order. */
export interface SeriesPoints {
  /** Steps (the arrival index when an event has no step). */
  x: number[];
  /** Wall times, seconds since the epoch. */
  t: number[];
  /** Values (finite only). */
  v: number[];
}

interface Bucket {
  // arrival index, x, t, v of the minimum and of the maximum
  minI: number;
  minX: number;
  minT: number;
  minV: number;
  maxI: number;
  maxX: number;
  maxT: number;
  maxV: number;
}

/**
 * A metric series downsampled into at most `maxPoints` points by min/max buckets: consecutive values are
 * grouped in buckets of `width` points and each bucket keeps its minimum and maximum; when the buckets fill
 * `maxPoints`, neighbours merge and `width` doubles. So every local extremum at the bucket scale, and the
 * global minimum and maximum, survive; the first and last points are kept as well.
 *
 * @example
 * ```ts
 * import { MinMaxSeries } from "./downsample.ts";
 * const s = new MinMaxSeries(100);
 * for (let i = 0; i < 10_000; i++) s.push(i, i, Math.sin(i / 100));
 * const p = s.points(); // p.x.length <= 100
 * s.downsampled; // true
 * s.stats.max; // 1 (within float error)
 * ```
 */
export class MinMaxSeries {
  readonly #buckets: Bucket[] = [];
  #cur: Bucket | null = null;
  #curN = 0;
  #width = 1;
  #arrival = 0;
  #first: [number, number, number, number] | null = null;
  #lastPt: [number, number, number, number] | null = null;
  /** Exact statistics of every value pushed. */
  readonly stats: SeriesStats = { count: 0, nonFinite: 0, min: null, max: null, last: null, lastStep: null };

  /** A series keeping at most `maxPoints` (at least 8) points. */
  constructor(public maxPoints = 2000) {
    if (!(maxPoints >= 8)) throw new RangeError(`maxPoints must be at least 8 (got ${maxPoints})`);
  }

  /** Points held now (at most `maxPoints`). */
  get size(): number {
    return Math.min(
      this.stats.count - this.stats.nonFinite,
      (this.#buckets.length + (this.#cur ? 1 : 0)) * 2 + 2,
    );
  }

  /** Lowers the cap to `maxPoints` (at least 8), merging buckets as needed; later points follow the new cap. */
  shrink(maxPoints: number): void {
    this.maxPoints = Math.max(8, Math.min(this.maxPoints, maxPoints));
    while (this.#buckets.length * 2 > this.maxPoints - 2) this.#merge();
  }

  /** True when some points were merged away. */
  get downsampled(): boolean {
    return this.#width > 1;
  }

  /** Adds a value logged at step `x` (null: none) and wall time `t` (seconds). */
  push(x: number | null, t: number, v: number): void {
    const i = this.#arrival++;
    const s = this.stats;
    s.count++;
    if (!Number.isFinite(v)) {
      s.nonFinite++;
      return;
    }
    const xx = x === null || Number.isNaN(x) ? i : x;
    if (s.min === null || v < s.min) s.min = v;
    if (s.max === null || v > s.max) s.max = v;
    s.last = v;
    s.lastStep = x === null || Number.isNaN(x) ? null : x;
    this.#first ??= [i, xx, t, v];
    this.#lastPt = [i, xx, t, v];
    let b = this.#cur;
    if (b === null) {
      b = this.#cur = { minI: i, minX: xx, minT: t, minV: v, maxI: i, maxX: xx, maxT: t, maxV: v };
      this.#curN = 0;
    } else {
      if (v < b.minV) [b.minI, b.minX, b.minT, b.minV] = [i, xx, t, v];
      if (v > b.maxV) [b.maxI, b.maxX, b.maxT, b.maxV] = [i, xx, t, v];
    }
    if (++this.#curN >= this.#width) {
      this.#buckets.push(b);
      this.#cur = null;
      // each bucket gives up to two points; keep room for the first and last points
      if (this.#buckets.length * 2 > this.maxPoints - 2) this.#merge();
    }
  }

  #merge(): void {
    const bs = this.#buckets;
    const out: Bucket[] = [];
    for (let k = 0; k < bs.length; k += 2) {
      const a = bs[k];
      const b = bs[k + 1];
      if (!b) {
        out.push(a);
        continue;
      }
      const m = { ...a };
      if (b.minV < m.minV) [m.minI, m.minX, m.minT, m.minV] = [b.minI, b.minX, b.minT, b.minV];
      if (b.maxV > m.maxV) [m.maxI, m.maxX, m.maxT, m.maxV] = [b.maxI, b.maxX, b.maxT, b.maxV];
      out.push(m);
    }
    bs.length = 0;
    bs.push(...out);
    this.#width *= 2;
  }

  /** The points kept, in logging order (at most `maxPoints`). */
  points(): SeriesPoints {
    const pts: [number, number, number, number][] = [];
    const all = this.#cur ? [...this.#buckets, this.#cur] : this.#buckets;
    if (this.#first) pts.push(this.#first);
    for (const b of all) {
      const a: [number, number, number, number] = [b.minI, b.minX, b.minT, b.minV];
      const c: [number, number, number, number] = [b.maxI, b.maxX, b.maxT, b.maxV];
      if (a[0] === c[0]) pts.push(a);
      else if (a[0] < c[0]) pts.push(a, c);
      else pts.push(c, a);
    }
    if (this.#lastPt) pts.push(this.#lastPt);
    pts.sort((p, q) => p[0] - q[0]);
    const out: SeriesPoints = { x: [], t: [], v: [] };
    let prev = -1;
    for (const p of pts) {
      if (p[0] === prev) continue;
      prev = p[0];
      out.x.push(p[1]);
      out.t.push(p[2]);
      out.v.push(p[3]);
    }
    return out;
  }
}

/**
 * At most `max` items of a stream, spread evenly over it: items are kept at a stride that doubles whenever
 * more than `max` are held; the first item is always kept and the last one added at the end.
 *
 * @example
 * ```ts
 * import { Thinner } from "./downsample.ts";
 * const t = new Thinner<number>(4);
 * for (let i = 0; i < 100; i++) t.push(i);
 * t.items(); // [0, 32, 64, 96, 99]
 * t.thinned; // true
 * ```
 */
export class Thinner<T> {
  #kept: { i: number; item: T }[] = [];
  #stride = 1;
  #n = 0;
  #last: { i: number; item: T } | null = null;

  /** Keeps about `max` (at least 1) items. */
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`max must be at least 1 (got ${max})`);
  }

  /** Items seen. */
  get total(): number {
    return this.#n;
  }

  /** True when items were left out. */
  get thinned(): boolean {
    return this.items().length < this.#n;
  }

  /** Offers an item. */
  push(item: T): void {
    const i = this.#n++;
    this.#last = { i, item };
    if (i % this.#stride !== 0) return;
    this.#kept.push({ i, item });
    while (this.#kept.length > this.max) {
      this.#stride *= 2;
      this.#kept = this.#kept.filter((k) => k.i % this.#stride === 0);
    }
  }

  /** The items kept, in order, the last one seen included. */
  items(): T[] {
    const out = this.#kept.map((k) => k.item);
    const last = this.#last;
    if (last && (this.#kept.length === 0 || this.#kept[this.#kept.length - 1].i !== last.i)) {
      out.push(last.item);
    }
    return out;
  }
}
