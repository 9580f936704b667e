/**
 * Conversion between formats through the canonical event model: the interfaces every format's source and
 * sink implement, `convert()` between them with its report of what each target could not hold, the
 * selection stage (runs, kinds, names, steps, times) and sharding of a run list over processes, and the
 * registry of formats the CLI offers.
 *
 * @example Convert the sample runs to JSONL in a temporary folder
 * ```ts
 * import { convert } from "./convert.ts";
 * import { PlxSource } from "./formats/plx.ts";
 * import { JsonlSink } from "./formats/jsonl.ts";
 *
 * const out = await Deno.makeTempDir();
 * try {
 *   const report = await convert(new PlxSource(["fixtures/runs/"]), new JsonlSink(`${out}/all.jsonl`));
 *   if (report.runs.length === 0 || report.failed) throw new Error("the sample runs convert");
 * } finally {
 *   await Deno.remove(out, { recursive: true });
 * }
 * ```
 *
 * @module
 */
export {
  type DropLedger,
  type EventSink,
  type EventSource,
  type FormatOptions,
  type FormatSpec,
  type RunInfo,
  type RunSink,
  type RunSource,
  type SourceItem,
} from "./src/convert/core.ts";
export {
  convert,
  type ConvertOptions,
  type ConvertReport,
  LOSS_CODES,
  type RunOutcome,
} from "./src/convert/pipeline.ts";
export type { Loss, RunFile } from "./src/convert/carry.ts";
export { Selection, type SelectionSpec, selectSource } from "./src/convert/select.ts";
export { shardFilter } from "./src/convert/shard.ts";
export { detectFormat, formatByName, FORMATS } from "./src/formats/registry.ts";
