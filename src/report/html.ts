/**
 * The report as one self-contained HTML document: the page shell, the report data as JSON in an inert
 * `<script type="application/json">`, the browser code (`_client.js`) and uPlot's code and CSS inlined
 * (read from the pinned npm package at build time), under a Content-Security-Policy that allows no network
 * access at all.
 *
 * @module
 */
import type { ReportData } from "./collect.ts";

/** The code and CSS a report inlines. */
export interface ReportLibraries {
  /** uPlot's IIFE build (defines the global `uPlot`). */
  uplotJs: string;
  /** uPlot's CSS. */
  uplotCss: string;
  /** The report's own browser code. */
  clientJs: string;
  /** plotly.js, when the report draws Plotly charts ({@linkcode loadPlotly}). */
  plotlyJs?: string;
  /** Vega's scripts, when the report draws Vega-Lite charts ({@linkcode loadVega}). */
  vegaJs?: string[];
  /** BokehJS, when the report draws Bokeh charts ({@linkcode loadBokeh}). */
  bokehJs?: string;
}

let cached: Promise<ReportLibraries> | undefined;
let plotly: Promise<string> | undefined;

/**
 * Reads plotly.js's minified bundle (4.8 MB) from the pinned npm package, for reports of runs that hold
 * Plotly charts.
 */
export function loadPlotly(): Promise<string> {
  return plotly ??= (async () => {
    const { plotlyFile } = await import("../_deps/plotly.ts");
    return await text(await plotlyFile());
  })();
}

async function text(url: string | URL): Promise<string> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`cannot read ${url}: ${r.status}`);
  return await r.text();
}

/**
 * Reads the libraries a report inlines: uPlot's dist files from the npm package (the dynamic import makes
 * Deno fetch and cache the pinned package; `import.meta.resolve` then names the file in the cache or in
 * `node_modules/`), and `_client.js` beside this module (by URL, so it works when plxkit is imported from a
 * path or a URL).
 */
export function loadLibraries(): Promise<ReportLibraries> {
  return cached ??= (async () => {
    const { uplotFile } = await import("../_deps/uplot.ts");
    const js = uplotFile("dist/uPlot.iife.min.js");
    const css = uplotFile("dist/uPlot.min.css");
    return {
      uplotJs: await text(js),
      uplotCss: await text(css),
      clientJs: await text(new URL("./_client.js", import.meta.url)),
    };
  })();
}

let bokeh: Promise<string> | undefined;

/** Reads BokehJS's minified bundle (1.4 MB) from the pinned npm package, for reports with Bokeh charts. */
export function loadBokeh(): Promise<string> {
  return bokeh ??= (async () => {
    const { bokehFile } = await import("../_deps/bokeh.ts");
    return await text(await bokehFile());
  })();
}

let vega: Promise<string[]> | undefined;

/**
 * Reads Vega, Vega-Lite, vega-embed (about 840 kB together) and vega-interpreter from the pinned npm
 * packages, for reports of runs that hold Vega-Lite charts. The interpreter evaluates a spec's expressions
 * without `new Function` (which the report's CSP forbids); it ships only as an ES module importing
 * `vega-util`, so it is turned into a classic script that takes those names from the `vega` global and sets
 * `globalThis.vegaExpressionInterpreter`.
 *
 * @throws {Error} When the interpreter's module no longer has the expected import and export.
 */
export function loadVega(): Promise<string[]> {
  return vega ??= (async () => {
    const { vegaFiles } = await import("../_deps/vega.ts");
    const f = await vegaFiles();
    const src = await text(f.interpreter);
    const imp = /^import \{([^}]*)\} from 'vega-util';$/m;
    const exp = /^export \{ expression as expressionInterpreter \};$/m;
    if (!imp.test(src) || !exp.test(src)) throw new Error(`${f.interpreter}: unexpected module shape`);
    const interpreter = `(() => {\n${
      src.replace(imp, "const {$1} = globalThis.vega;").replace(
        exp,
        "globalThis.vegaExpressionInterpreter = expression;",
      )
    }\n})();`;
    return [await text(f.vega), await text(f.vegaLite), await text(f.vegaEmbed), interpreter];
  })();
}

/** `&`, `<`, `>`, `"` and `'` as entities. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a `<script>` element: `<` (so no `</script>` or `<!--` can end or change it),
 * `>`, `&` and the line separators U+2028/U+2029 escaped as `\uXXXX`.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Code inlined in a `<script>`: a `</script` inside it (in a string) is broken up. */
function scriptCode(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1");
}

/** CSS inlined in a `<style>`. */
function styleCode(css: string): string {
  return css.replace(/<\/(style)/gi, "<\\/$1");
}

const CSS = `
:root{--fg:#1d2330;--muted:#667085;--line:#e4e7ec;--bg:#f7f8fa;--card:#fff;--accent:#3a6df0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:14px 24px;background:#1d2330;color:#fff;display:flex;gap:18px;align-items:baseline;flex-wrap:wrap}
header h1{font-size:18px;margin:0}
header .meta{color:#b8c0d0;font-size:12px}
main{padding:16px 24px;max-width:1600px}
section{margin:0 0 22px}
h2{font-size:16px;margin:0 0 8px;display:flex;gap:10px;align-items:baseline}
h2 small{color:var(--muted);font-weight:400;font-size:12px}
.note{color:var(--muted);font-size:12px;margin:4px 0}
.warn{color:#a15c07}
table{border-collapse:collapse;background:var(--card);font-size:13px}
th,td{border:1px solid var(--line);padding:3px 7px;text-align:left;vertical-align:top}
th{background:#eef1f6;cursor:pointer;user-select:none;white-space:nowrap}
th[data-sort="asc"]::after{content:" ▲"}th[data-sort="desc"]::after{content:" ▼"}
td.kv{max-width:340px;font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;word-break:break-word}
.toolbar{display:flex;gap:16px;align-items:center;flex-wrap:wrap;margin:6px 0 10px;background:var(--card);border:1px solid var(--line);padding:6px 10px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(460px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);padding:8px 10px;min-width:0}
.card h3{font-size:13px;margin:0 0 4px;word-break:break-all}
.legend{font-size:12px;margin-top:4px}
.legend td,.legend th{padding:1px 6px;cursor:default}
.swatch{display:inline-block;width:10px;height:10px;margin-right:5px;border-radius:2px}
.stepper{display:flex;gap:8px;align-items:center;font-size:12px;margin:4px 0}
.stepper input{flex:1}
.media img{max-width:100%;max-height:380px;image-rendering:auto;border:1px solid var(--line)}
.nowrap{white-space:nowrap}
iframe{width:100%;height:160px;border:1px solid var(--line);background:#fff}
pre{background:#f3f4f7;border:1px solid var(--line);padding:6px;max-height:260px;overflow:auto;font-size:12px;margin:4px 0;white-space:pre-wrap;word-break:break-word}
canvas.plot{width:100%;height:220px;display:block}
.cm td{text-align:right;min-width:38px;font-variant-numeric:tabular-nums}
.findings td:first-child{font-family:ui-monospace,monospace}
.sev-error{color:#b42318;font-weight:600}.sev-warning{color:#a15c07}.sev-info{color:var(--muted)}
`;

/**
 * The report document for `data`.
 *
 * @param data What to show ({@linkcode ReportData}).
 * @param libs The inlined code ({@linkcode loadLibraries}).
 * @returns The whole HTML document.
 * @example
 * ```ts
 * import { loadLibraries, renderHtml } from "./html.ts";
 * import { collectReport } from "./collect.ts";
 * import { PlxSource } from "../formats/plx/source.ts";
 * const html = renderHtml(await collectReport(new PlxSource(["fixtures/runs"])), await loadLibraries());
 * ```
 */
export function renderHtml(data: ReportData, libs: ReportLibraries): string {
  const linked = data.settings.assets === "link";
  // No network at all: everything is inline; linked media are files beside the report.
  const media = linked ? "data: 'self' file:" : "data:";
  const csp = [
    "default-src 'none'",
    "script-src 'unsafe-inline'",
    "style-src 'unsafe-inline'",
    `img-src ${media} blob:`,
    `media-src ${media} blob:`,
    "frame-src 'self' about:",
    "font-src data:",
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${styleCode(libs.uplotCss)}</style>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<header><h1>${escapeHtml(data.title)}</h1><span class="meta">${
      escapeHtml(
        `${data.runs.length} run${data.runs.length === 1 ? "" : "s"}, ${data.totals.events} events; ` +
          `made ${data.generated} from ${data.inputs.join(", ")}`,
      )
    }</span></header>`,
    '<main id="app"><noscript>This report needs JavaScript to draw its tables and charts.</noscript></main>',
    `<script type="application/json" id="plx-data">${scriptJson(data)}</script>`,
    `<script>${scriptCode(libs.uplotJs)}</script>`,
    ...(libs.plotlyJs ? [`<script>${scriptCode(libs.plotlyJs)}</script>`] : []),
    ...(libs.vegaJs ?? []).map((code) => `<script>${scriptCode(code)}</script>`),
    ...(libs.bokehJs ? [`<script>${scriptCode(libs.bokehJs)}</script>`] : []),
    `<script>${scriptCode(libs.clientJs)}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
