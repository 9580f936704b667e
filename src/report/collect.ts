/**
 * What a report shows, gathered from any {@linkcode EventSource} in one streaming pass: the runs (their
 * records), each metric series downsampled into bounded min/max buckets ({@linkcode MinMaxSeries}), and
 * every other series thinned to a bounded number of steps ({@linkcode Thinner}), with media assets read as
 * the run is read and put inline (data URIs up to a size limit) or handed to a writer for `--assets link`.
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics.ts";
import type { EventSource, RunSource } from "../convert/core.ts";
import type { PlxEvent } from "../model/event.ts";
import { sniffMedia } from "../io/media.ts";
import { MinMaxSeries, type SeriesPoints, type SeriesStats, Thinner } from "./downsample.ts";
import { base64, jsonSafe, mb, MEDIA_MIME, obj, parseCsv, shownValue, str } from "./_values.ts";

/** How a report treats media (images, audio, video) and dataframes. */
export type AssetMode = "inline" | "link";

/** Options of {@linkcode collectReport}. */
export interface CollectOptions {
  /** Points kept per metric series for drawing. @default 2000 */
  maxPoints?: number;
  /**
   * Points kept over all metric series: when the series of many runs hold more, every series' cap is
   * halved (down to 16 points a series), so memory and the file stay bounded however many runs there are.
   * @default 400_000
   */
  maxTotalPoints?: number;
  /** Steps kept per series of other kinds. @default 50 */
  maxSteps?: number;
  /** `inline`: assets as data URIs up to `inlineLimit` bytes each; `link`: handed to `linkAsset`. @default "inline" */
  assets?: AssetMode;
  /** Largest asset put inline, in bytes. @default 2_000_000 */
  inlineLimit?: number;
  /** Largest sum of inline asset bytes; later assets are left out with a note. @default 64_000_000 */
  inlineBudget?: number;
  /**
   * With `assets: "link"`: stores an asset's bytes and returns the URL the report links it by (relative to
   * the report).
   */
  linkAsset?: (run: string, rel: string, bytes: Uint8Array) => Promise<string>;
  /**
   * `draw`: Plotly charts are drawn by plotly.js, inlined only when a run has one; `json`: every chart is
   * shown as JSON. @default "draw"
   */
  charts?: "draw" | "json";
  /** Called for every diagnostic met reading (unreadable lines, runs that cannot be found). */
  onDiagnostic?: (d: Diagnostic, run?: string) => void;
  /** Called after each run, with its event count. */
  onRun?: (run: string, events: number) => void;
}

/** One run's row in the runs table. */
export interface ReportRun {
  id: string;
  name?: string;
  uuid?: string;
  status?: string;
  kind?: string;
  created?: string;
  /** Seconds, from the record or from the first and last event times. */
  duration?: number;
  tags: string[];
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  events: number;
  /** Read problems (errors and warnings met reading), capped. */
  problems: { file: string; line?: number; severity: string; message: string }[];
  /** Problems not listed beyond the cap. */
  moreProblems: number;
}

/** One metric series of one run. */
export interface ReportMetric {
  run: string;
  name: string;
  points: SeriesPoints;
  stats: SeriesStats;
  downsampled: boolean;
}

/** One kept step of a non-metric series. */
export interface ReportItem {
  step: number | null;
  /** Wall time, seconds since the epoch. */
  t: number;
  /** The value (text, HTML, histogram, curve, confusion, chart figure, span, artifact record ...). */
  value: unknown;
  /** For media and dataframes: a data URI or a link, when the asset could be had. */
  src?: string;
  /** The media type (`image/png`, `audio/wav`, ...). */
  mime?: string;
  /** Why there is no `src`, or what was cut. */
  note?: string;
  /** A dataframe's first rows, parsed from CSV. */
  table?: string[][];
}

/** One series (run, kind, name) of a non-metric kind. */
export interface ReportSeries {
  run: string;
  /** The value type (`image`, `text`, `html`, `histogram`, ...). */
  type: string;
  /** The kind folder (differs from `type` for artifact kinds such as `tsv`). */
  kind: string;
  name: string;
  items: ReportItem[];
  total: number;
}

/** A validation finding linked to a run. */
export interface ReportFinding {
  run: string;
  path: string;
  file: string;
  line?: number;
  severity: string;
  message: string;
}

/** Everything a report shows. */
export interface ReportData {
  title: string;
  generated: string;
  inputs: string[];
  runs: ReportRun[];
  metrics: ReportMetric[];
  series: ReportSeries[];
  findings?: ReportFinding[];
  /** Findings counted but not listed beyond the cap. */
  moreFindings?: number;
  /** Problems met finding runs (not tied to one run). */
  problems: { file: string; line?: number; severity: string; message: string }[];
  settings: {
    maxPoints: number;
    maxSteps: number;
    assets: AssetMode;
    inlineLimit: number;
    charts: "draw" | "json";
  };
  /** Chart libraries inlined (set by the writer): `plotly` when a run has a Plotly chart and charts are drawn. */
  embedded: string[];
  /** Totals of what was read and what was left out of the file. */
  totals: { events: number; downsampledSeries: number; thinnedSeries: number; assetsLeftOut: number };
}

const MAX_PROBLEMS = 50;

/** Steps kept per series by value type (charts keep only their last figures: they are large). */
function stepsFor(type: string, maxSteps: number): number {
  if (type === "chart") return Math.min(maxSteps, 3);
  if (type === "image" || type === "audio" || type === "video" || type === "dataframe") {
    return Math.min(maxSteps, 20);
  }
  return maxSteps;
}

function seconds(e: PlxEvent): number {
  return e.timestamp.micros / 1e6;
}

/** The runs-table row of a run from its record (`run.plx.json`) and what its events told. */
function runRow(
  run: RunSource,
  events: number,
  first: number | null,
  last: number | null,
): ReportRun {
  const m = obj(run.info.meta);
  const created = str(m.created_at) ?? str(m.started_at) ??
    (first !== null ? new Date(first * 1000).toISOString() : undefined);
  let duration = typeof m.duration === "number" && Number.isFinite(m.duration) ? m.duration : undefined;
  if (duration === undefined) {
    const a = Date.parse(str(m.started_at) ?? str(m.created_at) ?? "");
    const b = Date.parse(str(m.finished_at) ?? "");
    if (Number.isFinite(a) && Number.isFinite(b)) duration = (b - a) / 1000;
    else if (first !== null && last !== null) duration = last - first;
  }
  const tags = Array.isArray(m.tags) ? m.tags.filter((t) => typeof t === "string") as string[] : [];
  return {
    id: run.info.id,
    ...(str(m.name) ? { name: str(m.name) } : {}),
    ...(str(m.uuid) ? { uuid: str(m.uuid) } : {}),
    ...(str(m.status) ? { status: str(m.status) } : {}),
    ...(str(m.kind) ? { kind: str(m.kind) } : {}),
    ...(created ? { created } : {}),
    ...(duration !== undefined ? { duration } : {}),
    tags,
    inputs: jsonSafe(obj(m.inputs)) as Record<string, unknown>,
    outputs: jsonSafe(obj(m.outputs)) as Record<string, unknown>,
    events,
    problems: [],
    moreProblems: 0,
  };
}

interface Pending {
  run: string;
  type: string;
  kind: string;
  name: string;
  thinner: Thinner<PlxEvent>;
}

/**
 * Reads every run of `source` into {@linkcode ReportData}. Memory is bounded by the number of runs and
 * series, not by their length: metric series keep at most `maxPoints` points, other series `maxSteps`
 * steps (assets read only for the steps kept).
 *
 * @param source Where runs come from (any format; put a selection stage before it to filter).
 * @param options Limits and asset handling.
 * @returns What the report shows (runs, metrics, series; `findings` are added by the caller).
 * @example
 * ```ts
 * import { collectReport } from "./collect.ts";
 * import { PlxSource } from "../formats/plx/source.ts";
 * const data = await collectReport(new PlxSource(["fixtures/runs"]));
 * console.log(data.runs.length, data.metrics.length);
 * ```
 */
export async function collectReport(
  source: EventSource,
  options: CollectOptions = {},
): Promise<ReportData> {
  const maxPoints = options.maxPoints ?? 2000;
  const maxSteps = options.maxSteps ?? 50;
  const mode = options.assets ?? "inline";
  const inlineLimit = options.inlineLimit ?? 2_000_000;
  let budget = options.inlineBudget ?? 64_000_000;
  const maxTotal = options.maxTotalPoints ?? 400_000;
  let cap = maxPoints;
  const allSeries: MinMaxSeries[] = [];
  let held = 0;
  const done: [ReportMetric, MinMaxSeries][] = [];
  const newSeries = () => {
    const s = new MinMaxSeries(cap);
    allSeries.push(s);
    return s;
  };
  const data: ReportData = {
    title: "plxkit report",
    generated: new Date().toISOString(),
    inputs: [],
    runs: [],
    metrics: [],
    series: [],
    problems: [],
    settings: { maxPoints, maxSteps, assets: mode, inlineLimit, charts: options.charts ?? "draw" },
    embedded: [],
    totals: { events: 0, downsampledSeries: 0, thinnedSeries: 0, assetsLeftOut: 0 },
  };
  for await (const item of source.runs()) {
    if (item.type === "diagnostic") {
      const d = item.diagnostic;
      options.onDiagnostic?.(d);
      if (data.problems.length < MAX_PROBLEMS) {
        data.problems.push({ file: d.file, line: d.line, severity: d.severity, message: d.message });
      }
      continue;
    }
    const run = item.run;
    const metrics = new Map<string, MinMaxSeries>();
    const pending = new Map<string, Pending>();
    const problems: ReportRun["problems"] = [];
    let more = 0;
    let events = 0;
    let first: number | null = null;
    let last: number | null = null;
    const seen = (t: number) => {
      if (first === null || t < first) first = t;
      if (last === null || t > last) last = t;
    };
    for await (const batch of run.batches()) {
      for (const d of batch.diagnostics) {
        options.onDiagnostic?.(d, run.info.id);
        if (d.severity === "info") continue;
        if (problems.length < MAX_PROBLEMS) {
          problems.push({ file: d.file, line: d.line, severity: d.severity, message: d.message });
        } else more += d.count ?? 1;
      }
      const m = batch.metrics;
      if (m) {
        const key = m.scope === "events" ? m.name : `${m.scope}/${m.name}`;
        let s = metrics.get(key);
        if (!s) metrics.set(key, s = newSeries());
        for (let i = 0; i < m.length; i++) {
          const t = m.micros[i] / 1e6;
          seen(t);
          s.push(m.step[i], t, m.value[i]);
        }
        events += m.length;
        continue;
      }
      for (const e of batch.events) {
        events++;
        const t = seconds(e);
        seen(t);
        if (e.type === "metric") {
          // (system resources, `resources/metric/<name>`, are charted as `resources/<name>`)
          const key = e.scope === "events" ? e.name : `${e.scope}/${e.name}`;
          let s = metrics.get(key);
          if (!s) metrics.set(key, s = newSeries());
          s.push(e.step, t, e.value);
          continue;
        }
        const key = `${e.scope}\0${e.kind}\0${e.name}`;
        let p = pending.get(key);
        if (!p) {
          pending.set(
            key,
            p = {
              run: run.info.id,
              type: e.type,
              kind: e.kind,
              name: e.name,
              thinner: new Thinner(stepsFor(e.type, maxSteps)),
            },
          );
        }
        p.thinner.push(e);
      }
    }
    // Bound the points of all runs together: halve every series' cap while they hold too many.
    held = 0;
    for (const s of allSeries) held += s.size;
    while (held > maxTotal && cap > 16) {
      cap = Math.max(16, Math.floor(cap / 2));
      held = 0;
      for (const s of allSeries) {
        s.shrink(cap);
        held += s.size;
      }
    }
    const row = runRow(run, events, first, last);
    row.problems = problems;
    row.moreProblems = more;
    data.runs.push(row);
    data.totals.events += events;
    for (const [name, s] of [...metrics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      // (points are taken at the end: later runs may still lower every series' cap)
      const m: ReportMetric = {
        run: run.info.id,
        name,
        points: { x: [], t: [], v: [] },
        stats: s.stats,
        downsampled: false,
      };
      data.metrics.push(m);
      done.push([m, s]);
    }
    for (const p of [...pending.values()].sort((a, b) => (a.kind + a.name < b.kind + b.name ? -1 : 1))) {
      const kept = p.thinner.items();
      if (kept.length < p.thinner.total) data.totals.thinnedSeries++;
      const items: ReportItem[] = [];
      for (const e of kept) {
        const it = await itemOf(e, run);
        items.push(it);
      }
      data.series.push({
        run: p.run,
        type: p.type,
        kind: p.kind,
        name: p.name,
        items,
        total: p.thinner.total,
      });
    }
    options.onRun?.(run.info.id, events);
  }
  for (const [m, s] of done) {
    m.points = s.points();
    m.downsampled = s.downsampled;
    if (s.downsampled) data.totals.downsampledSeries++;
  }
  return data;

  async function itemOf(e: PlxEvent, run: RunSource): Promise<ReportItem> {
    const base = { step: e.step, t: seconds(e) };
    const media = e.type === "image" || e.type === "audio" || e.type === "video";
    if (!media && e.type !== "dataframe") return { ...base, ...shownValue(e) };
    const value = jsonSafe(e.value) as Record<string, unknown>;
    const rel = str(value.path);
    if (!rel) return { ...base, value, note: "no asset path" };
    let bytes: Uint8Array | null = null;
    try {
      bytes = await run.readAsset(rel);
    } catch (err) {
      return {
        ...base,
        value,
        note: `asset ${rel} cannot be read: ${err instanceof Error ? err.message : err}`,
      };
    }
    if (!bytes) {
      data.totals.assetsLeftOut++;
      return { ...base, value, note: `asset ${rel} is missing` };
    }
    if (e.type === "dataframe") {
      const ct = String(value.content_type ?? rel.split(".").pop() ?? "");
      if (bytes.length > inlineLimit) {
        data.totals.assetsLeftOut++;
        return { ...base, value, note: `${rel}: ${mb(bytes.length)}, above the ${mb(inlineLimit)} limit` };
      }
      if (/csv|tsv|psv|ssv/.test(ct)) {
        const sep = ct.includes("tsv") ? "\t" : ct.includes("psv") ? "|" : ct.includes("ssv") ? ";" : ",";
        const text = new TextDecoder().decode(bytes);
        return { ...base, value, table: parseCsv(text, sep) };
      }
      return { ...base, value, note: `${rel}: ${ct || "unknown"} dataframes are not shown as tables` };
    }
    const sniffed = sniffMedia(bytes);
    const ct = str(value.content_type);
    const mime = sniffed
      ? MEDIA_MIME[sniffed]
      : ct && /^(image|audio|video)\/[\w.+-]+$/.test(ct)
      ? ct
      : ct && MEDIA_MIME[ct]
      ? MEDIA_MIME[ct]
      : undefined;
    if (!mime) return { ...base, value, note: `${rel}: unknown media type` };
    if (mode === "link" && options.linkAsset) {
      return { ...base, value, mime, src: await options.linkAsset(run.info.id, rel, bytes) };
    }
    if (bytes.length > inlineLimit) {
      data.totals.assetsLeftOut++;
      return {
        ...base,
        value,
        mime,
        note: `${rel}: ${mb(bytes.length)}, above the ${mb(inlineLimit)} inline limit (use --assets link)`,
      };
    }
    if (bytes.length > budget) {
      data.totals.assetsLeftOut++;
      return {
        ...base,
        value,
        mime,
        note: `${rel}: left out, the report's inline budget is spent (use --assets link)`,
      };
    }
    budget -= bytes.length;
    return { ...base, value, mime, src: `data:${mime};base64,${base64(bytes)}` };
  }
}
