/**
 * The scalars plugin: legacy `simple_value`s and TF2 rank-0 (or one-element) tensors <-> `metric` events.
 *
 * @module
 */
import type { PlxEvent } from "../../../model/event.ts";
import type { ProtoReader } from "../_proto.ts";
import type { TbMetadata } from "../_messages.ts";
import type { SeriesTable } from "../_series.ts";
import { PLUGIN } from "../plugin.ts";
import { dtypeName, isNumericDtype, shapeSize, type TbTensor, tensorNumbers } from "../_tensor.ts";
import type { ReadContext, ValueAt, WriteContext } from "./context.ts";

/** Reads a scalar tensor (`plugin` "scalars", or "" for a tensor without a plugin) as a metric event. */
export function readScalarTensor(
  ctx: ReadContext,
  at: ValueAt,
  tag: string,
  t: TbTensor,
  md: TbMetadata | null,
): void {
  const plugin = md?.pluginName ?? "";
  if (isNumericDtype(t.dtype) && shapeSize(t.shape) === 1 && t.shape.length <= 1) {
    const x = tensorNumbers(t)[0];
    ctx.push(at, "metric", tag, "metric", x);
  } else if (plugin === "" && md?.dataClass !== 1) {
    ctx.drop(`tensors with no plugin (tag "${tag}"; TensorBoard drops them too)`);
  } else {
    ctx.drop(`scalar values that are not one number (tag "${tag}", ${dtypeName(t.dtype)} [${t.shape}])`);
  }
}

/** Writes a metric as a legacy `simple_value` (what TensorBoard's every reader understands). */
export function writeScalar({ w }: WriteContext, tag: string, value: number): void {
  const v = w.begin(1);
  w.string(1, tag);
  w.float(2, value);
  w.end(v);
}

/**
 * Reads the common legacy scalar record (`wall_time, step, summary { value { tag, simple_value } }` and
 * nothing else), decoded without intermediate objects. Returns false for anything else (the general
 * decoder then handles it, errors included).
 */
export function readFastScalar(
  table: SeriesTable,
  reader: ProtoReader,
  buf: Uint8Array,
  start: number,
  end: number,
  out: PlxEvent[],
): boolean {
  let p = start;
  if (end - start < 20 || buf[p] !== 0x09) return false;
  const view = reader.reset(buf, start, end).view;
  const wall = view.getFloat64(p + 1, true);
  p += 9;
  let step = 0;
  if (buf[p] === 0x10) {
    p++;
    let mul = 1;
    for (let k = 0;; k++) {
      if (k === 8 || p >= end) return false; // long (negative or huge) steps: general path
      const b = buf[p++];
      step += (b & 0x7f) * mul;
      if (b < 0x80) break;
      mul *= 128;
    }
  }
  if (
    end - p - 2 > 127 || buf[p] !== 0x2a || buf[p + 1] !== end - p - 2 || buf[p + 2] !== 0x0a ||
    buf[p + 3] !== end - p - 4
  ) {
    return false;
  }
  p += 4;
  if (buf[p] !== 0x0a) return false;
  const tagEnd = p + 2 + buf[p + 1];
  if (buf[p + 1] > 127 || tagEnd + 5 !== end || buf[tagEnd] !== 0x15 || !Number.isFinite(wall)) {
    return false;
  }
  const tag = table.interner.get(buf, p + 2, tagEnd);
  const st = table.tags.get(tag);
  if (st !== undefined && st.metadata !== null && st.metadata.pluginName === PLUGIN) return false;
  const value = view.getFloat32(tagEnd + 1, true);
  const series = st !== undefined && st.last !== null && st.last.kind === "metric"
    ? st.last
    : table.seriesOf("metric", tag);
  if (series.lastStep !== null && step <= series.lastStep) series.repeats++;
  series.lastStep = step;
  series.lastValue = value;
  out.push({
    run: table.run,
    scope: "events",
    kind: "metric",
    name: series.name,
    step,
    timestamp: { micros: Math.round(wall * 1e6), offset: 0 },
    type: "metric",
    value,
  });
  return true;
}
