/**
 * The formats `plxkit convert` knows, each a source and/or a sink of canonical events. A new format adds
 * one entry here.
 *
 * @module
 */
import { FormatError, SettingError } from "../diagnostics.ts";
import { discover } from "./plx/layout.ts";
import { PlxSink } from "./plx/sink.ts";
import { PlxSource } from "./plx/source.ts";
import { hasEventFiles } from "./tensorboard/layout.ts";
import { TensorboardSink } from "./tensorboard/sink.ts";
import { TensorboardSource } from "./tensorboard/source.ts";
import { jsonlFormat } from "./jsonl/format.ts";
import { parquetFormat } from "./parquet/format.ts";
import type { FormatSpec } from "../convert/core.ts";

/**
 * Whether a Polyaxon run (or a lone `.plx` file) is anywhere under `p`: the same discovery, at any depth,
 * as conversion and validation use (stops at the first run).
 */
async function anyRunUnder(p: string): Promise<boolean> {
  try {
    for await (const t of discover([p])) {
      if ("severity" in t) continue;
      if (t.type === "run") return true;
      if (t.type === "file" && p.endsWith(".plx")) return true;
    }
  } catch { /* unreadable: not this format */ }
  return false;
}

/** A `true|false` setting (default true). @throws {SettingError} On any other value. */
function flag(settings: Record<string, string>, key: string): boolean {
  const v = settings[key];
  if (v === undefined || v === "true") return true;
  if (v === "false") return false;
  throw new SettingError(`--set ${key}= takes true or false (got "${v}")`);
}

/** Polyaxon run folders. */
export const plxFormat: FormatSpec = {
  name: "plx",
  description: "Polyaxon run folders (events/<kind>/<name>.plx, assets/, run.plx.json)",
  detect: (input) => anyRunUnder(input),
  source: (inputs) => new PlxSource(inputs),
  sink: (out) => Promise.resolve(new PlxSink(out)),
};

/**
 * TensorBoard logdirs (folders holding `events.out.tfevents.*` files). Settings: `checksum=false` skips
 * payload CRC checks when reading; `steps=all|last|restart` picks what to keep when steps repeat (see
 * docs/tensorboard.md); `plugin=false` leaves out the exact plxkit copy when writing.
 */
export const tensorboardFormat: FormatSpec = {
  name: "tensorboard",
  description: "TensorBoard logdirs (events.out.tfevents.* files; every folder holding them is a run)",
  detect: (input) => hasEventFiles(input),
  source: (inputs, o) => {
    const steps = o.settings.steps ?? "all";
    if (steps !== "all" && steps !== "last" && steps !== "restart") {
      throw new SettingError(`--set steps= takes all, last or restart (got "${steps}")`);
    }
    return new TensorboardSource(inputs, { checksum: flag(o.settings, "checksum"), steps });
  },
  sink: (out, o) => Promise.resolve(new TensorboardSink(out, { plugin: flag(o.settings, "plugin") })),
  settings: {
    checksum: "false: skip payload CRC checks when reading (as TensorBoard's data server does)",
    steps:
      "all (default) | last | restart: which repeated-step or restart rule of TensorBoard to apply when reading",
    plugin:
      "false: do not write the exact plxkit copy (smaller; float64, null steps and some kinds then lost)",
  },
};

/**
 * Every format, in detection order: Parquet datasets and JSONL files are recognised by exact markers
 * (`_plxkit/dataset.json`, `.jsonl` files), then plx before TensorBoard (a Polyaxon run may hold
 * `outputs/tensorboard/`).
 */
export const FORMATS: FormatSpec[] = [parquetFormat, jsonlFormat, plxFormat, tensorboardFormat];

/** The format named `name`, or undefined. */
export function formatByName(name: string): FormatSpec | undefined {
  return FORMATS.find((f) => f.name === name);
}

/**
 * The source format of `inputs`: the first format (in {@linkcode FORMATS} order) that recognises every input.
 *
 * @throws {FormatError} When no format recognises them all.
 */
export async function detectFormat(inputs: string[]): Promise<FormatSpec> {
  for (const f of FORMATS) {
    if (!f.detect || !f.source) continue;
    let all = true;
    for (const i of inputs) {
      if (!(await f.detect(i))) {
        all = false;
        break;
      }
    }
    if (all) return f;
  }
  throw new FormatError(`cannot tell the format of ${inputs.join(", ")}; name it with --from`);
}
