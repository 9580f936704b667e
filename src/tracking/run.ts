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
import type { PlxEvent } from "../model/event.ts";
import { assetPath, splitFileName } from "../model/names.ts";
import { pyFloatRepr } from "../model/pyfloat.ts";
import { formatPyIsoformat, formatPyTimestamp, nowUtc, type PlxTime } from "../model/time.ts";
import { csvHeader, encodeLine, eventFile, isJsonlKind } from "../formats/plx/write.ts";
import type { ArtifactValue, SpanValue, ValueType } from "../schema/values.ts";
import { EventWriter, type FileBuffer } from "./writer.ts";
import {
  checkName,
  checkNumbers,
  checkObject,
  checkStep,
  copyPathSync,
  hashPathSync,
  md5_12,
  pyRepr,
  sniffVideo,
  statOrThrow,
  toPandasCsv,
  toSpanValue,
  toTime,
  writeFileAtomicSync,
} from "./_util.ts";
import { type BinRule, numpyHistogram } from "./histogram.ts";
import { type DataFormat, drawBoxes, encodePng, type RawImage, sniffImage, toHwcUint8 } from "./images.ts";
import { encodeWav } from "./audio.ts";
import { compactJson, summarizeFile } from "./summary.ts";
import { homogeneous, PyFloat } from "../json/python.ts";
import { ResourceSampler } from "./resources.ts";
import { runEnv } from "./_env.ts";
import { prCurve, rocCurve, type ScoredLabels } from "./sklearn.ts";
import { parsePyJson } from "../json/pyjson.ts";
import { startLogCapture } from "./_plxlogs.ts";
import { type Condition, condition, type RunRecord, runRecord } from "./_record.ts";
import type { Diagnostic } from "../diagnostics.ts";

/** plxkit's version, written as `client_version` in `env.json`. */
export { CLIENT_VERSION } from "./_env.ts";

/** A time given to a log call: a `Date`, a {@linkcode PlxTime}, or a datetime string (naive allowed). */
export type TimeInput = Date | PlxTime | string;

/** Options every step-wise log call takes. */
export interface LogOptions {
  /** The step (an integer); omitted means none (`null` in files). */
  step?: number | null;
  /** The event time. @default now, UTC, to the microsecond */
  timestamp?: TimeInput;
}

/** Options of {@linkcode Run}. */
export interface RunOptions {
  /** The run folder itself. @default `<POLYAXON_OFFLINE_ROOT or /tmp/plx/offline>/runs/<uuid>` when offline, else `<POLYAXON_ARTIFACTS_ROOT or /tmp/plx/artifacts>/<uuid>` */
  path?: string;
  /** The run uuid (dashes are removed). @default a random uuid4 hex */
  runUuid?: string;
  /** Run name for `run.plx.json`. */
  name?: string;
  /** Run description for `run.plx.json`. */
  description?: string;
  /** Run tags for `run.plx.json`. */
  tags?: string[];
  /** Project for `run.plx.json`. */
  project?: string;
  /** Owner for `run.plx.json`. @default "default" (traceml's offline owner) */
  owner?: string;
  /** Write `run.plx.json` and `lineages.plx.json` at the end. @default POLYAXON_IS_OFFLINE is `true`/`1` */
  offline?: boolean;
  /** Milliseconds between background flushes. @default 10000 */
  flushInterval?: number;
  /** Soft bound on buffered event bytes: a flush starts and `ready()` waits. @default 16 MiB */
  maxBufferedBytes?: number;
  /** Hard bound: above it a log call flushes synchronously before returning. @default 4 x maxBufferedBytes */
  hardLimitBytes?: number;
  /**
   * Sample `resources/metric/{cpu,memory,load}.plx` every this many ms (`true` = 10000). @default true for
   * offline runs (as traceml's `collect_resources`, `POLYAXON_COLLECT_RESOURCES` overrides), else false
   */
  resources?: boolean | number;
  /** Write `outputs/env.json` at start. @default true */
  trackEnv?: boolean;
  /**
   * Capture `console.*` and stdout/stderr lines into `plxlogs/logs.jsonl` (traceml's `track_logs`) while
   * the run is open. @default true
   */
  captureLogs?: boolean;
  /** Flush and end the run on `unload`, SIGINT and SIGTERM. @default true */
  exitHandlers?: boolean;
}

/** Labels and scores for {@linkcode Run.logSklearnRocAucCurve} and {@linkcode Run.logSklearnPrCurve}. */
export interface SklearnCurveInput {
  /** Scores, one per sample; with `isMultiClass` one row of per-class scores per sample. */
  yPreds: ArrayLike<number> | ArrayLike<ArrayLike<number>>;
  /** True labels, one per sample. */
  yTargets: ArrayLike<number | string | boolean>;
  /** The positive class (binary). @default 1 */
  posLabel?: number | string | boolean;
  /** One curve per class (`<name>_<i>`), `yPreds[:, i]` against class i. @default false */
  isMultiClass?: boolean;
}

/** Options of {@linkcode Run.logImage}. */
export interface ImageOptions extends LogOptions {
  /** Event name. @default the file's base name for a path, else `"image"` */
  name?: string;
  /** Axis order of raw pixels. @default "CHW" (Polyaxon's default) */
  dataformats?: DataFormat;
}

/** Options of {@linkcode Run.logAudio}. */
export interface AudioOptions extends LogOptions {
  /** Event name. @default the file's base name for a path, else `"audio"` */
  name?: string;
  /** Frames per second of sample data. @default 44100 */
  sampleRate?: number;
  /** Content type: for a file it is stored as given; for samples it names the asset extension. */
  contentType?: string;
}

/** Options of {@linkcode Run.logVideo}. */
export interface VideoOptions extends LogOptions {
  /** Event name. @default the file's base name for a path, else `"video"` */
  name?: string;
  /** Content type (`mp4`, `gif`, ...). @default the file extension, or sniffed from the bytes */
  contentType?: string;
}

/** Options of {@linkcode Run.logHistogram}. */
export interface HistogramOptions extends LogOptions {
  /** A bin count or a numpy rule. @default "auto" */
  bins?: number | BinRule;
  /** More bins than this is an error. @default 512 */
  maxBins?: number;
}

/** Options of {@linkcode Run.logArtifact} and {@linkcode Run.logModel}. */
export interface ArtifactOptions extends LogOptions {
  /** Name. @default the file's base name */
  name?: string;
  /** Artifact kind (folder name of the event). @default "file" */
  kind?: string;
  /** Model framework (`logModel`). */
  framework?: string;
  /** Free-form summary (`logModel`: stored as the event's `spec`). */
  summary?: Record<string, unknown>;
}

/** A confusion matrix: labels and a square matrix. */
export interface ConfusionMatrix {
  /** Labels along x: one per column of `z`. */
  x: (string | number)[];
  /** Labels along y: one per row of `z`. */
  y: (string | number)[];
  /** The square matrix: `z[i][j]` is the value at row `y[i]`, column `x[j]`. */
  z: (number | string | null)[][];
}

/** A trace span for {@linkcode Run.logTrace} (camelCase or the stored snake_case field names). */
export interface SpanInput {
  /** Span name (for the root span also the event name). @default "trace" for the root span */
  name?: string;
  /** Span id, 32 hex digits (dashes allowed). @default a random uuid */
  uuid?: string;
  /** Tags. */
  tags?: string[];
  /** Start time (`started_at` is accepted too). */
  startedAt?: TimeInput;
  /** End time (`finished_at` is accepted too). */
  finishedAt?: TimeInput;
  /** Status (V1Statuses, e.g. `succeeded`). */
  status?: SpanValue["status"];
  /** Free-form metadata. */
  metadata?: Record<string, unknown>;
  /** The span's inputs; the root span's are merged into the run's inputs. */
  inputs?: Record<string, unknown>;
  /** The span's outputs; the root span's are merged into the run's outputs. */
  outputs?: Record<string, unknown>;
  /** Nested spans. */
  children?: SpanInput[];
  /** What the span is (`llm`, `chain`, `agent`, `tool`, `embedding` or `retriever`). */
  kind?: SpanValue["kind"];
}

/** A status change of the run (`run.plx.json`). */

const DONE = new Set(["succeeded", "failed", "stopped", "skipped", "upstream_failed", "done"]);
const RUN_DIRS = ["outputs", "events", "assets", "resources"];
/** Artifact kinds whose event folder is a value type that cannot hold `{kind, path}`. */
const CLASHING_KINDS = new Set(["metric", "chart", "curve", "span"]);

// ------------------------------------------------------------------------------------------ exit handling

const OPEN_RUNS = new Set<Run>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  globalThis.addEventListener("unload", () => {
    for (const run of [...OPEN_RUNS]) {
      try {
        run.endSync();
      } catch { /* nothing more can be done while exiting */ }
    }
  });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    const handler = async () => {
      const runs = [...OPEN_RUNS];
      const ending = Promise.all(
        runs.map((r) => r.end("failed", { reason: sig, message: `Received ${sig}` })),
      );
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise((r) => timer = setTimeout(r, 5000));
      await Promise.race([ending.catch(() => {}), timeout]);
      clearTimeout(timer);
      Deno.removeSignalListener(sig, handler);
      Deno.kill(Deno.pid, sig); // the default action (termination) now that our listener is gone
    };
    try {
      Deno.addSignalListener(sig, handler);
    } catch { /* platform without this signal */ }
  }
}

// ---------------------------------------------------------------------------------------------------- Run

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
export class Run {
  /** The run folder. */
  readonly path: string;
  /** The run uuid (32 hex digits). */
  readonly uuid: string;
  /** Whether `run.plx.json` and `lineages.plx.json` are written at the end. */
  readonly offline: boolean;
  readonly #writer: EventWriter;
  #status = "created";
  #conditions: Condition[] = [];
  #createdAt: PlxTime;
  #startedAt: PlxTime | null = null;
  #finishedAt: PlxTime | null = null;
  #inputs: Record<string, unknown> = {};
  #outputs: Record<string, unknown> = {};
  #meta: Record<string, boolean> = {};
  #lineages = new Map<string, Record<string, unknown>>();
  #metricOutputs = new Map<string, number>();
  #metricFiles = new Map<string, { file: FileBuffer; fqn: string }>();
  #created = new Set<string>();
  #ended: Promise<void> | null = null;
  #resourceTimer: ReturnType<typeof setInterval> | null = null;
  #sampler: ResourceSampler | null = null;
  #opts: RunOptions;
  #tags: string[];
  #stopLogs: (() => void) | null = null;
  /** Diagnostics the summaries found when reading the files back at the end (none for a healthy run). */
  readonly diagnostics: Diagnostic[] = [];

  /**
   * Creates the run folder (`outputs/`, `events/`, `assets/`, `resources/`), writes `outputs/env.json` and
   * marks the run running.
   *
   * @param options Where and how. See {@linkcode RunOptions}.
   * @throws {TypeError} When `runUuid` is not 32 hex digits.
   */
  constructor(options: RunOptions = {}) {
    this.#opts = options;
    this.#tags = [];
    for (const t of options.tags ?? []) if (!this.#tags.includes(t)) this.#tags.push(t);
    const uuid = (options.runUuid ?? crypto.randomUUID()).replaceAll("-", "").toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(uuid)) {
      throw new TypeError(`runUuid: must be 32 hex digits, got ${options.runUuid}`);
    }
    this.uuid = uuid;
    const env = (k: string) => {
      try {
        return Deno.env.get(k);
      } catch {
        return undefined;
      }
    };
    const offEnv = env("POLYAXON_IS_OFFLINE");
    this.offline = options.offline ?? (offEnv === "true" || offEnv === "1");
    this.path = options.path ??
      (this.offline
        ? path.join(env("POLYAXON_OFFLINE_ROOT") ?? "/tmp/plx/offline", "runs", uuid)
        : path.join(env("POLYAXON_ARTIFACTS_ROOT") ?? "/tmp/plx/artifacts", uuid));
    this.#writer = new EventWriter(this.path, {
      flushInterval: options.flushInterval,
      maxBufferedBytes: options.maxBufferedBytes,
      hardLimitBytes: options.hardLimitBytes,
    });
    for (const d of RUN_DIRS) Deno.mkdirSync(path.join(this.path, d), { recursive: true });
    this.#createdAt = nowUtc();
    this.#setStatus("created");
    this.#startedAt = nowUtc();
    this.#setStatus("running");
    if (options.trackEnv ?? true) this.logEnv();
    if (options.captureLogs ?? true) {
      this.#stopLogs = startLogCapture((line) => {
        if (!this.#writer.closed) this.#writer.append("plxlogs/logs.jsonl", "", line);
      });
    }
    const collect = env("POLYAXON_COLLECT_RESOURCES");
    const res = options.resources ??
      (collect !== undefined ? collect === "true" || collect === "1" : this.offline);
    if (res) {
      const every = typeof res === "number" ? res : 10_000;
      if (!(every > 0)) throw new RangeError("resources: the sampling interval must be positive");
      this.#sampler = new ResourceSampler();
      this.#sampleResources();
      const timer = setInterval(() => this.#sampleResources(), every);
      Deno.unrefTimer(timer as unknown as number);
      this.#resourceTimer = timer;
    }
    if (options.exitHandlers ?? true) {
      OPEN_RUNS.add(this);
      installExitHandlers();
    }
  }

  /** Current status: `running` until {@linkcode Run.end}. */
  get status(): string {
    return this.#status;
  }

  /** Bytes (UTF-8) of event lines appended to files so far. */
  get bytesWritten(): number {
    return this.#writer.bytesWritten;
  }

  /** Event text buffered in memory, not yet handed to a flush (UTF-16 units, about bytes). */
  get bufferedBytes(): number {
    return this.#writer.bufferedBytes;
  }

  #setStatus(type: string, reason?: string, message?: string): void {
    this.#status = type;
    this.#conditions.push(condition(type, reason, message));
  }

  // ------------------------------------------------------------------------------------------ events

  #time(opts: LogOptions | undefined): PlxTime {
    return toTime("timestamp", opts?.timestamp) ?? nowUtc();
  }

  #queue(event: PlxEvent): void {
    const rel = eventFile(event);
    this.#writer.append(rel, isJsonlKind(event.kind) ? "" : csvHeader(event.kind), encodeLine(event));
    this.#meta.has_events = true;
  }

  #event<T extends ValueType>(
    type: T,
    kind: string,
    name: string,
    value: unknown,
    step: number | null,
    timestamp: PlxTime,
  ): PlxEvent {
    return { run: this.uuid, scope: "events", kind, name, step, timestamp, type, value } as PlxEvent;
  }

  #sanitize(arg: string, name: string): string {
    // spec §3.2: strip this run's own folder prefix (local, or the managed `/plx-context/artifacts/<uuid>`)
    // from names that are paths inside it.
    if (typeof name === "string" && name.includes("/")) {
      const roots = [this.path, `/plx-context/artifacts/${this.uuid}`];
      for (const sub of roots.flatMap((r) => [...RUN_DIRS.map((d) => `${r}/${d}/`), `${r}/`])) {
        if (name.startsWith(sub)) {
          name = name.slice(sub.length);
          break;
        }
      }
    }
    return checkName(arg, name);
  }

  #assetAbs(kind: string, name: string, step: number | null, ext: string): [string, string] {
    const rel = assetPath(kind, name, step, ext);
    return [path.join(this.path, rel), rel];
  }

  /**
   * Ready for more events: resolves at once while buffered events are under `maxBufferedBytes`, otherwise
   * when the flush started for them has written them. Log calls never wait; a producer that may outpace the
   * disk awaits this now and then (e.g. every 10,000 events) to keep memory bounded without blocking.
   * Past `hardLimitBytes` a log call flushes synchronously instead.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * for (let i = 0; i < 100_000; i++) {
   *   run.logMetric("x", i, { step: i });
   *   if (i % 10_000 === 0) await run.ready();
   * }
   * ```
   */
  ready(): Promise<void> {
    return this.#writer.ready();
  }

  /**
   * Appends every buffered event to its file now.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logMetric("loss", 0.5, { step: 1 });
   * await run.flush(); // events/metric/loss.plx now holds the row
   * ```
   */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /**
   * Logs one metric value to `events/metric/<name>.plx`; the last value is also a run output.
   *
   * @param name Metric name (through `to_fqn_name`: `train/loss` -> `train__loss`).
   * @param value A number; NaN and infinities are written as `nan`, `inf`, `-inf`.
   * @param options Step and timestamp.
   * @throws {TypeError} When `name` is empty or `value` is not a number.
   * @throws {RangeError} When `step` is not a finite integer.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logMetric("loss", 0.6931, { step: 1 });
   * ```
   */
  logMetric(name: string, value: number, options?: LogOptions): void {
    const h = this.#metricFile("name", name);
    if (typeof value !== "number") throw new TypeError(`value: must be a number, got ${typeof value}`);
    const step = checkStep(options?.step);
    const ts = toTime("timestamp", options?.timestamp);
    this.#metricLine(h.file, step, ts, value);
    this.#metricOutputs.set(h.fqn, value);
  }

  /**
   * Logs several metrics at one step: one file per key, each value its own event.
   *
   * @param metrics Name to value.
   * @param options Step and timestamp (when omitted, the call's `now`, shared by its metrics).
   * @throws {TypeError} When a key is empty or a value is not a number (nothing is logged then).
   * @throws {RangeError} When `step` is not a finite integer.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logMetrics({ loss: 0.5, accuracy: 0.9 }, { step: 3 });
   * ```
   */
  logMetrics(metrics: Record<string, number>, options?: LogOptions): void {
    const m = checkObject("metrics", metrics);
    const step = options === undefined ? null : checkStep(options.step);
    const ts = options === undefined ? null : toTime("timestamp", options.timestamp);
    const keys = Object.keys(m);
    const n = keys.length;
    const files = this.#scratch.length >= n ? this.#scratch : (this.#scratch = new Array(n));
    for (let i = 0; i < n; i++) {
      const v = m[keys[i]];
      if (typeof v !== "number") throw new TypeError(`metrics.${keys[i]}: must be a number, got ${typeof v}`);
      files[i] = this.#metricFile(`metrics key ${JSON.stringify(keys[i])}`, keys[i]).file;
    }
    // One clock read per call (a clock read costs about as much as formatting a float): the metrics of a
    // call share their timestamp, where Python reads the clock per metric, microseconds apart.
    const t = ts ?? { micros: Math.floor((performance.timeOrigin + performance.now()) * 1000), offset: 0 };
    const stepText = step === null ? "" : String(step);
    for (let i = 0; i < n; i++) this.#metricLine(files[i], stepText, t, m[keys[i]] as number);
  }

  #scratch: FileBuffer[] = [];

  #metricFile(arg: string, name: string): { file: FileBuffer; fqn: string } {
    let h = this.#metricFiles.get(name);
    if (h === undefined) {
      const fqn = checkName(arg, name);
      h = { file: this.#writer.file(`events/metric/${fqn}.plx`, "step|timestamp|metric"), fqn };
      this.#metricFiles.set(name, h);
    }
    return h;
  }

  /** One metric row; `step` as a number, `null`, or decimal text (`""` = none). */
  #metricLine(file: FileBuffer, step: number | string | null, ts: PlxTime | null, value: number): void {
    if (ts === null) {
      this.#writer.appendMetric(
        file,
        step,
        Math.floor((performance.timeOrigin + performance.now()) * 1000),
        value,
      );
    } else if (ts.offset === 0) {
      this.#writer.appendMetric(file, step, ts.micros, value);
    } else {
      this.#writer.appendTo(
        file,
        `${step ?? ""}|${formatPyTimestamp(ts)}|${pyFloatRepr(value)}`,
      );
    }
    if (!this.#hasMetrics) {
      this.#hasMetrics = true;
      this.#meta.has_metrics = true;
      this.#meta.has_events = true;
    }
  }

  #hasMetrics = false;

  /**
   * Logs a text value to `events/text/<name>.plx` (JSON lines).
   *
   * @param name Event name.
   * @param text Any string (newlines and `|` are safe).
   * @param options Step and timestamp.
   * @throws {TypeError} When `name` is empty or `text` is not a string.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logText("text-event", "value at step 1", { step: 1 });
   * ```
   */
  logText(name: string, text: string, options?: LogOptions): void {
    this.#logString("text", name, text, options);
  }

  /**
   * Logs an HTML snippet to `events/html/<name>.plx` (JSON lines).
   *
   * @param name Event name.
   * @param html HTML text.
   * @param options Step and timestamp.
   * @throws {TypeError} When `name` is empty or `html` is not a string.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logHtml("report", "<b>done</b>", { step: 1 });
   * ```
   */
  logHtml(name: string, html: string, options?: LogOptions): void {
    this.#logString("html", name, html, options);
  }

  #logString(type: "text" | "html", name: string, value: string, options?: LogOptions): void {
    const n = this.#sanitize("name", name);
    if (typeof value !== "string") throw new TypeError(`${type}: must be a string, got ${typeof value}`);
    const step = checkStep(options?.step);
    this.#queue(this.#event(type, type, n, value, step, this.#time(options)));
  }

  /**
   * Logs an image to `events/image/<name>.plx` with the asset `assets/image/<name>[_<step>].<ext>`.
   *
   * `data` is one of: a file path (copied; event `{path}`), encoded PNG/JPEG bytes (written as they are;
   * `{height,width,colorspace,path}` read from the header), or raw pixels `{data, shape}` in `dataformats`
   * order (`CHW` default, `HWC`, `HW`), `Uint8Array` 0-255 or floats 0-1, 1/3/4 channels, encoded as PNG.
   *
   * @param data The image.
   * @param options Name, step, timestamp, data format.
   * @throws {TypeError} When `data` is none of the above or a path does not exist.
   * @throws {RangeError} When the shape does not fit the data or format, or `step` is bad.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const pixels = new Float32Array(3 * 8 * 8).fill(0.5); // CHW gray-ish
   * run.logImage({ data: pixels, shape: [3, 8, 8] }, { name: "sample", step: 1 });
   * ```
   */
  logImage(data: string | Uint8Array | RawImage, options: ImageOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this.#time(options);
    if (typeof data === "string") {
      statOrThrow("data", data);
      const { base, ext } = splitFileName(data);
      const name = this.#sanitize("name", options.name ?? base);
      const [abs, rel] = this.#assetAbs("image", name, step, ext || "png");
      copyPathSync(data, abs);
      this.#queue(this.#event("image", "image", name, { path: rel }, step, ts));
      return;
    }
    const name = this.#sanitize("name", options.name ?? "image");
    let bytes: Uint8Array, height: number, width: number, colorspace: number, ext: string;
    if (data instanceof Uint8Array) {
      const info = sniffImage(data);
      if (info === null) {
        throw new TypeError("data: bytes are neither a PNG nor a JPEG; pass raw pixels as { data, shape }");
      }
      ({ height, width, colorspace, ext } = info);
      bytes = data;
    } else if (data && typeof data === "object" && "data" in data && "shape" in data) {
      const img = toHwcUint8(data, options.dataformats ?? "CHW");
      ({ height, width } = img);
      colorspace = img.channels;
      bytes = encodePng(img.pixels, img.height, img.width, img.channels);
      ext = "png";
    } else {
      throw new TypeError("data: must be a file path, PNG/JPEG bytes, or raw pixels { data, shape }");
    }
    const [abs, rel] = this.#assetAbs("image", name, step, ext);
    writeFileAtomicSync(abs, bytes);
    this.#queue(this.#event("image", "image", name, { height, width, colorspace, path: rel }, step, ts));
  }

  /**
   * Logs raw pixels with bounding boxes drawn in red (2 px, no labels), as Polyaxon's
   * `log_image_with_boxes`: event `events/image/<name>.plx` (default name `figure`), asset PNG.
   *
   * @param image Raw pixels `{data, shape}` in `dataformats` order (see {@linkcode Run.logImage}).
   * @param boxes One `[xmin, ymin, xmax, ymax]` per box, in pixels.
   * @param options Name, step, timestamp, data format.
   * @throws {TypeError} When `boxes` is not an array.
   * @throws {RangeError} When the image shape is wrong or a box is not 4 finite numbers.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const img = { data: new Uint8Array(32 * 32 * 3).fill(200), shape: [32, 32, 3] };
   * run.logImageWithBoxes(img, [[4, 4, 20, 16]], { dataformats: "HWC", step: 1 });
   * ```
   */
  logImageWithBoxes(image: RawImage, boxes: number[][], options: ImageOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this.#time(options);
    const name = this.#sanitize("name", options.name ?? "figure");
    if (!image || typeof image !== "object" || !("data" in image)) {
      throw new TypeError("image: must be raw pixels { data, shape }");
    }
    if (!Array.isArray(boxes)) throw new TypeError("boxes: must be an array of [xmin, ymin, xmax, ymax]");
    const img = toHwcUint8(image, options.dataformats ?? "CHW");
    drawBoxes(img.pixels, img.height, img.width, img.channels, boxes);
    const bytes = encodePng(img.pixels, img.height, img.width, img.channels);
    const [abs, rel] = this.#assetAbs("image", name, step, "png");
    writeFileAtomicSync(abs, bytes);
    const value = { height: img.height, width: img.width, colorspace: img.channels, path: rel };
    this.#queue(this.#event("image", "image", name, value, step, ts));
  }

  /**
   * Logs audio to `events/audio/<name>.plx` with the asset `assets/audio/<name>[_<step>].<ext>`.
   *
   * Samples (a `Float32Array`, `Float64Array` or number array, mono) become a 16-bit PCM WAV clipped to
   * [-1, 1] (`{sample_rate, num_channels:1, length_frames, path, content_type:"audio/wav"}`); a file path is
   * copied (`{path}`, plus `content_type` when given).
   *
   * @param data Samples or a file path.
   * @param options Name, sample rate, content type, step, timestamp.
   * @throws {TypeError} When `data` is neither samples nor an existing file.
   * @throws {RangeError} On NaN samples or a bad sample rate or step.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const rate = 8000;
   * const tone = Float32Array.from({ length: rate }, (_, i) => Math.cos((i * 2 * Math.PI * 440) / rate));
   * run.logAudio(tone, { name: "audio-ex", sampleRate: rate, step: 1 });
   * ```
   */
  logAudio(data: string | Float32Array | Float64Array | number[], options: AudioOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this.#time(options);
    if (typeof data === "string") {
      statOrThrow("data", data);
      const { base, ext } = splitFileName(data);
      const name = this.#sanitize("name", options.name ?? base);
      const [abs, rel] = this.#assetAbs("audio", name, step, ext || options.contentType || "wav");
      copyPathSync(data, abs);
      this.#queue(
        this.#event("audio", "audio", name, { path: rel, content_type: options.contentType }, step, ts),
      );
      return;
    }
    const samples = data instanceof Float32Array || data instanceof Float64Array
      ? data
      : checkNumbers("data", data);
    const name = this.#sanitize("name", options.name ?? "audio");
    const rate = options.sampleRate ?? 44100;
    const wav = encodeWav(samples, rate);
    const [abs, rel] = this.#assetAbs("audio", name, step, options.contentType || "wav");
    writeFileAtomicSync(abs, wav);
    this.#queue(this.#event(
      "audio",
      "audio",
      name,
      {
        sample_rate: rate,
        num_channels: 1,
        length_frames: samples.length,
        path: rel,
        content_type: "audio/wav",
      },
      step,
      ts,
    ));
  }

  /**
   * Logs a video file or encoded video bytes to `events/video/<name>.plx` (`{path, content_type}`), with
   * the asset `assets/video/<name>[_<step>].<content_type>`.
   *
   * @param data A file path, or bytes (GIF, MP4 and WebM are recognised; else pass `contentType`).
   * @param options Name, content type, step, timestamp.
   * @throws {TypeError} When the file does not exist or the byte format is unknown without `contentType`.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const gif = new TextEncoder().encode("GIF89a"); // (a real GIF in practice)
   * run.logVideo(gif, { name: "clip", step: 1 });
   * ```
   */
  logVideo(data: string | Uint8Array, options: VideoOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this.#time(options);
    let name: string, ct: string;
    if (typeof data === "string") {
      statOrThrow("data", data);
      const { base, ext } = splitFileName(data);
      name = this.#sanitize("name", options.name ?? base);
      ct = options.contentType ?? ext;
    } else if (data instanceof Uint8Array) {
      name = this.#sanitize("name", options.name ?? "video");
      const sniffed = sniffVideo(data);
      if (!options.contentType && !sniffed) {
        throw new TypeError('data: unknown video format; pass options.contentType (e.g. "mp4")');
      }
      ct = options.contentType ?? sniffed!;
    } else {
      throw new TypeError("data: must be a file path or video bytes");
    }
    const [abs, rel] = this.#assetAbs("video", name, step, ct);
    if (typeof data === "string") copyPathSync(data, abs);
    else writeFileAtomicSync(abs, data);
    this.#queue(this.#event("video", "video", name, { path: rel, content_type: ct || undefined }, step, ts));
  }

  /**
   * Logs a histogram of `values` (numpy's `np.histogram(values, bins)`: same edges, same counts) to
   * `events/histogram/<name>.plx` as `{values: frequencies, counts: edges}`.
   *
   * @param name Event name.
   * @param values The data.
   * @param options `bins` (count or `auto`, `fd`, `doane`, `scott`, `stone`, `rice`, `sturges`, `sqrt`),
   *   `maxBins` (default 512), step, timestamp.
   * @throws {TypeError} When `values` is not an array of numbers.
   * @throws {RangeError} On empty or non-finite data, a bad `bins`, or more than `maxBins` bins.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logHistogram("distribution", Array.from({ length: 1000 }, Math.random), { bins: "auto", step: 1 });
   * ```
   */
  logHistogram(name: string, values: ArrayLike<number>, options: HistogramOptions = {}): void {
    const n = this.#sanitize("name", name);
    const data = ArrayBuffer.isView(values) ? values : checkNumbers("values", values);
    const step = checkStep(options.step);
    const maxBins = options.maxBins ?? 512;
    if (!(Number.isInteger(maxBins) && maxBins > 0)) {
      throw new RangeError("maxBins: must be a positive integer");
    }
    const h = numpyHistogram(data, options.bins ?? "auto", maxBins);
    this.#queue(
      this.#event(
        "histogram",
        "histogram",
        n,
        { counts: h.counts, edges: h.edges },
        step,
        this.#time(options),
      ),
    );
  }

  /**
   * Logs a histogram already computed (numpy's `(hist, bin_edges)`): `values` = frequencies, `counts` =
   * edges, `counts.length === values.length + 1`, at most 512 bins.
   *
   * @param name Event name.
   * @param values Frequencies.
   * @param counts Edges.
   * @param options Step and timestamp.
   * @throws {RangeError} When the lengths do not fit or there are more than 512 bins.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logNpHistogram("np-hist", [3, 5, 2], [0, 0.5, 1, 1.5], { step: 5 });
   * ```
   */
  logNpHistogram(
    name: string,
    values: ArrayLike<number>,
    counts: ArrayLike<number>,
    options?: LogOptions,
  ): void {
    const n = this.#sanitize("name", name);
    const v = checkNumbers("values", values);
    const c = checkNumbers("counts", counts);
    if (c.length !== v.length + 1) {
      throw new RangeError(`counts: needs values.length + 1 = ${v.length + 1} edges, got ${c.length}`);
    }
    if (v.length > 512) throw new RangeError(`values: ${v.length} bins is more than 512`);
    const step = checkStep(options?.step);
    this.#queue(
      this.#event("histogram", "histogram", n, { counts: v, edges: c }, step, this.#time(options)),
    );
  }

  /**
   * Logs a custom curve to `events/curve/<name>.plx` (`{kind:"custom", x, y, annotation}`).
   *
   * @param name Event name.
   * @param xy The points (`x` and `y` of equal length) and an optional annotation (stored as text;
   *   omitted when falsy, as upstream).
   * @param options Step and timestamp.
   * @throws {RangeError} When `x` and `y` differ in length.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logCurve("random-curve", { x: [0, 1, 2], y: [0.5, 0.1, 0.9] }, { step: 1 });
   * ```
   */
  logCurve(
    name: string,
    xy: { x: ArrayLike<number>; y: ArrayLike<number>; annotation?: string | number },
    options?: LogOptions,
  ): void {
    this.#curve("custom", name, xy.x, xy.y, xy.annotation, options);
  }

  /**
   * Logs a ROC curve (`{kind:"roc", x: fpr, y: tpr, annotation: str(auc)}`).
   *
   * @param name Event name.
   * @param roc `fpr`, `tpr` and `auc`.
   * @param options Step and timestamp.
   * @throws {RangeError} When `fpr` and `tpr` differ in length.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logRocAucCurve("roc", { fpr: [0, 0.5, 1], tpr: [0, 0.8, 1], auc: 0.742149 }, { step: 1 });
   * ```
   */
  logRocAucCurve(
    name: string,
    roc: { fpr: ArrayLike<number>; tpr: ArrayLike<number>; auc?: number | string },
    options?: LogOptions,
  ): void {
    this.#curve("roc", name, roc.fpr, roc.tpr, roc.auc, options);
  }

  /**
   * Logs a precision-recall curve (`{kind:"pr", x: precision, y: recall, annotation}`; note x = precision,
   * as upstream).
   *
   * @param name Event name.
   * @param pr `precision`, `recall` and `averagePrecision`.
   * @param options Step and timestamp.
   * @throws {RangeError} When `precision` and `recall` differ in length.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logPrCurve("pr", { precision: [0.66666667, 0.5, 1, 1], recall: [1, 0.5, 0.5, 0], averagePrecision: 0.742149 });
   * ```
   */
  logPrCurve(
    name: string,
    pr: { precision: ArrayLike<number>; recall: ArrayLike<number>; averagePrecision?: number | string },
    options?: LogOptions,
  ): void {
    this.#curve("pr", name, pr.precision, pr.recall, pr.averagePrecision, options);
  }

  /**
   * Computes a ROC curve and its area from labels and scores as scikit-learn does (`roc_curve`, `auc`) and
   * logs it (`log_sklearn_roc_auc_curve`). With `isMultiClass`, `yPreds` holds one score column per class
   * and one curve `<name>_<i>` is logged per class of `yTargets` (sorted, as `np.unique`).
   *
   * @param name Event name.
   * @param data Scores (`yPreds`), labels (`yTargets`), `posLabel`, `isMultiClass`.
   * @param options Step and timestamp.
   * @throws {RangeError} When lengths differ, labels are not binary without `posLabel`, or a class is missing.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logSklearnRocAucCurve("roc", { yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] }, { step: 1 });
   * ```
   */
  logSklearnRocAucCurve(name: string, data: SklearnCurveInput, options?: LogOptions): void {
    for (const [n, s] of this.#perClass(name, data)) {
      const r = rocCurve(s);
      this.#curve("roc", n, r.fpr, r.tpr, pyFloatRepr(r.auc), options);
    }
  }

  /**
   * Computes a precision-recall curve and the average precision from labels and scores as scikit-learn does
   * (`precision_recall_curve`, `average_precision_score`) and logs it (`log_sklearn_pr_curve`).
   *
   * @param name Event name.
   * @param data Scores (`yPreds`), labels (`yTargets`), `posLabel`, `isMultiClass`.
   * @param options Step and timestamp.
   * @throws {RangeError} When lengths differ, labels are not binary without `posLabel`, or no sample is positive.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logSklearnPrCurve("pr", { yPreds: [0.1, 0.4, 0.35, 0.8], yTargets: [0, 0, 1, 1] }, { step: 1 });
   * ```
   */
  logSklearnPrCurve(name: string, data: SklearnCurveInput, options?: LogOptions): void {
    for (const [n, s] of this.#perClass(name, data)) {
      const r = prCurve(s);
      this.#curve("pr", n, r.precision, r.recall, pyFloatRepr(r.averagePrecision), options);
    }
  }

  #perClass(name: string, data: SklearnCurveInput): [string, ScoredLabels][] {
    const d = checkObject("data", data) as unknown as SklearnCurveInput;
    if (!d.isMultiClass) return [[name, d as ScoredLabels]];
    const rows = d.yPreds as ArrayLike<ArrayLike<number>>;
    const classes = [...new Set(Array.from(d.yTargets))].sort((a, b) =>
      typeof a === "number" && typeof b === "number" ? a - b : String(a) < String(b) ? -1 : 1
    );
    return classes.map((c, i) => [`${name}_${i}`, {
      yPreds: Array.from(rows, (r) => r[i]),
      yTargets: d.yTargets,
      posLabel: c,
    }]);
  }

  #curve(
    kind: "roc" | "pr" | "custom",
    name: string,
    x: ArrayLike<number>,
    y: ArrayLike<number>,
    annotation: unknown,
    options?: LogOptions,
  ): void {
    const n = this.#sanitize("name", name);
    const xs = checkNumbers(kind === "roc" ? "fpr" : kind === "pr" ? "precision" : "x", x);
    const ys = checkNumbers(kind === "roc" ? "tpr" : kind === "pr" ? "recall" : "y", y);
    if (xs.length !== ys.length) {
      throw new RangeError(
        `${kind === "custom" ? "x and y" : "the two arrays"} differ in length: ${xs.length} vs ${ys.length}`,
      );
    }
    const step = checkStep(options?.step);
    const ann = annotation
      ? (typeof annotation === "number" ? pyFloatRepr(annotation) : String(annotation))
      : undefined;
    this.#queue(
      this.#event("curve", "curve", n, { kind, x: xs, y: ys, annotation: ann }, step, this.#time(options)),
    );
  }

  /**
   * Logs a confusion matrix to `events/confusion/<name>.plx`. `z` must be square with one row per label:
   * `x.length === y.length === z.length` and every row of length `z.length`. A numeric `z` is written like
   * a numpy array of one dtype: integers if all values are integral, otherwise all floats (`1.0`).
   *
   * @param name Event name.
   * @param matrix Labels `x`, `y` and the matrix `z`.
   * @param options Step and timestamp.
   * @throws {RangeError} When the shapes do not match (upstream only warns; nothing is written either way).
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const labels = ["cat", "dog"];
   * run.logConfusionMatrix("confusion", { x: labels, y: labels, z: [[5, 1], [2, 7]] }, { step: 1 });
   * ```
   */
  logConfusionMatrix(name: string, matrix: ConfusionMatrix, options?: LogOptions): void {
    const n = this.#sanitize("name", name);
    const { x, y, z } = checkObject("matrix", matrix) as unknown as ConfusionMatrix;
    if (!Array.isArray(x) || !Array.isArray(y) || !Array.isArray(z)) {
      throw new TypeError("matrix: x, y and z must be arrays");
    }
    if (x.length !== y.length || x.length !== z.length) {
      throw new RangeError(
        `matrix: x, y and z must have the same length, got ${x.length}, ${y.length} and ${z.length}`,
      );
    }
    z.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== z.length) {
        throw new RangeError(`matrix: z[${i}] must have ${z.length} values (a square matrix)`);
      }
    });
    const step = checkStep(options?.step);
    const value = { x: homogeneous(x), y: homogeneous(y), z: homogeneous(z) };
    this.#queue(this.#event("confusion", "confusion", n, value, step, this.#time(options)));
  }

  #chart(kind: "plotly" | "bokeh" | "vega", name: string, figure: unknown, options?: LogOptions): void {
    const n = this.#sanitize("name", name);
    // Text keeps Python's number spelling (6.0 stays 6.0); an object is taken as JavaScript numbers.
    const fig = checkObject("figure", typeof figure === "string" ? parsePyJson(figure) : figure);
    const step = checkStep(options?.step);
    this.#queue(this.#event("chart", "chart", n, { kind, figure: fig }, step, this.#time(options)));
  }

  /**
   * Logs a Plotly figure (the `{data, layout}` JSON of `fig.to_plotly_json()` / Plotly.js) to
   * `events/chart/<name>.plx`, serialized with Python `json.dumps` spacing as Polyaxon's Plotly encoder does.
   *
   * @param name Event name.
   * @param figure The figure JSON.
   * @param options Step and timestamp.
   * @throws {TypeError} When `figure` is not an object.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logPlotlyChart("2d-hist", { data: [{ type: "histogram2d", x: [1, 2], y: [3, 4] }], layout: {} });
   * ```
   */
  logPlotlyChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this.#chart("plotly", name, figure, options);
  }

  /**
   * Logs a Vega-Lite spec (what Altair's `chart.to_dict()` gives) to `events/chart/<name>.plx` (`kind: vega`).
   *
   * @param name Event name.
   * @param figure The Vega-Lite spec.
   * @param options Step and timestamp.
   * @throws {TypeError} When `figure` is not an object.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logVegaChart("bars", { mark: "bar", data: { values: [{ a: 1 }] }, encoding: { y: { field: "a", type: "quantitative" } } });
   * ```
   */
  logVegaChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this.#chart("vega", name, figure, options);
  }

  /**
   * Alias of {@linkcode Run.logVegaChart} (Python's `log_altair_chart`).
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logAltairChart("altair_chart", { mark: "point" }, { step: 1 });
   * ```
   */
  logAltairChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this.#chart("vega", name, figure, options);
  }

  /**
   * Logs a Bokeh figure as bokeh's `json_item(figure)` object (`{target_id, root_id, doc, version}`) to
   * `events/chart/<name>.plx` (`kind: bokeh`).
   *
   * @param name Event name.
   * @param figure The `json_item` object.
   * @param options Step and timestamp.
   * @throws {TypeError} When `figure` is not an object.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logBokehChart("heatmap", { target_id: null, root_id: "p1001", doc: { roots: [] }, version: "3.9.2" });
   * ```
   */
  logBokehChart(name: string, figure: Record<string, unknown> | string, options?: LogOptions): void {
    this.#chart("bokeh", name, figure, options);
  }

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
    const n = this.#sanitize("name", name);
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
    const ts = this.#time(options);
    const [abs, rel] = this.#assetAbs("dataframe", n, step, ct);
    writeFileAtomicSync(abs, text);
    this.#queue(this.#event("dataframe", "dataframe", n, { path: rel, content_type: ct }, step, ts));
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
    this.#artifact("artifact", filePath, options);
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
    this.#artifact("model", filePath, { ...options, kind: "model" });
  }

  #artifact(type: "artifact" | "model", filePath: string, options: ArtifactOptions): void {
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
    const name = this.#sanitize("name", options.name ?? base);
    const step = checkStep(options.step);
    if (options.summary !== undefined) checkObject("summary", options.summary);
    if (type === "model") this.#meta.has_model = true;
    if (step !== null) {
      const ts = this.#time(options);
      const [abs, rel] = this.#assetAbs(kind, name, step, st.isDirectory ? "" : ext);
      copyPathSync(filePath, abs);
      const value: Record<string, unknown> = type === "model"
        ? { framework: options.framework, path: rel, spec: options.summary }
        : { kind, path: rel } satisfies ArtifactValue;
      this.#queue(this.#event(type, kind, name, value, step, ts));
      return;
    }
    const target = path.join(this.path, "outputs", path.basename(filePath));
    copyPathSync(filePath, target);
    const summary: Record<string, unknown> = { ...(options.summary ?? {}) };
    if (type === "model" && options.framework) summary.framework = options.framework;
    summary.path = path.resolve(target);
    summary.hash = hashPathSync(target);
    this.#lineages.set(name, {
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
    const name = this.#sanitize("span.name", span.name || "trace");
    const step = checkStep(options?.step);
    this.#queue(this.#event("span", "span", name, value, step, this.#time(options)));
    this.#meta.has_traces = true;
    this.#meta.has_events = true;
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
    if (options.reset) this.#tags = [];
    for (const t of list) if (!this.#tags.includes(t)) this.#tags.push(t);
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
    this.#merge(this.#outputs, "outputs", values);
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
    this.#merge(this.#inputs, "inputs", values);
  }

  #merge(into: Record<string, unknown>, arg: string, values: Record<string, unknown>): void {
    const v = checkObject(arg, values);
    const staged: [string, unknown][] = Object.entries(v).map((
      [k, x],
    ) => [checkName(`${arg} key ${JSON.stringify(k)}`, k), x]);
    for (const [k, x] of staged) into[k] = x;
  }

  /**
   * Writes `outputs/env.json` (a compact JSON snapshot: pid, hostname, os, runtime versions, user, argv,
   * main module) and its lineage entry (kind `env`, `{path, hash}`). Called at start unless `trackEnv` is
   * false.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), trackEnv: false, exitHandlers: false });
   * run.logEnv();
   * ```
   */
  logEnv(): void {
    const env = runEnv();
    const rel = "outputs/env.json";
    writeFileAtomicSync(path.join(this.path, rel), compactJson(env));
    this.#lineages.set("env", {
      name: "env",
      kind: "env",
      path: rel,
      summary: { path: rel, hash: md5_12(pyRepr(env)) },
      is_input: false,
    });
  }

  #sampleResources(): void {
    if (!this.#sampler || this.#writer.closed) return;
    const s = this.#sampler.sample();
    for (const k of ["load", "cpu", "memory"] as const) {
      const v = s[k];
      if (v === undefined) continue;
      const file = this.#writer.file(`resources/metric/${k}.plx`, "step|timestamp|metric");
      this.#writer.appendMetric(file, null, nowUtc().micros, v);
    }
  }

  // -------------------------------------------------------------------------------------------- ending

  /**
   * Ends the run: stops resource sampling, flushes and closes the writer, merges the last value of each
   * `logMetric` into outputs, and for offline runs computes every event file's summary and writes
   * `lineages.plx.json` and `run.plx.json`. Idempotent; later log calls throw.
   *
   * @param status Final status. @default "succeeded"
   * @param condition Reason and message for the final status condition.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * const run = new Run({ path: await Deno.makeTempDir(), offline: true, exitHandlers: false });
   * run.logMetric("loss", 0.5, { step: 1 });
   * await run.end();
   * ```
   */
  end(status = "succeeded", condition: { reason?: string; message?: string } = {}): Promise<void> {
    if (this.#ended) return this.#ended;
    this.#ended = (async () => {
      this.#stopResources();
      await this.#writer.close();
      this.#finish(status, condition);
    })();
    return this.#ended;
  }

  /** Synchronous {@linkcode Run.end} for `unload` handlers. */
  endSync(status = "succeeded", condition: { reason?: string; message?: string } = {}): void {
    if (this.#ended) {
      // An async end is under way (its writes are in flight); only flush what is left.
      if (!this.#writer.closed) this.#writer.closeSync();
      return;
    }
    this.#ended = Promise.resolve();
    this.#stopResources();
    this.#writer.closeSync();
    this.#finish(status, condition);
  }

  /**
   * Same as {@linkcode Run.end} with status `succeeded`: flushes, closes the writers and, offline, writes
   * `run.plx.json` and `lineages.plx.json`. Idempotent.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * const run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logMetric("loss", 0.5);
   * await run.close();
   * ```
   */
  close(): Promise<void> {
    return this.end();
  }

  /** {@linkcode Run.end} for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.end();
  }

  #stopResources(): void {
    this.#stopLogs?.();
    this.#stopLogs = null;
    if (this.#resourceTimer !== null) {
      clearInterval(this.#resourceTimer);
      this.#resourceTimer = null;
      this.#sampleResources();
    }
  }

  #finish(status: string, condition: { reason?: string; message?: string }): void {
    OPEN_RUNS.delete(this);
    if (!DONE.has(this.#status)) {
      this.#finishedAt = nowUtc();
      this.#setStatus(status, condition.reason, condition.message);
    }
    for (const [name, v] of this.#metricOutputs) this.#outputs[name] = new PyFloat(v);
    if (!this.offline) return;
    for (const rel of this.#eventFiles()) {
      const s = summarizeFile(this.path, rel);
      this.diagnostics.push(...s.diagnostics);
      if (s.summary === null) continue;
      const parts = rel.split("/");
      const name = parts[parts.length - 1].slice(0, -4);
      const kind = parts[0] === "resources" ? "system" : parts[1];
      this.#lineages.set(name, { name, kind, path: rel, summary: s.summary, is_input: false });
      if (parts[1] === "metric" && parts[0] === "events" && s.last !== undefined) {
        this.#outputs[name] = new PyFloat(s.last);
      }
    }
    if (this.#lineages.size) {
      writeFileAtomicSync(
        path.join(this.path, "lineages.plx.json"),
        compactJson([...this.#lineages.values()]),
      );
    }
    writeFileAtomicSync(path.join(this.path, "run.plx.json"), compactJson(this.#record()));
  }

  /** Event files of the run, sorted (`events/*` then `resources/*`). */
  #eventFiles(): string[] {
    const out: string[] = [];
    for (const scope of ["events", "resources"]) {
      let kinds: string[];
      try {
        kinds = [...Deno.readDirSync(path.join(this.path, scope))].filter((e) => e.isDirectory).map((e) =>
          e.name
        ).sort();
      } catch {
        continue;
      }
      for (const k of kinds) {
        const files = [...Deno.readDirSync(path.join(this.path, scope, k))]
          .filter((e) => e.isFile && e.name.endsWith(".plx")).map((e) => e.name).sort();
        for (const f of files) out.push(`${scope}/${k}/${f}`);
      }
    }
    return out;
  }

  #record(): RunRecord {
    return runRecord({
      uuid: this.uuid,
      name: this.#opts.name,
      description: this.#opts.description,
      tags: this.#tags,
      owner: this.#opts.owner ?? "default",
      project: this.#opts.project,
      createdAt: this.#createdAt,
      startedAt: this.#startedAt,
      finishedAt: this.#finishedAt,
      status: this.#status,
      meta: this.#meta,
      inputs: this.#inputs,
      outputs: this.#outputs,
      conditions: this.#conditions,
    });
  }
}
