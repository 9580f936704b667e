/**
 * What a run holds: per event file, counts, step and time ranges (true extrema, unlike Polyaxon's
 * lineage summaries which take the first and last rows), and metric statistics.
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { PlxEvent } from "../model/event.ts";
import { formatIsoTimestamp, type PlxTime } from "../model/time.ts";
import type { RunSource } from "../convert/core.ts";
import { PlxRunSource } from "../formats/plx/source.ts";
import { listRun } from "../formats/plx/layout.ts";
import { readLogs } from "../model/logs.ts";
import { readChunks } from "../io/files.ts";

/** Statistics of a metric series (NaN values are counted, not averaged). */
export interface MetricStats {
  /** Values in the series, NaN included. */
  count: number;
  /** NaN values. */
  nan: number;
  /** Mean of the values that are not NaN, or `null` when there are none. */
  mean: number | null;
  /** Smallest value that is not NaN, or `null`. */
  min: number | null;
  /** Largest value that is not NaN, or `null`. */
  max: number | null;
  /** The value of the last event in file order, or `null` when the series is empty. */
  last: number | null;
}

/** One event series (one file): `scope/kind/name`. */
export interface SeriesInfo {
  /** `events` or `resources`. */
  scope: string;
  /** The folder kind (`metric`, `image`, an artifact kind, ...). */
  kind: string;
  /** The event name. */
  name: string;
  /** The value type of the events. */
  type: string;
  /** Events in the series. */
  events: number;
  /** How many events have a step, and the smallest and largest step (`null` when none has one). */
  steps: { count: number; min: number | null; max: number | null };
  /** The earliest and latest timestamp as ISO-8601 text (`null` for an empty series). */
  time: { min: string | null; max: string | null };
  /** Statistics of the values, for metric series. */
  metric?: MetricStats;
}

/** What `inspect` tells about one run. */
export interface RunInspection {
  /** The run id. */
  id: string;
  /** The run's name, from its run record. */
  name?: string;
  /** The run's status, from its run record. */
  status?: string;
  /**
   * Events: rows of event and resource files (the same count `plxkit validate` gives; records are not
   * events).
   */
  events: number;
  /**
   * Records besides events, as `plxkit validate` counts them: the run record (1), lineage records, and log
   * records (`plxlogs/` lines, for Polyaxon run folders).
   */
  records: { run: number; lineage: number; log: number };
  /** Events per folder kind. */
  kinds: Record<string, number>;
  /** One entry per event series, in the order the run lists its files. */
  series: SeriesInfo[];
  /** Problems met while reading: errors and warnings (see `plxkit validate` for what they are). */
  problems: { errors: number; warnings: number };
}

interface Acc {
  info: SeriesInfo;
  tmin: PlxTime | null;
  tmax: PlxTime | null;
  sum: number;
  comp: number;
}

/**
 * Reads every event of `run` and summarises it.
 *
 * @example
 * ```ts
 * import { inspectRun } from "./inspect.ts";
 * import { PlxRunSource } from "../formats/plx/source.ts";
 * const run = await PlxRunSource.open({ id: "r", path: "fixtures/runs/..." });
 * const summary = await inspectRun(run);
 * ```
 */
export async function inspectRun(
  run: RunSource,
  onDiagnostic?: (d: Diagnostic) => void,
): Promise<RunInspection> {
  const series = new Map<string, Acc>();
  const out: RunInspection = {
    id: run.info.id,
    events: 0,
    records: { run: 0, lineage: 0, log: 0 },
    kinds: {},
    series: [],
    problems: { errors: 0, warnings: 0 },
  };
  const meta = run.info.meta;
  if (meta) out.records.run = 1;
  out.records.lineage = run.info.lineages?.length ?? 0;
  if (run instanceof PlxRunSource) out.records.log = await countLogRecords(run);
  if (meta) {
    if (typeof meta.name === "string") out.name = meta.name;
    if (typeof meta.status === "string") out.status = meta.status;
  }
  for await (const batch of run.batches()) {
    for (const d of batch.diagnostics) {
      if (d.severity === "error") out.problems.errors++;
      else if (d.severity === "warning") out.problems.warnings++;
      onDiagnostic?.(d);
    }
    for (const e of batch.events) add(series, e);
  }
  for (const acc of series.values()) {
    const s = acc.info;
    s.time = {
      min: acc.tmin ? formatIsoTimestamp(acc.tmin) : null,
      max: acc.tmax ? formatIsoTimestamp(acc.tmax) : null,
    };
    if (s.metric) {
      const finite = s.metric.count - s.metric.nan;
      s.metric.mean = finite ? acc.sum / finite : null;
    }
    out.events += s.events;
    out.kinds[s.kind] = (out.kinds[s.kind] ?? 0) + s.events;
    out.series.push(s);
  }
  out.series.sort((a, b) => (a.scope + a.kind + "/" + a.name < b.scope + b.kind + "/" + b.name ? -1 : 1));
  return out;
}

/** Log records of a Polyaxon run folder (`plxlogs/` lines), as the validator counts them. */
async function countLogRecords(run: PlxRunSource): Promise<number> {
  let n = 0;
  for await (const e of listRun(run.folder)) {
    if ("severity" in e || e.role !== "log") continue;
    try {
      for await (const b of readLogs(readChunks(e.abs), run.info.id, e.rel)) n += b.records.length;
    } catch { /* unreadable: validate reports it */ }
  }
  return n;
}

function add(series: Map<string, Acc>, e: PlxEvent): void {
  const key = `${e.scope}/${e.kind}/${e.name}`;
  let acc = series.get(key);
  if (!acc) {
    acc = {
      info: {
        scope: e.scope,
        kind: e.kind,
        name: e.name,
        type: e.type,
        events: 0,
        steps: { count: 0, min: null, max: null },
        time: { min: null, max: null },
        ...(e.type === "metric"
          ? { metric: { count: 0, nan: 0, mean: null, min: null, max: null, last: null } }
          : {}),
      },
      tmin: null,
      tmax: null,
      sum: 0,
      comp: 0,
    };
    series.set(key, acc);
  }
  const s = acc.info;
  s.events++;
  if (e.step !== null) {
    s.steps.count++;
    if (s.steps.min === null || e.step < s.steps.min) s.steps.min = e.step;
    if (s.steps.max === null || e.step > s.steps.max) s.steps.max = e.step;
  }
  if (!acc.tmin || e.timestamp.micros < acc.tmin.micros) acc.tmin = e.timestamp;
  if (!acc.tmax || e.timestamp.micros > acc.tmax.micros) acc.tmax = e.timestamp;
  if (e.type === "metric" && s.metric) {
    const m = s.metric;
    const v = e.value;
    m.count++;
    m.last = v;
    if (v !== v) {
      m.nan++;
      return;
    }
    if (m.min === null || v < m.min) m.min = v;
    if (m.max === null || v > m.max) m.max = v;
    // Kahan summation keeps the mean exact enough over millions of values.
    const y = v - acc.comp;
    const t = acc.sum + y;
    acc.comp = t - acc.sum - y;
    acc.sum = t;
  }
}

function num(v: number | null): string {
  if (v === null) return "-";
  if (v !== v) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(4)
    : String(Number(v.toPrecision(6)));
}

/** A text rendering of an inspection. */
export function inspectionText(r: RunInspection): string {
  const lines: string[] = [];
  const head = [`run ${r.id}`];
  if (r.name) head.push(`name ${r.name}`);
  if (r.status) head.push(`status ${r.status}`);
  lines.push(head.join(", "));
  const rec = r.records.run + r.records.lineage + r.records.log;
  lines.push(
    `  ${r.events.toLocaleString("en-US")} events in ${r.series.length} series, ${
      rec.toLocaleString("en-US")
    } record${
      rec === 1 ? "" : "s"
    } (run ${r.records.run}, lineage ${r.records.lineage}, log ${r.records.log}); kinds: ${
      Object.entries(r.kinds).map(([k, n]) => `${k} ${n}`).join(", ") || "none"
    }`,
  );
  if (r.problems.errors || r.problems.warnings) {
    lines.push(
      `  ${r.problems.errors} unreadable lines, ${r.problems.warnings} warnings (run 'plxkit validate' for details)`,
    );
  }
  const rows = r.series.map((s) => {
    const steps = s.steps.count ? `${s.steps.min}..${s.steps.max}` : "-";
    const time = s.time.min ? `${s.time.min.slice(0, 19)} .. ${s.time.max!.slice(0, 19)}` : "-";
    const m = s.metric
      ? `mean ${num(s.metric.mean)} min ${num(s.metric.min)} max ${num(s.metric.max)} last ${
        num(s.metric.last)
      }${s.metric.nan ? ` (${s.metric.nan} nan)` : ""}`
      : "";
    return [
      `${s.scope === "events" ? "" : s.scope + ":"}${s.kind}/${s.name}`,
      String(s.events),
      steps,
      time,
      m,
    ];
  });
  const header = ["series", "events", "steps", "time", "metric"];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) =>
    "  " + r.map((c, i) => (i === 1 ? c.padStart(w[i]) : c.padEnd(w[i]))).join("  ").trimEnd();
  if (rows.length) {
    lines.push(fmt(header));
    for (const row of rows) lines.push(fmt(row));
  }
  return lines.join("\n") + "\n";
}
