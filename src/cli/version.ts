/**
 * `plxkit --version`, in a module that loads no codec, schema library or format: `cli.ts` imports only
 * this for `--version`, so the command starts about as fast as Deno itself (issue 16).
 *
 * @module
 */
import { REPORT_VERSION, SCHEMA_VERSION, VERSION } from "../version.ts";
import { GENERATIONS } from "../model/report.ts";
import { COLUMNAR_VERSION } from "../model/event.ts";
import { ENVELOPE_VERSION } from "../formats/tensorboard/plugin.ts";

/**
 * The formats and what plxkit does with each, in detection order (the registry's `FORMATS`, written out so
 * that `--version` loads none of them; a test holds the two equal).
 */
export const FORMAT_CAPABILITIES: readonly (readonly [name: string, does: string])[] = [
  ["parquet", "read/write"],
  ["jsonl", "read/write"],
  ["plx", "read/write"],
  ["tensorboard", "read/write"],
];

/** `plxkit --version`: the version and the format generations and layout versions it knows. */
export function versionText(): string {
  return [
    `plxkit ${VERSION}`,
    `Polyaxon event file generations: ${
      GENERATIONS.filter((g) => g !== "mixed").join(", ")
    } (read and validated)`,
    `formats: ${FORMAT_CAPABILITIES.map(([n, d]) => `${n} (${d})`).join(", ")}`,
    `value schemas ${SCHEMA_VERSION}; JSONL/Parquet columnar layout ${COLUMNAR_VERSION}; TensorBoard plugin envelope ${ENVELOPE_VERSION}; validate JSON report ${REPORT_VERSION}`,
    "",
  ].join("\n");
}
