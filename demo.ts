/**
 * `deno task demo`: a TypeScript port of every call in Polyaxon's "Tracking Metadata & Events" document
 * (shared/seed/tracking-metadata.md): outputs, metrics, text, HTML, audio, histograms, curves, confusion
 * matrices, a Matplotlib-like image (a generated PNG), and charts as real Plotly, Vega-Lite (Altair) and
 * Bokeh (`json_item`) JSON. It writes an offline run under `./runs/<uuid>/`, its conversions under
 * `./out/demo/` (replaced on each demo, so `plxkit validate runs/` sees only runs), its HTML report at
 * `./out/report.html`, and prints what is where.
 *
 * Deterministic: a seeded generator stands in for `np.random` (the run uuid and times still differ).
 *
 * @module
 */
import * as path from "node:path";
import { FORMATS, numpyHistogram, type RawImage, Run } from "./mod.ts";
import { main } from "./src/cli/main.ts";
import bokehHeatmap from "./fixtures/logger/bokeh_heatmap.json" with { type: "json" };

// ------------------------------------------------------------------------------------ numpy stand-ins
let seed = 42;
/** Uniform [0, 1) (mulberry32). */
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
/** Standard normal (Box-Muller). */
function randn(n: number): number[] {
  return Array.from(
    { length: n },
    () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
  );
}
const randint = (hi: number, n: number) => Array.from({ length: n }, () => Math.floor(random() * hi));
const linspace = (a: number, b: number, n: number) =>
  Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

// ---------------------------------------------------------------------- a tiny raster for the mpl image
class Canvas {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.data = new Uint8Array(width * height * 3).fill(255);
  }
  rect(x0: number, y0: number, x1: number, y1: number, [r, g, b]: number[]): void {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(this.height, Math.ceil(y1)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(this.width, Math.ceil(x1)); x++) {
        const i = (y * this.width + x) * 3;
        this.data[i] = r;
        this.data[i + 1] = g;
        this.data[i + 2] = b;
      }
    }
  }
  frame(x0: number, y0: number, x1: number, y1: number): void {
    const k = [0, 0, 0];
    this.rect(x0, y0, x1, y0 + 1, k);
    this.rect(x0, y1 - 1, x1, y1, k);
    this.rect(x0, y0, x0 + 1, y1, k);
    this.rect(x1 - 1, y0, x1, y1, k);
  }
  line(x0: number, y0: number, x1: number, y1: number, c: number[]): void {
    const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
    for (let i = 0; i <= n; i++) {
      this.rect(
        x0 + ((x1 - x0) * i) / n,
        y0 + ((y1 - y0) * i) / n,
        x0 + ((x1 - x0) * i) / n + 1,
        y0 + ((y1 - y0) * i) / n + 1,
        c,
      );
    }
  }
}

const BLUE = [31, 119, 180];

/** `plot_mpl_figure`: 2x2 subplots (hist, scatter, line, hist2d) of `np.random.randn(2, 100)` as a PNG. */
function mplFigure(): RawImage {
  const W = 500, H = 500, P = 250;
  const c = new Canvas(W, H);
  const [x, y] = [randn(100), randn(100)];
  const sx = (v: number, o: number) => o + 20 + ((v + 3) / 6) * (P - 40);
  const sy = (v: number, o: number) => o + P - 20 - ((v + 3) / 6) * (P - 40);
  // [0,0] histogram of x
  const bins = new Array(10).fill(0);
  for (const v of x) bins[Math.min(9, Math.max(0, Math.floor(((v + 3) / 6) * 10)))]++;
  const top = Math.max(...bins);
  bins.forEach((b, i) => c.rect(20 + i * 21, P - 20 - (b / top) * 200, 20 + i * 21 + 20, P - 20, BLUE));
  // [1,0] scatter
  for (let i = 0; i < 100; i++) {
    c.rect(sx(x[i], 0) - 2, sy(y[i], P) - 2, sx(x[i], 0) + 2, sy(y[i], P) + 2, BLUE);
  }
  // [0,1] line plot
  for (let i = 1; i < 100; i++) c.line(sx(x[i - 1], P), sy(y[i - 1], 0), sx(x[i], P), sy(y[i], 0), BLUE);
  // [1,1] hist2d
  const grid = Array.from({ length: 10 }, () => new Array(10).fill(0));
  for (let i = 0; i < 100; i++) {
    const gx = Math.min(9, Math.max(0, Math.floor(((x[i] + 3) / 6) * 10)));
    const gy = Math.min(9, Math.max(0, Math.floor(((y[i] + 3) / 6) * 10)));
    grid[gy][gx]++;
  }
  const gmax = Math.max(...grid.flat());
  grid.forEach((row, gy) =>
    row.forEach((v, gx) => {
      const t = v / gmax;
      c.rect(P + 20 + gx * 21, P + 20 + (9 - gy) * 21, P + 41 + gx * 21, P + 41 + (9 - gy) * 21, [
        Math.round(68 + t * 185),
        Math.round(1 + t * 230),
        Math.round(84 - t * 50),
      ]);
    })
  );
  for (const [ox, oy] of [[0, 0], [P, 0], [0, P], [P, P]]) {
    c.frame(ox + 18, oy + 18, ox + P - 18, oy + P - 18);
  }
  return { data: c.data, shape: [H, W, 3] };
}

// ------------------------------------------------------------------------------------- chart builders

/** `plot_scatter` as Plotly JSON (what `log_mpl_plotly_chart` stores): a scatter with marginal histograms. */
function scatterFigure(step: number): Record<string, unknown> {
  const x = randn(step), y = randn(step);
  const lim = Math.ceil(Math.max(...x.map(Math.abs), ...y.map(Math.abs)) / 0.25) * 0.25;
  return {
    data: [
      { type: "scatter", mode: "markers", x, y, xaxis: "x", yaxis: "y", name: "scatter" },
      {
        type: "histogram",
        x,
        xbins: { start: -lim, end: lim, size: 0.25 },
        xaxis: "x2",
        yaxis: "y2",
        name: "x",
      },
      {
        type: "histogram",
        y,
        ybins: { start: -lim, end: lim, size: 0.25 },
        xaxis: "x3",
        yaxis: "y3",
        name: "y",
      },
    ],
    layout: {
      width: 640,
      height: 640,
      showlegend: false,
      xaxis: { domain: [0.1, 0.75], range: [-lim, lim] },
      yaxis: { domain: [0.1, 0.75], range: [-lim, lim] },
      xaxis2: { domain: [0.1, 0.75], anchor: "y2", matches: "x", showticklabels: false },
      yaxis2: { domain: [0.755, 0.955], anchor: "x2" },
      xaxis3: { domain: [0.755, 0.955], anchor: "y3" },
      yaxis3: { domain: [0.1, 0.75], anchor: "x3", matches: "y", showticklabels: false },
    },
  };
}

/** `get_sin_plot` as Plotly JSON. */
function sinFigure(step: number): Record<string, unknown> {
  const x = linspace(0, step * Math.PI, 400);
  return {
    data: [{
      type: "scatter",
      mode: "lines",
      x,
      y: x.map((v) => Math.sin(v * v)),
      line: { color: "#1f77b4" },
    }],
    layout: {
      title: { text: "Simple plot" },
      xaxis: { title: { text: "" } },
      yaxis: { title: { text: "" } },
    },
  };
}

/** `px.density_heatmap(tips, x="total_bill", y="tip", facet_row="sex", facet_col="smoker")` as Plotly JSON. */
function densityHeatmap(): Record<string, unknown> {
  const data: Record<string, unknown>[] = [];
  const layout: Record<string, unknown> = {
    coloraxis: { colorbar: { title: { text: "count" } }, colorscale: "Plasma" },
    legend: { tracegroupgap: 0 },
    margin: { t: 60 },
    annotations: [] as unknown[],
  };
  const rows = ["Female", "Male"], cols = ["No", "Yes"];
  let k = 1;
  for (const [r, sex] of rows.entries()) {
    for (const [c, smoker] of cols.entries()) {
      const n = 40 + Math.floor(random() * 40);
      const bill = Array.from({ length: n }, () => Math.round((3 + random() * 45) * 100) / 100);
      const tip = bill.map((b) => Math.round(Math.max(1, b * (0.1 + random() * 0.12)) * 100) / 100);
      const ax = k === 1 ? "" : String(k);
      data.push({
        type: "histogram2d",
        coloraxis: "coloraxis",
        hovertemplate:
          `sex=${sex}<br>smoker=${smoker}<br>total_bill=%{x}<br>tip=%{y}<br>count=%{z}<extra></extra>`,
        name: "",
        x: bill,
        y: tip,
        xaxis: `x${ax}`,
        yaxis: `y${ax}`,
        xbingroup: "x",
        ybingroup: "y",
      });
      layout[`xaxis${ax}`] = {
        anchor: `y${ax}`,
        domain: [c * 0.51, c * 0.51 + 0.49],
        title: { text: r === 1 ? "total_bill" : "" },
      };
      layout[`yaxis${ax}`] = {
        anchor: `x${ax}`,
        domain: [(1 - r) * 0.515, (1 - r) * 0.515 + 0.485],
        title: { text: c === 0 ? "tip" : "" },
      };
      (layout.annotations as unknown[]).push({
        text: `smoker=${smoker}`,
        showarrow: false,
        x: c * 0.51 + 0.245,
        y: 1,
        xref: "paper",
        yref: "paper",
        xanchor: "center",
        yanchor: "bottom",
      });
      k++;
    }
  }
  return { data, layout };
}

/** `log_altair`: points (with an interval brush) & bars of the cars data set, as Altair's `to_dict()`. */
function altairCars(): Record<string, unknown> {
  const origins = ["USA", "Europe", "Japan"];
  const cars = Array.from({ length: 120 }, (_, i) => {
    const origin = origins[i % 3];
    const hp = Math.round(50 + random() * (origin === "USA" ? 180 : 90));
    return {
      Name: `car ${i}`,
      Horsepower: hp,
      Miles_per_Gallon: Math.round((48 - hp / 6 + randn(1)[0] * 3) * 10) / 10,
      Origin: origin,
    };
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.20.1.json",
    config: { view: { continuousWidth: 300, continuousHeight: 300 } },
    data: { name: "data-cars" },
    datasets: { "data-cars": cars },
    vconcat: [
      {
        mark: { type: "point" },
        encoding: {
          color: { condition: { param: "param_1", field: "Origin", type: "nominal" }, value: "lightgray" },
          x: { field: "Horsepower", type: "quantitative" },
          y: { field: "Miles_per_Gallon", type: "quantitative" },
        },
        params: [{ name: "param_1", select: { type: "interval" } }],
      },
      {
        mark: { type: "bar" },
        encoding: {
          color: { field: "Origin", type: "nominal" },
          x: { aggregate: "count", field: "Origin", type: "quantitative" },
          y: { field: "Origin", type: "nominal" },
        },
        transform: [{ filter: { param: "param_1" } }],
      },
    ],
  };
}

// ------------------------------------------------------------------------------------------- the seed
const ROC_X = [
  0.0,
  0.0,
  0.0,
  0.0196078431372549,
  0.0196078431372549,
  0.0784313725490196,
  0.0784313725490196,
  0.09803921568627451,
  0.09803921568627451,
  0.11764705882352941,
  0.11764705882352941,
  0.13725490196078433,
  0.13725490196078433,
  0.1568627450980392,
  0.1568627450980392,
  0.17647058823529413,
  0.17647058823529413,
  0.3137254901960784,
  0.3137254901960784,
  0.3333333333333333,
  0.3333333333333333,
  0.35294117647058826,
  0.35294117647058826,
  0.4117647058823529,
  0.4117647058823529,
  0.45098039215686275,
  0.45098039215686275,
  0.47058823529411764,
  0.47058823529411764,
  0.5098039215686274,
  0.5098039215686274,
  0.5686274509803921,
  0.5686274509803921,
  1.0,
];
const ROC_Y = [
  0.0,
  0.041666666666666664,
  0.125,
  0.125,
  0.25,
  0.25,
  0.2916666666666667,
  0.2916666666666667,
  0.3333333333333333,
  0.3333333333333333,
  0.4166666666666667,
  0.4166666666666667,
  0.5,
  0.5,
  0.5416666666666666,
  0.5416666666666666,
  0.5833333333333334,
  0.5833333333333334,
  0.7083333333333334,
  0.7083333333333334,
  0.75,
  0.75,
  0.7916666666666666,
  0.7916666666666666,
  0.8333333333333334,
  0.8333333333333334,
  0.875,
  0.875,
  0.9166666666666666,
  0.9166666666666666,
  0.9583333333333334,
  0.9583333333333334,
  1.0,
  1.0,
];

/** Runs the seed document against a new offline run in `root` and returns the run. */
export async function demo(root = "runs"): Promise<Run> {
  const uuid = crypto.randomUUID().replaceAll("-", "");
  await using run = new Run({
    path: path.join(root, uuid),
    runUuid: uuid,
    offline: true,
    name: "seed-demo",
    flushInterval: 1000,
  });

  // Logging single results and outputs
  run.logOutputs({ foo: "bar", scalar: 0.1, key: "val" });

  // Tracking changing metrics
  const getLoss = (step: number) => {
    const result = 10 / (step + 1);
    return result + (random() - 0.5) * 0.5 * result;
  };
  for (let i = 1; i < 5; i++) {
    const loss = getLoss(i);
    run.logMetrics({ loss, accuracy: (100 - loss) / 100.0 }, { step: i });
  }

  // Text and HTML
  for (let i = 1; i < 5; i++) run.logText("text-event", `value at step ${i}`, { step: i });
  for (let i = 1; i < 5; i++) {
    run.logHtml(
      "text-event",
      `<span><a href="https://link.com">This is a link ${i} </a><b>Some more html at step ${i}</b></span>`,
      { step: i },
    );
  }

  // Audio: np.cos(np.arange(sample_rate * 2, dtype=np.float32) * (2.0 * 440 * np.pi / sample_rate))
  for (let i = 1; i < 5; i++) {
    const sampleRate = 44100 + i; // shapes the tone only: the seed logs it at the default 44100 Hz
    const k = Math.fround((2.0 * 440 * Math.PI) / sampleRate);
    const audio = Float32Array.from({ length: sampleRate * 2 }, (_, j) => Math.cos(Math.fround(j * k)));
    run.logAudio(audio, { name: "audio-ex", step: i });
  }

  // Distributions
  for (let i = 1; i < 5; i++) {
    run.logHistogram("distribution", Array.from({ length: 1000 }, () => random() + i), {
      bins: "auto",
      step: i,
    });
    const values = randint(255, 1000);
    const h = numpyHistogram(values, 10); // np.histogram(...) with its default 10 bins
    run.logNpHistogram("np-hist", h.counts, h.edges, { step: i });
  }

  // Curves and charts
  for (let step = 1; step < 5; step++) {
    run.logPlotlyChart("scatter", scatterFigure(step), { step }); // log_mpl_plotly_chart
    run.logPlotlyChart("sin", sinFigure(step), { step }); // log_mpl_plotly_chart
    run.logImage(mplFigure(), { name: "mpl_image", dataformats: "HWC", step }); // log_mpl_image
    run.logBokehChart("confusion-bokeh", bokehHeatmap as Record<string, unknown>, { step });
    run.logVegaChart("altair_chart", altairCars(), { step }); // log_altair_chart
    run.logRocAucCurve("roc-curve-man", { fpr: ROC_X, tpr: ROC_Y, auc: 0.742149 }, { step });
    run.logPrCurve("pr-curve-man", {
      precision: [0.66666667, 0.5, 1, 1],
      recall: [1, 0.5, 0.5, 0],
      averagePrecision: 0.742149,
    }, { step });
    run.logCurve("random-curve-man", { x: randn(10 * step), y: randn(10 * step) }, { step });
    run.logPlotlyChart("2d-hist", densityHeatmap(), { step });
    const z = [[0.1, 0.3, 0.5, 0.2], [1.0, 0.8, 0.6, 0.1], [0.1, 0.3, 0.6, 0.9], [0.6, 0.4, 0.2, 0.2]].map((
      r,
    ) => r.map((v) => v * step));
    const labels = ["healthy", "multiple diseases", "rust", "scab"];
    run.logConfusionMatrix("confusion_test", { x: labels, y: labels, z }, { step });
  }
  await run.end();
  return run;
}

/**
 * After logging: validate the run strictly, inspect it, convert it to every other format and back (under
 * `out`, default `out/demo/`, never beside the run), and validate the shipped sample runs of older format
 * generations, all through the real CLI.
 */
export async function afterDemo(runDir: string, out = path.join("out", "demo")): Promise<void> {
  const say = (s: string) => console.log(`\n$ plxkit ${s}`);
  const codes: number[] = [];
  say(`validate --strict ${runDir}`);
  codes.push(await main(["validate", "--strict", "--no-notes", runDir]));
  say(`inspect ${runDir}`);
  codes.push(await main(["inspect", runDir]));
  const samples = path.join(path.dirname(new URL(import.meta.url).pathname), "fixtures", "runs");
  say(`validate fixtures/runs   (sample runs: Polyaxon 1.x, traceml 1.1, current, and a mixed file)`);
  await main(["validate", "--quiet", samples]);
  console.log(`\nconversions go to ${out}/ (replaced on each demo), so runs/ holds only runs`);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  for (const to of CONVERT_TARGETS) {
    const dest = path.join(out, to);
    say(`convert ${runDir} --to ${to} --out ${dest}`);
    codes.push(await main(["convert", runDir, "--to", to, "--out", dest]));
  }
  for (const from of CONVERT_TARGETS) {
    const back = path.join(out, `back-from-${from}`);
    say(`convert ${path.join(out, from)} --to plx --out ${back}`);
    codes.push(
      await main(["convert", path.join(out, from), "--from", from, "--to", "plx", "--out", back, "--quiet"]),
    );
    say(`validate --strict ${back}`);
    codes.push(await main(["validate", "--strict", "--quiet", back]));
  }
  const report = path.join(path.dirname(out), "report.html");
  say(`report ${runDir} --validate --out ${report}`);
  codes.push(await main(["report", runDir, "--validate", "--title", "plxkit demo run", "--out", report]));
  if (codes.some((c) => c !== 0)) console.log(`\nsome steps failed: exit codes ${codes.join(", ")}`);
  console.log(`\nrun: ${runDir}\nconversions: ${out}/ (each format, and back-from-<format>/ round trips)`);
  console.log(`report: ${report} (open it in a browser; it needs no network)`);
}

/** The formats the demo converts the run into. */
const CONVERT_TARGETS = FORMATS.filter((f) => f.sink && f.name !== "plx").map((f) => f.name);

if (import.meta.main) {
  const t0 = performance.now();
  const run = await demo();
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of Deno.readDirSync(d)) {
      const p = path.join(d, e.name);
      if (e.isDirectory) walk(p);
      else files.push(path.relative(run.path, p));
    }
  };
  walk(run.path);
  files.sort();
  const groups = new Map<string, { n: number; bytes: number }>();
  for (const f of files) {
    const parts = f.split("/");
    const key = parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts.length === 2 ? `${parts[0]}/` : f;
    const g = groups.get(key) ?? { n: 0, bytes: 0 };
    g.n++;
    g.bytes += Deno.statSync(path.join(run.path, f)).size;
    groups.set(key, g);
  }
  console.log(
    `seed demo: ${files.length} files in ${
      ((performance.now() - t0) / 1000).toFixed(2)
    } s, status ${run.status}`,
  );
  for (const [k, g] of groups) {
    console.log(`  ${k.padEnd(28)} ${String(g.n).padStart(3)} file(s) ${String(g.bytes).padStart(9)} bytes`);
  }
  if (run.diagnostics.length) console.log(`  reader diagnostics: ${run.diagnostics.length}`);
  await afterDemo(run.path);
}
