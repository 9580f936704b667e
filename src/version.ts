/**
 * The plxkit version (CLI `--version`, `created_by` of the Parquet files it encodes) and the versions of the
 * shapes it writes, in a module that imports nothing, so `plxkit --version` starts without loading codecs.
 *
 * @module
 */

/** plxkit's version. */
export const VERSION = "0.1.0";

/** Format version of the value schemas (src/schema/values.ts); bumped when a schema changes meaning. */
export const SCHEMA_VERSION = "1.0.0";

/** Version of the validate JSON report's shape (src/validate/report.ts); raised when a field changes meaning. */
export const REPORT_VERSION = 1;
