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

/** How a report treats media (images, audio, video) and dataframes. */
export type AssetMode = "inline" | "link";

/** Options of {@linkcode collectReport}. */
export interface CollectOptions {
  /** Points kept per metric series for drawing. @default 2000 */
  maxPoints?: number;
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
  settings: { maxPoints: number; maxSteps: number; assets: AssetMode; inlineLimit: number };
  /** Totals of what was read and what was left out of the file. */
  totals: { events: number; downsampledSeries: number; thinnedSeries: number; assetsLeftOut: number };
}

const MAX_TEXT = 20_000;
const MAX_JSON = 200_000;
const MAX_PROBLEMS = 50;
const TABLE_ROWS = 50;
const TABLE_COLS = 30;

const MEDIA_MIME: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  bmp: "image/bmp",
  webp: "image/webp",
  svg: "image/svg+xml",
  wav: "audio/wav",
  mp4: "video/mp4",
  webm: "video/webm",
};

/** Steps kept per series by value type (charts keep only their last figures: they are large). */
function stepsFor(type: string, maxSteps: number): number {
  if (type === "chart") return Math.min(maxSteps, 3);
  if (type === "image" || type === "audio" || type === "video" || type === "dataframe") {
    return Math.min(maxSteps, 20);
  }
  return maxSteps;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

/** JSON-safe: non-finite numbers become strings ("NaN", "Infinity"), depth and size bounded by the caller. */
function jsonSafe(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  }
  return v;
}

function seconds(e: PlxEvent): number {
  return e.timestamp.micros / 1e6;
}

/** Base64 of bytes (chunked, so large assets do not overflow the argument list). */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** The first rows of CSV (or TSV) text, quotes handled. */
export function parseCsv(text: string, sep = ",", maxRows = TABLE_ROWS, maxCols = TABLE_COLS): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let q = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else q = false;
      } else cell += c;
    } else if (c === '"') q = true;
    else if (c === sep) {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row.slice(0, maxCols));
      row = [];
      cell = "";
    } else cell += c;
  }
  if ((cell !== "" || row.length) && rows.length < maxRows) {
    row.push(cell);
    rows.push(row.slice(0, maxCols));
  }
  return rows;
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

/** The value shown for a non-media event (bounded in size). */
function shownValue(e: PlxEvent): { value: unknown; note?: string } {
  if (e.type === "text" || e.type === "html") {
    const s = e.value;
    return s.length > MAX_TEXT
      ? { value: s.slice(0, MAX_TEXT), note: `cut to ${MAX_TEXT} of ${s.length} characters` }
      : { value: s };
  }
  const v = jsonSafe(e.value);
  if (e.type === "chart" || e.type === "span" || e.type === "model" || e.type === "artifact") {
    const text = JSON.stringify(v) ?? "null";
    if (text.length > MAX_JSON) {
      return { value: null, note: `${(text.length / 1e6).toFixed(1)} MB of JSON: too large to show` };
    }
  }
  return { value: v };
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
  const data: ReportData = {
    title: "plxkit report",
    generated: new Date().toISOString(),
    inputs: [],
    runs: [],
    metrics: [],
    series: [],
    problems: [],
    settings: { maxPoints, maxSteps, assets: mode, inlineLimit },
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
        if (!s) metrics.set(key, s = new MinMaxSeries(maxPoints));
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
          if (!s) metrics.set(key, s = new MinMaxSeries(maxPoints));
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
    const row = runRow(run, events, first, last);
    row.problems = problems;
    row.moreProblems = more;
    data.runs.push(row);
    data.totals.events += events;
    for (const [name, s] of [...metrics].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (s.downsampled) data.totals.downsampledSeries++;
      data.metrics.push({
        run: run.info.id,
        name,
        points: s.points(),
        stats: s.stats,
        downsampled: s.downsampled,
      });
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

function mb(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}
