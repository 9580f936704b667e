/**
 * `plxkit inspect`: what runs hold.
 *
 * @module
 */
import { formatDiagnostic, UsageError } from "../diagnostics.ts";
import { PlxSource } from "../formats/plx/source.ts";
import { inspectionText, inspectRun, type RunInspection } from "../inspect/inspect.ts";
import type { Command } from "./args.ts";

/** The `inspect` command. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "show what runs hold: kinds, names, counts, step and time ranges, metric statistics",
  usage: "<run or tree>... [--json]",
  details:
    "Step and time ranges are true minima and maxima (Polyaxon's lineage summaries use first and last rows).",
  options: {
    json: { type: "boolean", help: "print one JSON document" },
  },
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError("give at least one run folder or tree");
    const all: RunInspection[] = [];
    let problems = 0;
    for await (const run of new PlxSource(positionals).runs()) {
      if ("severity" in run) {
        if (run.severity === "error") problems++;
        io.err(formatDiagnostic(run));
        continue;
      }
      const r = await inspectRun(run);
      if (values.json) all.push(r);
      else io.out(inspectionText(r));
    }
    if (values.json) {
      io.out(
        JSON.stringify(
          { runs: all },
          (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v),
          2,
        ) + "\n",
      );
    }
    if (!all.length && values.json !== true && problems) return 1;
    return problems ? 1 : 0;
  },
};
