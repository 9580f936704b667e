/**
 * Takes the screenshot of a report shown in README.md (docs/report.png), with the headless Chromium the
 * browser tests use: `deno run -A tests/report/screenshot.ts out/report.html docs/report.png`.
 *
 * @module
 */
import { launch } from "./_browser.ts";

if (import.meta.main) {
  const [file, png, height = "1250"] = Deno.args;
  if (!file || !png) {
    console.error("usage: deno run -A tests/report/screenshot.ts <report.html> <out.png> [height]");
    Deno.exit(2);
  }
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: Number(height) });
    await page.goto(new URL(`file://${await Deno.realPath(file)}`).href, { waitUntil: "load" });
    await page.waitForSelector("body[data-ready]", { timeout: 10_000 });
    await page.screenshot({ path: png as `${string}.png` });
    console.log(`wrote ${png}`);
  } finally {
    await browser.close();
  }
}
