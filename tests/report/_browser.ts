/**
 * Headless Chromium for the report tests (Debian's `chromium` package, driven by puppeteer-core). Where no
 * Chromium is found the browser tests are skipped with a message, except in CI (`CI=true`), where `.ci/run`
 * installs it and a missing browser fails the tests.
 *
 * @module
 */
import { puppeteer } from "../_deps.ts";

const CANDIDATES = [
  Deno.env.get("PLXKIT_CHROMIUM"),
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
].filter((p): p is string => !!p);

/** The Chromium executable, or null when none is installed. */
export function findChromium(): string | null {
  for (const p of CANDIDATES) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch { /* not there */ }
  }
  return null;
}

/** True when the browser tests must run (CI) rather than be skipped without a browser. */
export const IN_CI = Deno.env.get("CI") === "true";

/** Whether to skip the browser tests here (no Chromium, not CI), saying why once. */
export function skipBrowser(): boolean {
  if (findChromium() || IN_CI) return false;
  console.warn(
    "report browser tests skipped: no Chromium found (apt-get install -y chromium, or set PLXKIT_CHROMIUM)",
  );
  return true;
}

/** Launches headless Chromium; throws (failing the test) when there is none. */
export async function launch() {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(`no Chromium found (looked for ${CANDIDATES.join(", ")}); CI installs it with .ci/run`);
  }
  return await puppeteer.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions"],
  });
}
