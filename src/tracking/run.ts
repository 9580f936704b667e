/**
 * An in-process tracking logger that writes a run folder byte for byte as Polyaxon's Python client does
 * (spec §2, §3, §5, §6, §9-§11): `events/<kind>/<name>.plx`, `assets/<kind>/...`, `resources/metric/*.plx`,
 * `outputs/env.json`, and for offline runs `run.plx.json` and `lineages.plx.json` at the end.
 *
 * Logging returns without waiting for the disk: events are formatted at once (their timestamp is the call
 * time) and appended by a background flush every `flushInterval` ms. See {@linkcode Run.ready} for
 * back-pressure. Assets (images, audio, copies) are written synchronously inside the call, as upstream.
 *
 * Needs `--allow-write` and `--allow-read` for the run folder, `--allow-sys` for env and resources.
 *
 * @module
 */
import * as path from "node:path";
import { splitFileName } from "../model/names.ts";
import type { ArtifactValue } from "../schema/values.ts";
import {
  checkName,
  checkObject,
  checkStep,
  copyPathSync,
  hashPathSync,
  statOrThrow,
  toPandasCsv,
  toSpanValue,
  writeFileAtomicSync,
} from "./_util.ts";
import type { ArtifactOptions, LogOptions, SpanInput } from "./_options.ts";
import { RunPlots } from "./_run_plots.ts";

/** plxkit's version (traceml's `env.json` has no such key, so it is not written there). */
export { CLIENT_VERSION } from "./_env.ts";
export type {
  ArtifactOptions,
  AudioOptions,
  ConfusionMatrix,
  HistogramOptions,
  ImageOptions,
  LogOptions,
  RunOptions,
  SklearnCurveInput,
  SpanInput,
  TimeInput,
  VideoOptions,
} from "./_options.ts";

/** Artifact kinds whose event folder is a value type that cannot hold `{kind, path}`. */
const CLASHING_KINDS = new Set(["metric", "chart", "curve", "span"]);

/**
 * One tracked run: a folder in Polyaxon's layout, written as the run goes.
 *
 * Every `log*` method checks its arguments first and throws `TypeError`/`RangeError` naming the bad
 * argument, before anything is written. Events are buffered and appended in the background; call
 * {@linkcode Run.end} (or `await using`) to finish.
 *
 * @example
 * ```ts
 * import { Run } from "./run.ts";
 * await using run = new Run({ path: await Deno.makeTempDir(), offline: true, exitHandlers: false });
 * for (let step = 1; step <= 3; step++) run.logMetrics({ loss: 1 / step, acc: step / 4 }, { step });
 * run.logText("notes", "first run");
 * ```
 */
export class Run extends RunPlots {
  /**
   * Logs a table to `events/dataframe/<name>.plx` with the asset `assets/dataframe/<name>[_<step>].<type>`.
   * Rows (objects) are written as pandas' `to_csv()` would (index column first); a string is written as is.
   *
   * @param name Event name.
   * @param data Rows, or the file text (CSV, HTML, ...).
   * @param options `contentType` (default `csv`), step, timestamp.
   * @throws {TypeError} When `data` is neither rows nor a string.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logDataframe("results", [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }], { step: 2 });
   * ```
   */
  logDataframe(
    name: string,
    data: Record<string, unknown>[] | string,
    options: LogOptions & { contentType?: string } = {},
  ): void {
    const n = this._sanitize("name", name);
    const step = checkStep(options.step);
    const ct = options.contentType ?? "csv";
    if (!/^[A-Za-z0-9_.-]+$/.test(ct)) {
      throw new RangeError(`contentType: ${JSON.stringify(ct)} is not a file extension`);
    }
    let text: string;
    if (typeof data === "string") text = data;
    else if (Array.isArray(data)) {
      if (ct !== "csv") throw new TypeError(`data: rows can only be written as csv; pass ${ct} text instead`);
      text = toPandasCsv(data);
    } else throw new TypeError("data: must be an array of row objects or a string");
    const ts = this._time(options);
    const [abs, rel] = this._assetAbs("dataframe", n, step, ct);
    writeFileAtomicSync(abs, text);
    this._queue(this._event("dataframe", "dataframe", n, { path: rel, content_type: ct }, step, ts));
  }

  /**
   * Logs a file or folder as an artifact. With a step it is copied to `assets/<kind>/<name>_<step>[.<ext>]`
   * and an event `{kind, path}` goes to `events/<kind>/<name>.plx`; without one it is copied to
   * `outputs/<basename>` and recorded as a lineage entry (`{path, hash}`).
   *
   * @param filePath The file or folder.
   * @param options Name, `kind` (artifact kind, default `file`), summary, step, timestamp.
   * @throws {TypeError} When the path does not exist.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const f = await Deno.makeTempFile({ suffix: ".tsv" });
   * run.logArtifact(f, { name: "file", kind: "tsv", step: 1 });
   * ```
   */
  logArtifact(filePath: string, options: ArtifactOptions = {}): void {
    this._artifact("artifact", filePath, options);
  }

  /**
   * Logs a model file or folder: with a step to `assets/model/<name>_<step>[.<ext>]` and an event
   * `{framework, path, spec}`; without one to `outputs/` with a lineage entry of kind `model`.
   *
   * @param filePath The model file or folder.
   * @param options Name, framework, summary (stored as `spec`), step, timestamp.
   * @throws {TypeError} When the path does not exist.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const f = await Deno.makeTempFile({ suffix: ".onnx" });
   * run.logModel(f, { name: "model", framework: "onnx", step: 10 });
   * ```
   */
  logModel(filePath: string, options: ArtifactOptions = {}): void {
    this._artifact("model", filePath, { ...options, kind: "model" });
  }

  /** Copies a file or folder into the run as an event with its asset (step) or as an output (no step). */
  protected _artifact(type: "artifact" | "model", filePath: string, options: ArtifactOptions): void {
    if (typeof filePath !== "string" || filePath === "") {
      throw new TypeError("path: must be a file or folder path");
    }
    const st = statOrThrow("path", filePath);
    const kind = options.kind ?? "file";
    if (!/^[a-z0-9_]+$/.test(kind)) {
      throw new RangeError(`kind: ${JSON.stringify(kind)} is not an artifact kind`);
    }
    if (
      type === "artifact" && options.step !== undefined && options.step !== null && CLASHING_KINDS.has(kind)
    ) {
      // events/<kind>/ of these kinds holds values whose schema cannot hold {kind, path}: Polyaxon would write
      // rows no reader can parse.
      throw new RangeError(
        `kind: "${kind}" artifacts with a step would collide with ${kind} events; use another kind`,
      );
    }
    const { base, ext } = splitFileName(filePath);
    const name = this._sanitize("name", options.name ?? base);
    const step = checkStep(options.step);
    if (options.summary !== undefined) checkObject("summary", options.summary);
    if (type === "model") this._meta.has_model = true;
    if (step !== null) {
      const ts = this._time(options);
      const [abs, rel] = this._assetAbs(kind, name, step, st.isDirectory ? "" : ext);
      copyPathSync(filePath, abs);
      const value: Record<string, unknown> = type === "model"
        ? { framework: options.framework, path: rel, spec: options.summary }
        : { kind, path: rel } satisfies ArtifactValue;
      this._queue(this._event(type, kind, name, value, step, ts));
      return;
    }
    const target = path.join(this.path, "outputs", path.basename(filePath));
    copyPathSync(filePath, target);
    const summary: Record<string, unknown> = { ...(options.summary ?? {}) };
    if (type === "model" && options.framework) summary.framework = options.framework;
    summary.path = path.resolve(target);
    summary.hash = hashPathSync(target);
    this._lineages.set(name, {
      name,
      kind,
      path: `outputs/${path.basename(filePath)}`,
      summary,
      is_input: false,
    });
  }

  /**
   * Logs a trace span tree to `events/span/<span.name or "trace">.plx` (JSON lines), then merges the root
   * span's `inputs`/`outputs` into the run's inputs and outputs.
   *
   * @param span The span: name, uuid (random when omitted), tags, times, status, metadata, inputs,
   *   outputs, kind, and `children` spans.
   * @param options Step and timestamp.
   * @throws {TypeError} When `span` is not an object or a child is not one.
   * @throws {RangeError} On a bad uuid or datetime.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logTrace({
   *   name: "qa", kind: "chain", status: "succeeded", inputs: { q: "hi" }, outputs: { a: "hello" },
   *   children: [{ name: "llm-call", kind: "llm", startedAt: new Date() }],
   * });
   * ```
   */
  logTrace(span: SpanInput, options?: LogOptions): void {
    const value = toSpanValue(checkObject("span", span) as SpanInput, "span");
    const name = this._sanitize("span.name", span.name || "trace");
    const step = checkStep(options?.step);
    this._queue(this._event("span", "span", name, value, step, this._time(options)));
    this._meta.has_traces = true;
    this._meta.has_events = true;
    if (span.inputs) this.logInputs(span.inputs);
    if (span.outputs) this.logOutputs(span.outputs);
  }

  /**
   * Adds tags to the run (`run.plx.json`), keeping the first occurrence of each, as traceml's `log_tags`.
   *
   * @param tags A tag or tags.
   * @param options `reset`: replace the tags instead of adding to them.
   * @throws {TypeError} When a tag is not a non-empty string.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), tags: ["a"], exitHandlers: false });
   * run.logTags(["b", "a"]);
   * ```
   */
  logTags(tags: string | string[], options: { reset?: boolean } = {}): void {
    const list = typeof tags === "string" ? [tags] : tags;
    if (!Array.isArray(list) || list.some((t) => typeof t !== "string" || t === "")) {
      throw new TypeError("tags: must be a non-empty string or an array of them");
    }
    if (options.reset) this._tags = [];
    for (const t of list) if (!this._tags.includes(t)) this._tags.push(t);
  }

  /**
   * Merges values into the run's outputs (keys through the name rules); stored in `run.plx.json` offline.
   *
   * @param values Key to JSON value.
   * @throws {TypeError} When `values` is not an object or a key is empty.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logOutputs({ foo: "bar", scalar: 0.1, key: "val" });
   * ```
   */
  logOutputs(values: Record<string, unknown>): void {
    this._merge(this._outputs, "outputs", values);
  }

  /**
   * Merges values into the run's inputs (keys through the name rules).
   *
   * @param values Key to JSON value.
   * @throws {TypeError} When `values` is not an object or a key is empty.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logInputs({ lr: 0.001, batch_size: 32 });
   * ```
   */
  logInputs(values: Record<string, unknown>): void {
    this._merge(this._inputs, "inputs", values);
  }

  /** Merges `values` into `into` after checking every key against the name rules. */
  protected _merge(into: Record<string, unknown>, arg: string, values: Record<string, unknown>): void {
    const v = checkObject(arg, values);
    const staged: [string, unknown][] = Object.entries(v).map((
      [k, x],
    ) => [checkName(`${arg} key ${JSON.stringify(k)}`, k), x]);
    for (const [k, x] of staged) into[k] = x;
  }
}
