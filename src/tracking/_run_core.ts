/**
 * The core of {@linkcode Run} (state, writer, lifecycle); the log methods live in the subclasses
 * (`_run_media.ts`, `_run_plots.ts`, `run.ts`).
 *
 * @module
 */
import * as path from "node:path";
import type { PlxEvent } from "../model/event.ts";
import { assetPath } from "../model/names.ts";
import { nowUtc, type PlxTime } from "../model/time.ts";
import { csvHeader, encodeLine, eventFile, isJsonlKind } from "../formats/plx/write.ts";
import type { ValueType } from "../schema/values.ts";
import { EventWriter, type FileBuffer } from "./writer.ts";
import { checkName, md5_12, pyRepr, toTime, writeFileAtomicSync } from "./_util.ts";
import { compactJson, summarizeFile } from "./summary.ts";
import { PyFloat } from "../json/python.ts";
import { ResourceSampler } from "./resources.ts";
import { runEnv } from "./_env.ts";
import { startLogCapture } from "./_plxlogs.ts";
import { type Condition, condition, type RunRecord, runRecord } from "./_record.ts";
import type { Diagnostic } from "../diagnostics.ts";
import type { LogOptions, RunOptions } from "./_options.ts";
import { installExitHandlers, OPEN_RUNS } from "./_exit.ts";

const DONE = new Set(["succeeded", "failed", "stopped", "skipped", "upstream_failed", "done"]);
const RUN_DIRS = ["outputs", "events", "assets", "resources"];

/**
 * The state, helpers and lifecycle of a {@linkcode Run}: folder, writer, status, env, resources, ending.
 *
 * @internal {@linkcode Run} is the public class; its methods are documented there.
 */
export class RunCore {
  /** The run folder. */
  readonly path: string;
  /** The run uuid (32 hex digits). */
  readonly uuid: string;
  /** Whether `run.plx.json` and `lineages.plx.json` are written at the end. */
  readonly offline: boolean;
  protected readonly _writer: EventWriter;
  protected _status = "created";
  protected _conditions: Condition[] = [];
  protected _createdAt: PlxTime;
  protected _startedAt: PlxTime | null = null;
  protected _finishedAt: PlxTime | null = null;
  protected _inputs: Record<string, unknown> = {};
  protected _outputs: Record<string, unknown> = {};
  protected _meta: Record<string, boolean> = {};
  protected _lineages = new Map<string, Record<string, unknown>>();
  protected _metricOutputs = new Map<string, number>();
  protected _metricFiles = new Map<string, { file: FileBuffer; fqn: string }>();
  protected _created = new Set<string>();
  protected _ended: Promise<void> | null = null;
  protected _resourceTimer: ReturnType<typeof setInterval> | null = null;
  protected _sampler: ResourceSampler | null = null;
  protected _opts: RunOptions;
  protected _tags: string[];
  protected _stopLogs: (() => void) | null = null;
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
    this._opts = options;
    this._tags = [];
    for (const t of options.tags ?? []) if (!this._tags.includes(t)) this._tags.push(t);
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
    this._writer = new EventWriter(this.path, {
      flushInterval: options.flushInterval,
      maxBufferedBytes: options.maxBufferedBytes,
      hardLimitBytes: options.hardLimitBytes,
    });
    for (const d of RUN_DIRS) Deno.mkdirSync(path.join(this.path, d), { recursive: true });
    this._createdAt = nowUtc();
    this._setStatus("created");
    this._startedAt = nowUtc();
    this._setStatus("running");
    if (options.trackEnv ?? true) this.logEnv();
    if (options.captureLogs ?? true) {
      this._stopLogs = startLogCapture((line) => {
        if (!this._writer.closed) this._writer.append("plxlogs/logs.jsonl", "", line);
      });
    }
    const collect = env("POLYAXON_COLLECT_RESOURCES");
    const res = options.resources ??
      (collect !== undefined ? collect === "true" || collect === "1" : this.offline);
    if (res) {
      const every = typeof res === "number" ? res : 10_000;
      if (!(every > 0)) throw new RangeError("resources: the sampling interval must be positive");
      this._sampler = new ResourceSampler();
      this._sampleResources();
      const timer = setInterval(() => this._sampleResources(), every);
      Deno.unrefTimer(timer as unknown as number);
      this._resourceTimer = timer;
    }
    if (options.exitHandlers ?? true) {
      OPEN_RUNS.add(this);
      installExitHandlers();
    }
  }

  /** Current status: `running` until {@linkcode Run.end}. */
  get status(): string {
    return this._status;
  }

  /** Bytes (UTF-8) of event lines appended to files so far. */
  get bytesWritten(): number {
    return this._writer.bytesWritten;
  }

  /** Event text buffered in memory, not yet handed to a flush (UTF-16 units, about bytes). */
  get bufferedBytes(): number {
    return this._writer.bufferedBytes;
  }

  protected _setStatus(type: string, reason?: string, message?: string): void {
    this._status = type;
    this._conditions.push(condition(type, reason, message));
  }

  // ------------------------------------------------------------------------------------------ events

  protected _time(opts: LogOptions | undefined): PlxTime {
    return toTime("timestamp", opts?.timestamp) ?? nowUtc();
  }

  protected _queue(event: PlxEvent): void {
    const rel = eventFile(event);
    this._writer.append(rel, isJsonlKind(event.kind) ? "" : csvHeader(event.kind), encodeLine(event));
    this._meta.has_events = true;
  }

  protected _event<T extends ValueType>(
    type: T,
    kind: string,
    name: string,
    value: unknown,
    step: number | null,
    timestamp: PlxTime,
  ): PlxEvent {
    return { run: this.uuid, scope: "events", kind, name, step, timestamp, type, value } as PlxEvent;
  }

  protected _sanitize(arg: string, name: string): string {
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

  protected _assetAbs(kind: string, name: string, step: number | null, ext: string): [string, string] {
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
    return this._writer.ready();
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
    return this._writer.flush();
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
    this._lineages.set("env", {
      name: "env",
      kind: "env",
      path: rel,
      summary: { path: rel, hash: md5_12(pyRepr(env)) },
      is_input: false,
    });
  }

  protected _sampleResources(): void {
    if (!this._sampler || this._writer.closed) return;
    const s = this._sampler.sample();
    for (const k of ["load", "cpu", "memory"] as const) {
      const v = s[k];
      if (v === undefined) continue;
      const file = this._writer.file(`resources/metric/${k}.plx`, "step|timestamp|metric");
      this._writer.appendMetric(file, null, nowUtc().micros, v);
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
    if (this._ended) return this._ended;
    this._ended = (async () => {
      this._stopResources();
      await this._writer.close();
      this._finish(status, condition);
    })();
    return this._ended;
  }

  /** Synchronous {@linkcode Run.end} for `unload` handlers. */
  endSync(status = "succeeded", condition: { reason?: string; message?: string } = {}): void {
    if (this._ended) {
      // An async end is under way (its writes are in flight); only flush what is left.
      if (!this._writer.closed) this._writer.closeSync();
      return;
    }
    this._ended = Promise.resolve();
    this._stopResources();
    this._writer.closeSync();
    this._finish(status, condition);
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

  protected _stopResources(): void {
    this._stopLogs?.();
    this._stopLogs = null;
    if (this._resourceTimer !== null) {
      clearInterval(this._resourceTimer);
      this._resourceTimer = null;
      this._sampleResources();
    }
  }

  protected _finish(status: string, condition: { reason?: string; message?: string }): void {
    OPEN_RUNS.delete(this);
    if (!DONE.has(this._status)) {
      this._finishedAt = nowUtc();
      this._setStatus(status, condition.reason, condition.message);
    }
    for (const [name, v] of this._metricOutputs) this._outputs[name] = new PyFloat(v);
    if (!this.offline) return;
    for (const rel of this._eventFiles()) {
      const s = summarizeFile(this.path, rel);
      this.diagnostics.push(...s.diagnostics);
      if (s.summary === null) continue;
      const parts = rel.split("/");
      const name = parts[parts.length - 1].slice(0, -4);
      const kind = parts[0] === "resources" ? "system" : parts[1];
      this._lineages.set(name, { name, kind, path: rel, summary: s.summary, is_input: false });
      if (parts[1] === "metric" && parts[0] === "events" && s.last !== undefined) {
        this._outputs[name] = new PyFloat(s.last);
      }
    }
    if (this._lineages.size) {
      writeFileAtomicSync(
        path.join(this.path, "lineages.plx.json"),
        compactJson([...this._lineages.values()]),
      );
    }
    writeFileAtomicSync(path.join(this.path, "run.plx.json"), compactJson(this._record()));
  }

  /** Event files of the run, sorted (`events/*` then `resources/*`). */
  protected _eventFiles(): string[] {
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

  protected _record(): RunRecord {
    return runRecord({
      uuid: this.uuid,
      name: this._opts.name,
      description: this._opts.description,
      tags: this._tags,
      owner: this._opts.owner ?? "default",
      project: this._opts.project,
      createdAt: this._createdAt,
      startedAt: this._startedAt,
      finishedAt: this._finishedAt,
      status: this._status,
      meta: this._meta,
      inputs: this._inputs,
      outputs: this._outputs,
      conditions: this._conditions,
    });
  }
}
