/**
 * `plxkit convert`: any source format to any sink format through the canonical event model.
 *
 * @module
 */
import * as path from "node:path";
import { escapeControls, formatDiagnostic } from "../diagnostics.ts";
import { UsageError } from "./errors.ts";
import { convert, type ConvertReport, type EventSink } from "../convert/pipeline.ts";
import { selectSource } from "../convert/select.ts";
import { detectFormat, formatByName, FORMATS } from "../formats/registry.ts";
import { choice, type Command, str } from "./args.ts";
import { resolveShard, shardFilter } from "../convert/shard.ts";
import { isInside, requireInputs } from "../io/files.ts";
import { lockOutput, removeLiveTemps } from "../io/commit.ts";
import { realish } from "../io/safe.ts";
import { isJsonlFile, jsonlStem } from "../formats/jsonl/sink.ts";

import { formatLoss } from "../convert/carry.ts";
import { expandInputs, SELECT_OPTIONS, selectionOf, STDIN_PATH } from "./inputs.ts";
import { StreamJsonlSink } from "./streams.ts";
import { Progress, type ProgressTotals } from "./progress.ts";
import { type DryRun, dryRunPlan, dryRunText, perRunLedgers, planTotals } from "./_dry_run.ts";

function parseSettings(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list ?? []) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set takes key=value (got "${s}")`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/** Prints a convert report as text lines; `quiet` keeps only failures and the final line. */
/** Folders an output must stay out of for input `input`: the input and, for a JSONL file, its sidecar. */
function inputRoots(input: string): string[] {
  return isJsonlFile(input) ? [input, `${jsonlStem(input)}.assets`] : [input];
}

/**
 * Checks `--out` before anything is written: not empty, of the kind the target writes (a folder, or a
 * `.jsonl[.gz]` file), not existing when it is a file (never overwritten), and not inside an input or an
 * input's JSONL sidecar, compared by real paths (a link from the output into an input is seen through).
 */
async function checkOut(out: string, toName: string, inputs: string[]): Promise<boolean> {
  if (out.trim() === "") throw new UsageError("--out is empty; give an output folder or file");
  const file = toName === "jsonl" && isJsonlFile(out);
  let st: Deno.FileInfo | null = null;
  try {
    st = await Deno.stat(out);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (st && file) {
    throw new UsageError(
      st.isDirectory
        ? `--out ${out} is an existing folder, but a name ending in .jsonl writes one file; give a new file name, or a folder name without .jsonl for one file per run`
        : `--out ${out} already exists; plxkit never overwrites an output (remove it or choose another name)`,
    );
  }
  if (st && !file && !st.isDirectory) {
    throw new UsageError(
      `--out ${out} is an existing file; ${toName} writes a folder${
        toName === "jsonl" ? " (or a new file whose name ends in .jsonl)" : ""
      }`,
    );
  }
  const outs = file ? [out, `${jsonlStem(out)}.assets`] : [out];
  for (const i of inputs) {
    for (const root of inputRoots(i)) {
      const r = realish(root);
      for (const o of outs) {
        if (isInside(realish(o), r)) {
          throw new UsageError(
            `--out ${out} is inside the input ${root === i ? i : `${i} (its sidecar ${root})`}${
              path.resolve(o) !== realish(o) ? " through a link" : ""
            }; inputs are never written to`,
          );
        }
      }
    }
  }
  return file;
}

export function reportText(r: ConvertReport, quiet = false, dryRun = false): string {
  const ok = r.runs.filter((x) => x.status === "ok").length;
  const failed = r.runs.filter((x) => x.status === "failed");
  const skipped = r.runs.filter((x) => x.status === "skipped").length;
  const lines: string[] = [];
  for (const f of failed) lines.push(escapeControls(`failed: ${f.id}: ${f.error}`));
  const dropped = Object.entries(r.dropped);
  if (dropped.length && !quiet) {
    lines.push(dryRun ? "would not be carried over:" : "not carried over:");
    for (const [reason, n] of dropped) lines.push(escapeControls(`  ${n} × ${reason}`));
  }
  const losing = r.runs.filter((x) => x.lostCount > 0);
  for (const x of losing) {
    const when = x.status === "skipped" ? " (when it was converted; recorded in its commit record)" : "";
    lines.push(
      escapeControls(
        `${dryRun ? "would lose in run" : "lost in run"} ${x.id}${when}: ${x.lostCount} item${
          x.lostCount === 1 ? "" : "s"
        }${x.accepted ? ", accepted (--accept-loss)" : ""}`,
      ),
    );
    for (const l of x.lost) lines.push(escapeControls(`  ${formatLoss(l)}`));
    if (x.lostCount > x.lost.length) lines.push(`  ... ${x.lostCount - x.lost.length} more`);
  }
  const lostRuns = losing.filter((x) => !x.accepted).length;
  const errors = r.diagnostics.filter((d) => d.severity === "error").length;
  const events = r.runs.filter((x) => x.status === "ok").reduce((n, x) => n + x.events, 0);
  lines.push(
    `${dryRun ? "dry run, nothing written: " : ""}${r.runs.length} run${r.runs.length === 1 ? "" : "s"}: ` +
      `${ok} ${dryRun ? "would convert" : "ok"}, ${failed.length} ${dryRun ? "would fail" : "failed"}, ` +
      `${skipped} already done; ${events} events ${dryRun ? "would be " : ""}written; ` +
      (r.files ? `${r.files} file${r.files === 1 ? "" : "s"} ${dryRun ? "would be " : ""}carried; ` : "") +
      `${errors} unreadable line${errors === 1 ? "" : "s"} or files` +
      (lostRuns ? `; ${lostRuns} run${lostRuns === 1 ? "" : "s"} lost data (--accept-loss accepts it)` : "") +
      (r.accepted ? `; ${r.accepted} loss${r.accepted === 1 ? "" : "es"} accepted` : ""),
  );
  return lines.join("\n") + "\n";
}

/** The `convert` command. */
export const convertCommand: Command = {
  name: "convert",
  summary: "convert runs between Polyaxon, TensorBoard, JSONL and Parquet",
  usage: "<input>... --to <format> --out <path|-> [options]",
  details: [
    "Inputs: run folders, trees of runs, files; quoted globs ('runs/02*'); @list.txt (one path a line);",
    "- reads JSONL from standard input. --out - writes JSONL to standard output (the report goes to stderr).",
    "Formats:",
    ...FORMATS.map((f) => `  ${f.name.padEnd(12)} ${f.description}`),
    "Settings (--set key=value):",
    ...FORMATS.flatMap((f) => Object.entries(f.settings ?? {}).map(([k, h]) => `  ${f.name}: ${k}=  ${h}`)),
    "Each run is written completely or not at all; rerunning skips runs already converted and reports",
    "again what they lost (kept in <out>/.plxkit/commits/<run>.json).",
    "Every file of a run is carried (events, records, assets, outputs/, plxlogs/, resources/); what the",
    "target cannot hold is named under 'lost in run' (file:line: reason) or counted under 'not carried over'.",
    "--dry-run converts into a temporary folder it removes, so it writes nothing under --out; it prints per",
    "run what would be written and not carried over, and which runs a real run would skip as already done",
    "(runs with their own output under --out; inside one Parquet dataset this is not foreseen).",
    "Exit codes: 0 all runs converted, nothing lost (or --accept-loss); 1 a run failed, a line was",
    "unreadable or a file was lost; 2 usage error.",
  ].join("\n"),
  options: {
    to: { type: "string", arg: "<format>", help: "target format" },
    from: { type: "string", arg: "<format>", help: "source format (detected when omitted)" },
    out: {
      type: "string",
      short: "o",
      arg: "<path|->",
      help: "output folder or file; - for JSONL on stdout",
    },
    ...SELECT_OPTIONS,
    shard: {
      type: "string",
      arg: "<k/n|auto>",
      help: "convert only the runs of shard k of n (1-based), for parallel workers; auto: " +
        "k = JOB_COMPLETION_INDEX + 1 (a Kubernetes Indexed Job), n = PLXKIT_SHARDS",
    },
    set: { type: "string", multiple: true, arg: "<key=value>", help: "format-specific setting (repeatable)" },
    "dry-run": {
      type: "boolean",
      short: "n",
      help: "write nothing; print what would be written and dropped",
    },
    format: { type: "string", arg: "<text|json>", help: "report format", default: "text" },
    "accept-loss": {
      type: "boolean",
      help: "accept what runs lose (still reported, recorded as accepted in the commit record); exit 0",
    },
  },
  examples: [
    {
      about: "a tree of Polyaxon runs into one Parquet dataset",
      cmd: "convert runs/ --to parquet --out out/runs.parquet",
    },
    {
      about: "metrics of two runs, steps 0-1000, as JSONL through gzip",
      cmd: "convert 'runs/02*' --kind metric --steps 0:1000 --to jsonl --out - | gzip > m.jsonl.gz",
    },
    {
      about: "what a migration would write and drop, without writing",
      cmd: "convert @runs.txt --to tensorboard --out tb/ --dry-run",
    },
    {
      about: "JSONL from another tool, read on stdin, into Polyaxon run folders",
      cmd: "convert - --to plx --out restored/ < all.jsonl",
    },
    { about: "one of four parallel workers", cmd: "convert runs/ --to jsonl --out out/ --shard 2/4 --quiet" },
  ],
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError("give at least one input path (or - for JSONL on stdin)");
    const inputs = await expandInputs(positionals);
    await requireInputs(inputs.filter((i) => i !== "-"));
    const toName = str(values, "to", true)!;
    const out = str(values, "out", true)!;
    const reportFormat = choice(values, "format", ["text", "json"] as const) ?? "text";
    const dryRun = values["dry-run"] === true;
    const to = formatByName(toName);
    if (!to?.sink) {
      throw new UsageError(
        `--to: unknown target format "${toName}"; one of ${
          FORMATS.filter((f) => f.sink).map((f) => f.name).join(", ")
        }`,
      );
    }
    const toStdout = out === "-";
    if (toStdout && to.name !== "jsonl") {
      throw new UsageError(
        `--out - writes JSONL to standard output; it needs --to jsonl (got --to ${to.name})`,
      );
    }
    const stdin = inputs.includes("-");
    const fromName = str(values, "from");
    if (stdin && inputs.length > 1) {
      throw new UsageError("- (standard input) cannot be mixed with other inputs");
    }
    if (stdin && fromName !== undefined && fromName !== "jsonl") {
      throw new UsageError(`- reads JSONL from standard input; --from ${fromName} cannot be read from it`);
    }
    const sources = inputs.map((i) => (i === "-" ? STDIN_PATH : i));
    const from = stdin
      ? formatByName("jsonl")
      : fromName
      ? formatByName(fromName)
      : await detectFormat(sources);
    if (!from?.source) {
      throw new UsageError(
        `--from: unknown source format "${fromName}"; one of ${
          FORMATS.filter((f) => f.source).map((f) => f.name).join(", ")
        }`,
      );
    }
    if (fromName && from.detect && !stdin) {
      // An input named with the wrong --from would read as nothing and still make an (empty) output.
      for (const i of sources) {
        if (await from.detect(i)) continue;
        const other = await detectFormat([i]).catch(() => null);
        if (other && other !== from) {
          throw new UsageError(
            `${i} does not look like ${from.name} input (it looks like ${other.name}); drop --from or name its format`,
          );
        }
      }
    }
    const outIsFile = toStdout
      ? false
      : await checkOut(out, to.name, sources.filter((i) => i !== STDIN_PATH));
    const settings = parseSettings(values.set as string[] | undefined);
    const known = new Set([...Object.keys(from.settings ?? {}), ...Object.keys(to.settings ?? {})]);
    for (const k of Object.keys(settings)) {
      if (!known.has(k)) {
        throw new UsageError(
          `--set: unknown setting "${k}" for ${from.name} -> ${to.name}${
            known.size ? ` (known: ${[...known].join(", ")})` : ""
          }`,
        );
      }
    }
    const selection = selectionOf(values);
    const shard = resolveShard(str(values, "shard"));
    const filter = shardFilter(shard);
    const source = selectSource(from.source(sources, { settings }), selection);
    const quiet = values.quiet === true;
    // Data on stdout means the report goes to stderr.
    const say = toStdout ? (t: string) => io.err(t.replace(/\n$/, "")) : (t: string) => io.out(t);
    let tmp: string | undefined;
    let target = out;
    if (dryRun) {
      tmp = await Deno.makeTempDir({ prefix: "plxkit-dry-run-" });
      const base = toStdout ? "all.jsonl" : path.basename(path.resolve(out));
      target = path.join(tmp, base);
    }
    const dry: DryRun[] = [];
    // One writer per output (per shard): a second conversion into the same --out waits for the first. The
    // lock is held before the sink opens, so the sink sees what the writer it waited for committed.
    let lock: Awaited<ReturnType<typeof lockOutput>> | null = null;
    try {
      lock = toStdout || dryRun
        ? null
        : await lockOutput(out, outIsFile, { shard, onWait: (m) => io.err(`plxkit convert: ${m}`) });
      const stream = toStdout && !dryRun
        ? new StreamJsonlSink(io.outBytes ?? ((b) => io.out(new TextDecoder().decode(b))))
        : undefined;
      let sink: EventSink = stream ?? await to.sink(target, { settings, shard });
      if (dryRun) sink = perRunLedgers(sink, dry);
      const totals: ProgressTotals = {};
      const planning = new AbortController();
      const planned = stdin || quiet ? Promise.resolve() : planTotals(from, sources, totals, planning.signal);
      const progress = new Progress(io, { quiet, totals, bytes: "process", label: "plxkit convert" }).start();
      // Interrupted: remove this process's temporaries (a rerun also removes those of killed writers).
      const onSignal = () => {
        removeLiveTemps();
        lock?.release();
        Deno.exit(130);
      };
      const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
      for (const sig of signals) Deno.addSignalListener(sig, onSignal);
      let report: ConvertReport;
      try {
        report = await convert(source, sink, {
          filter,
          acceptLoss: values["accept-loss"] === true,
          onDiagnostic: (d) => {
            if (!quiet || d.severity === "error") {
              progress.clear();
              io.err(formatDiagnostic(d));
            }
          },
          onRun: (r) => progress.run(r.events),
        });
      } finally {
        for (const sig of signals) Deno.removeSignalListener(sig, onSignal);
        lock?.release();
        progress.finish();
        planning.abort();
        await planned;
      }
      // The reader of stdout went away (`| head`): stop quietly, as other filters do.
      if (stream?.broken) return 0;
      const plan = dryRun ? await dryRunPlan(report, dry, target, out, toStdout) : undefined;
      if (plan && reportFormat === "text") say(dryRunText(plan, quiet));
      if (reportFormat === "json") {
        const doc = plan ? { dryRun: true, ...report, wouldWrite: plan } : report;
        say(JSON.stringify(doc, null, 2) + "\n");
      } else say(reportText(report, quiet, dryRun));
      // No run found (not a shard's empty share): the inputs were not what they were taken for, or every
      // run was selected away. Never a silent exit 0 with nothing converted.
      if (report.runs.length === 0 && shard === undefined) {
        io.err(
          `plxkit convert: no runs found in ${inputs.join(", ")}${
            selection && !selection.all ? " (or none matched the selection)" : ""
          } as ${from.name} input; nothing was converted`,
        );
        return 1;
      }
      // report.failed covers every error: a failed run, a loss not accepted, a source that could not be read.
      return report.failed ? 1 : 0;
    } finally {
      lock?.release();
      if (tmp) await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
};
