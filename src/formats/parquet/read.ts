/**
 * Parquet reader core: Parquet bytes to Arrow record batches (parquet-wasm), record batches to canonical
 * events. The mirror image of `write.ts`; no file system here.
 *
 * @module
 */
import * as arrow from "apache-arrow";
import * as pw from "parquet-wasm";
import type { EventScope, PlxEvent } from "../../model/event.ts";
import { VALUE_SCHEMAS, type ValueType } from "../../schema/values.ts";
import { zodMessage } from "../../schema/issues.ts";
import { depthExceeds, MAX_DEPTH } from "../plx/read.ts";

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

/** Nullable int64 column as numbers (null where invalid). */
function int64s(v: arrow.Vector | null, n: number): (number | null)[] {
  const out = new Array<number | null>(n).fill(null);
  if (!v) return out;
  const d = v.data[0];
  const vals = d.values as BigInt64Array;
  const i32 = new Int32Array(vals.buffer, vals.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    if (d.nullBitmap && d.nullCount && !d.getValid(i)) continue;
    out[i] = i32[2 * i + 1] * 4294967296 + (i32[2 * i] >>> 0);
  }
  return out;
}

/**
 * Turns one record batch of a partition into events. `kind` comes from the partition (or the file's
 * metadata); value objects come from the exact `value_json` column.
 *
 * @throws {SyntaxError} When a `value_json` cell is not valid JSON or does not fit its value schema.
 */
export function batchEvents(batch: arrow.RecordBatch, kind: string, type: ValueType): PlxEvent[] {
  const n = batch.numRows;
  const run = strings(batch.getChild("run"), n);
  const scope = strings(batch.getChild("scope"), n);
  const name = strings(batch.getChild("name"), n);
  const step = int64s(batch.getChild("step"), n);
  const ts = int64s(batch.getChild("timestamp"), n);
  const offV = batch.getChild("utc_offset");
  const offD = offV?.data[0];
  const offs = offD?.values as Int32Array | undefined;
  const valueV = batch.getChild("value");
  const jsonV = batch.getChild("value_json");
  const nums = type === "metric" ? (valueV!.data[0].values as Float64Array) : null;
  const out = new Array<PlxEvent>(n);
  for (let i = 0; i < n; i++) {
    const offset = offD && (!offD.nullCount || offD.getValid(i)) ? offs![i] : null;
    let value: unknown;
    if (nums) value = nums[i];
    else if (type === "text" || type === "html") value = valueV!.get(i);
    else {
      const text = jsonV!.get(i) as string;
      value = JSON.parse(text);
      if (depthExceeds(value, MAX_DEPTH)) {
        throw new SyntaxError(`value_json of row ${i} is nested deeper than ${MAX_DEPTH} levels`);
      }
      const r = VALUE_SCHEMAS[type].safeParse(value);
      if (!r.success) throw new SyntaxError(`value_json of row ${i}: ${zodMessage(r.error)}`);
    }
    out[i] = {
      run: run[i],
      scope: scope[i] as EventScope,
      kind,
      name: name[i],
      step: step[i],
      timestamp: { micros: ts[i]!, offset },
      type,
      value,
    } as PlxEvent;
  }
  return out;
}
