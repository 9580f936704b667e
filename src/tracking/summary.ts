/**
 * Lineage summaries of event files (spec §10), computed the way Polyaxon does at the end of a run: the file
 * is read back (here with {@linkcode PlxReader}), step and timestamp "min"/"max" are the first and last rows,
 * and the metric block is pandas' `describe()` plus `last`, NaN as `null`.
 *
 * @module
 */
import * as path from "node:path";
import type { Diagnostic } from "../diagnostics.ts";
import type { EventScope, PlxEvent } from "../model/event.ts";
import { formatPyIsoformat, type PlxTime } from "../model/time.ts";
import { PlxReader } from "../formats/plx/read.ts";
import { pydanticCompact, PyFloat } from "../json/python.ts";
import { describe, pandasReadFloat } from "./stats.ts";
import { pyFloatRepr } from "../model/pyfloat.ts";

/**
 * Compact JSON as pydantic/orjson write Polyaxon's records: no spaces, raw UTF-8, `undefined` fields
 * dropped, JS numbers as ints when integral, {@linkcode PyFloat} as Python floats.
 *
 * @example
 * ```ts
 * import { compactJson } from "./summary.ts";
 * import { PyFloat } from "../json/python.ts";
 * compactJson({ count: new PyFloat(2), n: 2, x: new PyFloat(NaN) }); // '{"count":2.0,"n":2,"x":null}'
 * ```
 */
export function compactJson(v: unknown): string {
  return pydanticCompact(v);
}

/** The summary of one event file. */
export interface FileSummary {
  /** The summary object (with {@linkcode PyFloat} markers), ready for {@linkcode compactJson}. */
  summary: Record<string, unknown> | null;
  /** Rows read. */
  rows: number;
  /** What the reader reported (a file the logger wrote has none). */
  diagnostics: Diagnostic[];
  /** `last` of the metric block, for run outputs (metric files only). */
  last?: number;
}

/** Reads a file synchronously in chunks, feeding whole lines to the reader. */
function readFileSync(abs: string, reader: PlxReader, onEvents: (events: PlxEvent[]) => void): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const dec = new TextDecoder();
  const buf = new Uint8Array(4 << 20);
  let carry = "";
  let lineNo = 1;
  const file = Deno.openSync(abs, { read: true });
  try {
    while (true) {
      const n = file.readSync(buf);
      if (n === null || n === 0) break;
      const text = carry + dec.decode(buf.subarray(0, n), { stream: true });
      const cut = text.lastIndexOf("\n");
      if (cut === -1) {
        carry = text;
        continue;
      }
      const lines = text.slice(0, cut).split("\n");
      carry = text.slice(cut + 1);
      const b = reader.decode({ lines, first: lineNo, final: false, problems: [] });
      lineNo += lines.length;
      onEvents(b.events);
      diags.push(...b.diagnostics);
    }
  } finally {
    file.close();
  }
  carry += dec.decode();
  const b = reader.decode({ lines: [carry], first: lineNo, final: true, problems: [] });
  onEvents(b.events);
  diags.push(...b.diagnostics);
  return diags;
}

/**
 * Summarizes one event file as Polyaxon's `get_summary` does.
 *
 * @param runDir The run folder.
 * @param rel The file, run-relative (`events/metric/loss.plx`).
 * @returns The summary (`null` for a file without rows, which Polyaxon skips) and the reader's diagnostics.
 */
export function summarizeFile(runDir: string, rel: string): FileSummary {
  const parts = rel.split("/");
  const scope = parts[0] as EventScope;
  const kind = parts[1];
  const name = parts.slice(2).join("/").replace(/\.plx$/, "");
  const reader = new PlxReader({ run: path.basename(runDir), scope, kind, name, file: rel });
  const steps: (number | null)[] = [];
  let firstTs: PlxTime | null = null;
  let lastTs: PlxTime | null = null;
  let values: number[] | null = kind === "metric" ? [] : null;
  const diagnostics = readFileSync(path.join(runDir, rel), reader, (events) => {
    for (const e of events) {
      steps.push(e.step);
      firstTs ??= e.timestamp;
      lastTs = e.timestamp;
      if (values !== null) {
        // Polyaxon reads the file with pandas, whose float parser is not always correctly rounded.
        if (e.type === "metric") {
          values.push(Number.isFinite(e.value) ? pandasReadFloat(pyFloatRepr(e.value)) : e.value);
        } else values = null;
      }
    }
  });
  const rows = steps.length;
  if (rows === 0) return { summary: null, rows, diagnostics };
  const summary: Record<string, unknown> = { is_event: true };
  const nonNull = steps.filter((s) => s !== null).length;
  if (nonNull > 0) {
    // A missing step turns pandas' column into floats.
    const asNum = (s: number | null) => nonNull === rows ? s : new PyFloat(s === null ? NaN : s);
    summary.step = { count: nonNull, min: asNum(steps[0]), max: asNum(steps[rows - 1]) };
  }
  summary.timestamp = { min: formatPyIsoformat(firstTs!), max: formatPyIsoformat(lastTs!) };
  let last: number | undefined;
  if (values !== null) {
    const d = describe(values);
    last = d.last;
    const m: Record<string, PyFloat> = {};
    for (const [k, v] of Object.entries(d)) m[k] = new PyFloat(v);
    summary.metric = m;
  }
  return { summary, rows, diagnostics, last };
}
