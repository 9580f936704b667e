/**
 * Hostile names and paths against the Polyaxon-layout reader and writer: nothing is read from outside the
 * input run, nothing written outside the output folder, collisions reported rather than overwritten.
 */
import { assertEquals, assertOk } from "../../_assert.ts";
import { convert, type EventSource, runItem, type RunSource } from "../../../src/convert/pipeline.ts";
import { runUuid } from "../../../src/convert/carry.ts";

import { PlxSink } from "../../../src/formats/plx/sink.ts";
import { PlxRunWriter } from "../../../src/formats/plx/write.ts";
import { validateRun } from "../../../src/validate/validate.ts";
import type { PlxEvent } from "../../../src/model/event.ts";

const ts = { micros: 1740820502000000, offset: 0 };
const metric = (name: string, kind = "metric"): PlxEvent => ({
  run: "r",
  scope: "events",
  kind,
  name,
  step: 1,
  timestamp: ts,
  type: "metric",
  value: 1,
});

function source(runs: [string, PlxEvent[]][]): EventSource {
  return {
    async *runs() {
      for (const [id, events] of runs) {
        const run: RunSource = {
          info: { id },
          batches: async function* () {
            yield { events, diagnostics: [] };
          },
          readAsset: () => Promise.resolve(null),
        };
        yield runItem(run);
      }
    },
  };
}

async function listAll(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for await (const e of Deno.readDir(d)) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory) await walk(`${d}/${e.name}`, r);
      else out.push(r);
    }
  };
  await walk(dir, "");
  return out.sort();
}

Deno.test("hostile run ids, kinds and names fail their run with a clear message; nothing lands outside --out", async () => {
  const root = await Deno.makeTempDir();
  const out = `${root}/out`;
  const report = await convert(
    source([
      ["../escape", [metric("x")]],
      ["/abs", [metric("x")]],
      ["ok", [metric("fine")]],
      ["dots", [metric("..")]],
      ["slash", [metric("a/../../b")]],
      ["nul", [metric("a\0b")]],
      ["backslash", [metric("a\\b")]],
      ["kind", [metric("x", "../../k")]],
      ["long", [metric("n".repeat(300))]],
    ]),
    new PlxSink(out),
  );
  const byId = Object.fromEntries(report.runs.map((r) => [r.id, [r.status, r.error]]));
  assertEquals(byId["ok"], ["ok", undefined]);
  // Run ids that are not Polyaxon uuids become the folder of a name-based uuid: never a path.
  assertEquals(byId["../escape"], ["ok", undefined]);
  assertEquals(byId["/abs"], ["ok", undefined]);
  assertEquals(byId["dots"], ["failed", 'name ".." cannot be a file name']);
  assertEquals(byId["slash"], ["failed", 'name "a/../../b" cannot be a file name']);
  assertEquals(byId["nul"], ["failed", 'name "a\\u0000b" cannot be a file name']);
  assertEquals(byId["backslash"], ["failed", 'name "a\\\\b" cannot be a file name']);
  assertEquals(byId["kind"], ["failed", 'kind "../../k" cannot be a file name']);
  assertOk(byId["long"][1]!.endsWith("is longer than 200 bytes, too long for a file name"));
  assertEquals(
    (await listAll(root)).filter((f) => !f.startsWith("out/.plxkit/")),
    [
      `out/${runUuid("../escape")}/events/metric/x.plx`,
      `out/${runUuid("../escape")}/run.plx.json`,
      `out/${runUuid("/abs")}/events/metric/x.plx`,
      `out/${runUuid("/abs")}/run.plx.json`,
      `out/${runUuid("ok")}/events/metric/fine.plx`,
      `out/${runUuid("ok")}/run.plx.json`,
    ].sort(),
  );
  await Deno.remove(root, { recursive: true });
});

Deno.test("a name taken by another file is reported, never overwritten", async () => {
  const dir = await Deno.makeTempDir();
  const w = new PlxRunWriter(dir);
  await w.write([metric("loss")]);
  // Another writer (or a case-folding file system) got there first.
  await Deno.mkdir(`${dir}/events/metric`, { recursive: true });
  await Deno.writeTextFile(`${dir}/events/metric/loss.plx`, "precious");
  let message = "";
  try {
    await w.commit();
  } catch (e) {
    message = (e as Error).message;
  }
  assertEquals(
    message,
    "events/metric/loss.plx collides with an existing file (names differing only in case or Unicode normalization?); not overwritten",
  );
  assertEquals(await Deno.readTextFile(`${dir}/events/metric/loss.plx`), "precious");
  await w.abort();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("links inside a run that lead outside it are not read", async () => {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(`${root}/run/events/metric`, { recursive: true });
  await Deno.writeTextFile(`${root}/secret.plx`, "step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|42");
  await Deno.symlink(`${root}/secret.plx`, `${root}/run/events/metric/stolen.plx`);
  await Deno.writeTextFile(`${root}/secret.png`, "x");
  await Deno.mkdir(`${root}/run/assets/image`, { recursive: true });
  await Deno.symlink(`${root}/secret.png`, `${root}/run/assets/image/a_1.png`);
  await Deno.mkdir(`${root}/run/events/image`, { recursive: true });
  await Deno.writeTextFile(
    `${root}/run/events/image/a.plx`,
    'step|timestamp|image\n1|2025-03-01 09:15:02+00:00|{"path":"assets/image/a_1.png"}',
  );
  const r = await validateRun({ id: "run", path: `${root}/run` });
  assertEquals(r.diagnostics.map((d) => [d.code, d.file]), [["link-outside", "events/metric/stolen.plx"]]);
  assertEquals(r.files.flatMap((f) => f.diagnostics.map((d) => d.message)), [
    `asset "assets/image/a_1.png" is a link that leads outside the run folder (to ${await Deno.realPath(
      `${root}/secret.png`,
    )})`,
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("run ids differing only in case or Unicode normalization: the second is refused, not merged", async () => {
  const root = await Deno.makeTempDir();
  const report = await convert(
    source([["Run", [metric("a")]], ["run", [metric("b")]], ["caf\u00e9", [metric("c")]], ["cafe\u0301", [
      metric("d"),
    ]]]),
    new PlxSink(`${root}/out`),
  );
  assertEquals(report.runs.map((r) => r.status), ["ok", "failed", "ok", "failed"]);
  assertOk(
    report.runs[1].error!.startsWith(
      'run id "run" differs from run "Run" only in case or Unicode normalization',
    ),
  );
  assertEquals(
    (await listAll(root)).filter((f) => f.includes("/events/")),
    [
      `out/${runUuid("Run")}/events/metric/a.plx`,
      `out/${runUuid("café")}/events/metric/c.plx`,
    ].sort(),
  );
  await Deno.remove(root, { recursive: true });
});
