// The browser side of a plxkit report (inlined into the HTML by src/report/html.ts). Plain ES2020, no
// imports: reads the report data from <script id="plx-data">, builds the page with DOM calls only
// (textContent, never innerHTML, so run content is always text), draws metrics with uPlot (global `uPlot`)
// and the rest on canvases or in tables. A run's HTML is shown only in iframes with sandbox="" (no script).
(() => {
  "use strict";
  const D = JSON.parse(document.getElementById("plx-data").textContent);
  const app = document.getElementById("app");
  app.textContent = "";
  const COLORS = [
    "#3a6df0",
    "#e5483d",
    "#1f9d55",
    "#a05cd6",
    "#e09112",
    "#12a3b8",
    "#d6478f",
    "#6b7a2f",
    "#8c564b",
    "#444c5c",
  ];
  const MAX_CHOSEN = 12;
  // BokehJS logs at info level (and warns when a figure was made by another Bokeh version): errors only.
  if (globalThis.Bokeh && globalThis.Bokeh.set_log_level) globalThis.Bokeh.set_log_level("error");
  // whole-number tick steps for the step axis
  const STEP_INCRS = [];
  for (let m = 1; m <= 1e15; m *= 10) STEP_INCRS.push(m, 2 * m, 5 * m);

  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k in e && typeof v !== "string") e[k] = v;
      else e.setAttribute(k, v);
    }
    for (const c of kids.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(typeof c === "string" || typeof c === "number" ? String(c) : c);
    }
    return e;
  }
  const fmt = (v) => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return String(v);
      const a = Math.abs(v);
      return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
    }
    if (typeof v === "string") return v;
    return JSON.stringify(v);
  };
  const dur = (s) => {
    if (s === undefined || s === null) return "";
    if (s < 60) return `${s.toFixed(1)} s`;
    if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
    return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
  };
  const kv = (o) =>
    Object.entries(o || {})
      .map(([k, v]) => `${k}=${typeof v === "string" || typeof v === "number" ? fmt(v) : JSON.stringify(v)}`)
      .join("\n");
  const when = (s) => (s ? s.replace("T", " ").replace(/\.\d+/, "").replace(/\+00:00$|Z$/, " UTC") : "");

  const runIndex = new Map(D.runs.map((r, i) => [r.id, i]));
  const runLabel = (id) => {
    const r = D.runs[runIndex.get(id)];
    return r && r.name ? r.name : id;
  };
  const color = (id) => COLORS[(runIndex.get(id) ?? 0) % COLORS.length];
  const state = {
    chosen: new Set(D.runs.slice(0, MAX_CHOSEN).map((r) => r.id)),
    axis: "step",
    smoothing: 0,
    log: false,
  };
  const charts = new Map();
  globalThis.plxReport = { charts, state, data: D };

  // ------------------------------------------------------------------------------------------ notes
  const notes = el("section", { id: "notes" });
  const t = D.totals;
  if (D.runs.length > MAX_CHOSEN) {
    notes.append(el("p", {
      class: "note",
      text:
        `${D.runs.length} runs: the first ${MAX_CHOSEN} are drawn; tick others in the runs table to compare them.`,
    }));
  }
  if (t.downsampledSeries) {
    notes.append(el("p", {
      class: "note warn",
      text:
        `Downsampled for drawing: ${t.downsampledSeries} metric series had more than ${D.settings.maxPoints} ` +
        "points and are drawn from min/max buckets (every extremum kept); min, max and last in the legends are exact.",
    }));
  }
  if (t.thinnedSeries) {
    notes.append(el("p", {
      class: "note warn",
      text:
        `${t.thinnedSeries} series of other kinds had more steps than kept; evenly spread steps are shown ` +
        `(first and last included; at most ${D.settings.maxSteps} a series, 20 for media, 3 for charts).`,
    }));
  }
  notes.append(el("p", {
    class: "note",
    text: D.settings.assets === "link"
      ? "Media are linked files beside this report (--assets link)."
      : `Media are inline up to ${(D.settings.inlineLimit / 1e6).toFixed(1)} MB each (--assets inline)` +
        (t.assetsLeftOut ? `; ${t.assetsLeftOut} asset(s) left out, noted where they would be.` : "."),
  }));
  app.append(notes);

  // --------------------------------------------------------------------------------------- runs table
  const runsSec = el("section", { id: "runs" });
  const filter = el("input", {
    type: "search",
    placeholder: "filter runs (name, id, tag, input...)",
    size: 40,
  });
  const cols = [
    ["", null],
    ["name", (r) => r.name || ""],
    ["uuid", (r) => r.uuid || r.id],
    ["status", (r) => r.status || ""],
    ["created", (r) => r.created || ""],
    ["duration", (r) => r.duration ?? -1],
    ["tags", (r) => r.tags.join(", ")],
    ["inputs", (r) => kv(r.inputs)],
    ["outputs", (r) => kv(r.outputs)],
    ["events", (r) => r.events],
    ["problems", (r) => r.problems.length + r.moreProblems + (findingsOf(r.id).length)],
  ];
  const tbody = el("tbody");
  let sortCol = -1;
  let sortDir = 1;
  const headRow = el("tr");
  cols.forEach(([name, key], i) => {
    const th = el("th", { text: name });
    if (key) {
      th.addEventListener("click", () => {
        sortDir = sortCol === i ? -sortDir : 1;
        sortCol = i;
        headRow.querySelectorAll("th").forEach((h) => h.removeAttribute("data-sort"));
        th.setAttribute("data-sort", sortDir > 0 ? "asc" : "desc");
        fillRuns();
      });
    }
    headRow.append(th);
  });
  function findingsOf(id) {
    return (D.findings || []).filter((f) => f.run === id);
  }
  function fillRuns() {
    const q = filter.value.trim().toLowerCase();
    let rows = D.runs.map((r, i) => ({ r, i }));
    if (q) {
      rows = rows.filter(({ r }) =>
        [r.name, r.id, r.uuid, r.status, r.tags.join(" "), kv(r.inputs), kv(r.outputs)].join(" ")
          .toLowerCase()
          .includes(q)
      );
    }
    if (sortCol > 0) {
      const key = cols[sortCol][1];
      rows.sort((a, b) => {
        const x = key(a.r);
        const y = key(b.r);
        return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y))) *
          sortDir;
      });
    }
    tbody.textContent = "";
    for (const { r, i } of rows) {
      const box = el("input", {
        type: "checkbox",
        checked: state.chosen.has(r.id),
        "data-run": r.id,
        title: "compare this run",
        onchange: (ev) => {
          if (ev.target.checked) state.chosen.add(r.id);
          else state.chosen.delete(r.id);
          renderAll();
        },
      });
      const nProblems = r.problems.length + r.moreProblems + findingsOf(r.id).length;
      tbody.append(el(
        "tr",
        { id: `run-${i}` },
        el(
          "td",
          { class: "nowrap" },
          el("span", { class: "swatch", style: `background:${color(r.id)}` }),
          box,
        ),
        el("td", { text: r.name || "" }),
        el("td", { text: r.uuid || r.id }),
        el("td", { text: r.status || "" }),
        el("td", { class: "nowrap", text: when(r.created), title: r.created || "" }),
        el("td", { text: dur(r.duration) }),
        el("td", { text: r.tags.join(", ") }),
        el("td", { class: "kv", text: kv(r.inputs) }),
        el("td", { class: "kv", text: kv(r.outputs) }),
        el("td", { text: String(r.events) }),
        el("td", {}, nProblems ? el("a", { href: `#problems-${i}`, text: String(nProblems) }) : "0"),
      ));
    }
  }
  filter.addEventListener("input", fillRuns);
  const setAll = (on) => {
    for (const box of tbody.querySelectorAll("input[type=checkbox]")) {
      if (on) state.chosen.add(box.dataset.run);
      else state.chosen.delete(box.dataset.run);
    }
    fillRuns();
    renderAll();
  };
  runsSec.append(
    el("h2", {}, "Runs", el("small", { text: `${D.runs.length} run(s); click a heading to sort` })),
    el(
      "div",
      { class: "toolbar" },
      filter,
      el("button", { type: "button", text: "compare shown", onclick: () => setAll(true) }),
      el("button", { type: "button", text: "compare none", onclick: () => setAll(false) }),
    ),
    el("div", { style: "overflow:auto" }, el("table", { id: "runs-table" }, el("thead", {}, headRow), tbody)),
  );
  app.append(runsSec);
  fillRuns();

  // ------------------------------------------------------------------------------------------ metrics
  const metricNames = [...new Set(D.metrics.map((m) => m.name))].sort();
  const metricsSec = el("section", { id: "metrics" });
  const metricGrid = el("div", { class: "grid" });
  const smooth = el("input", {
    type: "range",
    id: "smoothing",
    min: "0",
    max: "0.99",
    step: "0.01",
    value: "0",
  });
  const smoothLabel = el("span", { text: "0.00" });
  smooth.addEventListener("input", () => {
    state.smoothing = Number(smooth.value);
    smoothLabel.textContent = state.smoothing.toFixed(2);
    for (const c of charts.values()) c.u.setData(c.build());
  });
  const axis = el(
    "select",
    { id: "x-axis", onchange: (ev) => (state.axis = ev.target.value, renderMetrics()) },
    el("option", { value: "step", text: "step" }),
    el("option", { value: "relative", text: "relative time" }),
    el("option", { value: "time", text: "wall time" }),
  );
  const logBox = el("input", {
    type: "checkbox",
    id: "log-scale",
    onchange: (ev) => (state.log = ev.target.checked, renderMetrics()),
  });
  if (metricNames.length) {
    metricsSec.append(
      el("h2", {}, "Metrics", el("small", { text: `${metricNames.length} metric(s)` })),
      el(
        "div",
        { class: "toolbar" },
        el("label", {}, "x axis ", axis),
        el("label", {}, "smoothing ", smooth, " ", smoothLabel),
        el("label", {}, logBox, " log scale"),
      ),
      metricGrid,
    );
    app.append(metricsSec);
  }

  function ema(v, w) {
    if (!w) return v;
    const out = new Array(v.length);
    let last = 0;
    let n = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === null) {
        out[i] = null;
        continue;
      }
      last = last * w + (1 - w) * v[i];
      n++;
      out[i] = last / (1 - Math.pow(w, n)); // debiased, as TensorBoard does
    }
    return out;
  }

  function seriesXY(m) {
    const p = m.points;
    const t0 = p.t.length ? Math.min(...p.t) : 0;
    const xs = state.axis === "step" ? p.x : state.axis === "time" ? p.t : p.t.map((x) => x - t0);
    const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
    return { x: idx.map((i) => xs[i]), v: idx.map((i) => p.v[i]) };
  }

  function metricChart(name) {
    const ms = D.metrics.filter((m) => m.name === name && state.chosen.has(m.run));
    const card = el("div", { class: "card metric", "data-metric": name });
    card.append(el("h3", { text: name }));
    if (!ms.length) {
      card.append(el("p", { class: "note", text: "no chosen run has this metric" }));
      return card;
    }
    const holder = el("div", { class: "chart" });
    card.append(holder);
    const xy = ms.map(seriesXY);
    const build = () => {
      const xsAll = [...new Set(xy.flatMap((s) => s.x))].sort((a, b) => a - b);
      const pos = new Map(xsAll.map((x, i) => [x, i]));
      const cols = xy.map((s) => {
        const ys = new Array(xsAll.length).fill(null);
        const sm = ema(s.v, state.smoothing);
        s.x.forEach((x, i) => {
          let y = sm[i];
          if (state.log && !(y > 0)) y = null;
          ys[pos.get(x)] = y;
        });
        return ys;
      });
      return [xsAll, ...cols];
    };
    const width = Math.max(
      300,
      (metricGrid.clientWidth || 900) / Math.max(1, Math.floor((metricGrid.clientWidth || 900) / 470)) - 24,
    );
    const opts = {
      width,
      height: 220,
      scales: { x: { time: state.axis === "time" }, y: { distr: state.log ? 3 : 1 } },
      axes: [
        {
          label: state.axis === "step" ? "step" : state.axis === "time" ? "" : "seconds",
          ...(state.axis === "step" ? { incrs: STEP_INCRS } : {}),
        },
        {},
      ],
      series: [
        { label: state.axis },
        ...ms.map((m) => ({
          label: runLabel(m.run),
          stroke: color(m.run),
          width: 1.5,
          spanGaps: true,
          points: { show: false },
          value: (_u, v) => (v === null || v === undefined ? "-" : fmt(v)),
        })),
      ],
      legend: { show: true, live: true },
    };
    const u = new uPlot(opts, build(), holder);
    charts.set(name, { u, build });
    const legend = el(
      "table",
      { class: "legend" },
      el("tr", {}, ["run", "min", "max", "last", "points"].map((h) => el("th", { text: h }))),
      ms.map((m) =>
        el(
          "tr",
          {},
          el("td", {}, el("span", { class: "swatch", style: `background:${color(m.run)}` }), runLabel(m.run)),
          el("td", { text: fmt(m.stats.min) }),
          el("td", { text: fmt(m.stats.max) }),
          el("td", { text: fmt(m.stats.last) + (m.stats.lastStep !== null ? ` @${m.stats.lastStep}` : "") }),
          el("td", {
            text: `${m.points.v.length}${m.downsampled ? ` of ${m.stats.count} (downsampled)` : ""}` +
              (m.stats.nonFinite ? `; ${m.stats.nonFinite} NaN/inf` : ""),
          }),
        )
      ),
    );
    card.append(legend);
    return card;
  }

  function renderMetrics() {
    for (const c of charts.values()) c.u.destroy();
    charts.clear();
    metricGrid.textContent = "";
    for (const name of metricNames) metricGrid.append(metricChart(name));
  }

  // ------------------------------------------------------------------------------------ other kinds
  const KINDS = [
    ["image", "Images"],
    ["audio", "Audio"],
    ["video", "Video"],
    ["text", "Text"],
    ["html", "HTML"],
    ["histogram", "Histograms"],
    ["curve", "Curves"],
    ["confusion", "Confusion matrices"],
    ["dataframe", "Dataframes"],
    ["chart", "Charts"],
    ["span", "Spans"],
    ["artifact", "Artifacts"],
    ["model", "Models"],
  ];
  const kindSecs = el("div", { id: "kinds" });
  app.append(kindSecs);

  function stepper(items, render) {
    const box = el("div", { class: "stepper-box" });
    const label = el("span", {});
    const content = el("div", { class: "content" });
    const show = (i) => {
      const it = items[i];
      label.textContent = `step ${it.step ?? "-"} (${i + 1}/${items.length})`;
      content.textContent = "";
      render(it, content);
      if (it.note) content.append(el("p", { class: "note warn", text: it.note }));
    };
    if (items.length > 1) {
      const range = el("input", {
        type: "range",
        class: "step-slider",
        min: "0",
        max: String(items.length - 1),
        step: "1",
      });
      range.value = String(items.length - 1);
      range.addEventListener("input", () => show(Number(range.value)));
      box.append(el("div", { class: "stepper" }, range, label));
    } else box.append(el("div", { class: "stepper" }, label));
    box.append(content);
    show(items.length - 1);
    return box;
  }

  function canvas(w, h) {
    const c = el("canvas", { class: "plot" });
    const r = globalThis.devicePixelRatio || 1;
    c.width = w * r;
    c.height = h * r;
    c.style.height = `${h}px`;
    c.style.width = `${w}px`;
    c.style.maxWidth = "100%";
    const g = c.getContext("2d");
    g.scale(r, r);
    return [c, g];
  }

  function histogramHeatmap(items) {
    const rows = items.filter((it) =>
      Array.isArray(it.value && it.value.counts) && Array.isArray(it.value.edges)
    );
    if (!rows.length) return el("p", { class: "note", text: "no bins to draw" });
    let lo = Infinity;
    let hi = -Infinity;
    for (const it of rows) {
      for (const e of it.value.edges) {
        if (typeof e === "number") {
          lo = Math.min(lo, e);
          hi = Math.max(hi, e);
        }
      }
    }
    if (!(hi > lo)) hi = lo + 1;
    const W = 440;
    const rowH = Math.max(4, Math.min(22, Math.floor(200 / rows.length)));
    const H = rows.length * rowH + 22;
    const [c, g] = canvas(W, H);
    const left = 46;
    rows.forEach((it, r) => {
      const counts = it.value.counts.map((x) => (typeof x === "number" ? x : 0));
      const max = Math.max(1e-12, ...counts);
      const y = r * rowH;
      counts.forEach((n, i) => {
        const a = it.value.edges[i];
        const b = it.value.edges[i + 1];
        if (typeof a !== "number" || typeof b !== "number") return;
        const x0 = left + ((a - lo) / (hi - lo)) * (W - left - 4);
        const x1 = left + ((b - lo) / (hi - lo)) * (W - left - 4);
        const k = n / max;
        g.fillStyle = `rgba(58,109,240,${0.08 + 0.92 * k})`;
        g.fillRect(x0, y, Math.max(1, x1 - x0), rowH - 1);
      });
      g.fillStyle = "#667085";
      g.font = "10px sans-serif";
      if (rowH >= 9 || r === 0 || r === rows.length - 1) {
        g.fillText(`step ${it.step ?? "-"}`, 0, y + rowH - 2);
      }
    });
    g.fillStyle = "#1d2330";
    g.font = "11px sans-serif";
    g.fillText(fmt(lo), left, H - 6);
    const hiText = fmt(hi);
    g.fillText(hiText, W - 4 - g.measureText(hiText).width, H - 6);
    return c;
  }

  function curvePlot(v) {
    const xs = (v.x || []).map((x) => (typeof x === "number" ? x : NaN));
    const ys = (v.y || []).map((y) => (typeof y === "number" ? y : NaN));
    const W = 440;
    const H = 220;
    const [c, g] = canvas(W, H);
    const fin = (a) => a.filter(Number.isFinite);
    let [x0, x1] = [Math.min(...fin(xs)), Math.max(...fin(xs))];
    let [y0, y1] = [Math.min(...fin(ys)), Math.max(...fin(ys))];
    if (!(x1 > x0)) [x0, x1] = [x0 - 1 || 0, x0 + 1 || 1];
    if (!(y1 > y0)) [y0, y1] = [y0 - 1 || 0, y0 + 1 || 1];
    const L = 40;
    const B = 20;
    const px = (x) => L + ((x - x0) / (x1 - x0)) * (W - L - 8);
    const py = (y) => H - B - ((y - y0) / (y1 - y0)) * (H - B - 8);
    g.strokeStyle = "#c8ced8";
    g.strokeRect(L, 8, W - L - 8, H - B - 8);
    g.fillStyle = "#667085";
    g.font = "10px sans-serif";
    g.fillText(fmt(x0), L, H - 6);
    g.fillText(fmt(x1), W - 40, H - 6);
    g.fillText(fmt(y1), 2, 16);
    g.fillText(fmt(y0), 2, H - B);
    g.strokeStyle = "#3a6df0";
    g.lineWidth = 1.5;
    g.beginPath();
    let started = false;
    for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
      if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
      if (!started) g.moveTo(px(xs[i]), py(ys[i]));
      else g.lineTo(px(xs[i]), py(ys[i]));
      started = true;
    }
    g.stroke();
    return c;
  }

  // A span and its children (depth first, at most 200) as bars on one time axis, coloured by status.
  function spanTimeline(root) {
    const rows = [];
    const walk = (sp, depth) => {
      if (rows.length >= 200 || !sp || typeof sp !== "object") return;
      rows.push({ sp, depth });
      for (const ch of Array.isArray(sp.children) ? sp.children : []) walk(ch, depth + 1);
    };
    walk(root, 0);
    const time = (x) => {
      const v = typeof x === "string" ? Date.parse(x.replace(" ", "T")) : NaN;
      return Number.isFinite(v) ? v : null;
    };
    let lo = Infinity;
    let hi = -Infinity;
    for (const { sp } of rows) {
      for (const v of [time(sp.started_at), time(sp.finished_at)]) {
        if (v !== null) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      }
    }
    if (!(hi > lo)) hi = lo + 1;
    const W = 440;
    const rowH = 18;
    const left = 150;
    const [cv, g] = canvas(W, rows.length * rowH + 18);
    g.font = "11px sans-serif";
    rows.forEach(({ sp, depth }, r) => {
      const y = r * rowH;
      g.fillStyle = "#1d2330";
      const label = `${sp.name ?? "(span)"}${sp.kind ? ` [${sp.kind}]` : ""}`;
      g.fillText(label.slice(0, 26), 2 + depth * 8, y + 13);
      const a = time(sp.started_at);
      const b = time(sp.finished_at);
      g.fillStyle = sp.status === "failed" ? "#e5483d" : sp.status === "succeeded" ? "#1f9d55" : "#3a6df0";
      if (a === null) {
        g.fillStyle = "#667085";
        g.fillText("no start time", left, y + 13);
        return;
      }
      const x0 = left + ((a - lo) / (hi - lo)) * (W - left - 60);
      const x1 = b === null ? x0 + 2 : left + ((b - lo) / (hi - lo)) * (W - left - 60);
      g.fillRect(x0, y + 3, Math.max(2, x1 - x0), rowH - 6);
      g.fillStyle = "#667085";
      if (b !== null) g.fillText(`${((b - a) / 1000).toFixed(3)} s`, Math.min(x1 + 4, W - 56), y + 13);
    });
    g.fillStyle = "#667085";
    g.fillText(`${((hi - lo) / 1000).toFixed(3)} s in all`, left, rows.length * rowH + 13);
    return cv;
  }

  function confusionTable(v) {
    const z = Array.isArray(v.z) ? v.z : [];
    const nums = z.flat().filter((x) => typeof x === "number");
    const max = Math.max(1e-12, ...nums.map(Math.abs));
    const xl = Array.isArray(v.x) ? v.x : [];
    const yl = Array.isArray(v.y) ? v.y : [];
    return el(
      "table",
      { class: "cm" },
      el("tr", {}, el("th", { text: "" }), xl.map((x) => el("th", { text: fmt(x) }))),
      z.map((row, i) =>
        el(
          "tr",
          {},
          el("th", { text: fmt(yl[i]) }),
          (Array.isArray(row) ? row : []).map((x) =>
            el("td", {
              text: fmt(x),
              style: typeof x === "number"
                ? `background:rgba(58,109,240,${(Math.abs(x) / max * 0.85).toFixed(3)})`
                : "",
            })
          ),
        )
      ),
    );
  }

  function dataTable(rows) {
    const [head, ...body] = rows;
    return el(
      "div",
      { style: "overflow:auto;max-height:300px" },
      el(
        "table",
        {},
        el("tr", {}, (head || []).map((h) => el("th", { text: h }))),
        body.map((r) => el("tr", {}, r.map((c) => el("td", { text: c })))),
      ),
    );
  }

  const RENDER = {
    image: (it, c) => {
      if (it.src) {
        c.append(
          el("div", { class: "media" }, el("img", { src: it.src, alt: `step ${it.step}`, loading: "eager" })),
        );
      }
    },
    audio: (it, c) => {
      if (it.src) c.append(el("audio", { controls: true, preload: "metadata", src: it.src }));
    },
    video: (it, c) => {
      if (!it.src) return;
      if (it.mime && it.mime.startsWith("image/")) {
        c.append(el("div", { class: "media" }, el("img", { src: it.src })));
      } else {c.append(
          el("video", { controls: true, preload: "metadata", src: it.src, style: "max-width:100%" }),
        );}
    },
    text: (it, c) => c.append(el("pre", { text: String(it.value) })),
    html: (it, c) => {
      // sandbox="" : no scripts, no forms, no popups, no same-origin access. The CSP blocks any fetch.
      const f = el("iframe", { sandbox: "", title: "HTML event (sandboxed)", referrerpolicy: "no-referrer" });
      f.srcdoc = String(it.value);
      c.append(f);
    },
    curve: (it, c) => {
      const v = it.value || {};
      c.append(curvePlot(v));
      const extra = [v.kind, v.annotation].filter(Boolean).join(", ");
      if (extra) c.append(el("p", { class: "note", text: extra }));
    },
    confusion: (it, c) => c.append(confusionTable(it.value || {})),
    dataframe: (it, c) => {
      if (it.table) c.append(dataTable(it.table));
    },
    chart: (it, c) => {
      const v = it.value || {};
      const fig = v.figure;
      if (v.kind === "plotly" && globalThis.Plotly && fig && typeof fig === "object") {
        const div = el("div", { class: "plotly-chart" });
        c.append(div);
        const copy = structuredClone(fig); // (Plotly writes into the objects it draws)
        const layout = Object.assign({}, copy.layout || {}, { autosize: true });
        delete layout.width;
        layout.height = Math.min(Number(layout.height) || 360, 420);
        try {
          globalThis.Plotly.newPlot(div, Array.isArray(copy.data) ? copy.data : [], layout, {
            displaylogo: false,
            responsive: true,
            showLink: false,
          });
        } catch (e) {
          c.append(el("p", { class: "note warn", text: `plotly.js could not draw this figure: ${e}` }));
        }
        return;
      }
      if (v.kind === "vega" && globalThis.vegaEmbed && fig && typeof fig === "object") {
        const div = el("div", { class: "vega-chart" });
        c.append(div);
        // ast + the interpreter: a spec's expressions are interpreted, never compiled to code
        globalThis.vegaEmbed(div, structuredClone(fig), {
          ast: true,
          expr: globalThis.vegaExpressionInterpreter,
          actions: false,
          renderer: "svg",
          logLevel: globalThis.vega.Error,
        }).catch((e) =>
          c.append(el("p", { class: "note warn", text: `Vega could not draw this figure: ${e}` }))
        );
        return;
      }
      if (v.kind === "bokeh" && globalThis.Bokeh && fig && typeof fig === "object") {
        const div = el("div", { class: "bokeh-chart" });
        c.append(div);
        try {
          globalThis.Bokeh.embed.embed_item(structuredClone(fig), div).catch((e) =>
            c.append(el("p", { class: "note warn", text: `BokehJS could not draw this figure: ${e}` }))
          );
        } catch (e) {
          c.append(el("p", { class: "note warn", text: `BokehJS could not draw this figure: ${e}` }));
        }
        return;
      }
      c.append(el("p", {
        class: "note",
        text: `${v.kind || "chart"} figure, shown as JSON (${
          ["plotly", "vega", "bokeh"].includes(v.kind) ? "--charts json" : "an unknown kind of chart"
        }; see docs/report.md)`,
      }));
      const s = JSON.stringify(v.figure ?? v, null, 1) || "";
      c.append(el("pre", { text: s.length > 20000 ? s.slice(0, 20000) + "\n... (cut)" : s }));
    },
    span: (it, c) => {
      c.append(spanTimeline(it.value));
      const s = JSON.stringify(it.value, null, 1) || "";
      c.append(el(
        "details",
        {},
        el("summary", { text: "span as JSON" }),
        el("pre", { text: s.length > 20000 ? s.slice(0, 20000) + "\n... (cut)" : s }),
      ));
    },
    artifact: (it, c) => c.append(el("pre", { text: JSON.stringify(it.value, null, 1) })),
    model: (it, c) => c.append(el("pre", { text: JSON.stringify(it.value, null, 1) })),
  };

  function renderKinds() {
    kindSecs.textContent = "";
    for (const [type, title] of KINDS) {
      const all = D.series.filter((s) => s.type === type);
      if (!all.length) continue;
      const chosen = all.filter((s) => state.chosen.has(s.run));
      const names = [...new Set(all.map((s) => `${s.kind}/${s.name}`))].sort();
      const sec = el("section", { id: `kind-${type}` });
      sec.append(el("h2", {}, title, el("small", { text: `${names.length} name(s)` })));
      if (type === "html") {
        sec.append(
          el("p", {
            class: "note",
            text: "HTML events are shown in sandboxed frames: their scripts never run.",
          }),
        );
      }
      const grid = el("div", { class: "grid" });
      for (const key of names) {
        const ss = chosen.filter((s) => `${s.kind}/${s.name}` === key);
        if (!ss.length) continue;
        const card = el("div", { class: `card kind-${type}`, "data-name": key });
        card.append(el("h3", { text: ss[0].kind === type ? ss[0].name : key }));
        for (const s of ss) {
          const head = el(
            "div",
            { class: "note" },
            el("span", { class: "swatch", style: `background:${color(s.run)}` }),
            runLabel(s.run),
          );
          if (s.items.length < s.total) head.append(` (${s.items.length} of ${s.total} steps shown)`);
          card.append(head);
          if (type === "histogram") card.append(histogramHeatmap(s.items));
          else card.append(stepper(s.items, RENDER[type]));
        }
        grid.append(card);
      }
      sec.append(grid);
      kindSecs.append(sec);
    }
  }

  // ------------------------------------------------------------------------------ findings, problems
  const probSec = el("section", { id: "problems" });
  app.append(probSec);
  function renderProblems() {
    probSec.textContent = "";
    const rows = [];
    D.runs.forEach((r, i) => {
      for (const p of r.problems) rows.push({ i, r, src: "read", ...p });
      for (const f of findingsOf(r.id)) rows.push({ i, r, src: "validate", ...f });
    });
    const loose = (D.findings || []).filter((f) => !runIndex.has(f.run));
    if (!rows.length && !loose.length && !D.problems.length && !D.findings) return;
    probSec.append(el(
      "h2",
      {},
      D.findings ? "Validation findings and read problems" : "Read problems",
      el("small", {
        text: `${rows.length + loose.length + D.problems.length} finding(s)${
          D.moreFindings ? `, ${D.moreFindings} more not listed` : ""
        }`,
      }),
    ));
    if (D.findings && !D.findings.length) {
      probSec.append(el("p", { class: "note", text: "validation found nothing." }));
    }
    const seenRun = new Set();
    const table = el(
      "table",
      { class: "findings" },
      el("tr", {}, ["file:line", "severity", "run", "from", "message"].map((h) => el("th", { text: h }))),
    );
    const add = (p, runCell, id) =>
      table.append(el(
        "tr",
        id ? { id } : {},
        el("td", { text: p.file + (p.line ? `:${p.line}` : "") }),
        el("td", { class: `sev-${p.severity}`, text: p.severity }),
        el("td", {}, runCell),
        el("td", { text: p.src || "" }),
        el("td", { text: p.message }),
      ));
    for (const p of rows) {
      const id = seenRun.has(p.i) ? undefined : `problems-${p.i}`;
      seenRun.add(p.i);
      add(p, el("a", { href: `#run-${p.i}`, text: p.r.name || p.r.id }), id);
    }
    for (const f of loose) add({ ...f, src: "validate" }, f.path || f.run || "");
    for (const p of D.problems) add({ ...p, src: "read" }, "");
    probSec.append(table);
  }

  function renderAll() {
    renderMetrics();
    renderKinds();
  }
  renderAll();
  renderProblems();
  let resizeTimer;
  globalThis.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(renderMetrics, 200);
  });
  document.body.dataset.ready = "1";
})();
