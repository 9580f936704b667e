/**
 * The plot log methods of {@linkcode Run}: histograms, curves (and the scikit-learn helpers),
 * confusion matrices, Plotly/Vega/Bokeh charts.
 *
 * @module
 */
import { pyFloatRepr } from "../model/pyfloat.ts";
import { checkNumbers, checkObject, checkStep } from "./_util.ts";
import { numpyHistogram } from "./histogram.ts";
import { homogeneous } from "../json/python.ts";
import { prCurve, rocCurve, type ScoredLabels } from "./sklearn.ts";
import { parsePyJson } from "../json/exact.ts";
import type { ConfusionMatrix, HistogramOptions, LogOptions, SklearnCurveInput } from "./_options.ts";
import { RunMedia } from "./_run_media.ts";

/**
 * Histograms, curves, confusion matrices and charts of a {@linkcode Run}.
 *
 * @internal {@linkcode Run} is the public class; its methods are documented there.
 */
export class RunPlots extends RunMedia {
  /**
   * Logs a histogram of `values` (numpy's `np.histogram(values, bins)`: same edges, same counts) to
   * `events/histogram/<name>.plx` as `{values: frequencies, counts: edges}`.
   *
   * @param name Event name.
   * @param values The data.
   * @param options `bins` (count or `auto`, `fd`, `doane`, `scott`, `stone`, `rice`, `sturges`, `sqrt`),
   *   `maxBins` (default 512), step, timestamp.
   * @throws {TypeError} When `values` is not an array of numbers.
   * @throws {RangeError} On empty or non-finite data, a bad `bins`, or more than `maxBins` bins.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logHistogram("distribution", Array.from({ length: 1000 }, Math.random), { bins: "auto", step: 1 });
   * ```
   */
  logHistogram(name: string, values: ArrayLike<number>, options: HistogramOptions = {}): void {
    const n = this._sanitize("name", name);
    const data = ArrayBuffer.isView(values) ? values : checkNumbers("values", values);
    const step = checkStep(options.step);
    const maxBins = options.maxBins ?? 512;
    if (!(Number.isInteger(maxBins) && maxBins > 0)) {
      throw new RangeError("maxBins: must be a positive integer");
    }
    const h = numpyHistogram(data, options.bins ?? "auto", maxBins);
    this._queue(
      this._event(
        "histogram",
        "histogram",
        n,
        { counts: h.counts, edges: h.edges },
        step,
        this._time(options),
      ),
    );
  }

  /**
   * Logs a histogram already computed (numpy's `(hist, bin_edges)`): `values` = frequencies, `counts` =
   * edges, `counts.length === values.length + 1`, at most 512 bins.
   *
   * @param name Event name.
   * @param values Frequencies.
   * @param counts Edges.
   * @param options Step and timestamp.
   * @throws {RangeError} When the lengths do not fit or there are more than 512 bins.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logNpHistogram("np-hist", [3, 5, 2], [0, 0.5, 1, 1.5], { step: 5 });
   * ```
   */
  logNpHistogram(
    name: string,
    values: ArrayLike<number>,
    counts: ArrayLike<number>,
    options?: LogOptions,
  ): void {
    const n = this._sanitize("name", name);
    const v = checkNumbers("values", values);
    const c = checkNumbers("counts", counts);
    if (c.length !== v.length + 1) {
      throw new RangeError(`counts: needs values.length + 1 = ${v.length + 1} edges, got ${c.length}`);
    }
    if (v.length > 512) throw new RangeError(`values: ${v.length} bins is more than 512`);
    const step = checkStep(options?.step);
    this._queue(
      this._event("histogram", "histogram", n, { counts: v, edges: c }, step, this._time(options)),
    );
  }

  /**
   * Logs a custom curve to `events/curve/<name>.plx` (`{kind:"custom", x, y, annotation}`).
   *
   * @param name Event name.
   * @param xy The points (`x` and `y` of equal length) and an optional annotation (stored as text;
   *   omitted when falsy, as upstream).
   * @param options Step and timestamp.
   * @throws {RangeError} When `x` and `y` differ in length.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logCurve("random-curve", { x: [0, 1, 2], y: [0.5, 0.1, 0.9] }, { step: 1 });
   * ```
   */
  logCurve(
    name: string,
    xy: { x: ArrayLike<number>; y: ArrayLike<number>; annotation?: string | number },
    options?: LogOptions,
  ): void {
    this._curve("custom", name, xy.x, xy.y, xy.annotation, options);
  }

  /**
   * Logs a ROC curve (`{kind:"roc", x: fpr, y: tpr, annotation: str(auc)}`).
   *
   * @param name Event name.
   * @param roc `fpr`, `tpr` and `auc`.
   * @param options Step and timestamp.
   * @throws {RangeError} When `fpr` and `tpr` differ in length.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logRocAucCurve("roc", { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], auc: 0.742149 }, { step: 1 });
   * ```
   */
  logRocAucCurve(
    name: string,
    roc: { fpr: ArrayLike<number>; tpr: ArrayLike<number>; auc?: number | string },
    options?: LogOptions,
  ): void {
    this._curve("roc", name, roc.fpr, roc.tpr, roc.auc, options);
  }

  /**
   * Logs a precision-recall curve (`{kind:"pr", x: precision, y: recall, annotation}`; note x = precision,
   * as upstream).
   *
   * @param name Event name.
   * @param pr `precision`, `recall` and `averagePrecision`.
   * @param options Step and timestamp.
   * @throws {RangeError} When `precision` and `recall` differ in length.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logPrCurve("pr", { precision: [0.66666667, 0.5, 1, 1], recall: [1, 0.5, 0.5, 0], averagePrecision: 0.742149 });
   * ```
   */
  logPrCurve(
    name: string,
    pr: { precision: ArrayLike<number>; recall: ArrayLike<number>; averagePrecision?: number | string },
    options?: LogOptions,
  ): void {
    this._curve("pr", name, pr.precision, pr.recall, pr.averagePrecision, options);
  }

  /**
   * Computes a ROC curve and its area from labels and scores as scikit-learn does (`roc_curve`, `auc`) and
   * logs it (`log_sklearn_roc_auc_curve`). With `isMultiClass`, `yPreds` holds one score column per class
   * and one curve `<name>_<i>` is logged per class of `yTargets` (sorted, as `np.unique`).
   *
   * @param name Event name.
   * @param data Scores (`yPreds`), labels (`yTargets`), `posLabel`, `isMultiClass`.
   * @param options Step and timestamp.
   * @throws {RangeError} When lengths differ, labels are not binary without `posLabel`, or a class is missing.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logSklearnRocAucCurve("roc", { yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] }, { step: 1 });
   * ```
   */
  logSklearnRocAucCurve(name: string, data: SklearnCurveInput, options?: LogOptions): void {
    for (const [n, s] of this._perClass(name, data)) {
      const r = rocCurve(s);
      this._curve("roc", n, r.fpr, r.tpr, pyFloatRepr(r.auc), options);
    }
  }

  /**
   * Computes a precision-recall curve and the average precision from labels and scores as scikit-learn does
   * (`precision_recall_curve`, `average_precision_score`) and logs it (`log_sklearn_pr_curve`).
   *
   * @param name Event name.
   * @param data Scores (`yPreds`), labels (`yTargets`), `posLabel`, `isMultiClass`.
   * @param options Step and timestamp.
   * @throws {RangeError} When lengths differ, labels are not binary without `posLabel`, or no sample is positive.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logSklearnPrCurve("pr", { yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] }, { step: 1 });
   * ```
   */
  logSklearnPrCurve(name: string, data: SklearnCurveInput, options?: LogOptions): void {
    for (const [n, s] of this._perClass(name, data)) {
      const r = prCurve(s);
      this._curve("pr", n, r.precision, r.recall, pyFloatRepr(r.averagePrecision), options);
    }
  }

  protected _perClass(name: string, data: SklearnCurveInput): [string, ScoredLabels][] {
    const d = checkObject("data", data) as unknown as SklearnCurveInput;
    if (!d.isMultiClass) return [[name, d as ScoredLabels]];
    const rows = d.yPreds as ArrayLike<ArrayLike<number>>;
    const classes = [...new Set(Array.from(d.yTargets))].sort((a, b) =>
      typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1
    );
    return classes.map((c, i) => [`${name}_${i}`, {
      yPreds: Array.from(rows, (r) => r[i]),
      yTargets: d.yTargets,
      posLabel: c,
    }]);
  }

  protected _curve(
    kind: "roc" | "pr" | "custom",
    name: string,
    x: ArrayLike<number>,
    y: ArrayLike<number>,
    annotation: unknown,
    options?: LogOptions,
  ): void {
    const n = this._sanitize("name", name);
    const xs = checkNumbers(kind === "roc" ? "fpr" : kind === "pr" ? "precision" : "x", x);
    const ys = checkNumbers(kind === "roc" ? "tpr" : kind === "pr" ? "recall" : "y", y);
    if (xs.length !== ys.length) {
      throw new RangeError(
        `${kind === "custom" ? "x and y" : "the two arrays"} differ in length: ${xs.length} vs ${ys.length}`,
      );
    }
    const step = checkStep(options?.step);
    const ann = annotation
      ? (typeof annotation === "number" ? pyFloatRepr(annotation) : String(annotation))
      : undefined;
    this._queue(
      this._event("curve", "curve", n, { kind, x: xs, y: ys, annotation: ann }, step, this._time(options)),
    );
  }

  /**
   * Logs a confusion matrix to `events/confusion/<name>.plx`. `z` must be square with one row per label:
   * `x.length === y.length === z.length` and every row of length `z.length`. A numeric `z` is written like
   * a numpy array of one dtype: integers if all values are integral, otherwise all floats (`1.0`).
   *
   * @param name Event name.
   * @param matrix Labels `x`, `y` and the matrix `z`.
   * @param options Step and timestamp.
   * @throws {RangeError} When the shapes do not match (upstream only warns; nothing is written either way).
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const labels = ["cat", "dog"];
   * run.logConfusionMatrix("confusion", { x: labels, y: labels, z: [[5, 1], [2, 7]] }, { step: 1 });
   * ```
   */
  logConfusionMatrix(name: string, matrix: ConfusionMatrix, options?: LogOptions): void {
    const n = this._sanitize("name", name);
    const { x, y, z } = checkObject("matrix", matrix) as unknown as ConfusionMatrix;
    if (!Array.isArray(x) || !Array.isArray(y) || !Array.isArray(z)) {
      throw new TypeError("matrix: x, y and z must be arrays");
    }
    if (x.length !== y.length || x.length !== z.length) {
      throw new RangeError(
        `matrix: x, y and z must have the same length, got ${x.length}, ${y.length} and ${z.length}`,
      );
    }
    z.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== z.length) {
        throw new RangeError(`matrix: z[${i}] must have ${z.length} values (a square matrix)`);
      }
    });
    const step = checkStep(options?.step);
    const value = { x: homogeneous(x), y: homogeneous(y), z: homogeneous(z) };
    this._queue(this._event("confusion", "confusion", n, value, step, this._time(options)));
  }

  protected _chart(
    kind: "plotly" | "bokeh" | "vega",
    name: string,
    figure: unknown,
    options?: LogOptions,
  ): void {
    const n = this._sanitize("name", name);
    // Text keeps Python's number spelling (6.0 stays 6.0); an object is taken as JavaScript numbers.
    const fig = checkObject("figure", typeof figure === "string" ? parsePyJson(figure) : figure);
    const step = checkStep(options?.step);
    this._queue(this._event("chart", "chart", n, { kind, figure: fig }, step, this._time(options)));
  }

  /**
   * Logs a Plotly figure (the `{data, layout}` JSON of `fig.to_plotly_json()` / Plotly.js) to
   * `events/chart/<name>.plx`, serialized with Python `json.dumps` spacing as Polyaxon's Plotly encoder does.
   *
   * @param name Event name.
   * @param figure The figure JSON.
   * @param options Step and timestamp.
   * @throws {TypeError} When `figure` is not an object.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logPlotlyChart("2d-hist", { data: [{ type: "histogram2d", x: [1, 2], y: [3, 4] }], layout: {} });
   * ```
   */
  logPlotlyChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this._chart("plotly", name, figure, options);
  }

  /**
   * Logs a Vega-Lite spec (what Altair's `chart.to_dict()` gives) to `events/chart/<name>.plx` (`kind: vega`).
   *
   * @param name Event name.
   * @param figure The Vega-Lite spec.
   * @param options Step and timestamp.
   * @throws {TypeError} When `figure` is not an object.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logVegaChart("bars", { mark: "bar", data: { values: [{ a: 1 }] }, encoding: { y: { field: "a", type: "quantitative" } } });
   * ```
   */
  logVegaChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this._chart("vega", name, figure, options);
  }

  /**
   * Alias of {@linkcode Run.logVegaChart} (Python's `log_altair_chart`).
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logAltairChart("altair_chart", { mark: "point" }, { step: 1 });
   * ```
   */
  logAltairChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this._chart("vega", name, figure, options);
  }

  /**
   * Logs a Bokeh figure as bokeh's `json_item(figure)` object (`{target_id, root_id, doc, version}`) to
   * `events/chart/<name>.plx` (`kind: bokeh`).
   *
   * @param name Event name.
   * @param figure The `json_item` object.
   * @param options Step and timestamp.
   * @throws {TypeError} When `figure` is not an object.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logBokehChart("heatmap", { target_id: null, root_id: "p1001", doc: { roots: [] }, version: "3.9.2" });
   * ```
   */
  logBokehChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this._chart("bokeh", name, figure, options);
  }
}
