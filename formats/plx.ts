/**
 * The Polyaxon run-artifact layout (`events/<kind>/<name>.plx`, `assets/`, `resources/`, `plxlogs/`, offline
 * `run.plx.json`): finding runs, reading their event files of every format generation, and writing runs.
 *
 * @example Read one event file of a sample run
 * ```ts
 * import { PlxReader } from "./plx.ts";
 *
 * const file = "fixtures/runs/1a2b3c4d5e6f47089a0b1c2d3e4f5a6b/events/metric/loss.plx";
 * const reader = new PlxReader({ run: "r", scope: "events", kind: "metric", name: "loss", file });
 * let rows = 0;
 * for await (const batch of reader.read([await Deno.readFile(file)])) rows += batch.events.length;
 * if (rows === 0 || rows !== reader.info.events) throw new Error("every row read");
 * ```
 *
 * @module
 */
export { PlxRunSource, PlxSource } from "../src/formats/plx/source.ts";
export { PlxSink } from "../src/formats/plx/sink.ts";
export {
  type PlxFileInfo,
  type PlxFileMeta,
  PlxReader,
  type PlxReadOptions,
} from "../src/formats/plx/read.ts";
export { PlxRunWriter } from "../src/formats/plx/write.ts";
export { discover, type DiscoverOptions, isRunFolder, listRun } from "../src/formats/plx/layout.ts";
export { plxFormat } from "../src/formats/registry.ts";
