import * as path from "node:path";
import { concatBytes } from "../../../src/io/bytes.ts";
import fc from "../../_fc.ts";
import { assertEquals, assertOk } from "../../_assert.ts";
import { convert, DropLedger, type RunSource } from "../../../src/convert/pipeline.ts";
import type { PlxEvent } from "../../../src/model/event.ts";
import { PlxSink } from "../../../src/formats/plx/sink.ts";
import { PlxSource } from "../../../src/formats/plx/source.ts";
import { TensorboardRunReader } from "../../../src/formats/tensorboard/read.ts";
import { TensorboardSink } from "../../../src/formats/tensorboard/sink.ts";
import { TensorboardSource } from "../../../src/formats/tensorboard/source.ts";
import { sanitizeTag, tagForName, TensorboardEncoder } from "../../../src/formats/tensorboard/write.ts";
import { ProtoWriter } from "../../../src/formats/tensorboard/_proto_write.ts";
import { frameRecord } from "../../../src/formats/tensorboard/tfrecord.ts";
import { writeImage, writeMetadata } from "../../../src/formats/tensorboard/_messages.ts";
import { allKinds, png } from "./_events.ts";

const ROOT = new URL("../../../fixtures/tensorboard/", import.meta.url).pathname;

const concat = concatBytes;

async function encodeRun(plugin = true) {
  const { events, assets, meta } = allKinds();
  const notes = new DropLedger();
  const enc = new TensorboardEncoder({ plugin }, (r, n) => notes.note(r, n));
  const asset = (rel: string) => Promise.resolve(assets.get(rel) ?? null);
  const parts = [enc.header(1740820500)];
  // Two batches, to cross a batch boundary.
  parts.push(await enc.encode(events.slice(0, 10), asset), await enc.encode(events.slice(10), asset));
  parts.push(enc.trailer(meta, [{ name: "lin" }], 1740820600));
  return { bytes: concat(parts), events, assets, meta, notes };
}

async function decode(bytes: Uint8Array, chunk = 1 << 20) {
  const r = new TensorboardRunReader(allKinds().events[0].run);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.slice(i, i + chunk));
  const events: PlxEvent[] = [];
  const diags = [];
  for await (const b of r.readFile("f", chunks, bytes.length)) {
    events.push(...b.events);
    diags.push(...b.diagnostics);
  }
  diags.push(...r.finish());
  return { events, diags, reader: r };
}

Deno.test("plx -> tensorboard -> plx is exact for every kind (in memory, any chunking)", async (t) => {
  const { bytes, events, assets, meta, notes } = await encodeRun();
  for (const chunk of [1 << 20, 1000, 17]) {
    await t.step(`chunks of ${chunk} bytes`, async () => {
      const back = await decode(bytes, chunk);
      assertEquals(back.diags, []);
      assertEquals(back.events, events);
      for (const [rel, b] of assets) assertEquals(back.reader.assets.get(rel), b, rel);
      assertEquals(back.reader.meta(), meta);
      assertEquals(back.reader.lineages(), [{ name: "lin" }]);
    });
  }
  // What the native forms could not hold is noted, not silent.
  assertEquals(Object.keys(notes.toJSON()).sort(), [
    "tensorboard: artifact events (no TensorBoard form; kept only in the plxkit plugin)",
    "tensorboard: charts (shown as JSON text; TensorBoard cannot render them)",
    "tensorboard: dataframe events (no TensorBoard form; kept only in the plxkit plugin)",
    "tensorboard: model events (no TensorBoard form; kept only in the plxkit plugin)",
    "tensorboard: non-GIF videos (no TensorBoard form; kept in the plxkit plugin)",
    "tensorboard: run inputs that are not string/bool/number (hparams hold them as JSON text)",
    "tensorboard: span events (no TensorBoard form; kept only in the plxkit plugin)",
  ]);
});

Deno.test("without the plxkit plugin, the native forms read back as their Polyaxon kinds", async () => {
  const { bytes, assets } = await encodeRun(false);
  const { events, reader } = await decode(bytes);
  const byKind = (k: string) => events.filter((e) => e.kind === k);
  // float64 metrics come back as their float32 values; null steps as per-tag counters.
  assertEquals(byKind("metric").filter((e) => e.name === "train__loss").map((e) => e.value), [
    Math.fround(0.1),
    Math.fround(1 / 3),
    Math.fround(0.30000000000000004),
    0,
    NaN,
    Infinity,
    -Infinity,
    -0,
    Math.fround(123456789.123456789),
  ]);
  assertEquals(byKind("metric").filter((e) => e.name === "lr").map((e) => e.step), [0, 1, 7]);
  const img = byKind("image");
  assertEquals(img.map((e) => e.step), [1, 2]);
  assertEquals(
    reader.assets.get((img[0].value as { path: string }).path),
    assets.get("assets/image/sample_1.png"),
  );
  assertEquals(byKind("video").map((e) => e.value), [{
    height: 1,
    width: 1,
    colorspace: 3,
    path: "assets/video/clip_3.gif",
    content_type: "gif",
  }]);
  assertEquals(byKind("histogram").map((e) => e.value), [
    { counts: [3, 5, 2], edges: [0, 0.5, 1, 1.5] },
    { counts: [4], edges: [0, 1] },
  ]);
  assertEquals(byKind("text").map((e) => [e.name, e.value]), [
    ["notes", "loss=0.69 | acc=0.51\nnext *café*"],
    ["report", "```html\n<div><b>bold</b><script>x</script></div>\n```"],
    ["roc", "| x | y |\n| --- | --- |\n| 0 | 0 |\n| 0.1 | 0.8 |\n| 1 | 1 |"],
    ["custom", "| x | y |\n| --- | --- |\n| 1.1 | 0.1 |\n| 3.1 | 0.3 |"],
    ["cm", "|  | cat | dog |\n| --- | --- | --- |\n| cat | 5 | 1 |\n| dog | 2 | 7 |"],
    ["fig", '```json\n{"kind":"vega","figure":{"mark":"bar","data":{"values":[1,2]}}}\n```'],
  ]);
  const pr = byKind("curve")[0].value as Record<string, number[]>;
  assertEquals(pr.x.map(Math.fround), [0.5, 0.75, 1].map(Math.fround));
  assertEquals(pr.y, [1, 0.6, 0.2].map(Math.fround));
  assertEquals(reader.meta()!.inputs, { lr: 0.001, optimizer: "adam", bn: true, layers: "[64,32]" });
});

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(rel: string) {
    for await (const e of Deno.readDir(path.join(dir, rel))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === ".plxkit") continue; // commit records
      if (e.isDirectory) await walk(r);
      else out[r] = new TextDecoder("latin1").decode(await Deno.readFile(path.join(dir, r)));
    }
  }
  await walk("");
  return out;
}

Deno.test("files: plx fixture -> tensorboard -> plx gives the same run folder; reruns skip", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const r1 = await convert(new PlxSource([`${ROOT}plx`]), new TensorboardSink(`${tmp}/tb`));
    assertEquals(r1.runs.map((r) => r.status), ["ok"]);
    const files = await tree(`${tmp}/tb`);
    // The event file, and the run record's copy in the side folder.
    const names = Object.keys(files).filter((n) => !n.includes("/plx/"));
    assertEquals(Object.keys(files).filter((n) => n.includes("/plx/")), [
      "0123456789abcdef0123456789abcdef/plx/run.plx.json",
    ]);
    assertEquals(names.length, 1);
    assertOk(
      /^0123456789abcdef0123456789abcdef\/events\.out\.tfevents\.\d{10}\.[^/]+\.\d+\.\d+\.plxkit$/.test(
        names[0],
      ),
    );
    const r2 = await convert(new TensorboardSource([`${tmp}/tb`]), new PlxSink(`${tmp}/plx`));
    assertEquals(r2.runs.map((r) => r.status), ["ok"]);
    assertEquals(r2.diagnostics, []);
    assertEquals(
      await tree(`${tmp}/plx`),
      await tree(`${ROOT}plx`).then((t) => {
        delete t["expected.json"];
        return t;
      }),
    );
    const again = await convert(new PlxSource([`${ROOT}plx`]), new TensorboardSink(`${tmp}/tb`));
    assertEquals(again.runs.map((r) => r.status), ["skipped"]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("files: tensorboard golden logdir -> plx -> tensorboard keeps run folders and original tags", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await convert(new TensorboardSource([`${ROOT}logdirs/tbx`]), new PlxSink(`${tmp}/plx`));
    const rep = await convert(new PlxSource([`${tmp}/plx`]), new TensorboardSink(`${tmp}/tb`));
    assertEquals(rep.runs.map((r) => r.status), ["ok", "ok", "ok", "ok"]);
    const dirs = Object.keys(await tree(`${tmp}/tb`)).filter((f) => !f.includes("/plx/")).map((f) =>
      path.dirname(f)
    ).sort();
    assertEquals(dirs, ["hp", "hp/trial1", "restart", "train"]);
    const back = new Map<string, PlxEvent[]>();
    const tags = new Map<string, unknown>();
    for await (const item of new TensorboardSource([`${tmp}/tb`]).runs()) {
      if (item.type === "diagnostic") continue;
      const r = item.run;
      const es: PlxEvent[] = [];
      for await (const b of r.batches()) es.push(...b.events);
      // Runs are keyed by their Polyaxon uuid; the TensorBoard run path is the run's name.
      const name = String(r.info.meta?.name);
      back.set(name, es);
      tags.set(name, (r.info.meta?.tensorboard as { tags?: unknown })?.tags);
    }
    assertEquals(tags.get("train"), {
      "metric/metrics__acc-top-1": "metrics/acc.top-1",
      "image/sample__img": "sample/img",
      "text/notes": "notes/text_summary",
    });
    // The restart's repeated steps survive both ways.
    assertEquals(back.get("restart")!.map((e) => [e.step, e.value]), [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [3, 13],
      [4, 14],
      [5, 15],
    ]);
    // And the second plx copy equals the first.
    await convert(new TensorboardSource([`${tmp}/tb`]), new PlxSink(`${tmp}/plx2`));
    assertEquals(await tree(`${tmp}/plx2`), await tree(`${tmp}/plx`));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("hostile tags and run paths never leave --out", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    // A TensorBoard file whose image tags try to climb out.
    const records: Uint8Array[] = [];
    const tags = ["../../x", "/etc/passwd", "a/../../b", "..", "", "C:\\win"];
    for (const [i, tag] of tags.entries()) {
      const w = new ProtoWriter();
      w.double(1, 1700000000 + i);
      w.uint(2, 1);
      const s = w.begin(5);
      const v = w.begin(1);
      w.string(1, tag);
      writeImage(w, 4, { height: 2, width: 3, colorspace: 3, encoded: png(3, 2) });
      writeMetadata(w, 9, { pluginName: "images" });
      w.end(v);
      w.end(s);
      records.push(frameRecord(w.finish()));
    }
    await Deno.mkdir(`${tmp}/logs/run`, { recursive: true });
    await Deno.writeFile(`${tmp}/logs/run/events.out.tfevents.1700000000.h`, concat(records));
    const rep = await convert(new TensorboardSource([`${tmp}/logs`]), new PlxSink(`${tmp}/out/plx`));
    assertEquals(rep.runs.map((r) => [r.status, r.events]), [["ok", 6]]);
    const files = Object.keys(await tree(`${tmp}/out`));
    assertEquals(files.filter((f) => f.includes("assets/")).length, 6);
    assertOk(files.every((f) => /^plx\/(\.plxkit|[0-9a-f]{32})\//.test(f)), files.join(", "));
    // A plx run claiming a TensorBoard run path outside the output.
    await Deno.mkdir(`${tmp}/evil/r1/events/metric`, { recursive: true });
    await Deno.writeTextFile(
      `${tmp}/evil/r1/events/metric/loss.plx`,
      "step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|0.5",
    );
    await Deno.writeTextFile(
      `${tmp}/evil/r1/run.plx.json`,
      JSON.stringify({ tensorboard: { run: "../../escaped" } }),
    );
    const rep2 = await convert(new PlxSource([`${tmp}/evil`]), new TensorboardSink(`${tmp}/out/tb`));
    assertEquals(rep2.runs.map((r) => r.status), ["ok"]);
    const tb = Object.keys(await tree(`${tmp}/out/tb`));
    assertEquals(tb.map((f) => path.dirname(f)).sort(), ["r1", "r1/plx"]); // event file, side record
    for await (const e of Deno.readDir(tmp)) assertOk(["logs", "out", "evil"].includes(e.name), e.name);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a failed run leaves no event file and no new folder", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const sink = new TensorboardSink(tmp);
    const out = await sink.openRun({ id: "r" }, new DropLedger());
    assertOk(out !== "done");
    const bad = {
      run: "r",
      scope: "events",
      kind: "metric",
      name: "x",
      step: 1,
      timestamp: { micros: NaN, offset: 0 },
      type: "metric",
      value: 1,
    } as PlxEvent;
    const src = {
      info: { id: "r" },
      batches: async function* () {},
      readAsset: () => Promise.resolve(null),
    } as unknown as RunSource;
    let threw = false;
    try {
      await out.write([bad], src);
    } catch {
      threw = true;
    }
    assertOk(threw);
    await out.abort();
    assertEquals([...Deno.readDirSync(tmp)], []);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("tags: sanitized as tensorboardX does; names map back to slash groups", () => {
  assertEquals(sanitizeTag("/train/loss (avg)"), "train/loss__avg_");
  assertEquals(sanitizeTag(""), "_");
  assertEquals(tagForName("train__loss"), "train/loss");
  assertEquals(tagForName("a____b"), "a/b");
  assertEquals(tagForName("__x"), "x");
  const enc = new TensorboardEncoder();
  const e = (kind: string, name: string) => ({ scope: "events" as const, kind, name });
  assertEquals(enc.tagOf(e("metric", "loss")), "loss");
  assertEquals(enc.tagOf(e("text", "loss")), "loss/text");
  assertEquals(enc.tagOf(e("metric", "plxkit__x")), "_plxkit/x");
  assertEquals(enc.tagOf({ scope: "resources", kind: "metric", name: "cpu" }), "resources/cpu");
});

Deno.test("property: any metric and text events survive the encoder and the reader exactly", async () => {
  const event = fc.record({
    kind: fc.constantFrom("metric", "text"),
    name: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
    step: fc.option(fc.integer({ min: -5, max: 2 ** 40 }), { nil: null }),
    micros: fc.integer({ min: 0, max: 4_000_000_000_000_000 }),
    offset: fc.option(fc.integer({ min: -50_000, max: 50_000 }), { nil: null }),
    number: fc.double(),
    text: fc.string({ unit: "grapheme" }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(event, { maxLength: 30 }), fc.boolean(), async (list, plugin) => {
      const events = list.map((x) => ({
        run: "r",
        scope: "events",
        kind: x.kind,
        name: x.name,
        step: x.step,
        timestamp: { micros: x.micros, offset: x.offset },
        type: x.kind,
        value: x.kind === "metric" ? x.number : x.text,
      } as PlxEvent));
      const enc = new TensorboardEncoder({ plugin });
      const bytes = concat([
        enc.header(1),
        await enc.encode(events, () => Promise.resolve(null)),
        enc.trailer(undefined, undefined, 2),
      ]);
      const r = new TensorboardRunReader("r");
      const back: PlxEvent[] = [];
      for await (const b of r.readFile("f", [bytes], bytes.length)) {
        assertEquals(b.diagnostics, []);
        back.push(...b.events);
      }
      if (plugin) assertEquals(back, events);
      else {
        // Without the copies: float32 values, tags as names, counters for null steps.
        assertEquals(back.length, events.length);
        back.forEach((e, i) => {
          if (events[i].type === "metric") assertEquals(e.value, Math.fround(events[i].value as number));
          else assertEquals(e.value, events[i].value);
        });
      }
    }),
    { numRuns: 80 },
  );
});

Deno.test("detectTensorboardDir: a folder with event files is a tensorboard target", async () => {
  const { detectTensorboardDir } = await import("../../../src/formats/tensorboard/layout.ts");
  const { discover } = await import("../../../src/formats/plx/layout.ts");
  assertEquals(detectTensorboardDir("logs/run1", ["events.out.tfevents.1.host", "x"]), {
    type: "tensorboard",
    run: { id: "run1", path: "logs/run1" },
  });
  assertEquals(detectTensorboardDir("logs/run1", ["events.out.tfevents.1.host.profile-empty"]), null);
  const found = [];
  for await (const t of discover([`${ROOT}logdirs/tf2`], { detectors: [detectTensorboardDir] })) {
    found.push(t);
  }
  assertEquals(found.map((t) => "type" in t ? [t.type, "run" in t ? t.run?.id : t.path] : t.code), [
    ["tensorboard", "hp_run"],
    ["tensorboard", "run1"],
  ]);
});
