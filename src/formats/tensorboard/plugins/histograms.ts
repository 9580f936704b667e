/**
 * The histograms plugin: legacy `HistogramProto` values and TF2 `[k, 3]` tensors (left edge, right edge,
 * count) <-> `histogram` events (`{counts, edges}`).
 *
 * @module
 */
import type { PlxEvent } from "../../../model/event.ts";
import { type TbHisto, writeHisto } from "../_messages.ts";
import { isNumericDtype, shapeSize, type TbTensor, tensorNumbers } from "../_tensor.ts";
import type { Envelope } from "../plugin.ts";
import type { ReadContext, ValueAt, WriteContext } from "./context.ts";

/**
 * A legacy HistogramProto as the model's `{counts, edges}`, normalised as TensorBoard's
 * Python loader does (spec §4.4): empty buckets at both ends dropped, `min` as the first left edge and `max`
 * as the last right edge, inner edges from `bucket_limit`.
 *
 * @example
 * ```ts
 * import { legacyHistogram } from "./histograms.ts";
 * const h = legacyHistogram({ min: 0, max: 3, bucketLimit: [0, 1, 2, 3], bucket: [0, 2, 1, 4] });
 * if (JSON.stringify(h) !== '{"counts":[2,1,4],"edges":[0,1,2,3]}') throw new Error(JSON.stringify(h));
 * ```
 */
export function legacyHistogram(h: {
  min: number;
  max: number;
  bucketLimit: number[];
  bucket: number[];
}): { counts: number[]; edges: number[] } {
  let first = 0;
  let last = h.bucket.length - 1;
  while (first <= last && h.bucket[first] === 0) first++;
  while (last >= first && h.bucket[last] === 0) last--;
  if (first > last) return { counts: [], edges: [] };
  const counts = h.bucket.slice(first, last + 1);
  const edges = [h.min];
  for (let i = first; i < last; i++) edges.push(h.bucketLimit[i]);
  edges.push(h.max);
  return { counts, edges };
}

/** Reads a legacy HistogramProto as a histogram event. */
export function readLegacyHistogram(ctx: ReadContext, at: ValueAt, tag: string, h: TbHisto): void {
  if (h.bucket.length !== h.bucketLimit.length) {
    ctx.drop(`histograms with ${h.bucket.length} buckets but ${h.bucketLimit.length} limits (tag "${tag}")`);
    return;
  }
  ctx.push(at, "histogram", tag, "histogram", legacyHistogram(h));
}

/** Reads a TF2 histogram tensor (`[k, 3]`: left edge, right edge, count per bin) as a histogram event. */
export function readHistogramTensor(ctx: ReadContext, at: ValueAt, tag: string, t: TbTensor): void {
  if (!isNumericDtype(t.dtype) || (t.shape.length !== 2 || t.shape[1] !== 3) && shapeSize(t.shape) !== 0) {
    ctx.drop(`histogram tensors that are not [k, 3] (tag "${tag}", [${t.shape}])`);
    return;
  }
  const nums = tensorNumbers(t);
  const k = nums.length / 3;
  const counts: number[] = [];
  const edges: number[] = [];
  for (let i = 0; i < k; i++) {
    if (i === 0) edges.push(nums[0]);
    edges.push(nums[i * 3 + 1]);
    counts.push(nums[i * 3 + 2]);
  }
  ctx.push(at, "histogram", tag, "histogram", { counts, edges });
}

/**
 * Writes a histogram event as a legacy HistogramProto in tensorboardX's layout. A histogram without N counts
 * and N+1 finite edges has no such form and stays in the plxkit value only.
 */
export function writeHistogram({ w, note }: WriteContext, e: PlxEvent, tag: string, env: Envelope): null {
  const value = e.value as Record<string, unknown>;
  const counts = value.counts as unknown;
  const edges = value.edges as unknown;
  if (
    !Array.isArray(counts) || !Array.isArray(edges) || edges.length !== counts.length + 1 ||
    !counts.length || ![...counts, ...edges].every((x) => typeof x === "number" && Number.isFinite(x))
  ) {
    note("tensorboard: histograms without N counts and N+1 finite edges (kept in the plxkit plugin only)");
    return null;
  }
  let num = 0, sum = 0, sq = 0;
  for (let i = 0; i < counts.length; i++) {
    const mid = (edges[i] + edges[i + 1]) / 2;
    num += counts[i];
    sum += counts[i] * mid;
    sq += counts[i] * mid * mid;
  }
  // min/max: the outer edges of the non-empty bins (what TensorBoard draws; spec §4.4).
  let lo = 0, hi = counts.length - 1;
  while (lo < hi && counts[lo] === 0) lo++;
  while (hi > lo && counts[hi] === 0) hi--;
  const v = w.begin(1);
  w.string(1, tag);
  // tensorboardX layout: a leading empty bucket whose limit is the left edge (spec §4.4).
  writeHisto(w, 5, {
    min: edges[lo],
    max: edges[hi + 1],
    num,
    sum,
    sumSquares: sq,
    bucketLimit: edges,
    bucket: [0, ...counts],
  });
  w.end(v);
  env.tag = tag;
  return null;
}
