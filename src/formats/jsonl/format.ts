/**
 * The `jsonl` entry of the format registry.
 *
 * @module
 */
import * as path from "node:path";
import { SettingError } from "../../diagnostics.ts";
import { isJsonlFile, JsonlSink } from "./sink.ts";
import { JsonlSource } from "./source.ts";
import type { FormatSpec } from "../../convert/core.ts";

/** True when `dir` holds what only a Polyaxon run folder holds: `events/`, `resources/` or `run.plx.json`. */
function isPolyaxonRun(dir: string): boolean {
  for (const name of ["events", "resources", "run.plx.json"]) {
    try {
      Deno.lstatSync(path.join(dir, name));
      return true;
    } catch { /* absent */ }
  }
  return false;
}

async function looksLikeJsonl(input: string): Promise<boolean> {
  try {
    const st = await Deno.stat(input);
    if (st.isFile) return /\.jsonl(\.gz)?$/i.test(input); // a folder named x.jsonl is not a JSONL file
    if (!st.isDirectory) return false;
    // A folder of JSONL files, but not a Polyaxon run (nor a folder of runs) that holds a stray .jsonl file:
    // those are plx input, whose every file is carried.
    if (isPolyaxonRun(input)) return false;
    let jsonl = false;
    for await (const e of Deno.readDir(input)) {
      if (e.isFile && /\.jsonl(\.gz)?$/i.test(e.name)) jsonl = true;
      else if (e.isDirectory && isPolyaxonRun(path.join(input, e.name))) return false;
    }
    return jsonl;
  } catch { /* not readable: not this format */ }
  return false;
}

/** JSONL: one canonical event per line (`.jsonl`, `.jsonl.gz`, or a folder of one file per run). */
export const jsonlFormat: FormatSpec = {
  name: "jsonl",
  description: "JSON lines, one event per line (.jsonl, .jsonl.gz, or a folder with one file per run)",
  detect: looksLikeJsonl,
  source: (inputs) => new JsonlSource(inputs),
  settings: {
    compress: "gzip | none: compression of per-run files in folder mode (a file's name decides otherwise)",
    gzip_level: "1..9: gzip level (default 3)",
  },
  sink: (out, { settings, shard }) => {
    if (shard !== undefined && isJsonlFile(out)) {
      throw new SettingError(
        `--shard writes one file per run: give --out a folder, not ${out} (workers would replace each other's file)`,
      );
    }
    for (const k of Object.keys(settings)) {
      if (k !== "compress" && k !== "gzip_level") {
        throw new SettingError(`jsonl: unknown setting "${k}" (known: compress, gzip_level)`);
      }
    }
    const level = settings.gzip_level === undefined ? undefined : Number(settings.gzip_level);
    if (level !== undefined && !(Number.isInteger(level) && level >= 1 && level <= 9)) {
      throw new SettingError(`jsonl: gzip_level must be 1..9 (got "${settings.gzip_level}")`);
    }
    const c = settings.compress;
    if (c !== undefined && c !== "gzip" && c !== "none") {
      throw new SettingError(`jsonl: compress must be gzip or none (got "${c}")`);
    }
    return Promise.resolve(new JsonlSink(out, { gzip: c === "gzip", level }));
  },
};
