/**
 * Parquet reader core: Parquet bytes to Arrow record batches (parquet-wasm), record batches to canonical
 * events. The mirror image of `write.ts`; no file system here.
 *
 * @module
 */
import * as arrow from "../../_deps/arrow.ts";
import * as pw from "../../_deps/parquet_wasm.ts";
import { type EventScope, fromPolyaxonValue, type MetricColumns, type PlxEvent } from "../../model/event.ts";
import { VALUE_SCHEMAS, type ValueType } from "../../schema/values.ts";
import { zodMessage } from "../../schema/issues.ts";
import { depthExceeds, MAX_DEPTH, parseChartJson } from "../../json/exact.ts";

/**
 * Reads rows `[offset, offset + limit)` of a Parquet file's bytes as an Arrow table.
 *
 * @example
 * ```ts
 * import { readWindow } from "./read.ts";
 * // const table = readWindow(await Deno.readFile("kind=metric/part-s1of1-00000.parquet"), 0, 1 << 20);
 * ```
 */
export function readWindow(bytes: Uint8Array, offset: number, limit: number): arrow.Table {
  const t = pw.readParquet(bytes, { offset, limit, batchSize: 1 << 16 });
  return arrow.tableFromIPC(t.intoIPCStream());
}

/** The strings of a dictionary or plain string column of one batch, row by row. */
function strings(v: arrow.Vector | null, n: number): string[] {
  const out = new Array<string>(n);
  if (!v) return out.fill("");
  const d = v.data[0];
  if (arrow.DataType.isDictionary(d.type) && d.dictionary) {
    const dict = d.dictionary.toArray() as unknown as string[];
    const idx = d.values as Int32Array;
    for (let i = 0; i < n; i++) out[i] = dict[idx[i]];
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = v.get(i) as string;
  return out;
}

/** The columns every partition has, of one record batch: strings per row, numbers with `NaN` for null. */
function sharedColumns(batch: arrow.RecordBatch) {
  const n = batch.numRows;
  return {
    n,
    run: strings(batch.getChild("run"), n),
    scope: strings(batch.getChild("scope"), n),
    name: strings(batch.getChild("name"), n),
    step: numbers(batch.getChild("step"), n),
    micros: numbers(batch.getChild("timestamp"), n),
    offset: numbers(batch.getChild("utc_offset"), n),
  };
}

/**
 * Turns one record batch of a partition into events. `kind` comes from the partition (or the file's
 * metadata); value objects come from the exact `value_json` column.
 *
 * @throws {SyntaxError} When a `value_json` cell is not valid JSON or does not fit its value schema.
 */
export function batchEvents(batch: arrow.RecordBatch, kind: string, type: ValueType): PlxEvent[] {
  const { n, run, scope, name, step, micros: ts, offset: offs } = sharedColumns(batch);
  // (layout 2 keeps text and html in columns of their own; layout 1 had them in `value`)
  const valueV = type === "text" || type === "html"
    ? batch.getChild(type) ?? batch.getChild("value")
    : batch.getChild("value");
  const jsonV = batch.getChild("value_json");
  const nums = type === "metric" ? (valueV!.data[0].values as Float64Array) : null;
  const out = new Array<PlxEvent>(n);
  for (let i = 0; i < n; i++) {
    const o = offs[i];
    const s = step[i];
    let value: unknown;
    if (nums) value = nums[i];
    else if (type === "text" || type === "html") {
      value = valueV!.get(i);
      if (typeof value !== "string") throw new SyntaxError(`row ${i}: no ${type} value`);
    } else {
      const text = jsonV!.get(i);
      if (typeof text !== "string") throw new SyntaxError(`row ${i}: no value_json`);
      value = JSON.parse(text);
      if (depthExceeds(value, MAX_DEPTH)) {
        throw new SyntaxError(`value_json of row ${i} is nested deeper than ${MAX_DEPTH} levels`);
      }
      if (type === "chart") value = parseChartJson(text, value);
      const r = VALUE_SCHEMAS[type].safeParse(value);
      if (!r.success) throw new SyntaxError(`value_json of row ${i}: ${zodMessage(r.error)}`);
      // (value_json holds Polyaxon's field names, as the plx and JSONL files do)
      value = fromPolyaxonValue(type, value);
    }
    out[i] = {
      run: run[i],
      scope: scope[i] as EventScope,
      kind,
      name: name[i],
      step: s === s ? s : null,
      timestamp: { micros: ts[i], offset: o === o ? o : null },
      type,
      value,
    } as PlxEvent;
  }
  return out;
}

/** A nullable integer column (int64 or int32) as doubles, `NaN` where null. */
function numbers(v: arrow.Vector | null, n: number): Float64Array {
  const out = new Float64Array(n).fill(NaN);
  if (!v) return out;
  const d = v.data[0];
  const valid = (i: number) => !d.nullBitmap || !d.nullCount || d.getValid(i);
  if (d.values instanceof BigInt64Array) {
    const i32 = new Int32Array(d.values.buffer, d.values.byteOffset, n * 2);
    for (let i = 0; i < n; i++) if (valid(i)) out[i] = i32[2 * i + 1] * 4294967296 + (i32[2 * i] >>> 0);
  } else {
    const vals = d.values as Int32Array;
    for (let i = 0; i < n; i++) if (valid(i)) out[i] = vals[i];
  }
  return out;
}

/**
 * One record batch of a metric partition as {@linkcode MetricColumns}, one per stretch of rows sharing
 * run, scope and name (the rows {@linkcode batchEvents} makes, without an object per row). `line` holds
 * each row's 1-based position in its part file, counting from `firstRow`.
 *
 * @example
 * ```ts
 * import { batchMetricColumns } from "./read.ts";
 * // for (const c of batchMetricColumns(batch, "metric", 0)) console.log(c.run, c.name, c.length);
 * ```
 */
export function batchMetricColumns(
  batch: arrow.RecordBatch,
  kind: string,
  firstRow: number,
): MetricColumns[] {
  const n = batch.numRows;
  const run = strings(batch.getChild("run"), n);
  const scope = strings(batch.getChild("scope"), n);
  const name = strings(batch.getChild("name"), n);
  const step = numbers(batch.getChild("step"), n);
  const micros = numbers(batch.getChild("timestamp"), n);
  const offset = numbers(batch.getChild("utc_offset"), n);
  const value = batch.getChild("value")!.data[0].values as Float64Array;
  const line = new Float64Array(n);
  for (let i = 0; i < n; i++) line[i] = firstRow + i + 1;
  const out: MetricColumns[] = [];
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && run[j] === run[i] && name[j] === name[i] && scope[j] === scope[i]) j++;
    out.push({
      run: run[i],
      scope: scope[i] as EventScope,
      kind,
      name: name[i],
      length: j - i,
      step: step.subarray(i, j),
      micros: micros.subarray(i, j),
      offset: offset.subarray(i, j),
      value: value.subarray(i, j),
      line: line.subarray(i, j),
    });
    i = j;
  }
  return out;
}
