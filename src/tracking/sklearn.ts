/**
 * scikit-learn's binary ROC and precision-recall curves (`sklearn.metrics.roc_curve` with
 * `drop_intermediate=True`, `auc`, `precision_recall_curve`, `average_precision_score`), operation by
 * operation so the floats equal sklearn's, for `Run.logSklearnRocAucCurve` / `Run.logSklearnPrCurve`.
 *
 * @module
 */
import { pairwiseSum } from "./stats.ts";

/** Labels and scores of a binary classifier. */
export interface ScoredLabels {
  /** Scores (probabilities or decision values), one per sample. */
  yPreds: ArrayLike<number>;
  /** True labels, one per sample: `{0, 1}` or `{-1, 1}` unless `posLabel` says which is positive. */
  yTargets: ArrayLike<number | string | boolean>;
  /** The positive class. @default 1 (sklearn's rule for `{0, 1}` / `{-1, 1}` labels) */
  posLabel?: number | string | boolean;
}

function check(s: ScoredLabels): { score: Float64Array; pos: Uint8Array } {
  const n = s.yPreds.length;
  if (n !== s.yTargets.length) {
    throw new RangeError(
      `yTargets: must have as many labels as yPreds has scores (${n}), got ${s.yTargets.length}`,
    );
  }
  if (n === 0) throw new RangeError("yPreds: must not be empty");
  const classes = new Set(Array.from(s.yTargets, String));
  let posLabel = s.posLabel;
  if (posLabel === undefined) {
    const ok = [...classes].every((c) =>
      c === "0" || c === "1" || c === "-1" || c === "true" || c === "false"
    );
    if (!ok) throw new RangeError(`yTargets: labels are not {0, 1} or {-1, 1}, so posLabel must be given`);
    posLabel = 1;
  }
  const score = Float64Array.from(s.yPreds);
  if (score.some((v) => !Number.isFinite(v))) throw new RangeError("yPreds: scores must be finite");
  const pos = Uint8Array.from(s.yTargets, (v) => (String(v === true ? 1 : v) === String(posLabel) ? 1 : 0));
  return { score, pos };
}

/** sklearn's `_binary_clf_curve`: false/true positives and thresholds at each distinct score, descending. */
function binaryClfCurve(s: ScoredLabels): { fps: number[]; tps: number[] } {
  const { score, pos } = check(s);
  const n = score.length;
  // np.argsort(y_score, kind="mergesort")[::-1]: a stable ascending sort, reversed
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a] - score[b] || a - b).reverse();
  const fps: number[] = [];
  const tps: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    tp += pos[order[k]];
    if (k === n - 1 || score[order[k + 1]] !== score[order[k]]) {
      tps.push(tp);
      fps.push(1 + k - tp);
    }
  }
  return { fps, tps };
}

/** `np.trapezoid(y, x)` with sklearn's `auc` direction rule. */
function auc(x: number[], y: number[]): number {
  const dx = x.slice(1).map((v, i) => v - x[i]);
  let direction = 1;
  if (dx.some((d) => d < 0)) {
    if (dx.every((d) => d <= 0)) direction = -1;
    else throw new RangeError("x: is neither increasing nor decreasing");
  }
  const terms = dx.map((d, i) => (d * (y[i + 1] + y[i])) / 2.0);
  return direction * pairwiseSum(terms);
}

/**
 * The ROC curve of binary scores: `fpr`, `tpr` (sklearn `roc_curve`, intermediate points dropped) and their
 * area (sklearn `auc`).
 *
 * @param s Labels and scores.
 * @returns `{fpr, tpr, auc}`.
 * @throws {RangeError} When lengths differ, labels are not binary without `posLabel`, or a class is missing.
 *
 * @example
 * ```ts
 * import { rocCurve } from "./sklearn.ts";
 * const { auc } = rocCurve({ yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] });
 * if (auc !== 0.75) throw new Error("auc");
 * ```
 */
export function rocCurve(s: ScoredLabels): { fpr: number[]; tpr: number[]; auc: number } {
  let { fps, tps } = binaryClfCurve(s);
  if (fps.length > 2) {
    const keep = fps.map((_, i) =>
      i === 0 || i === fps.length - 1 ||
      (fps[i + 1] - 2 * fps[i] + fps[i - 1]) !== 0 || (tps[i + 1] - 2 * tps[i] + tps[i - 1]) !== 0
    );
    fps = fps.filter((_, i) => keep[i]);
    tps = tps.filter((_, i) => keep[i]);
  }
  fps = [0, ...fps];
  tps = [0, ...tps];
  const [fn, tn] = [fps[fps.length - 1], tps[tps.length - 1]];
  if (fn <= 0 || tn <= 0) throw new RangeError("yTargets: needs both a positive and a negative sample");
  const fpr = fps.map((v) => v / fn);
  const tpr = tps.map((v) => v / tn);
  return { fpr, tpr, auc: auc(fpr, tpr) };
}

/**
 * The precision-recall curve of binary scores (sklearn `precision_recall_curve`: from the highest threshold
 * down, ending at precision 1, recall 0) and the average precision (sklearn `average_precision_score`).
 *
 * @param s Labels and scores.
 * @returns `{precision, recall, averagePrecision}`.
 * @throws {RangeError} When lengths differ, labels are not binary without `posLabel`, or no sample is positive.
 *
 * @example
 * ```ts
 * import { prCurve } from "./sklearn.ts";
 * const { precision } = prCurve({ yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] });
 * if (precision.at(-1) !== 1) throw new Error("precision");
 * ```
 */
export function prCurve(
  s: ScoredLabels,
): { precision: number[]; recall: number[]; averagePrecision: number } {
  const { fps, tps } = binaryClfCurve(s);
  const last = tps[tps.length - 1];
  if (last <= 0) throw new RangeError("yTargets: needs a positive sample");
  const precision = tps.map((tp, i) => (tp + fps[i] === 0 ? 0 : tp / (tp + fps[i]))).reverse();
  const recall = tps.map((tp) => tp / last).reverse();
  precision.push(1);
  recall.push(0);
  const terms = recall.slice(1).map((r, i) => (r - recall[i]) * precision[i]);
  return { precision, recall, averagePrecision: -pairwiseSum(terms) };
}
