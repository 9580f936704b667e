/**
 * The pr_curves plugin: `[6, N]` tensors (TP, FP, TN, FN, precision, recall per threshold) <-> `curve`
 * events of kind `pr`. Other curves (ROC, custom) are written as text tables.
 *
 * @module
 */
import type { PlxEvent } from "../../../model/event.ts";
import { DataClass, type TbMetadata, writeMetadata } from "../_messages.ts";
import { ProtoWriter } from "../_proto_write.ts";
import { ProtoReader, VARINT } from "../_proto.ts";
import { DT, isNumericDtype, type TbTensor, tensorNumbers, writeNumberTensor } from "../_tensor.ts";
import type { Envelope } from "../plugin.ts";
import { num, type ReadContext, type ValueAt, type WriteContext } from "./context.ts";
import { writeTextTensor } from "./text.ts";

/** Reads a PR curve tensor as a `curve` event (x = precision, y = recall, with the counts and thresholds). */
export function readPrCurve(
  ctx: ReadContext,
  at: ValueAt,
  tag: string,
  t: TbTensor,
  md: TbMetadata | null,
): void {
  if (!isNumericDtype(t.dtype) || t.shape.length !== 2 || t.shape[0] !== 6) {
    ctx.drop(`PR curve tensors that are not [6, N] (tag "${tag}")`);
    return;
  }
  const nums = tensorNumbers(t);
  const n = t.shape[1];
  const row = (i: number) => nums.slice(i * n, (i + 1) * n);
  const declared = md?.content.length ? decodePrCurveThresholds(md.content) : 0;
  const thresholds = Array.from({ length: n }, (_, i) => (n > 1 ? i / (n - 1) : 0));
  const value: Record<string, unknown> = {
    kind: "pr",
    x: row(4),
    y: row(5),
    thresholds,
    tp: row(0),
    fp: row(1),
    tn: row(2),
    fn: row(3),
  };
  if (declared && declared !== n) value.num_thresholds = declared;
  ctx.push(at, "curve", tag, "curve", value);
}

/**
 * A Polyaxon PR curve (x = precision, y = recall; no counts) as a `pr_curves` [6, N] tensor. TensorBoard
 * needs counts; they are nominal: a population of 1,000,000 positives, TP = recall x 1e6,
 * FN = 1e6 - TP, FP from precision, TN = 0.
 */
function writePrCurve(
  { w }: WriteContext,
  tag: string,
  precision: number[],
  recall: number[],
  description: string,
): void {
  const n = precision.length;
  const P = 1_000_000;
  const rows: number[] = new Array(6 * n);
  for (let i = 0; i < n; i++) {
    const p = precision[i], r = recall[i];
    const tp = Number.isFinite(r) ? Math.round(r * P) : 0;
    const fp = Number.isFinite(p) && p > 0 ? Math.round(tp * (1 - p) / p) : 0;
    rows[i] = tp;
    rows[n + i] = fp;
    rows[2 * n + i] = 0;
    rows[3 * n + i] = P - tp;
    rows[4 * n + i] = p;
    rows[5 * n + i] = r;
  }
  const v = w.begin(1);
  w.string(1, tag);
  writeNumberTensor(w, 8, DT.FLOAT, [6, n], rows);
  const content = new ProtoWriter(8);
  content.uint(2, n);
  writeMetadata(w, 9, {
    pluginName: "pr_curves",
    content: content.finish(),
    description: description || "Polyaxon PR curve (counts are nominal)",
    dataClass: DataClass.TENSOR,
  });
  w.end(v);
}

/** Writes a `curve` event: a PR curve through pr_curves, any other curve as an `x`, `y` text table. */
export function writeCurve(ctx: WriteContext, e: PlxEvent, tag: string, env: Envelope): void {
  const value = e.value as Record<string, unknown>;
  const x = value.x, y = value.y;
  if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length || !x.length) {
    ctx.note("tensorboard: curves without x and y of one length (kept in the plxkit plugin only)");
    return;
  }
  const annotation = typeof value.annotation === "string" ? value.annotation : "";
  if (value.kind === "pr") {
    writePrCurve(ctx, tag, x.map(num), y.map(num), annotation);
  } else {
    const strings = ["x", "y"];
    for (let i = 0; i < x.length; i++) strings.push(String(x[i]), String(y[i]));
    const kind = value.kind === "roc" ? "ROC curve" : "curve";
    writeTextTensor(ctx, tag, [x.length + 1, 2], strings, annotation ? `${kind}; ${annotation}` : kind);
  }
  env.tag = tag;
}

/** Reads `num_thresholds` from PrCurvePluginData content (0 when absent). */
export function decodePrCurveThresholds(content: Uint8Array): number {
  const r = new ProtoReader(content);
  let n = 0;
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === ((2 << 3) | VARINT)) n = r.varint();
    else r.skip(t & 7);
  }
  return n;
}
