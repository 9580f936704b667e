/**
 * Parquet writer core: canonical events into columnar buffers, buffers into Arrow record batches, record
 * batches into Parquet bytes (parquet-wasm). The mirror image of `read.ts`; no file system here.
 *
 * @module
 */
import * as arrow from "../../_deps/arrow.ts";
import * as pw from "../../_deps/parquet_wasm.ts";
import type { MetricColumns, PlxEvent } from "../../model/event.ts";
import {
  arrowSchema,
  arrowType,
  leafFields,
  PARQUET_LAYOUT_VERSION,
  type PartType,
  RUN_COLUMNS,
  RUN_KIND,
  VALUE_COLUMNS,
  type ValueColumn,
} from "./schema.ts";
import {
  type Cell,
  dictColumn,
  doubleColumn,
  type EncodedColumn,
  type EncodedRowGroup,
  intColumn,
  type NativeOptions,
  nullColumn,
  PhysicalType,
  plainColumn,
  rowGroup,
} from "./native.ts";
import { exactJson } from "../../json/exact.ts";

/** Parquet compression codecs offered by `--set compression=...`. */
export type ParquetCompression = "zstd" | "snappy" | "none";

/** parquet-wasm codec of each {@linkcode ParquetCompression}. */
export const COMPRESSIONS: Record<ParquetCompression, pw.Compression> = {
  zstd: pw.Compression.ZSTD,
  snappy: pw.Compression.SNAPPY,
  none: pw.Compression.UNCOMPRESSED,
};

/** Key of the layout version in each file's key-value metadata. */
export const VERSION_KEY = "plxkit.columnar_version";

/** Writer properties: compression, row group size, dictionary only on run/scope/name, metadata. */
export function writerProperties(
  compression: ParquetCompression,
  rowGroupRows: number,
  meta: Record<string, string>,
  _type?: PartType,
): pw.WriterProperties {
  return new pw.WriterPropertiesBuilder()
    .setCompression(COMPRESSIONS[compression])
    .setMaxRowGroupSize(rowGroupRows)
    .setDictionaryEnabled(false)
    .setColumnDictionaryEnabled("run", true)
    .setColumnDictionaryEnabled("scope", true)
    .setColumnDictionaryEnabled("name", true)
    .setColumnDictionaryEnabled("source_name", true)
    .setColumnStatisticsEnabled("source_name", pw.EnabledStatistics.None)
    // String statistics cost ~20 ms per million rows per column; scope (events/resources) is not worth it.
    .setColumnStatisticsEnabled("scope", pw.EnabledStatistics.None)
    .setCreatedBy("plxkit (parquet-wasm 0.8.0)")
    .setKeyValueMetadata(new Map(Object.entries({ [VERSION_KEY]: PARQUET_LAYOUT_VERSION, ...meta })))
    // Steps and timestamps mostly grow: delta encoding makes them small before compression.
    .setColumnEncoding("step", pw.Encoding.DELTA_BINARY_PACKED)
    .setColumnEncoding("timestamp", pw.Encoding.DELTA_BINARY_PACKED)
    .setColumnEncoding("utc_offset", pw.Encoding.DELTA_BINARY_PACKED)
    // Doubles: byte-stream split lets zstd find the shared exponent bytes.
    .setColumnEncoding("value", pw.Encoding.BYTE_STREAM_SPLIT)
    .build();
}

class Dict {
  map = new Map<string, number>();
  values: string[] = [];
  index(s: string): number {
    let i = this.map.get(s);
    if (i === undefined) {
      i = this.values.length;
      this.map.set(s, i);
      this.values.push(s);
    }
    return i;
  }
  reset(): void {
    this.map.clear();
    this.values = [];
  }
}

const TWO32 = 4294967296;

/**
 * Rows of one value type, held as typed arrays of a fixed capacity (one row group). Append events with
 * {@linkcode ColumnBuffer.push}; when {@linkcode ColumnBuffer.full}, take a record batch.
 */
export class ColumnBuffer {
  readonly capacity: number;
  length = 0;
  readonly #run = new Dict();
  readonly #scope = new Dict();
  readonly #name = new Dict();
  readonly #source = new Dict();
  readonly #runIdx: Int32Array;
  readonly #sourceIdx: Int32Array;
  readonly #scopeIdx: Int32Array;
  readonly #nameIdx: Int32Array;
  /** Steps and timestamps as exact doubles (the native encoder's input; Arrow's int64 made on demand). */
  readonly #step: Float64Array;
  readonly #stepValid: Uint8Array;
  readonly #ts: Float64Array;
  readonly #off: Int32Array;
  readonly #offValid: Uint8Array;
  readonly #num: Float64Array | null;
  #values: unknown[] = [];
  readonly #schema: arrow.Schema;
  readonly #cols: ValueColumn[];

  constructor(readonly type: PartType, capacity: number) {
    this.capacity = capacity;
    this.#runIdx = new Int32Array(capacity);
    this.#sourceIdx = new Int32Array(capacity);
    this.#scopeIdx = new Int32Array(capacity);
    this.#nameIdx = new Int32Array(capacity);
    this.#step = new Float64Array(capacity);
    this.#ts = new Float64Array(capacity);
    this.#off = new Int32Array(capacity);
    this.#stepValid = new Uint8Array((capacity + 7) >> 3);
    this.#offValid = new Uint8Array((capacity + 7) >> 3);
    this.#num = type === "metric" ? new Float64Array(capacity) : null;
    this.#schema = arrowSchema(type);
    this.#cols = type === RUN_KIND ? RUN_COLUMNS : VALUE_COLUMNS[type] ?? [];
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  /** The run of row `i`. */
  runAt(i: number): string {
    return this.#run.values[this.#runIdx[i]];
  }

  /**
   * Appends one event (of this buffer's type), `source` its name in the source (default its name); the
   * caller checks {@linkcode ColumnBuffer.full} first. A run-table buffer takes the run's row as an event
   * whose value is the run record's fields ({@linkcode RUN_COLUMNS}).
   */
  push(e: PlxEvent, source: string = e.name): void {
    const i = this.length++;
    this.#runIdx[i] = this.#run.index(e.run);
    this.#scopeIdx[i] = this.#scope.index(e.scope);
    this.#nameIdx[i] = this.#name.index(e.name);
    this.#sourceIdx[i] = this.#source.index(source);
    const bit = 1 << (i & 7);
    const byte = i >> 3;
    if (e.step === null) {
      this.#stepValid[byte] &= ~bit;
      this.#step[i] = 0;
    } else {
      this.#stepValid[byte] |= bit;
      this.#step[i] = e.step;
    }
    this.#ts[i] = e.timestamp.micros;
    const off = e.timestamp.offset;
    if (off === null) {
      this.#offValid[byte] &= ~bit;
      this.#off[i] = 0;
    } else {
      this.#offValid[byte] |= bit;
      this.#off[i] = off;
    }
    if (this.#num) this.#num[i] = e.value as number;
    else this.#values.push(e.value);
  }

  /**
   * Appends rows `[from, from + count)` of metric columns (this buffer's type is `metric`; the caller
   * keeps within the capacity): the same rows as pushing their events one by one.
   */
  pushMetrics(c: MetricColumns, from: number, count: number, source: string = c.name): void {
    const start = this.length;
    const end = start + count;
    this.length = end;
    this.#runIdx.fill(this.#run.index(c.run), start, end);
    this.#sourceIdx.fill(this.#source.index(source), start, end);
    this.#scopeIdx.fill(this.#scope.index(c.scope), start, end);
    this.#nameIdx.fill(this.#name.index(c.name), start, end);
    const step = this.#step;
    const off = this.#off;
    const stepValid = this.#stepValid;
    const offValid = this.#offValid;
    const cs = c.step;
    const co = c.offset;
    this.#ts.set(c.micros.subarray(from, from + count), start);
    for (let k = 0, i = start; i < end; k++, i++) {
      const bit = 1 << (i & 7);
      const byte = i >> 3;
      const s = cs[from + k];
      if (s !== s) {
        stepValid[byte] &= ~bit;
        step[i] = 0;
      } else {
        stepValid[byte] |= bit;
        step[i] = s;
      }
      const o = co[from + k];
      if (o !== o) {
        offValid[byte] &= ~bit;
        off[i] = 0;
      } else {
        offValid[byte] |= bit;
        off[i] = o;
      }
    }
    this.#num!.set(c.value.subarray(from, from + count), start);
  }

  /**
   * Renames the source names of rows `[from, length)`: each row's source name `s` becomes `rename(s)`
   * (a source learns the original names only at the end of a run, e.g. TensorBoard's tags).
   */
  renameSources(from: number, rename: (source: string) => string): void {
    const memo = new Map<number, number>();
    for (let i = from; i < this.length; i++) {
      const old = this.#sourceIdx[i];
      let idx = memo.get(old);
      if (idx === undefined) {
        idx = this.#source.index(rename(this.#source.values[old]));
        memo.set(old, idx);
      }
      this.#sourceIdx[i] = idx;
    }
  }

  /** Drops rows from `length` on (rows of a failed run at the end of the buffer). */
  truncate(length: number): void {
    if (length >= this.length) return;
    this.length = length;
    this.#values.length = this.#num ? 0 : length;
  }

  /**
   * The first `rows` rows (default all) as an Arrow IPC stream; the rest move to the front.
   */
  takeIpc(rows = this.length): Uint8Array {
    const n = Math.min(rows, this.length);
    const data = this.#batchData(n);
    const ipc = arrow.tableToIPC(new arrow.Table([new arrow.RecordBatch(this.#schema, data)]), "stream");
    this.#shift(n);
    return ipc;
  }

  /**
   * The first `rows` rows (default all) encoded by the native encoder (`native.ts`; metric buffers only);
   * the rest move to the front.
   */
  takeNative(rows: number, o: NativeOptions): EncodedRowGroup {
    const n = Math.min(rows, this.length);
    const columns: EncodedColumn[] = [
      dictColumn("run", this.#run.values, this.#runIdx, n, o),
      dictColumn("scope", this.#scope.values, this.#scopeIdx, n, o),
      dictColumn("name", this.#name.values, this.#nameIdx, n, o),
      intColumn("step", PhysicalType.INT64, this.#step, n, this.#stepValid, o),
      intColumn("timestamp", PhysicalType.INT64, this.#ts, n, null, o),
      intColumn("utc_offset", PhysicalType.INT32, this.#off, n, this.#offValid, o),
      dictColumn("source_name", this.#source.values, this.#sourceIdx, n, o),
    ];
    const payload = this.#cells(n);
    // Every other column of the one schema; those this kind does not fill are all null.
    for (const f of PAYLOAD_LEAVES ??= leafFields(arrowSchema()).slice(columns.length)) {
      if (f.name === "value" && this.#num) {
        columns.push(doubleColumn("value", this.#num.subarray(0, n), o, true));
        continue;
      }
      const cells = payload.get(f.name);
      columns.push(cells ? plainColumn(f, cells, o) : nullColumn(f, n, o));
    }
    this.#shift(n);
    return rowGroup(n, columns, o);
  }

  /** The payload cells of the first `n` rows, by column (none for metric rows: `value` is typed). */
  #cells(n: number): Map<string, Cell[]> {
    const out = new Map<string, Cell[]>();
    if (this.#num) return out;
    const vals = this.#values.slice(0, n);
    if (this.type === "text" || this.type === "html") {
      out.set(this.type, vals as string[]);
      return out;
    }
    const objs = vals as Record<string, unknown>[];
    for (const col of this.#cols) out.set(col.column, objs.map((v) => cellOf(v[col.field], col)));
    if (this.type !== RUN_KIND) out.set("value_json", objs.map((v) => exactJson(v)));
    return out;
  }

  #shift(n: number): void {
    const rest = this.length - n;
    if (rest > 0) {
      // Rare (a split at a run boundary): move the tail rows to the front, re-pushing keeps dictionaries right.
      const tail = this.#rows(n, this.length);
      this.#resetAll();
      for (const [e, source] of tail) this.push(e, source);
    } else {
      this.#resetAll();
    }
  }

  #resetAll(): void {
    this.length = 0;
    this.#values = [];
    this.#run.reset();
    this.#scope.reset();
    this.#name.reset();
    this.#source.reset();
  }

  /** Rows `[from, to)` back as minimal events and source names (used only when a buffer is split). */
  #rows(from: number, to: number): [PlxEvent, string][] {
    const out: [PlxEvent, string][] = [];
    for (let i = from; i < to; i++) {
      const valid = (bm: Uint8Array) => (bm[i >> 3] & (1 << (i & 7))) !== 0;
      out.push([{
        run: this.#run.values[this.#runIdx[i]],
        scope: this.#scope.values[this.#scopeIdx[i]] as PlxEvent["scope"],
        kind: "",
        name: this.#name.values[this.#nameIdx[i]],
        step: valid(this.#stepValid) ? this.#step[i] : null,
        timestamp: {
          micros: this.#ts[i],
          offset: valid(this.#offValid) ? this.#off[i] : null,
        },
        type: this.type,
        value: this.#num ? this.#num[i] : this.#values[i],
      } as PlxEvent, this.#source.values[this.#sourceIdx[i]]]);
    }
    return out;
  }

  #batchData(n: number): arrow.Data<arrow.Struct> {
    const fields = this.#schema.fields;
    const dict = (f: arrow.Field, idx: Int32Array, d: Dict) =>
      arrow.makeData({
        type: f.type,
        length: n,
        data: idx.subarray(0, n),
        dictionary: arrow.vectorFromArray(d.values, new arrow.Utf8()),
      } as never);
    const prim = (f: arrow.Field, data: ArrayBufferView, valid?: Uint8Array) => {
      let nullCount = 0;
      if (valid) {
        for (let i = 0; i < n; i++) if ((valid[i >> 3] & (1 << (i & 7))) === 0) nullCount++;
      }
      return arrow.makeData({
        type: f.type,
        length: n,
        data,
        nullBitmap: valid && nullCount ? valid.subarray(0, (n + 7) >> 3) : undefined,
        nullCount,
      } as never);
    };
    const payload = new Map<string, arrow.Data>();
    payload.set("source_name", dict(fields[6], this.#sourceIdx, this.#source));
    if (this.#num) payload.set("value", prim(fields[7], this.#num.subarray(0, n)));
    else if (this.type === "text" || this.type === "html") {
      const v = arrow.vectorFromArray(this.#values.slice(0, n) as string[], new arrow.Utf8());
      payload.set(this.type, v.data[0]);
    } else {
      const objs = this.#values.slice(0, n) as Record<string, unknown>[];
      for (const col of this.#cols) {
        const vals = objs.map((o) => columnValue(o[col.field], col));
        payload.set(
          col.column,
          col.type === "timestamp"
            ? timestamps(vals as (number | null)[], arrowType(col.type))
            : arrow.vectorFromArray(vals, arrowType(col.type) as never).data[0],
        );
      }
      if (this.type !== RUN_KIND) {
        payload.set(
          "value_json",
          arrow.vectorFromArray(objs.map((o) => exactJson(o)), new arrow.Utf8()).data[0],
        );
      }
    }
    const children: arrow.Data[] = [
      dict(fields[0], this.#runIdx, this.#run),
      dict(fields[1], this.#scopeIdx, this.#scope),
      dict(fields[2], this.#nameIdx, this.#name),
      prim(fields[3], int64s(this.#step, n), this.#stepValid),
      prim(fields[4], int64s(this.#ts, n)),
      prim(fields[5], this.#off.subarray(0, n), this.#offValid),
    ];
    for (const f of fields.slice(6)) children.push(payload.get(f.name) ?? nulls(f.type, n));
    return arrow.makeData({ type: new arrow.Struct(fields), length: n, children }) as arrow.Data<
      arrow.Struct
    >;
  }
}

/** The leaves after the shared columns and `source_name`, in file order. */
let PAYLOAD_LEAVES: ReturnType<typeof leafFields> | undefined;

/** The native encoder's cell of one field (as {@linkcode columnValue}, with plain numbers). */
function cellOf(v: unknown, col: ValueColumn): Cell {
  const x = columnValue(v, col);
  return typeof x === "bigint" ? Number(x) : x as Cell;
}

/** Microsecond timestamps (exact integers, or null) as an arrow timestamp column. */
function timestamps(vals: (number | null)[], type: arrow.DataType): arrow.Data {
  const n = vals.length;
  const micros = new Float64Array(n);
  const valid = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  vals.forEach((v, i) => {
    if (v === null) nullCount++;
    else {
      micros[i] = v;
      valid[i >> 3] |= 1 << (i & 7);
    }
  });
  return arrow.makeData({ type, length: n, data: int64s(micros, n), nullBitmap: valid, nullCount } as never);
}

/**
 * A column of `n` nulls of an arrow type, on zero-filled buffers of its own (no per-row work; buffers shared
 * between columns make arrow's IPC writer emit a stream arrow-rs cannot read beyond ~100,000 rows).
 */
function nulls(type: arrow.DataType, n: number): arrow.Data {
  const common = { type, length: n, nullCount: n, nullBitmap: new Uint8Array((n + 7) >> 3) };
  if (arrow.DataType.isList(type)) {
    const child = arrow.vectorFromArray([], type.children[0].type as never).data[0];
    return arrow.makeData({ ...common, valueOffsets: new Int32Array(n + 1), child } as never);
  }
  if (arrow.DataType.isUtf8(type)) {
    return arrow.makeData(
      { ...common, valueOffsets: new Int32Array(n + 1), data: new Uint8Array(0) } as never,
    );
  }
  if (arrow.DataType.isInt(type) && type.bitWidth === 32) {
    return arrow.makeData({ ...common, data: new Int32Array(n) } as never);
  }
  if (arrow.DataType.isInt(type) || arrow.DataType.isTimestamp(type)) {
    return arrow.makeData({ ...common, data: new BigInt64Array(n) } as never);
  }
  return arrow.makeData({ ...common, data: new Float64Array(n) } as never);
}

/** The first `n` integers of `values` (exact doubles) as Arrow's int64 buffer. */
function int64s(values: Float64Array, n: number): BigInt64Array {
  const words = new Uint32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const hi = Math.floor(v / TWO32);
    words[2 * i] = v - hi * TWO32;
    words[2 * i + 1] = hi >>> 0;
  }
  return new BigInt64Array(words.buffer);
}

/** The typed-column value of one field, or null when the field is absent or of another type. */
function columnValue(v: unknown, col: ValueColumn): unknown {
  switch (col.type) {
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : null;
    case "double":
      return typeof v === "number" ? v : null;
    case "timestamp":
      return typeof v === "number" && Number.isSafeInteger(v) ? v : null;
    case "string":
      return typeof v === "string" ? v : null;
    case "doubles":
      return Array.isArray(v) ? v.map((x) => (typeof x === "number" ? x : null)) : null;
    case "strings":
      return Array.isArray(v) ? v.map((x) => (x === null || x === undefined ? null : String(x))) : null;
  }
}
