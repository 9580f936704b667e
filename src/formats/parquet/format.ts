/**
 * The `parquet` entry of the format registry.
 *
 * @module
 */
import * as path from "node:path";
import { SettingError } from "../../diagnostics.ts";
import { ParquetSink, type ParquetSinkOptions } from "./sink.ts";
import { ParquetSource } from "./source.ts";
import { COMPRESSIONS, type ParquetCompression } from "./write.ts";
import type { FormatSpec } from "../../convert/core.ts";

function positiveInt(key: string, v: string, max: number): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new SettingError(`--set ${key}: must be an integer from 1 to ${max} (got "${v}")`);
  }
  return n;
}

/**
 * Parses `--set` settings of the Parquet sink: row_group_rows, part_mb / part_bytes, compression.
 *
 * @throws {SettingError} On an unknown key or a bad value.
 *
 * @example
 * ```ts
 * import { parquetSettings } from "./format.ts";
 * parquetSettings({ row_group_rows: "262144", compression: "none" }, "1/2");
 * ```
 */
export function parquetSettings(settings: Record<string, string>, shard?: string): ParquetSinkOptions {
  const o: ParquetSinkOptions = { shard };
  for (const [k, v] of Object.entries(settings)) {
    if (k === "row_group_rows") o.rowGroupRows = positiveInt(k, v, 1 << 24);
    else if (k === "part_mb") o.partBytes = positiveInt(k, v, 1 << 20) * 1024 * 1024;
    else if (k === "part_bytes") o.partBytes = positiveInt(k, v, 2 ** 40);
    else if (k === "compression") {
      if (v === "snappy") {
        throw new SettingError(
          "parquet: compression=snappy is no longer offered: every part is written by plxkit's own encoder, " +
            "which writes zstd (the default; every engine reads it) or none",
        );
      }
      if (!(v in COMPRESSIONS)) {
        throw new SettingError(`parquet: compression must be zstd or none`);
      }
      o.compression = v as ParquetCompression;
    } else {
      throw new SettingError(
        `parquet: unknown setting "${k}" (known: row_group_rows, part_mb, part_bytes, compression)` +
          (k === "encoder" ? "; every kind is encoded natively now, there is no encoder to choose" : ""),
      );
    }
  }
  return o;
}

/** A Parquet dataset: Hive partitions by kind, long format, run id as a column. */
export const parquetFormat: FormatSpec = {
  name: "parquet",
  description:
    "Parquet dataset folder (data/kind=<kind>/part-*.parquet: one schema, run id as a column, run table; _plxkit/ commits)",
  detect: async (input) => {
    try {
      // The marker's presence names the format (lstat: whatever it is); a marker that is not a readable
      // regular file is then the source's clear error, not a "looks like plx" usage error.
      await Deno.lstat(path.join(input, "_plxkit", "dataset.json"));
      return true;
    } catch {
      return false;
    }
  },
  source: (inputs) => new ParquetSource(inputs),
  sink: (out, { settings, shard }) => ParquetSink.open(out, parquetSettings(settings, shard)),
  settings: {
    row_group_rows: "rows per row group (default 1048576)",
    part_mb: "part file size in MiB before a new part starts (default 128)",
    part_bytes: "the same in bytes",
    compression: "zstd (default) or none",
  },
};
