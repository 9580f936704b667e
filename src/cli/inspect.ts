/**
 * `plxkit inspect`: what runs hold.
 *
 * @module
 */
import { formatDiagnostic } from "../diagnostics.ts";
import { UsageError } from "./errors.ts";
import { requireInputs } from "../io/files.ts";
import { detectFormat, formatByName } from "../formats/registry.ts";
import { inspectionText, inspectRun, type RunInspection } from "../inspect/inspect.ts";
import { type Command, str } from "./args.ts";

/** The `inspect` command. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "show what runs hold: kinds, names, counts, step and time ranges, metric statistics",
  usage: "<run, tree, logdir, .jsonl or dataset>... [--from <format>] [--json]",
  details:
    "Step and time ranges are true minima and maxima (Polyaxon's lineage summaries use first and last rows).",
  options: {
    json: { type: "boolean", help: "print one JSON document" },
    from: {
      type: "string",
      arg: "<format>",
      help: "input format (detected when omitted): plx, tensorboard, jsonl, parquet",
    },
  },
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError("give at least one run folder or tree");
    await requireInputs(positionals);
    const all: RunInspection[] = [];
    let problems = 0;
    const fromName = str(values, "from");
    const format = fromName ? formatByName(fromName) : await detectFormat(positionals);
    if (!format?.source) throw new UsageError(`unknown input format "${fromName}"`);
    for await (const item of format.source(positionals, { settings: {} }).runs()) {
      if (item.type === "diagnostic") {
        if (item.diagnostic.severity === "error") problems++;
        io.err(formatDiagnostic(item.diagnostic));
        continue;
      }
      const r = await inspectRun(item.run);
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
    return problems ? 1 : 0;
  },
};
