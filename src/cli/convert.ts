/**
 * `plxkit convert`: any source format to any sink format through the canonical event model.
 *
 * @module
 */
import * as path from "node:path";
import { escapeControls, formatDiagnostic } from "../diagnostics.ts";
import { UsageError } from "./errors.ts";
import { convert, type ConvertReport } from "../convert/pipeline.ts";
import { detectFormat, formatByName, FORMATS } from "../formats/registry.ts";
import { choice, type Command, str } from "./args.ts";
import { shardFilter } from "../convert/shard.ts";
import { isInside, requireInputs } from "../io/files.ts";
import { lockOutput, removeLiveTemps } from "../io/commit.ts";
import { realish } from "../io/safe.ts";
import { isJsonlFile, jsonlStem } from "../formats/jsonl/sink.ts";

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
import { formatLoss } from "../convert/carry.ts";

function parseSettings(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of list ?? []) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set takes key=value (got "${s}")`);
    out[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return out;
}

/** Prints a convert report as text lines. */
export function reportText(r: ConvertReport): string {
  const ok = r.runs.filter((x) => x.status === "ok").length;
  const failed = r.runs.filter((x) => x.status === "failed");
  const skipped = r.runs.filter((x) => x.status === "skipped").length;
  const lines: string[] = [];
  for (const f of failed) lines.push(escapeControls(`failed: ${f.id}: ${f.error}`));
  const dropped = Object.entries(r.dropped);
  if (dropped.length) {
    lines.push("not carried over:");
    for (const [reason, n] of dropped) lines.push(`  ${n} × ${reason}`);
  }
  const losing = r.runs.filter((x) => x.lostCount > 0);
  for (const x of losing) {
    const when = x.status === "skipped" ? " (when it was converted; recorded in its commit record)" : "";
    lines.push(
      `lost in run ${x.id}${when}: ${x.lostCount} item${x.lostCount === 1 ? "" : "s"}${
        x.accepted ? ", accepted (--accept-loss)" : ""
      }`,
    );
    for (const l of x.lost) lines.push(`  ${formatLoss(l)}`);
    if (x.lostCount > x.lost.length) lines.push(`  ... ${x.lostCount - x.lost.length} more`);
  }
  const lostRuns = losing.filter((x) => !x.accepted).length;
  const errors = r.diagnostics.filter((d) => d.severity === "error").length;
  lines.push(
    `${r.runs.length} run${
      r.runs.length === 1 ? "" : "s"
    }: ${ok} ok, ${failed.length} failed, ${skipped} already done; ` +
      `${r.runs.filter((x) => x.status === "ok").reduce((n, x) => n + x.events, 0)} events written; ` +
      (r.files ? `${r.files} file${r.files === 1 ? "" : "s"} carried; ` : "") +
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
  usage: "<input>... --to <format> --out <path> [options]",
  details: [
    "Formats:",
    ...FORMATS.map((f) => `  ${f.name.padEnd(12)} ${f.description}`),
    "Settings (--set key=value):",
    ...FORMATS.flatMap((f) => Object.entries(f.settings ?? {}).map(([k, h]) => `  ${f.name}: ${k}=  ${h}`)),
    "Each run is written completely or not at all; rerunning skips runs already converted and reports",
    "again what they lost (kept in <out>/.plxkit/commits/<run>.json).",
    "Every file of a run is carried (events, records, assets, outputs/, plxlogs/, resources/); what the",
    "target cannot hold is named under 'lost in run' (file:line: reason) or counted under 'not carried over'.",
    "Exit codes: 0 all runs converted, nothing lost (or --accept-loss); 1 a run failed, a line was",
    "unreadable or a file was lost; 2 usage error.",
  ].join("\n"),
  options: {
    to: { type: "string", arg: "<format>", help: "target format" },
    from: { type: "string", arg: "<format>", help: "source format (detected when omitted)" },
    out: { type: "string", short: "o", arg: "<path>", help: "output folder or file" },
    shard: {
      type: "string",
      arg: "<k/n>",
      help: "convert only the runs of shard k of n (1-based), for parallel workers",
    },
    set: { type: "string", multiple: true, arg: "<key=value>", help: "format-specific setting (repeatable)" },
    format: { type: "string", arg: "<text|json>", help: "report format on stdout", default: "text" },
    "accept-loss": {
      type: "boolean",
      help: "accept what runs lose (still reported, recorded as accepted in the commit record); exit 0",
    },
  },
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError("give at least one input path");
    await requireInputs(positionals);
    const toName = str(values, "to", true)!;
    const out = str(values, "out", true)!;
    const reportFormat = choice(values, "format", ["text", "json"] as const) ?? "text";
    const to = formatByName(toName);
    if (!to?.sink) {
      throw new UsageError(
        `unknown target format "${toName}"; one of ${
          FORMATS.filter((f) => f.sink).map((f) => f.name).join(", ")
        }`,
      );
    }
    const fromName = str(values, "from");
    const from = fromName ? formatByName(fromName) : await detectFormat(positionals);
    if (!from?.source) {
      throw new UsageError(
        `unknown source format "${fromName}"; one of ${
          FORMATS.filter((f) => f.source).map((f) => f.name).join(", ")
        }`,
      );
    }
    if (fromName && from.detect) {
      // An input named with the wrong --from would read as nothing and still make an (empty) output.
      for (const i of positionals) {
        if (await from.detect(i)) continue;
        const other = await detectFormat([i]).catch(() => null);
        if (other && other !== from) {
          throw new UsageError(
            `${i} does not look like ${from.name} input (it looks like ${other.name}); drop --from or name its format`,
          );
        }
      }
    }
    const outIsFile = await checkOut(out, to.name, positionals);
    const settings = parseSettings(values.set as string[] | undefined);
    const known = new Set([...Object.keys(from.settings ?? {}), ...Object.keys(to.settings ?? {})]);
    for (const k of Object.keys(settings)) {
      if (!known.has(k)) {
        throw new UsageError(
          `unknown setting "${k}" for ${from.name} -> ${to.name}${
            known.size ? ` (known: ${[...known].join(", ")})` : ""
          }`,
        );
      }
    }
    const shard = str(values, "shard");
    const filter = shardFilter(shard);
    const source = from.source(positionals, { settings });
    const quiet = values.quiet === true;
    // One writer per output (per shard): a second conversion into the same --out waits for the first.
    const lock = await lockOutput(out, outIsFile, { shard, onWait: (m) => io.err(`plxkit convert: ${m}`) });
    // Interrupted: remove this process's temporaries (a rerun also removes those of killed writers).
    const onSignal = () => {
      removeLiveTemps();
      lock.release();
      Deno.exit(130);
    };
    const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
    for (const sig of signals) Deno.addSignalListener(sig, onSignal);
    let report: ConvertReport;
    try {
      const sink = await to.sink(out, { settings, shard });
      report = await convert(source, sink, {
        filter,
        acceptLoss: values["accept-loss"] === true,
        onDiagnostic: (d) => {
          if (!quiet || d.severity === "error") io.err(formatDiagnostic(d));
        },
        onRun: (r) => {
          if (io.errIsTty && !quiet) {
            io.err(escapeControls(`${r.status.padEnd(7)} ${r.id} (${r.events} events)`));
          }
        },
      });
    } finally {
      for (const sig of signals) Deno.removeSignalListener(sig, onSignal);
      lock.release();
    }
    if (reportFormat === "json") io.out(JSON.stringify(report, null, 2) + "\n");
    else io.out(reportText(report));
    return report.failed ? 1 : 0;
  },
};
