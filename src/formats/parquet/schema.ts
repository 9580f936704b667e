/**
 * The Parquet dataset's table layout: shared columns for every kind, typed value columns per value type,
 * and the exact-JSON column that makes structured values lossless. See `docs/parquet.md`.
 *
 * @module
 */
import * as arrow from "../../_deps/arrow.ts";
import type { ValueType } from "../../schema/values.ts";
import { type LeafField, PhysicalType } from "./native.ts";

/** Type of a typed value column. */
export type ColumnType = "int" | "double" | "string" | "doubles" | "strings";

/** A typed value column: its Parquet name, the value field it comes from, its type. */
export interface ValueColumn {
  /** Parquet column name. */
  column: string;
  /** Field of the value object it comes from. */
  field: string;
  /** Column type. */
  type: ColumnType;
}

const c = (column: string, type: ColumnType, field = column): ValueColumn => ({ column, field, type });

/**
 * Typed columns of each structured value type. `kind` inside a value is `value_kind` (the partition column
 * is `kind`), a span's `name` is `span_name` (the event name column is `name`).
 */
export const VALUE_COLUMNS: Partial<Record<ValueType, ValueColumn[]>> = {
  image: [c("height", "int"), c("width", "int"), c("colorspace", "int"), c("path", "string")],
  video: [
    c("height", "int"),
    c("width", "int"),
    c("colorspace", "int"),
    c("path", "string"),
    c("content_type", "string"),
  ],
  audio: [
    c("sample_rate", "double"),
    c("num_channels", "int"),
    c("length_frames", "int"),
    c("path", "string"),
    c("content_type", "string"),
  ],
  histogram: [c("values", "doubles"), c("counts", "doubles")],
  chart: [c("value_kind", "string", "kind")],
  curve: [c("value_kind", "string", "kind"), c("x", "doubles"), c("y", "doubles"), c("annotation", "string")],
  confusion: [c("x", "strings"), c("y", "strings")],
  artifact: [c("value_kind", "string", "kind"), c("path", "string")],
  model: [c("framework", "string"), c("path", "string")],
  dataframe: [c("path", "string"), c("content_type", "string")],
  span: [
    c("uuid", "string"),
    c("span_name", "string", "name"),
    c("tags", "strings"),
    c("started_at", "string"),
    c("finished_at", "string"),
    c("status", "string"),
    c("value_kind", "string", "kind"),
  ],
};

/** Arrow type of a column type. */
export function arrowType(t: ColumnType): arrow.DataType {
  switch (t) {
    case "int":
      return new arrow.Int64();
    case "double":
      return new arrow.Float64();
    case "string":
      return new arrow.Utf8();
    case "doubles":
      return new arrow.List(new arrow.Field("element", new arrow.Float64(), true));
    case "strings":
      return new arrow.List(new arrow.Field("element", new arrow.Utf8(), true));
  }
}

/** A dictionary-encoded string type (run, scope, name). */
export function dictType(): arrow.Dictionary {
  return new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32());
}

/** Shared columns of every partition, in file order. */
export const SHARED_COLUMNS = ["run", "scope", "name", "step", "timestamp", "utc_offset"] as const;

/** The arrow schema of a partition holding events of value type `type`. */
export function arrowSchema(type: ValueType): arrow.Schema {
  const fields: arrow.Field[] = [
    new arrow.Field("run", dictType(), false),
    new arrow.Field("scope", dictType(), false),
    new arrow.Field("name", dictType(), false),
    new arrow.Field("step", new arrow.Int64(), true),
    new arrow.Field("timestamp", new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, "UTC"), false),
    new arrow.Field("utc_offset", new arrow.Int32(), true),
  ];
  if (type === "metric") fields.push(new arrow.Field("value", new arrow.Float64(), false));
  else if (type === "text" || type === "html") fields.push(new arrow.Field("value", new arrow.Utf8(), false));
  else {
    for (const col of VALUE_COLUMNS[type] ?? []) {
      fields.push(new arrow.Field(col.column, arrowType(col.type), true));
    }
    fields.push(new arrow.Field("value_json", new arrow.Utf8(), false));
  }
  return new arrow.Schema(fields);
}

/** Hive partition folder of a kind: `kind=<percent-encoded kind>`. */
export function partitionDir(kind: string): string {
  return `kind=${encodeURIComponent(kind).replaceAll(".", "%2E")}`;
}

/** The kind of a partition folder name, or null when it is not one. */
export function kindOfPartition(dir: string): string | null {
  if (!dir.startsWith("kind=")) return null;
  try {
    return decodeURIComponent(dir.slice(5));
  } catch {
    return null;
  }
}

/**
 * The Parquet leaves of a flat arrow schema, as the native encoder writes them (the same physical and
 * logical types parquet-wasm writes for these arrow types).
 *
 * @throws {Error} For a type the native encoder does not write (lists; only metric partitions use it).
 */
export function leafFields(schema: arrow.Schema): LeafField[] {
  return schema.fields.map((f) => {
    const t = f.type;
    const optional = f.nullable;
    if (arrow.DataType.isDictionary(t) || arrow.DataType.isUtf8(t)) {
      return { name: f.name, type: PhysicalType.BYTE_ARRAY, optional, logical: "string" as const };
    }
    if (arrow.DataType.isTimestamp(t)) {
      return { name: f.name, type: PhysicalType.INT64, optional, logical: "timestamp-us-utc" as const };
    }
    if (arrow.DataType.isInt(t) && t.bitWidth === 64) {
      return { name: f.name, type: PhysicalType.INT64, optional };
    }
    if (arrow.DataType.isInt(t) && t.bitWidth === 32) {
      return { name: f.name, type: PhysicalType.INT32, optional };
    }
    if (arrow.DataType.isFloat(t) && t.precision === arrow.Precision.DOUBLE) {
      return { name: f.name, type: PhysicalType.DOUBLE, optional };
    }
    throw new Error(`no native Parquet leaf for column ${f.name} (${t})`);
  });
}

const schemaMeta = new Map<ValueType, string>();

/**
 * The `ARROW:schema` key-value metadata of a partition: the Arrow IPC schema message, base64 (what
 * parquet-wasm, pyarrow and arrow-rs write and read back: dictionary columns stay dictionaries, the
 * timestamp keeps its `UTC` zone).
 */
export function arrowSchemaMeta(type: ValueType): string {
  let s = schemaMeta.get(type);
  if (s === undefined) {
    // An IPC stream starts with the schema message: 0xFFFFFFFF, its length, the flatbuffer.
    const ipc = arrow.tableToIPC(new arrow.Table(arrowSchema(type)), "stream");
    const len = new DataView(ipc.buffer, ipc.byteOffset).getInt32(4, true);
    s = btoa(String.fromCharCode(...ipc.subarray(0, 8 + len)));
    schemaMeta.set(type, s);
  }
  return s;
}
