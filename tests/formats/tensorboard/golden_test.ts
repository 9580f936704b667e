/**
 * Our reader against TensorBoard's own: the logdirs under fixtures/tensorboard/logdirs were written by
 * tensorboardX 2.6.5 and TensorFlow 2.21, and expected/*.json is what TensorBoard 2.21's
 * plugin_event_multiplexer read from them (see fixtures/tensorboard/README.md).
 */
import { Buffer } from "node:buffer";
import { assertEquals, assertOk } from "../../_assert.ts";
import { TensorboardSource } from "../../../src/formats/tensorboard/source.ts";
import { decodeHParams } from "../../../src/formats/tensorboard/plugins/hparams.ts";
import { markdownTable } from "../../../src/formats/tensorboard/plugins/text.ts";
import type { RunSource } from "../../../src/convert/pipeline.ts";
import type { PlxEvent } from "../../../src/model/event.ts";

const ROOT = new URL("../../../fixtures/tensorboard/", import.meta.url).pathname;

interface ExpectedTensor {
  shape: number[];
  values?: number[];
  b64?: string[];
}
interface ExpectedTag {
  plugin: string;
  data_class: number;
  content_b64: string;
  events: { step: number; wall_time: number; tensor: ExpectedTensor }[];
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));
const text = (s: string) => new TextDecoder().decode(b64(s));

function close(a: number, b: number, what: string): void {
  const ok = a === b || (Number.isNaN(a) && Number.isNaN(b)) ||
    Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  assertOk(ok, `${what}: ${a} != ${b}`);
}

async function readAll(logdir: string) {
  const runs = new Map<string, { src: RunSource; events: PlxEvent[]; diags: string[] }>();
  for await (const item of new TensorboardSource([logdir]).runs()) {
    if (item.type === "diagnostic") throw new Error(item.diagnostic.message);
    const r = item.run;
    const events: PlxEvent[] = [];
    const diags: string[] = [];
    for await (const b of r.batches()) {
      events.push(...b.events);
      for (const d of b.diagnostics) if (d.severity !== "info") diags.push(`${d.code}: ${d.message}`);
    }
    const rel = (r.info.meta?.tensorboard as { run: string }).run;
    runs.set(rel, { src: r, events, diags });
  }
  return runs;
}

for (const name of ["tbx", "tf2"]) {
  Deno.test(`golden ${name}: every tag TensorBoard reads, we read the same`, async (t) => {
    const expected: Record<string, Record<string, ExpectedTag>> = JSON.parse(
      await Deno.readTextFile(`${ROOT}expected/${name}.json`),
    );
    const runs = await readAll(`${ROOT}logdirs/${name}`);
    assertEquals([...runs.keys()].sort(), Object.keys(expected).sort());
    for (const [run, tags] of Object.entries(expected)) {
      const got = runs.get(run)!;
      assertEquals(got.diags, [], `${run}: no warnings or errors`);
      const meta = got.src.info.meta ?? {};
      const tagMap = ((meta.tensorboard as { tags?: Record<string, string> })?.tags) ?? {};
      /** Our events for a TensorBoard tag (for multi-image tags, `tag/i` names). */
      const eventsOf = (tag: string, i?: number) =>
        got.events.filter((e) => {
          const original = tagMap[`${e.kind}/${e.name}`] ?? e.name;
          return original === (i === undefined ? tag : `${tag}/${i}`);
        });
      for (const [tag, exp] of Object.entries(tags)) {
        await t.step(`${run} ${tag} (${exp.plugin})`, async () => {
          if (exp.plugin === "hparams") {
            const hp = decodeHParams(b64(exp.content_b64));
            if (hp.sessionStart) assertEquals(meta.inputs, hp.sessionStart.hparams);
            return;
          }
          if (exp.plugin === "images" && exp.events[0].tensor.b64!.length > 3) {
            const k = exp.events[0].tensor.b64!.length - 2;
            for (let i = 0; i < k; i++) {
              const ours = eventsOf(tag, i);
              assertEquals(ours.length, exp.events.length);
              for (const [j, e] of exp.events.entries()) {
                const v = ours[j].value as Record<string, unknown>;
                assertEquals(await got.src.readAsset(v.path as string), b64(e.tensor.b64![2 + i]));
                assertEquals([v.width, v.height], [
                  Number(text(e.tensor.b64![0])),
                  Number(text(e.tensor.b64![1])),
                ]);
              }
            }
            return;
          }
          const ours = eventsOf(tag);
          assertEquals(ours.map((e) => e.step), exp.events.map((e) => e.step), "steps");
          for (const [j, e] of exp.events.entries()) {
            const o = ours[j];
            close(o.timestamp.micros / 1e6, e.wall_time, "wall time");
            const tn = e.tensor;
            const v = o.value as Record<string, unknown>;
            switch (exp.plugin) {
              case "scalars":
                assertEquals(o.type, "metric");
                close(o.value as number, tn.values![0], "scalar");
                break;
              case "images":
                assertEquals(o.type, "image");
                assertEquals(await got.src.readAsset(v.path as string), b64(tn.b64![2]));
                assertEquals([v.width, v.height], [Number(text(tn.b64![0])), Number(text(tn.b64![1]))]);
                break;
              case "audio":
                assertEquals(o.type, "audio");
                assertEquals(await got.src.readAsset(v.path as string), b64(tn.b64![0]));
                assertEquals(v.content_type, "audio/wav");
                break;
              case "histograms": {
                assertEquals(o.type, "histogram");
                const rows = tn.values!;
                const k = rows.length / 3;
                const counts = v.counts as number[], edges = v.edges as number[];
                assertEquals(counts.length, k);
                for (let r = 0; r < k; r++) {
                  close(edges[r], rows[r * 3], "left edge");
                  close(edges[r + 1], rows[r * 3 + 1], "right edge");
                  close(counts[r], rows[r * 3 + 2], "count");
                }
                break;
              }
              case "text": {
                assertEquals(o.type, "text");
                const strings = tn.b64!.map(text);
                const want = tn.shape.length === 0 || strings.length === 1
                  ? strings[0]
                  : markdownTable(strings, tn.shape);
                assertEquals(o.value, want);
                break;
              }
              case "pr_curves": {
                assertEquals([o.type, v.kind], ["curve", "pr"]);
                const n = tn.shape[1];
                const row = (i: number) => tn.values!.slice(i * n, (i + 1) * n);
                assertEquals([v.tp, v.fp, v.tn, v.fn, v.x, v.y], [0, 1, 2, 3, 4, 5].map(row));
                break;
              }
              default:
                throw new Error(`no comparison for plugin ${exp.plugin}`);
            }
          }
        });
      }
    }
  });
}

Deno.test("golden tbx: a text table reads as Markdown, tags map back to the original tags", async () => {
  const runs = await readAll(`${ROOT}logdirs/tf2`);
  const run1 = runs.get("run1")!;
  const table = run1.events.find((e) => e.name === "table")!;
  assertEquals(table.value, "| a | b |\n| --- | --- |\n| 1 | 2 |\n| x\\|y | z |");
  const tbx = await readAll(`${ROOT}logdirs/tbx`);
  const train = tbx.get("train")!;
  assertEquals((train.src.info.meta!.tensorboard as { tags: unknown }).tags, {
    "metric/metrics__acc-top-1": "metrics/acc.top-1",
    "image/sample__img": "sample/img",
    "text/notes": "notes/text_summary",
  });
  assertEquals(tbx.get("hp/trial1")!.src.info.meta!.outputs, { "hp/accuracy": 0.75 });
});

Deno.test("steps policy: all (default), last (data server), restart (Python loader)", async () => {
  const read = async (steps: "all" | "last" | "restart", dir: string) => {
    const out: [number | null, unknown][] = [];
    const notes: string[] = [];
    for await (const r of new TensorboardSource([dir], { steps }).runs()) {
      if (r.type === "diagnostic") continue;
      for await (const b of r.run.batches()) {
        out.push(...b.events.map((e) => [e.step, e.value] as [number | null, unknown]));
        notes.push(...b.diagnostics.map((d) => `${d.code}: ${d.message}`));
      }
    }
    return { out, notes };
  };
  const dir = `${ROOT}logdirs/tbx/restart`;
  const all = await read("all", dir);
  assertEquals(all.out.map((x) => x[0]), [0, 1, 2, 3, 4, 3, 4, 5]);
  const last = await read("last", dir);
  assertEquals(last.out, [[0, 0], [1, 1], [2, 2], [3, 13], [4, 14], [5, 15]]);
  assertEquals(last.notes, [
    'deduplicated: metric "x": 2 events dropped: a later value at the same or a lower step replaces them ' +
    "(--set steps=last, TensorBoard's data server rule)",
  ]);
  // tensorboardX's purge_step START is the run's first START: TensorBoard ignores it (spec §5).
  const restart = await read("restart", dir);
  assertEquals(restart.out.map((x) => x[0]), [0, 1, 2, 3, 4, 3, 4, 5]);
  // With a START at the head of the first session too, the second one purges.
  const tmp = await Deno.makeTempDir();
  try {
    const { TensorboardEncoder } = await import("../../../src/formats/tensorboard/write.ts");
    const ev = (step: number, value: number) => ({
      run: "r",
      scope: "events" as const,
      kind: "metric",
      name: "x",
      step,
      timestamp: { micros: 1700000000_000000 + step, offset: 0 },
      type: "metric" as const,
      value,
    });
    const none = () => Promise.resolve(null);
    for (const [i, steps] of [[0, 1, 2, 3, 4], [3, 4, 5]].entries()) {
      const enc = new TensorboardEncoder({ plugin: false });
      const parts = [enc.header(1700000000 + i), await enc.encode(steps.map((s) => ev(s, s + 10 * i)), none)];
      await Deno.writeFile(
        `${tmp}/events.out.tfevents.170000000${i}.h`,
        new Uint8Array(Buffer.concat(parts)),
      );
    }
    const r = await read("restart", tmp);
    assertEquals(r.out, [[0, 0], [1, 1], [2, 2], [3, 13], [4, 14], [5, 15]]);
    assertEquals(r.notes.length, 1);
    assertOk(r.notes[0].startsWith('deduplicated: metric "x": 2 events dropped: a later session restart'));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
