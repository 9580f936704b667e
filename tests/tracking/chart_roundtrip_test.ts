import * as path from "node:path";
import { assertEquals } from "../_assert.ts";
import { ROOT } from "./_replay.ts";

const GOLD = path.join(ROOT, "fixtures/logger/traceml/expected");
const RUN = "0123456789abcdef0123456789abcdef";
const CHARTS = ["2d-hist.plx", "altair_chart.plx", "confusion-bokeh.plx", "scatter.plx"];

async function convert(input: string, to: string, out: string): Promise<void> {
  const p = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      path.join(ROOT, "cli.ts"),
      "convert",
      input,
      "--to",
      to,
      "--out",
      out,
      "--accept-loss",
    ],
    stdout: "null",
    stderr: "piped",
  });
  const r = await p.output();
  if (!r.success) throw new Error(`convert --to ${to}: ${new TextDecoder().decode(r.stderr)}`);
}

Deno.test("traceml's chart figures keep Python's float spelling (6.0) through plx -> X -> plx", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "plx-chart-rt-" });
  const runDir = path.join(tmp, "in", RUN);
  Deno.mkdirSync(path.join(runDir, "events/chart"), { recursive: true });
  for (const f of CHARTS) {
    Deno.copyFileSync(path.join(GOLD, "events/chart", f), path.join(runDir, "events/chart", f));
  }
  Deno.copyFileSync(path.join(GOLD, "run.plx.json"), path.join(runDir, "run.plx.json"));
  // the goldens do hold integral floats (Altair's data, matplotlylib's marker sizes), so the test can fail
  assertEquals(
    /\\"Miles_per_Gallon\\":18\.0/.test(
      Deno.readTextFileSync(path.join(runDir, "events/chart/altair_chart.plx")),
    ),
    true,
  );
  assertEquals(
    Deno.readTextFileSync(path.join(runDir, "events/chart/scatter.plx")).includes('\\"size\\": 6.0'),
    true,
  );
  for (const to of ["plx", "jsonl", "parquet", "tensorboard"]) {
    await t.step(to, async () => {
      const mid = path.join(tmp, to);
      await convert(path.join(tmp, "in"), to, mid);
      let back = mid;
      if (to !== "plx") {
        back = path.join(tmp, `back-${to}`);
        await convert(mid, "plx", back);
      }
      for (const f of CHARTS) {
        const got = Deno.readTextFileSync(path.join(back, RUN, "events/chart", f));
        assertEquals(got, Deno.readTextFileSync(path.join(GOLD, "events/chart", f)), f);
      }
    });
  }
  await Deno.remove(tmp, { recursive: true });
});
