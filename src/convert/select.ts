/**
 * Selecting runs and events: the one filter stage every command that reads runs puts between its source
 * and its consumer (`--kind`, `--name`, `--run`, `--steps`, `--since`, `--until`). {@linkcode selectSource}
 * wraps any {@linkcode EventSource}; {@linkcode Selection.run} and {@linkcode Selection.file} answer for
 * consumers that work on runs and files rather than events (the validator).
 *
 * @module
 */
import { type Diagnostic, SettingError } from "../diagnostics.ts";
import { originalOf, type RunFile } from "./carry.ts";
import type { MetricColumns, PlxEvent } from "../model/event.ts";
import { MetricBatch, type PlxBatch } from "../model/batch.ts";
import { type EventSource, type RunInfo, runItem, type RunSource, type SourceItem } from "./core.ts";

/** What to keep. Every field left out keeps everything; given fields must all match. */
export interface SelectionSpec {
  /** Event kinds (the kind folder, e.g. `metric`, `text`, `image`, `tsv`). */
  kinds?: string[];
  /** Globs on the event name, matched against the original and the sanitized (file) name. */
  names?: string[];
  /** Run uuids or globs on the run id or the run's name (`run.plx.json` `name`). */
  runs?: string[];
  /** Inclusive step range; events without a step are left out when given. */
  steps?: { from?: number; to?: number };
  /** Keep events logged at or after this instant (microseconds since the epoch, UTC). */
  since?: number;
  /** Keep events logged before this instant (microseconds since the epoch, UTC). */
  until?: number;
}

/**
 * A glob (`*` any characters, `?` one character, `[abc]` a class; no special meaning for `/`) as a
 * regular expression over the whole string.
 *
 * @example
 * ```ts
 * import { globRegExp } from "./select.ts";
 * globRegExp("loss*").test("loss/train"); // true
 * ```
 */
export function globRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += "[^]*";
    else if (c === "?") re += "[^]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = glob.slice(i + 1, end).replace(/\\/g, "\\\\");
        if (body.startsWith("!")) body = "^" + body.slice(1);
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`, "s");
}

/** Polyaxon's name rules applied to a glob's literal parts, so `train/loss*` also finds `train__loss*`. */
function sanitizedGlob(glob: string): string {
  return glob.split(/([*?]|\[[^\]]*\])/).map((part, i) => {
    if (i % 2 === 1) return part;
    return part.normalize("NFKD")
      // deno-lint-ignore no-control-regex
      .replace(/[^\u0000-\u007f]/g, "")
      .replace(/[^A-Za-z0-9_\\/.\- \t\n\v\f\r]/g, "")
      .replace(/[\\/]+/g, "__")
      .replace(/(?:[-.]|\s)+/g, "-");
  }).join("");
}

/** A parsed selection: predicates on runs, files and events. */
export class Selection {
  readonly #kinds: Set<string> | null;
  readonly #names: RegExp[] | null;
  readonly #runs: RegExp[] | null;
  /** What was asked for. */
  readonly spec: SelectionSpec;

  /** A selection of `spec`. */
  constructor(spec: SelectionSpec) {
    this.spec = spec;
    this.#kinds = spec.kinds?.length ? new Set(spec.kinds) : null;
    this.#names = spec.names?.length
      ? [...new Set(spec.names.flatMap((g) => [g, sanitizedGlob(g)]))].map(globRegExp)
      : null;
    this.#runs = spec.runs?.length ? spec.runs.map(globRegExp) : null;
  }

  /** True when nothing is filtered. */
  get all(): boolean {
    return !this.#kinds && !this.#names && !this.#runs && !this.selectsRows;
  }

  /** True when events are kept or left out by step or time (not only by run, kind and name). */
  get selectsRows(): boolean {
    const s = this.spec;
    return s.steps !== undefined || s.since !== undefined || s.until !== undefined;
  }

  /** Whether the run of id `id` (and run name `name`, when known) is selected. */
  run(id: string, name?: string): boolean {
    if (!this.#runs) return true;
    return this.#runs.some((r) => r.test(id) || (name !== undefined && r.test(name)));
  }

  /** Whether the run described by `info` is selected (by id or by `meta.name`). */
  runInfo(info: RunInfo): boolean {
    const name = info.meta?.name;
    return this.run(info.id, typeof name === "string" ? name : undefined);
  }

  /** Whether events of `kind` named `name` are selected (either may be unknown). */
  stream(kind: string | undefined, name: string | undefined): boolean {
    if (this.#kinds && kind !== undefined && !this.#kinds.has(kind)) return false;
    if (this.#names && name !== undefined && !this.#names.some((r) => r.test(name))) return false;
    return true;
  }

  /**
   * Whether a run-relative file is selected: event files `events/<kind>/<name>.plx` (and resources) by
   * kind and name; every other file only when neither `--kind` nor `--name` is given.
   */
  file(rel: string): boolean {
    if (!this.#kinds && !this.#names) return true;
    const m = /(?:^|\/)(?:events|resources)\/([^/]+)\/([^/]+?)(?:\.plx)?$/.exec(rel.replace(/\\/g, "/"));
    if (!m) return false;
    return this.stream(m[1], m[2]);
  }

  /** Whether a step and an instant (micros, UTC) are inside `--steps`, `--since` and `--until`. */
  row(step: number | null, micros: number): boolean {
    const s = this.spec;
    if (s.steps) {
      if (step === null || Number.isNaN(step)) return false;
      if (s.steps.from !== undefined && step < s.steps.from) return false;
      if (s.steps.to !== undefined && step > s.steps.to) return false;
    }
    if (s.since !== undefined && !(micros >= s.since)) return false;
    if (s.until !== undefined && !(micros < s.until)) return false;
    return true;
  }

  /** Whether `e` is selected (kind, name, step and time; the run is checked by {@linkcode runInfo}). */
  event(e: PlxEvent): boolean {
    return this.stream(e.kind, e.name) && this.row(e.step, e.timestamp.micros);
  }

  /** `batch` with only the selected events (diagnostics are always kept); the same object when all are. */
  batch(batch: PlxBatch): PlxBatch {
    const m = batch.metrics;
    if (m !== undefined) {
      if (!this.stream(m.kind, m.name)) return { events: [], diagnostics: batch.diagnostics };
      if (!this.selectsRows) return batch;
      const keep: number[] = [];
      for (let i = 0; i < m.length; i++) {
        if (this.row(Number.isNaN(m.step[i]) ? null : m.step[i], m.micros[i])) keep.push(i);
      }
      if (keep.length === m.length) return batch;
      return new MetricBatch(subsetColumns(m, keep), batch.diagnostics);
    }
    const events = batch.events;
    const lines = batch.lines;
    const keptEvents: PlxEvent[] = [];
    const keptLines: number[] = [];
    for (let i = 0; i < events.length; i++) {
      if (this.event(events[i])) {
        keptEvents.push(events[i]);
        if (lines) keptLines.push(lines[i]);
      }
    }
    if (keptEvents.length === events.length) return batch;
    return { events: keptEvents, diagnostics: batch.diagnostics, ...(lines ? { lines: keptLines } : {}) };
  }
}

function subsetColumns(m: MetricColumns, keep: number[]): MetricColumns {
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const out: {
    -readonly [K in keyof MetricColumns]: MetricColumns[K];
  } = {
    run: m.run,
    scope: m.scope,
    kind: m.kind,
    name: m.name,
    length: keep.length,
    step: pick(m.step),
    micros: pick(m.micros),
    offset: pick(m.offset),
    value: pick(m.value),
    line: pick(m.line),
  };
  if (m.valueBytes && m.valueSpan) {
    const span = new Int32Array(keep.length * 2);
    keep.forEach((i, j) => {
      span[2 * j] = m.valueSpan![2 * i];
      span[2 * j + 1] = m.valueSpan![2 * i + 1];
    });
    out.valueBytes = m.valueBytes;
    out.valueSpan = span;
  }
  return out;
}

/**
 * `source` with only the selected runs and events; `source` itself when the selection keeps everything.
 *
 * @example
 * ```ts
 * import { Selection, selectSource } from "./select.ts";
 * import { PlxSource } from "../formats/plx/source.ts";
 *
 * const source = selectSource(new PlxSource(["fixtures/runs/"]), new Selection({ kinds: ["metric"] }));
 * const kinds = new Set<string>();
 * for await (const item of source.runs()) {
 *   if (item.type === "diagnostic") continue;
 *   for await (const batch of item.run.batches()) for (const e of batch.events) kinds.add(e.kind);
 * }
 * if ([...kinds].join() !== "metric") throw new Error([...kinds].join());
 * ```
 */
export function selectSource(source: EventSource, sel: Selection | undefined): EventSource {
  if (!sel || sel.all) return source;
  return {
    async *runs(): AsyncGenerator<SourceItem> {
      for await (const item of source.runs()) {
        if (item.type === "diagnostic") {
          yield item;
          continue;
        }
        if (!sel.runInfo(item.run.info)) continue;
        yield runItem(selectRun(item.run, sel));
      }
    },
  };
}

async function* withoutOriginals(
  files: AsyncIterable<RunFile | Diagnostic>,
): AsyncGenerator<RunFile | Diagnostic> {
  for await (const f of files) if ("severity" in f || originalOf(f.rel) === null) yield f;
}

function selectRun(run: RunSource, sel: Selection): RunSource {
  return {
    get info() {
      return run.info;
    },
    async *batches() {
      for await (const b of run.batches()) {
        const kept = sel.batch(b);
        if (kept.diagnostics.length || (kept.metrics?.length ?? kept.events.length)) yield kept;
      }
    },
    readAsset: (rel) => run.readAsset(rel),
    // (the run's other files are carried whatever the event selection; the original bytes of event files
    // are not: they hold the events the selection left out)
    ...(run.files ? { files: () => withoutOriginals(run.files!()) } : {}),
  };
}

/**
 * An instant given on the command line as microseconds since the epoch: an ISO 8601 date or date-time
 * (`2024-05-01`, `2024-05-01T12:00:00Z`; without an offset read as UTC, as naive event times are) or
 * epoch seconds (`1714560000`, `1714560000.5`).
 *
 * @throws {SettingError} Naming `flag` when `text` is neither.
 */
export function parseInstant(text: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1e6);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?(Z|[+-]\d{2}:?\d{2})?$/i
    .exec(text);
  if (m) {
    const frac = /\.(\d+)/.exec(m[2] ?? "")?.[1] ?? "";
    const wall = `${m[1]}T${(m[2] ?? "00:00").replace(/\.\d+$/, "")}`;
    const ms = Date.parse(`${wall}${m[3] ?? "Z"}`);
    if (Number.isFinite(ms)) return ms * 1000 + Number(frac.padEnd(6, "0"));
  }
  throw new SettingError(
    `${flag} takes an ISO date or date-time (2024-05-01, 2024-05-01T12:00:00Z) or epoch seconds (got "${text}")`,
  );
}

/**
 * A step range `A:B` (inclusive; either end may be left out: `100:`, `:500`; a single `N` is `N:N`).
 *
 * @throws {SettingError} Naming `--steps` when `text` is not one.
 */
export function parseSteps(text: string): { from?: number; to?: number } {
  const m = /^\s*(-?\d+)?\s*(?::\s*(-?\d+)?\s*)?$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined)) {
    throw new SettingError(`--steps takes A:B, A: or :B with integer steps (got "${text}")`);
  }
  const single = !text.includes(":");
  const from = m[1] === undefined ? undefined : Number(m[1]);
  const to = single ? from : m[2] === undefined ? undefined : Number(m[2]);
  if (from !== undefined && to !== undefined && from > to) {
    throw new SettingError(`--steps ${text}: the first step is after the last`);
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** Splits repeatable, comma-separated flag values (`--kind metric,text --kind image`). */
export function listValues(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const out = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
  return out.length ? out : undefined;
}
