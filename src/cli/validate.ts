/**
 * `plxkit validate`: check run folders, trees of runs and single files; report per file and line.
 *
 * @module
 */
import { UsageError } from "../diagnostics.ts";
import { GENERATIONS } from "../formats/plx/read.ts";
import { addToSummary, emptySummary, type ValidateOptions, validatePaths } from "../validate/validate.ts";
import { isValid, jsonReport, junitReport, runText, summaryText } from "../validate/report.ts";
import type { RunReport } from "../validate/types.ts";
import { choice, type Command, jobsOption } from "./args.ts";
import { Progress } from "./progress.ts";
import { VALIDATE_EXTRAS } from "../validate/extras.ts";

/** The `validate` command. */
export const validateCommand: Command = {
  name: "validate",
  summary: "check run folders and event files against the format schemas",
  usage: "<path>... [options]",
  details: [
    "A path is a run folder, a tree holding many runs (e.g. an offline root with runs/<uuid>/), or single files.",
    "Findings are errors (invalid), warnings (fail only with --strict) and notes (never fail).",
    "Exit codes: 0 valid, 1 invalid or unreadable input, 2 usage error.",
  ].join("\n"),
  options: {
    format: {
      type: "string",
      short: "f",
      arg: "<text|json|junit>",
      help: "report format on stdout",
      default: "text",
    },
    strict: { type: "boolean", help: "warnings make the input invalid" },
    generation: {
      type: "string",
      arg: "<label>",
      help: `require every event file to be of this format generation (${GENERATIONS.join(", ")})`,
    },
    "no-assets": { type: "boolean", help: "do not check that referenced asset files exist" },
    "no-notes": { type: "boolean", help: "do not print notes (info findings) in the text report" },
    jobs: {
      type: "string",
      short: "j",
      help: "workers validating runs in parallel (default: one per core; output is the same for any N)",
    },
  },
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError("give at least one path to validate");
    const format = choice(values, "format", ["text", "json", "junit"] as const) ?? "text";
    const generation = choice(values, "generation", GENERATIONS);
    const strict = values.strict === true;
    const quiet = values.quiet === true;
    const progress = new Progress(io, quiet);
    const options: ValidateOptions = {
      generation,
      checkAssets: values["no-assets"] !== true,
      onFile: (f) => progress.file(f.bytes),
      extra: VALIDATE_EXTRAS,
      builtinExtras: VALIDATE_EXTRAS,
      jobs: jobsOption(values),
    };
    const summary = emptySummary();
    const runs: RunReport[] = [];
    for await (const r of validatePaths(positionals, options)) {
      addToSummary(summary, r);
      if (format === "text") {
        progress.clear();
        const text = runText(r, { color: io.color, infos: values["no-notes"] !== true, showClean: !quiet });
        if (text) io.out(text);
      } else {
        runs.push(r);
      }
    }
    progress.clear();
    if (summary.runs === 0 && summary.files === 0) {
      io.err("plxkit validate: nothing to validate: no run folders or event files found");
      return 1;
    }
    if (format === "json") io.out(jsonReport(runs, summary, strict, "0.1.0"));
    else if (format === "junit") io.out(junitReport(runs, summary, strict));
    else io.out(summaryText(summary, strict));
    return isValid(summary, strict) ? 0 : 1;
  },
};
