/**
 * The plxkit version (CLI `--version`, `created_by` of the Parquet files it encodes).
 *
 * @module
 */

/** plxkit's version. */
export const VERSION = "0.1.0";
