/**
 * The formats `plxkit convert` knows, each a source and/or a sink of canonical events. A new format adds
 * one entry here.
 *
 * @module
 */
import type { EventSink, EventSource } from "../convert/pipeline.ts";
import { UsageError } from "../diagnostics.ts";
import { isRunFolder, isSideFolder } from "./plx/layout.ts";
import { PlxSink } from "./plx/sink.ts";
import { PlxSource } from "./plx/source.ts";
import { hasEventFiles } from "./tensorboard/layout.ts";
import { TensorboardSink } from "./tensorboard/sink.ts";
import { TensorboardSource } from "./tensorboard/source.ts";
import { jsonlFormat } from "./jsonl/format.ts";
import { parquetFormat } from "./parquet/format.ts";

/** Options given to format factories (parsed from the command line). */
export interface FormatOptions {
  /** Format-specific `--set key=value` options. */
  settings: Record<string, string>;
  /** The `--shard k/n` being converted, when given (sinks name their output files after it). */
  shard?: string;
}

/** A conversion format. */
export interface FormatSpec {
  /** The format's name, as given to `--from` and `--to`. */
  name: string;
  /** One line describing the format, for `plxkit convert --help`. */
  description: string;
  /** True when `input` looks like this format (used when `--from` is not given). */
  detect?(input: string): Promise<boolean>;
  /** The source reading `inputs`; absent when the format cannot be read. */
  source?(inputs: string[], options: FormatOptions): EventSource;
  /** `--set key=value` settings this format understands, with a one-line help each. */
  settings?: Record<string, string>;
  /** The sink writing to `out`; absent when the format cannot be written. */
  sink?(out: string, options: FormatOptions): Promise<EventSink>;
}

async function anyRunUnder(p: string, depth = 3): Promise<boolean> {
  try {
    const st = await Deno.stat(p);
    if (st.isFile) return p.endsWith(".plx");
    if (await isRunFolder(p)) return true;
    if (depth === 0) return false;
    const entries: Deno.DirEntry[] = [];
    for await (const e of Deno.readDir(p)) entries.push(e);
    const names = entries.map((e) => e.name);
    for (const e of entries) {
      if (isSideFolder(e.name, names)) continue; // a TensorBoard run's side folder, not a Polyaxon run
      if (e.isDirectory && (await anyRunUnder(`${p}/${e.name}`, depth - 1))) return true;
    }
  } catch { /* unreadable: not this format */ }
  return false;
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
      throw new UsageError(`--set steps= takes all, last or restart (got "${steps}")`);
    }
    return new TensorboardSource(inputs, { checksum: o.settings.checksum !== "false", steps });
  },
  sink: (out, o) => Promise.resolve(new TensorboardSink(out, { plugin: o.settings.plugin !== "false" })),
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
 * @throws {UsageError} When no format recognises them all.
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
  throw new UsageError(`cannot tell the format of ${inputs.join(", ")}; name it with --from`);
}
