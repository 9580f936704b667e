/**
 * `plxkit inspect`: what runs hold.
 *
 * @module
 */
import { formatDiagnostic } from "../diagnostics.ts";
import { UsageError } from "./errors.ts";
import { requireInputs } from "../io/files.ts";
import { detectFormat, formatByName, FORMATS } from "../formats/registry.ts";
import { inspectionText, inspectRun, type RunInspection } from "../inspect/inspect.ts";
import { selectSource } from "../convert/select.ts";
import { type Command, str } from "./args.ts";
import { expandInputs, SELECT_OPTIONS, selectionOf, STDIN_PATH } from "./inputs.ts";
import { Progress } from "./progress.ts";

/** The `inspect` command. */
export const inspectCommand: Command = {
  name: "inspect",
  summary: "show what runs hold: kinds, names, counts, step and time ranges, metric statistics",
  usage: "<run, tree, logdir, .jsonl, dataset or ->... [--from <format>] [--json]",
  details: [
    "Step and time ranges are true minima and maxima (Polyaxon's lineage summaries use first and last rows).",
    "Inputs may be quoted globs ('runs/02*'), @list.txt (one path a line) or - (JSONL on standard input).",
    "--kind, --name, --run, --steps, --since and --until inspect only the events they select.",
  ].join("\n"),
  options: {
    json: { type: "boolean", help: "print one JSON document" },
    from: {
      type: "string",
      arg: "<format>",
      help: "input format (detected when omitted): plx, tensorboard, jsonl, parquet",
    },
    ...SELECT_OPTIONS,
  },
  examples: [
    { about: "what a run holds", cmd: "inspect runs/0242ac120002" },
    {
      about: "the loss curves of every run, steps 1000 on",
      cmd: "inspect runs/ --kind metric --name 'loss*' --steps 1000:",
    },
    {
      about: "a converted dataset, one JSON document for jq",
      cmd: "inspect out/runs.parquet --json | jq '.runs[].id'",
    },
    {
      about: "JSONL arriving on a pipe, events of one day",
      cmd: "zcat all.jsonl.gz | plxkit inspect - --since 2024-05-01 --until 2024-05-02",
    },
  ],
  async run(values, positionals, io) {
    if (!positionals.length) {
      throw new UsageError("give at least one run folder or tree (or - for JSONL on stdin)");
    }
    const inputs = await expandInputs(positionals);
    await requireInputs(inputs.filter((i) => i !== "-"));
    const stdin = inputs.includes("-");
    const fromName = str(values, "from");
    if (stdin && inputs.length > 1) {
      throw new UsageError("- (standard input) cannot be mixed with other inputs");
    }
    if (stdin && fromName !== undefined && fromName !== "jsonl") {
      throw new UsageError(`- reads JSONL from standard input; --from ${fromName} cannot be read from it`);
    }
    const sources = inputs.map((i) => (i === "-" ? STDIN_PATH : i));
    const format = stdin
      ? formatByName("jsonl")
      : fromName
      ? formatByName(fromName)
      : await detectFormat(sources);
    if (!format?.source) {
      throw new UsageError(
        `--from: unknown input format "${fromName}"; one of ${
          FORMATS.filter((f) => f.source).map((f) => f.name).join(", ")
        }`,
      );
    }
    const selection = selectionOf(values);
    const all: RunInspection[] = [];
    let problems = 0;
    const progress = new Progress(io, {
      quiet: values.quiet === true,
      bytes: "process",
      label: "plxkit inspect",
    })
      .start();
    try {
      for await (const item of selectSource(format.source(sources, { settings: {} }), selection).runs()) {
        if (item.type === "diagnostic") {
          const d = item.diagnostic;
          if (d.severity === "error") problems++;
          if (values.quiet !== true || d.severity === "error") {
            progress.clear();
            io.err(formatDiagnostic(d));
          }
          continue;
        }
        const r = await inspectRun(item.run);
        if (values.json) all.push(r);
        else {
          progress.clear();
          io.out(inspectionText(r));
        }
        progress.run(r.events);
      }
    } finally {
      progress.finish();
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
