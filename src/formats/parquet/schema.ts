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
export type ColumnType = "int" | "double" | "string" | "doubles" | "strings" | "timestamp";

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
 * is `kind`), a span's `name` is `span_name` (the event name column is `name`), a confusion matrix's
 * label lists are `labels_x` / `labels_y` (a curve's `x` / `y` are numbers: one column name, one type).
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
  confusion: [c("labels_x", "strings", "x"), c("labels_y", "strings", "y")],
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

/**
 * Columns of the run table (`kind=run`, one row per run), filled from the run's `run.plx.json` by
 * `runRow` (`_run_table.ts`). `inputs` / `outputs` hold the record's objects as exact JSON.
 */
export const RUN_COLUMNS: ValueColumn[] = [
  c("run_uuid", "string"),
  c("run_name", "string"),
  c("run_status", "string"),
  c("run_tags", "strings"),
  c("run_created_at", "timestamp"),
  c("run_started_at", "timestamp"),
  c("run_finished_at", "timestamp"),
  c("run_duration", "double"),
  c("run_source", "string"),
  c("inputs", "string"),
  c("outputs", "string"),
];

/** The partition (kind folder) of the run table. */
export const RUN_KIND = "run";

/** Arrow type of a column type. */
export function arrowType(t: ColumnType): arrow.DataType {
  switch (t) {
    case "int":
      return new arrow.Int64();
    case "double":
      return new arrow.Float64();
    case "string":
      return new arrow.Utf8();
    case "timestamp":
      return new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, "UTC");
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

/**
 * Layout version of the Parquet dataset (`_plxkit/dataset.json` and each file's `plxkit.columnar_version`):
 * `2` is the one-schema layout under `data/`; `1` (per-kind schemas at the dataset root) is still read.
 */
export const PARQUET_LAYOUT_VERSION = "2";

/** Layout versions this plxkit reads. */
export const READABLE_LAYOUT_VERSIONS: readonly string[] = ["1", "2"];

/** The folder of a (version 2) dataset holding the Parquet table: nothing but Parquet files below it. */
export const DATA_DIR = "data";

/** Shared columns of every partition, in file order. */
export const SHARED_COLUMNS = ["run", "scope", "name", "step", "timestamp", "utc_offset"] as const;

/**
 * Every column after the shared ones, in file order, with its type: the one schema of every file of a
 * dataset (layout version 2), whatever its kind. A column name has one type across kinds.
 */
export const PAYLOAD_COLUMNS: readonly { column: string; type: ColumnType }[] = (() => {
  const out: { column: string; type: ColumnType }[] = [
    { column: "source_name", type: "string" },
    { column: "value", type: "double" },
    { column: "text", type: "string" },
    { column: "html", type: "string" },
  ];
  const seen = new Map<string, ColumnType>(out.map((o) => [o.column, o.type]));
  const add = (col: ValueColumn) => {
    const t = seen.get(col.column);
    if (t !== undefined) {
      if (t !== col.type) throw new Error(`column ${col.column} has two types (${t}, ${col.type})`);
      return;
    }
    seen.set(col.column, col.type);
    out.push({ column: col.column, type: col.type });
  };
  for (const cols of Object.values(VALUE_COLUMNS)) for (const col of cols!) add(col);
  add(c("value_json", "string"));
  for (const col of RUN_COLUMNS) add(col);
  return out;
})();

/** A partition's value type, or `"run"` for the run table. */
export type PartType = ValueType | typeof RUN_KIND;

let unified: arrow.Schema | null = null;

/**
 * The arrow schema of every file of a (version 2) dataset: the shared columns, then
 * {@linkcode PAYLOAD_COLUMNS}, all nullable. (The argument is kept for callers naming a partition's type;
 * the schema is the same for all.)
 */
export function arrowSchema(_type?: PartType): arrow.Schema {
  if (unified) return unified;
  const fields: arrow.Field[] = [
    new arrow.Field("run", dictType(), false),
    new arrow.Field("scope", dictType(), false),
    new arrow.Field("name", dictType(), false),
    new arrow.Field("step", new arrow.Int64(), true),
    new arrow.Field("timestamp", new arrow.Timestamp(arrow.TimeUnit.MICROSECOND, "UTC"), false),
    new arrow.Field("utc_offset", new arrow.Int32(), true),
  ];
  // (the source's own name, beside the sanitized `name`: a dictionary like it, never null)
  fields.push(new arrow.Field("source_name", dictType(), false));
  for (const p of PAYLOAD_COLUMNS.slice(1)) fields.push(new arrow.Field(p.column, arrowType(p.type), true));
  unified = new arrow.Schema(fields);
  return unified;
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
 * Lists are the 3-level LIST structure (`<name>.list.element`), as parquet-wasm writes them.
 *
 * @throws {Error} For a type the native encoder does not write.
 */
export function leafFields(schema: arrow.Schema): LeafField[] {
  return schema.fields.map((f) => {
    const t = f.type;
    const optional = f.nullable;
    if (arrow.DataType.isList(t)) {
      const [leaf] = leafFields(new arrow.Schema([t.children[0]]));
      return { ...leaf, name: f.name, optional, list: true };
    }
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

let schemaMeta: string | undefined;

/**
 * The `ARROW:schema` key-value metadata of a partition: the Arrow IPC schema message, base64 (what
 * parquet-wasm, pyarrow and arrow-rs write and read back: dictionary columns stay dictionaries, the
 * timestamp keeps its `UTC` zone).
 */
export function arrowSchemaMeta(type?: PartType): string {
  let s = schemaMeta;
  if (s === undefined) {
    // An IPC stream starts with the schema message: 0xFFFFFFFF, its length, the flatbuffer.
    const ipc = arrow.tableToIPC(new arrow.Table(arrowSchema(type)), "stream");
    const len = new DataView(ipc.buffer, ipc.byteOffset).getInt32(4, true);
    s = btoa(String.fromCharCode(...ipc.subarray(0, 8 + len)));
    schemaMeta = s;
  }
  return s;
}
