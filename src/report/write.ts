/**
 * Writing a report: collect what runs hold ({@linkcode collectReport}), add validation findings, render
 * one HTML file ({@linkcode renderHtml}) and publish it atomically (temporary sibling, then rename). With
 * `assets: "link"` the media go into a folder beside the report, `<name>.assets/`, published the same way.
 *
 * @module
 */
import * as path from "node:path";
import type { EventSource } from "../convert/core.ts";
import type { RunReport } from "../model/report.ts";
import { writeFileAtomic } from "../io/files.ts";
import { type CollectOptions, collectReport, type ReportData, type ReportFinding } from "./collect.ts";
import { loadBokeh, loadLibraries, loadPlotly, loadVega, renderHtml } from "./html.ts";

/** Options of {@linkcode writeReport}. */
export interface WriteReportOptions extends Omit<CollectOptions, "linkAsset"> {
  /** The report's title. @default "plxkit report" */
  title?: string;
  /** The inputs named in the report's header. */
  inputs?: string[];
  /** Validation reports to show as findings linked to runs (e.g. from `validatePaths`). */
  validation?: AsyncIterable<RunReport>;
  /** Findings listed at most (the rest are counted). @default 2000 */
  maxFindings?: number;
}

/** What {@linkcode writeReport} wrote. */
export interface WriteReportResult {
  /** The report file. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
  /** The linked assets' folder, with `assets: "link"` and at least one asset. */
  assetsDir?: string;
  /** What the report shows. */
  data: ReportData;
}

/** The sidecar folder of linked assets for report file `out`: `report.html` -> `report.assets`. */
export function assetsDirOf(out: string): string {
  const base = path.basename(out).replace(/\.html?$/i, "");
  return path.join(path.dirname(out), `${base}.assets`);
}

/** Findings of validation reports, as rows linked to runs by id. */
export async function findingsOf(
  reports: AsyncIterable<RunReport>,
  max = 2000,
): Promise<{ findings: ReportFinding[]; more: number }> {
  const findings: ReportFinding[] = [];
  let more = 0;
  for await (const r of reports) {
    const all = [
      ...r.diagnostics.map((d) => ({ d, file: d.file })),
      ...r.files.flatMap((f) => f.diagnostics.map((d) => ({ d, file: d.file || f.file }))),
    ];
    for (const { d, file } of all) {
      if (findings.length >= max) {
        more += d.count ?? 1;
        continue;
      }
      findings.push({
        run: r.id,
        path: r.path,
        file,
        ...(d.line !== undefined ? { line: d.line } : {}),
        severity: d.severity,
        message: d.message,
      });
    }
  }
  return { findings, more };
}

/**
 * Writes the report of every run of `source` to `out` (an HTML file, replaced atomically when it exists).
 *
 * @param source Where runs come from (put a selection stage before it to filter).
 * @param out The HTML file to write.
 * @param options Limits, asset handling, validation findings.
 * @returns The file written, its size and what it shows.
 * @throws {Deno.errors.PermissionDenied} When `out` cannot be written (needs read and write permission).
 * @example
 * ```ts
 * import { writeReport } from "./write.ts";
 * import { PlxSource } from "../formats/plx/source.ts";
 * const r = await writeReport(new PlxSource(["fixtures/runs"]), "/tmp/plxkit-example-report.html");
 * console.log(r.bytes);
 * ```
 */
export async function writeReport(
  source: EventSource,
  out: string,
  options: WriteReportOptions = {},
): Promise<WriteReportResult> {
  const libs = loadLibraries();
  const assetsDir = assetsDirOf(out);
  let tmpAssets: string | null = null;
  let n = 0;
  const linkAsset = async (_run: string, rel: string, bytes: Uint8Array): Promise<string> => {
    tmpAssets ??= await Deno.makeTempDir({
      dir: path.dirname(path.resolve(out)),
      prefix: ".plxkit-tmp-report-assets-",
    });
    const name = `${++n}-${
      path.basename(rel).replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "").slice(-80) || "asset"
    }`;
    await Deno.writeFile(path.join(tmpAssets, name), bytes, { createNew: true });
    return `${encodeURIComponent(path.basename(assetsDir))}/${encodeURIComponent(name)}`;
  };
  try {
    const data = await collectReport(source, {
      ...options,
      ...(options.assets === "link" ? { linkAsset } : {}),
    });
    data.title = options.title ?? data.title;
    data.inputs = options.inputs ?? [];
    if (options.validation) {
      const { findings, more } = await findingsOf(options.validation, options.maxFindings);
      data.findings = findings;
      if (more) data.moreFindings = more;
    }
    const has = (kind: string) =>
      data.settings.charts === "draw" &&
      data.series.some((x) =>
        x.type === "chart" && x.items.some((i) => (i.value as { kind?: string } | null)?.kind === kind)
      );
    const drawPlotly = has("plotly");
    const drawVega = has("vega");
    if (drawPlotly) data.embedded.push("plotly");
    if (drawVega) data.embedded.push("vega");
    const drawBokeh = has("bokeh");
    if (drawBokeh) data.embedded.push("bokeh");
    const html = renderHtml(data, {
      ...await libs,
      ...(drawPlotly ? { plotlyJs: await loadPlotly() } : {}),
      ...(drawVega ? { vegaJs: await loadVega() } : {}),
      ...(drawBokeh ? { bokehJs: await loadBokeh() } : {}),
    });
    const bytes = new TextEncoder().encode(html);
    if (tmpAssets) {
      await Deno.remove(assetsDir, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
      await Deno.rename(tmpAssets, assetsDir);
      tmpAssets = null;
    }
    await writeFileAtomic(out, bytes);
    return { file: out, bytes: bytes.length, ...(n ? { assetsDir } : {}), data };
  } finally {
    if (tmpAssets) await Deno.remove(tmpAssets, { recursive: true }).catch(() => {});
  }
}
