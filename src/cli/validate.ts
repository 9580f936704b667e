/**
 * `plxkit validate`: check run folders, trees of runs and single files; report per file and line.
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import { requireInputs } from "../io/files.ts";
import { addToSummary, emptySummary, type ValidateOptions, validatePaths } from "../validate/validate.ts";
import {
  githubAnnotations,
  isValid,
  jsonReport,
  junitReport,
  runText,
  summaryText,
} from "../validate/report.ts";
import { choice, type Command, jobsOption } from "./args.ts";
import { Progress } from "./progress.ts";
import { VALIDATE_EXTRAS } from "../validate/extras.ts";
import { GENERATIONS, type RunReport } from "../model/report.ts";
import { VERSION } from "../version.ts";
import { expandInputs, SELECT_OPTIONS, selectionOf } from "./inputs.ts";

/** The `validate` command. */
export const validateCommand: Command = {
  name: "validate",
  summary: "check run folders and event files against the format schemas",
  usage: "<path>... [options]",
  details: [
    "A path is a run folder, a tree holding many runs (e.g. an offline root with runs/<uuid>/), or single files;",
    "quoted globs ('runs/02*') and @list.txt (one path a line) are expanded.",
    "Findings are errors (invalid), warnings (fail only with --strict) and notes (never fail).",
    "A file named on the command line is checked by its format (plx, JSONL, TensorBoard, Parquet); an unknown one is an error.",
    "--run, --kind and --name choose the runs and event files checked; validation reads whole files, so",
    "--steps, --since and --until are refused here.",
    "Report formats: text; json (versioned, schema: plxkit schema report; see docs/validation.md); junit",
    "(a testsuite per run named by its path, a testcase per file); github (Actions annotations).",
    "Exit codes: 0 valid, 1 invalid or unreadable input, 2 usage error or a path that does not exist.",
  ].join("\n"),
  options: {
    format: {
      type: "string",
      short: "f",
      arg: "<text|json|junit|github>",
      help: "report format on stdout",
      default: "text",
    },
    strict: { type: "boolean", help: "warnings make the input invalid" },
    generation: {
      type: "string",
      arg: "<label>",
      help: `require every event file to be of this format generation (${GENERATIONS.join(", ")})`,
    },
    ...SELECT_OPTIONS,
    "no-assets": { type: "boolean", help: "do not check that referenced asset files exist" },
    "no-notes": {
      type: "boolean",
      help: "do not print notes (info findings) in the text and github reports",
    },
    jobs: {
      type: "string",
      short: "j",
      help: "workers validating runs in parallel (default: one per core; output is the same for any N)",
    },
  },
  examples: [
    { about: "every run under an offline root", cmd: "validate runs/" },
    {
      about: "in a GitHub Actions step: findings as annotations on the diff",
      cmd: "validate runs/ --format github --strict",
    },
    {
      about: "JUnit for CI test reports, only the metric files of some runs",
      cmd: "validate 'runs/02*' --kind metric --format junit > validate.xml",
    },
    {
      about: "the runs a script listed, quietly (errors and the verdict only)",
      cmd: "validate @changed-runs.txt --quiet",
    },
  ],
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError("give at least one path to validate");
    const format = choice(values, "format", ["text", "json", "junit", "github"] as const) ?? "text";
    const generation = choice(values, "generation", GENERATIONS);
    for (const flag of ["steps", "since", "until"]) {
      if (values[flag] !== undefined) {
        throw new UsageError(
          `--${flag} selects events, but validation checks whole files; use --run, --kind or --name ` +
            `(or --${flag} with inspect and convert)`,
        );
      }
    }
    const selection = selectionOf(values);
    const paths = await expandInputs(positionals);
    if (paths.includes("-")) {
      throw new UsageError("validate reads files and folders; - (standard input) is not one");
    }
    await requireInputs(paths);
    const strict = values.strict === true;
    const quiet = values.quiet === true;
    const progress = new Progress(io, { quiet, bytes: "files", label: "plxkit validate" }).start();
    const options: ValidateOptions = {
      generation,
      checkAssets: values["no-assets"] !== true,
      onFile: (f) => progress.file(f.bytes, f.events),
      extra: VALIDATE_EXTRAS,
      ...(selection
        ? { select: { run: (id) => selection.run(id), file: (rel) => selection.file(rel) } }
        : {}),
      builtinExtras: VALIDATE_EXTRAS,
      jobs: jobsOption(values),
    };
    const summary = emptySummary();
    const runs: RunReport[] = [];
    const infos = values["no-notes"] !== true;
    try {
      for await (const r of validatePaths(paths, options)) {
        addToSummary(summary, r);
        if (format === "text") {
          progress.clear();
          const text = runText(r, { color: io.color, infos, showClean: !quiet, failingOnly: quiet, strict });
          if (text) io.out(text);
        } else if (format === "github") {
          progress.clear();
          const text = githubAnnotations(r, { infos, failingOnly: quiet, strict });
          if (text) io.out(text);
        } else {
          runs.push(r);
        }
      }
    } finally {
      progress.finish();
    }
    if (summary.runs === 0 && summary.files === 0) {
      io.err(
        `plxkit validate: nothing to validate: no run folders or event files found${
          selection ? " (or none selected by --run, --kind, --name)" : ""
        }`,
      );
      return 1;
    }
    if (format === "json") io.out(jsonReport(runs, summary, strict, VERSION));
    else if (format === "junit") io.out(junitReport(runs, summary, strict));
    else io.out(summaryText(summary, strict));
    return isValid(summary, strict) ? 0 : 1;
  },
};
