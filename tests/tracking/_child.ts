/**
 * A child process for the crash, concurrency and signal tests: `deno run -A _child.ts <mode> <runDir> [tag]`.
 *
 * @module
 */
import { Run } from "../../src/tracking/run.ts";

const [mode, dir, tag = "a"] = Deno.args;
const out = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s + "\n"));

if (mode === "crash") {
  // Log and flush forever; report each flushed count. The parent SIGKILLs us.
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false, flushInterval: 5 });
  const pad = "x".repeat(200);
  let n = 0;
  while (true) {
    for (let i = 0; i < 2000; i++, n++) {
      run.logMetric("loss", n / 7, { step: n });
      run.logText("log", `${n} ${pad}`, { step: n });
    }
    await run.flush();
    out(`flushed ${n}`);
  }
} else if (mode === "concurrent") {
  // Append long lines to the same files as another process, flushing often.
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false, maxBufferedBytes: 300_000 });
  const pad = tag.repeat(3000);
  for (let i = 0; i < 3000; i++) {
    run.logText("shared", `${tag}${i} ${pad}`, { step: i });
    run.logMetric("shared", i, { step: i });
    if (i % 100 === 0) await run.ready();
  }
  await run.end();
  out("done");
} else if (mode === "signal") {
  const run = new Run({ path: dir, offline: true, trackEnv: false, flushInterval: 3_600_000 });
  run.logMetric("loss", 0.5, { step: 1 });
  await run.flush(); // the first event is flushed at once anyway
  run.logMetric("loss", 0.25, { step: 2 });
  out("logged");
  setTimeout(() => {}, 60_000);
} else if (mode === "exit") {
  // Never ends the run: the unload handler must flush and finish it.
  const run = new Run({ path: dir, offline: true, trackEnv: false, flushInterval: 3_600_000 });
  for (let i = 0; i < 1000; i++) run.logMetric("loss", i, { step: i });
  out("logged");
}
