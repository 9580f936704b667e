/**
 * Runs for the report tests, written with plxkit's own logger: a hostile run (markup in its name, tags,
 * text and HTML events) with a long metric series and images that differ by step.
 *
 * @module
 */
import * as path from "node:path";
import { Run } from "../../mod.ts";

/** What a hostile run tries: each would set `globalThis.pwned` (or the title) if run content ran. */
export const HOSTILE_HTML =
  `<script>top.pwned = 3; parent.document.title = "pwned";</script><img src="x" onerror="top.pwned = 4">` +
  `<img src="http://example.invalid/beacon.png"><b>bold survives</b>`;
export const HOSTILE_NAME = `<img src=x onerror="globalThis.pwned=1">`;

/** An RGB image of `w`x`h` pixels filled with one colour. */
function solid(w: number, h: number, rgb: [number, number, number]) {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(rgb, i * 3);
  return { data, shape: [h, w, 3] as [number, number, number] };
}

/**
 * Writes a hostile run under `root` and returns its folder: `points` steps of `loss` (and 10 of
 * `accuracy`), images at steps 1 and 2 in different colours, HTML and text events with markup.
 */
export async function hostileRun(root: string, points = 20_000, uuid = "0123456789abcdef0123456789abcdef") {
  const dir = path.join(root, uuid);
  await using run = new Run({
    path: dir,
    runUuid: uuid,
    offline: true,
    name: HOSTILE_NAME,
    tags: ["</script><script>globalThis.pwned=2</script>", "sweep"],
    exitHandlers: false,
    flushInterval: 60_000,
  });
  run.logInputs({ lr: 0.01, "<b>x</b>": "</script>" });
  for (let i = 0; i < points; i++) run.logMetrics({ loss: 1 / (i + 1) + (i === 7777 ? 5 : 0) }, { step: i });
  for (let i = 0; i < 10; i++) run.logMetrics({ accuracy: i / 10 }, { step: i });
  run.logImage(solid(16, 8, [255, 0, 0]), { name: "sample", dataformats: "HWC", step: 1 });
  run.logImage(solid(16, 8, [0, 0, 255]), { name: "sample", dataformats: "HWC", step: 2 });
  run.logHtml("page", HOSTILE_HTML, { step: 1 });
  run.logText("notes", "</script><script>globalThis.pwned=5</script>", { step: 1 });
  run.logDataframe("table", [{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: "<i>x</i>" }], { step: 1 });
  run.logHistogram("weights", [0.1, 0.2, 0.2, 0.5, 0.9], { bins: 4, step: 1 });
  run.logConfusionMatrix("cm", { x: ["a", "b"], y: ["a", "b"], z: [[3, 1], [0, 4]] }, { step: 1 });
  const t0 = Date.UTC(2026, 0, 1, 12);
  run.logTrace({
    name: "agent",
    kind: "agent",
    status: "succeeded",
    startedAt: new Date(t0),
    finishedAt: new Date(t0 + 3000),
    children: [
      {
        name: "<b>tool</b>",
        kind: "tool",
        status: "failed",
        startedAt: new Date(t0 + 500),
        finishedAt: new Date(t0 + 900),
      },
    ],
  });
  await run.end();
  return dir;
}
