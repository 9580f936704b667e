/**
 * `plxkit report`: one self-contained HTML file that shows runs (runs table, metric charts, every other
 * kind, validation findings), from any input plxkit reads.
 *
 * @module
 */
import * as path from "node:path";
import { formatDiagnostic } from "../diagnostics.ts";
import { UsageError } from "./errors.ts";
import { isInside, requireInputs } from "../io/files.ts";
import { realish } from "../io/safe.ts";
import { detectFormat, formatByName, FORMATS } from "../formats/registry.ts";
import { selectSource } from "../convert/select.ts";
import { validatePaths } from "../validate/validate.ts";
import { VALIDATE_EXTRAS } from "../validate/extras.ts";
import { assetsDirOf, writeReport } from "../report/write.ts";
import { choice, type Command, str } from "./args.ts";
import { expandInputs, SELECT_OPTIONS, selectionOf, STDIN_PATH } from "./inputs.ts";
import { Progress } from "./progress.ts";

function positiveInt(values: Record<string, unknown>, name: string, min: number): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== "string" || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer of at least ${min} (got "${String(v)}")`);
  }
  return n;
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

/** Checks `--out`: a file name, not a folder, not inside an input (inputs are never written to). */
async function checkOut(out: string, inputs: string[], link: boolean): Promise<void> {
  if (out.trim() === "") {
    throw new UsageError("--out is empty; give the report's file name (e.g. report.html)");
  }
  if (out === "-") {
    throw new UsageError("--out - is not supported: a report is a file (give e.g. report.html)");
  }
  try {
    const st = await Deno.stat(out);
    if (st.isDirectory) {
      throw new UsageError(
        `--out ${out} is a folder; give the report's file name (e.g. ${path.join(out, "report.html")})`,
      );
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const outs = link ? [out, assetsDirOf(out)] : [out];
  for (const i of inputs) {
    const root = realish(i);
    for (const o of outs) {
      const r = realish(o);
      if (isInside(r, root) || (link && isInside(root, r))) {
        throw new UsageError(
          `--out ${out} ${
            o === out ? "is" : `(its assets folder ${o}) is`
          } inside the input ${i}; inputs are never written to`,
        );
      }
    }
  }
}

/** The `report` command. */
export const reportCommand: Command = {
  name: "report",
  summary: "write one self-contained HTML file showing runs: table, metric charts, media, findings",
  usage: "<input>... --out <report.html> [options]",
  details: [
    "Reads any input plxkit reads (Polyaxon runs, trees of runs, TensorBoard logdirs, JSONL, a Parquet dataset;",
    "- for JSONL on stdin) and writes one HTML file that opens offline: no server, no network, no CDN.",
    "Shows a runs table (sort, filter, pick runs to compare), one chart per metric with the chosen runs",
    "overlaid (step or time axis, smoothing, log scale, hover values, min/max/last), images, audio and video",
    "with a step slider, text, HTML in sandboxed frames, histograms, curves, confusion matrices, dataframes,",
    "span timelines, Plotly, Vega-Lite and Bokeh charts drawn by their own libraries (each inlined only when a",
    "run has such a chart; --charts json leaves them out), artifacts and models as JSON.",
    "Long metric series are drawn from min/max buckets",
    "(--max-points, extrema kept) and the report says so; other series keep --max-steps steps.",
    "Media are inline up to --inline-limit bytes each; --assets link writes them to <name>.assets/ beside",
    "the report instead. The file is written atomically (temporary file, then rename) and replaced if it",
    "exists. --validate adds the inputs' validation findings (file:line, message), linked to their runs.",
    "Exit codes: 0 written; 1 written, but a line or run could not be read (listed in the report); 2 usage.",
  ].join("\n"),
  options: {
    out: { type: "string", short: "o", arg: "<file.html>", help: "the HTML file to write" },
    from: {
      type: "string",
      arg: "<format>",
      help: "input format (detected when omitted): plx, tensorboard, jsonl, parquet",
    },
    ...SELECT_OPTIONS,
    validate: { type: "boolean", help: "add validation findings of the inputs, linked to their runs" },
    assets: {
      type: "string",
      arg: "<inline|link>",
      help: "media as data URIs in the file, or files in <name>.assets/ beside it",
      default: "inline",
    },
    "inline-limit": {
      type: "string",
      arg: "<bytes>",
      help: "largest asset put inline (larger ones are noted; use --assets link)",
      default: "2000000",
    },
    "max-points": {
      type: "string",
      arg: "<n>",
      help: "points kept per metric series for drawing (min/max buckets)",
      default: "2000",
    },
    "max-total-points": {
      type: "string",
      arg: "<n>",
      help: "points kept over all metric series (each series' cap halves while more are held)",
      default: "400000",
    },
    "max-steps": { type: "string", arg: "<n>", help: "steps kept per series of other kinds", default: "50" },
    charts: {
      type: "string",
      arg: "<draw|json>",
      help:
        "draw Plotly, Vega-Lite and Bokeh charts with their libraries (inlined only when needed), or show JSON",
      default: "draw",
    },
    title: { type: "string", arg: "<text>", help: "the report's title", default: "plxkit report" },
  },
  examples: [
    {
      about: "a run, to open in a browser or attach to a CI job",
      cmd: "report runs/0242ac120002 --out report.html",
    },
    {
      about: "compare the loss curves of a sweep, with validation findings",
      cmd: "report 'runs/02*' --kind metric --name 'loss*' --validate --out sweep.html",
    },
    {
      about: "a TensorBoard logdir, media as files beside the report",
      cmd: "report logs/ --assets link --out tb-report.html",
    },
    {
      about: "a Parquet dataset, steps 1000 on",
      cmd: "report out/runs.parquet --steps 1000: --out late.html",
    },
    { about: "JSONL on standard input", cmd: "report - --out all.html < all.jsonl" },
  ],
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError("give at least one input path (or - for JSONL on stdin)");
    const out = str(values, "out", true)!;
    const assets = choice(values, "assets", ["inline", "link"] as const) ?? "inline";
    const charts = choice(values, "charts", ["draw", "json"] as const) ?? "draw";
    const inlineLimit = positiveInt(values, "inline-limit", 0);
    const maxPoints = positiveInt(values, "max-points", 8);
    const maxSteps = positiveInt(values, "max-steps", 1);
    const maxTotalPoints = positiveInt(values, "max-total-points", 16);
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
    if (stdin && values.validate) {
      throw new UsageError("--validate checks files and folders; - (standard input) is not one");
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
    await checkOut(out, sources.filter((i) => i !== STDIN_PATH), assets === "link");
    const selection = selectionOf(values);
    const quiet = values.quiet === true;
    const progress = new Progress(io, { quiet, bytes: "process", label: "plxkit report" }).start();
    let unreadable = 0;
    const t0 = performance.now();
    let result;
    try {
      const validation = values.validate
        ? validatePaths(inputs, {
          extra: VALIDATE_EXTRAS,
          builtinExtras: VALIDATE_EXTRAS,
          ...(selection
            ? { select: { run: (id) => selection.run(id), file: (rel) => selection.file(rel) } }
            : {}),
        })
        : undefined;
      result = await writeReport(selectSource(format.source(sources, { settings: {} }), selection), out, {
        assets,
        charts,
        ...(inlineLimit !== undefined ? { inlineLimit } : {}),
        ...(maxPoints !== undefined ? { maxPoints } : {}),
        ...(maxSteps !== undefined ? { maxSteps } : {}),
        ...(maxTotalPoints !== undefined ? { maxTotalPoints } : {}),
        title: str(values, "title") ?? "plxkit report",
        inputs,
        ...(validation ? { validation } : {}),
        onDiagnostic: (d) => {
          if (d.severity !== "error") return;
          unreadable++;
          if (!quiet) {
            progress.clear();
            io.err(formatDiagnostic(d));
          }
        },
        onRun: (_id, events) => progress.run(events),
      });
    } finally {
      progress.finish();
    }
    const d = result.data;
    const secs = ((performance.now() - t0) / 1000).toFixed(2);
    const notes = [
      d.totals.downsampledSeries ? `${d.totals.downsampledSeries} metric series downsampled` : "",
      d.totals.assetsLeftOut ? `${d.totals.assetsLeftOut} assets left out` : "",
      d.findings ? `${d.findings.length + (d.moreFindings ?? 0)} validation findings` : "",
      unreadable ? `${unreadable} unreadable lines or files` : "",
    ].filter(Boolean);
    io.out(
      `wrote ${out} (${mb(result.bytes)}${result.assetsDir ? `, assets in ${result.assetsDir}` : ""}): ` +
        `${d.runs.length} run${d.runs.length === 1 ? "" : "s"}, ${d.totals.events} events, ` +
        `${new Set(d.metrics.map((m) => m.name)).size} metrics, in ${secs} s` +
        (notes.length ? `; ${notes.join(", ")}` : "") + "\n",
    );
    return unreadable ? 1 : 0;
  },
};
