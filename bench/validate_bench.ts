/**
 * Validation throughput on a generated run of 5 million metric rows (several hundred MB), with peak memory,
 * against pandas `read_csv(sep="|", parse_dates=["timestamp"])` (how Polyaxon reads these files).
 *
 * Targets (issue 2): >= 150 MB/s on one core; peak RSS < 300 MB whatever the input size.
 *
 * @module
 */
import { metricRun, python, rate, rssSampler, time } from "./_common.ts";
import { validateRun } from "../src/validate/validate.ts";

const ROWS = Number(Deno.env.get("PLXKIT_BENCH_ROWS") ?? 5_000_000);
const { run, file, bytes } = await metricRun(ROWS);
console.log(`input: ${file} (${(bytes / 1e6).toFixed(0)} MB, ${ROWS.toLocaleString("en-US")} rows)`);

await validateRun({ id: "warm", path: run }); // warm-up (JIT, page cache)
const rss = rssSampler();
const [secs, report] = await time(() => validateRun({ id: "bench", path: run }));
const peak = rss.stop();
const f = report.files[0];
if (f.events !== ROWS || f.diagnostics.length) {
  throw new Error(`unexpected result: ${f.events} events, ${f.diagnostics.length} findings`);
}
console.log(rate("plxkit validate", bytes, ROWS, secs, peak));

const out = await python(
  `import sys,time,pandas as pd
t=time.time(); df=pd.read_csv(sys.argv[1], sep="|", parse_dates=["timestamp"]); print(time.time()-t, len(df))`,
  [file],
);
if (out) {
  const [ps, n] = out.split(" ").map(Number);
  console.log(rate("pandas.read_csv(parse_dates)", bytes, n, ps));
  console.log(`ratio: plxkit validate is ${(ps / secs).toFixed(1)}x pandas read_csv (which checks nothing)`);
}
