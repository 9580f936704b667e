/**
 * A Parquet dataset (`<kind>/run=<id>/part-*.parquet`, commit records, carried assets) that DuckDB, pyarrow
 * and polars read: the sink writes it (sharded over processes when asked), the source reads it back.
 *
 * @example List the commits of the Parquet fixture dataset
 * ```ts
 * import { readCommits } from "./parquet.ts";
 *
 * const commits = await readCommits("fixtures/parquet/small-dataset");
 * if (commits.length === 0) throw new Error("the fixture dataset has commits");
 * ```
 *
 * @module
 */
export { ParquetSink, type ParquetSinkOptions } from "../src/formats/parquet/sink.ts";
export {
  type CommitRecord,
  type PartRecord,
  readCommits,
  type RunRecord,
} from "../src/formats/parquet/sink.ts";
export { ParquetSource } from "../src/formats/parquet/source.ts";
export {
  type ColumnType,
  type PartType,
  RUN_KIND,
  VALUE_COLUMNS,
  type ValueColumn,
} from "../src/formats/parquet/schema.ts";
export type { ParquetCompression } from "../src/formats/parquet/write.ts";
export { parquetFormat, parquetSettings } from "../src/formats/parquet/format.ts";
