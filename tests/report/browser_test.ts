// The report in a real browser (headless Chromium): no console errors, no network requests, a drawn line in
// every metric chart, images that decode, sliders that change what is shown, hostile run content inert.
import * as path from "node:path";
import { demo } from "../../demo.ts";
import { run as cli } from "../_cli.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { hostileRun } from "./_runs.ts";
import { launch, skipBrowser } from "./_browser.ts";

// Page-side callbacks run in the browser; Deno's type check has no DOM library, so they are loosely typed.
// deno-lint-ignore no-explicit-any
type El = any;
declare const document: El;

Deno.test({
  name: "report in headless Chromium: charts drawn, media decode, sliders work, no script or network",
  ignore: skipBrowser(),
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "plxkit-report-browser-" });
    const browser = await launch();
    try {
      const runs = path.join(dir, "runs");
      const seed = await demo(runs);
      await hostileRun(runs, 20_000);
      const out = path.join(dir, "report.html");
      const r = await cli("report", runs, "--out", out, "--max-points", "1000", "--validate");
      assertEquals(r.code, 0, r.err);
      const url = new URL(`file://${out}`).href;

      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warn") errors.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => errors.push(`pageerror: ${e}`));
      await page.setRequestInterception(true);
      page.on("request", (req) => {
        const u = req.url();
        if (u === url || u.startsWith("data:") || u === "about:srcdoc") return void req.continue();
        requests.push(u);
        void req.abort();
      });
      await page.goto(url, { waitUntil: "load" });
      await page.waitForSelector("body[data-ready]", { timeout: 10_000 });

      await t.step("runs table: both runs, sort, filter", async () => {
        const names = () =>
          page.$$eval("#runs-table tbody tr", (rows) => rows.map((r) => r.children[1].textContent));
        assertEquals((await names()).length, 2);
        await page.click("#runs-table th:nth-child(2)");
        const asc = await names();
        await page.click("#runs-table th:nth-child(2)");
        assertEquals(await names(), [...asc].reverse());
        await page.type("#runs input[type=search]", "sweep");
        assertEquals((await names()).length, 1);
        await page.$eval("#runs input[type=search]", (e) => {
          (e as El).value = "";
          e.dispatchEvent(new Event("input"));
        });
        assertEquals((await names()).length, 2);
      });

      await t.step("every metric has a chart with a drawn line", async () => {
        const cards = await page.$$eval("#metrics .card.metric", (cards) =>
          cards.map((c) => {
            const cv = c.querySelector("canvas") as El | null;
            if (!cv) return { name: c.getAttribute("data-metric"), coloured: 0 };
            const px = cv.getContext("2d")!.getImageData(0, 0, cv.width, cv.height).data;
            let coloured = 0; // pixels in a series colour: saturated, not grey axes or text
            for (let i = 0; i < px.length; i += 4) {
              const [r, g, b, a] = [px[i], px[i + 1], px[i + 2], px[i + 3]];
              if (a > 100 && Math.max(r, g, b) - Math.min(r, g, b) > 80) coloured++;
            }
            return { name: c.getAttribute("data-metric"), coloured };
          }));
        // The demo run samples resources (on by default offline, as traceml): charted as resources/<name>,
        // a sample or two each; the logged metrics are long lines.
        assertEquals(cards.map((c) => c.name).sort(), [
          "accuracy",
          "loss",
          "resources/cpu",
          "resources/load",
          "resources/memory",
        ]);
        for (const c of cards) {
          if (!c.name?.startsWith("resources/")) {
            assertOk(c.coloured > 50, `${c.name}: ${c.coloured} line pixels`);
          }
        }
      });

      await t.step("the report says it downsampled", async () => {
        const text = await page.$eval("#notes", (e) => e.textContent ?? "");
        assertOk(/Downsampled for drawing: 1 metric series/.test(text), text);
      });

      await t.step("the smoothing slider changes the line", async () => {
        const snap = () =>
          page.$eval(
            '.card.metric[data-metric="loss"] canvas',
            (c) => (c as El).toDataURL(),
          );
        const before = await snap();
        await page.$eval("#smoothing", (e) => {
          (e as El).value = "0.95";
          e.dispatchEvent(new Event("input"));
        });
        const after = await snap();
        assertOk(before !== after, "the chart was redrawn differently");
        await page.click("#log-scale"); // rebuilds every chart on a log axis
        const logged = await page.$$eval(".card.metric canvas", (cs) => cs.length);
        assertEquals(logged, 5); // accuracy, loss and the three resources series
      });

      await t.step("images decode and the step slider changes the image", async () => {
        const decoded = await page.$$eval("#kind-image img", async (imgs) => {
          const out = [];
          for (const img of imgs as El[]) {
            await img.decode();
            out.push(img.naturalWidth);
          }
          return out;
        });
        assertOk(decoded.length >= 2 && decoded.every((w) => w > 0), JSON.stringify(decoded));
        const colourAt = (value: string) =>
          page.$eval('#kind-image .card[data-name="image/sample"]', async (card, value) => {
            const range = card.querySelector("input.step-slider") as El;
            range.value = value as string;
            range.dispatchEvent(new Event("input"));
            const img = card.querySelector("img") as El;
            await img.decode();
            const c = document.createElement("canvas");
            [c.width, c.height] = [img.naturalWidth, img.naturalHeight];
            const g = c.getContext("2d")!;
            g.drawImage(img, 0, 0);
            return [...g.getImageData(1, 1, 1, 1).data.slice(0, 3)];
          }, value);
        assertEquals(await colourAt("0"), [255, 0, 0]);
        assertEquals(await colourAt("1"), [0, 0, 255]);
      });

      await t.step("every other kind of the demo is shown", async () => {
        const kinds = await page.$$eval("#kinds section", (s) => s.map((e) => e.id));
        for (
          const k of [
            "image",
            "audio",
            "text",
            "html",
            "histogram",
            "curve",
            "confusion",
            "chart",
            "dataframe",
          ]
        ) {
          assertOk(kinds.includes(`kind-${k}`), `${k} in ${kinds}`);
        }
        const audio = await page.$$eval("#kind-audio audio", (a) => a.map((e) => (e as El).src));
        assertOk(audio.length >= 1 && audio.every((s) => s.startsWith("data:audio/wav;base64,")));
        const hist = await page.$$eval("#kind-histogram canvas", (cs) => cs.length);
        assertOk(hist >= 3, `${hist} histogram canvases`);
        const spans = await page.$$eval("#kind-span canvas", (cs) =>
          cs.map((c: El) => {
            const px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
            let red = 0; // the failed child span's bar
            for (let i = 0; i < px.length; i += 4) {
              if (px[i] > 200 && px[i + 1] < 100 && px[i + 3] > 200) red++;
            }
            return red;
          }));
        assertOk(spans.length === 1 && spans[0] > 20, `span timeline: ${spans}`);
        await page.waitForSelector("#kind-chart .vega-chart svg", { timeout: 10_000 });
        const vega = await page.$$eval("#kind-chart .vega-chart svg .mark-symbol path", (p) => p.length);
        assertOk(vega >= 100, `${vega} Vega-Lite points drawn by Vega`);
        // (BokehJS draws inside shadow roots: wait for the figure to take room, with no failure note)
        await page.waitForFunction(
          () =>
            (document.querySelector("#kind-chart .bokeh-chart")?.getBoundingClientRect().height ?? 0) > 200,
          { timeout: 10_000 },
        );
        const failed = await page.$$eval("#kind-chart .note.warn", (n) => n.map((e) => e.textContent));
        assertEquals(failed.filter((t: string) => /could not draw/.test(t)), []);
        const plotly = await page.$$eval("#kind-chart .plotly-chart svg.main-svg", (s) => s.length);
        assertOk(plotly >= 3, `${plotly} Plotly figures drawn by plotly.js`);
        const cells = await page.$$eval("#kind-dataframe td", (tds) => tds.map((e) => e.textContent));
        assertOk(cells.includes("<i>x</i>"), "dataframe cells as text");
      });

      await t.step("hostile content does not run: no script, no handler, no request", async () => {
        await new Promise((r) => setTimeout(r, 300));
        const state = await page.evaluate(() => ({
          pwned: (globalThis as { pwned?: unknown }).pwned,
          title: document.title,
          names: [...document.querySelectorAll("#runs-table td")].map((e) => e.textContent),
        }));
        assertEquals(state.pwned, undefined);
        assertEquals(state.title, "plxkit report");
        assertOk(state.names.includes(`<img src=x onerror="globalThis.pwned=1">`), "the name shown as text");
        const frames = await page.$$eval(
          "#kind-html iframe",
          (fs) => fs.map((f) => f.getAttribute("sandbox")),
        );
        assertOk(frames.length >= 2 && frames.every((s) => s === ""), JSON.stringify(frames));
        const hostile = page.frames().find((f) => f.url() === "about:srcdoc" && f !== page.mainFrame());
        assertOk(hostile, "the HTML events are frames");
        let bold: string | null = null;
        for (const f of page.frames()) {
          const b = await f.$eval("b", (e) => e.textContent).catch(() => null);
          if (b === "bold survives") bold = b;
        }
        assertEquals(bold, "bold survives");
      });

      await t.step("unticking a run takes it out of the charts", async () => {
        await page.$eval(`#runs-table input[data-run="${path.basename(seed.path)}"]`, (e) => {
          (e as El).click();
        });
        const legends = await page.$$eval('.card.metric[data-metric="loss"] .legend tr', (r) => r.length);
        assertEquals(legends, 2, "header + the hostile run");
      });

      assertEquals(requests, [], "no network requests");
      // The browser's own refusals of the hostile HTML event are the only console errors.
      const refused =
        /^error: (Blocked script execution in 'about:srcdoc' because the document's frame is sandboxed|Loading the image 'http:\/\/example\.invalid\/beacon\.png' violates the following Content Security Policy|Not allowed to load local resource: file:\/\/.*\/x$)/;
      assertEquals(errors.filter((e) => !refused.test(e)), [], "no other console errors");
      assertOk(errors.some((e) => e.includes("Blocked script execution")), "the sandbox refused the script");

      await t.step("a report of the demo run alone: no console error or warning, no request", async () => {
        const only = path.join(dir, "demo.html");
        const d = await cli("report", seed.path, "--out", only);
        assertEquals(d.code, 0, d.err);
        const p2 = await browser.newPage();
        const messages: string[] = [];
        p2.on("console", (m) => {
          // (BokehJS logs its own log-level change at info level)
          if (m.type() === "error" || m.type() === "warn") messages.push(`${m.type()}: ${m.text()}`);
        });
        p2.on("pageerror", (e) => messages.push(`pageerror: ${e}`));
        p2.on("request", (req) => {
          if (!req.url().startsWith("data:") && req.url() !== new URL(`file://${only}`).href) {
            messages.push(`request: ${req.url()}`);
          }
        });
        await p2.goto(new URL(`file://${only}`).href, { waitUntil: "load" });
        await p2.waitForSelector("body[data-ready]", { timeout: 10_000 });
        await p2.$eval("#smoothing", (e: El) => {
          e.value = "0.5";
          e.dispatchEvent(new Event("input"));
        });
        await p2.select("#x-axis", "time");
        await p2.select("#x-axis", "relative");
        await new Promise((r) => setTimeout(r, 200));
        assertEquals(messages, []);
        await p2.close();
      });
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
