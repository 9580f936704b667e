/**
 * The text plugin: string tensors (rank 0, or tables of rank 1 and 2) <-> `text` events; on the way out
 * also the events TensorBoard has no form for but can show as text (HTML in a fence, charts as JSON,
 * confusion matrices and non-PR curves as tables).
 *
 * @module
 */
import type { PlxEvent } from "../../../model/event.ts";
import { decodeUtf8 } from "../_proto.ts";
import { DataClass, writeMetadata } from "../_messages.ts";
import { DT, shapeSize, type TbTensor, writeStringTensor } from "../_tensor.ts";
import type { Envelope } from "../plugin.ts";
import type { ReadContext, ValueAt, WriteContext } from "./context.ts";

/** The suffix TF1's `text_summary` adds to tags. */
const TEXT_SUFFIX = "/text_summary";
const MARKDOWN_FENCE = "```";
const enc = new TextEncoder();

function fill(strings: string[], n: number): string[] {
  if (strings.length === 1) return new Array<string>(n).fill(strings[0]);
  return strings;
}

function cell(s: string): string {
  return s.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll("\n", "<br>");
}

/**
 * A rank-1 or rank-2 string tensor as a Markdown table (the first row is the header; `|` escaped).
 *
 * @example
 * ```ts
 * import { markdownTable } from "./text.ts";
 * const table = markdownTable(["a", "b", "1", "2"], [2, 2]);
 * if (table !== "| a | b |\n| --- | --- |\n| 1 | 2 |") throw new Error(table);
 * ```
 */
export function markdownTable(strings: string[], shape: number[]): string {
  const cols = shape.length >= 2 ? shape[shape.length - 1] : 1;
  const rows: string[][] = [];
  for (let i = 0; i < strings.length; i += cols) rows.push(strings.slice(i, i + cols));
  if (shape.length === 1) rows.unshift([""]);
  const line = (r: string[]) => `| ${r.map(cell).join(" | ")} |`;
  return [line(rows[0]), `|${" --- |".repeat(cols)}`, ...rows.slice(1).map(line)].join("\n");
}

/** Reads a text tensor as a `text` event (a table as Markdown), named without TF1's `/text_summary`. */
export function readTextTensor(ctx: ReadContext, at: ValueAt, tag: string, t: TbTensor): void {
  if (t.dtype !== DT.STRING) {
    ctx.drop(`text tensors that are not strings (tag "${tag}")`);
    return;
  }
  const name = tag.endsWith(TEXT_SUFFIX) ? tag.slice(0, -TEXT_SUFFIX.length) || tag : tag;
  const strings = t.strings.map((s) => decodeUtf8(s, 0, s.length));
  const full = strings.length === shapeSize(t.shape) ? strings : fill(strings, shapeSize(t.shape));
  const text = t.shape.length === 0 || full.length === 1 ? (full[0] ?? "") : markdownTable(full, t.shape);
  ctx.push(at, "text", name, "text", text);
  if (name !== tag) ctx.mapTag(`text/${ctx.name("text", name)}`, tag);
}

/** Writes a text value: a string tensor of `shape` with the text plugin's metadata. */
export function writeTextTensor(
  { w }: WriteContext,
  tag: string,
  shape: number[],
  strings: string[],
  description = "",
): void {
  const v = w.begin(1);
  w.string(1, tag);
  writeStringTensor(w, 8, shape, strings.map((s) => enc.encode(s)));
  writeMetadata(w, 9, { pluginName: "text", description, dataClass: DataClass.TENSOR });
  w.end(v);
}

/** Writes a `text` or `html` event (HTML inside a fence, which TensorBoard's Markdown shows as code). */
export function writeText(
  ctx: WriteContext,
  e: PlxEvent & { type: "text" | "html" },
  tag: string,
  env: Envelope,
) {
  const text = e.type === "html" ? `${MARKDOWN_FENCE}html\n${e.value}\n${MARKDOWN_FENCE}` : e.value;
  writeTextTensor(ctx, tag, [], [text]);
  env.tag = tag;
}

/** Writes a `confusion` event as a table (rows y, columns x); one whose z does not fit stays in plxkit's value. */
export function writeConfusion(ctx: WriteContext, e: PlxEvent, tag: string, env: Envelope): void {
  const value = e.value as Record<string, unknown>;
  const xs = value.x, ys = value.y, z = value.z;
  if (
    !Array.isArray(xs) || !Array.isArray(ys) || !Array.isArray(z) || z.length !== ys.length ||
    !z.every((r) => Array.isArray(r) && r.length === xs.length)
  ) {
    ctx.note("tensorboard: confusion matrices whose z is not len(y) rows of len(x) (plxkit plugin only)");
    return;
  }
  const strings = ["", ...xs.map(String)];
  for (let i = 0; i < ys.length; i++) strings.push(String(ys[i]), ...(z[i] as unknown[]).map(String));
  writeTextTensor(ctx, tag, [ys.length + 1, xs.length + 1], strings, "confusion matrix: rows y, columns x");
  env.tag = tag;
}

/** Writes a `chart` event as its JSON in a fence (TensorBoard cannot render the chart itself). */
export function writeChart(ctx: WriteContext, e: PlxEvent, tag: string, env: Envelope): void {
  writeTextTensor(ctx, tag, [], [`${MARKDOWN_FENCE}json\n${JSON.stringify(e.value)}\n${MARKDOWN_FENCE}`]);
  env.tag = tag;
  ctx.note("tensorboard: charts (shown as JSON text; TensorBoard cannot render them)");
}
