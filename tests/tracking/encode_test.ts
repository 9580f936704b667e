import fc from "../_fc.ts";
import { encodeCsvRow } from "../../src/formats/plx/write.ts";
import { EventWriter } from "../../src/tracking/writer.ts";
import { pandasReadFloat } from "../../src/tracking/stats.ts";
import { numpyHistogram } from "../../src/tracking/histogram.ts";
import { encodeWav } from "../../src/tracking/audio.ts";
import { assertEquals, assertOk } from "../_assert.ts";

Deno.test("the byte-level metric fast path equals encodeCsvRow", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plx-fast-" });
  const w = new EventWriter(dir, { flushInterval: 60_000 });
  const f = w.file("events/metric/m.plx", "step|timestamp|metric");
  const expected: string[] = [];
  fc.assert(
    fc.property(
      fc.option(fc.integer({ min: -1e15, max: 1e15 }), { nil: null }),
      fc.integer({ min: 0, max: 4102444800 * 1e6 }),
      fc.double(),
      (step, micros, value) => {
        w.appendMetric(f, step, micros, value);
        expected.push(encodeCsvRow({
          run: "r",
          scope: "events",
          kind: "metric",
          name: "m",
          step,
          timestamp: { micros, offset: 0 },
          type: "metric",
          value,
        }));
      },
    ),
    { numRuns: 5000 },
  );
  await w.close();
  const text = await Deno.readTextFile(`${dir}/events/metric/m.plx`);
  assertEquals(text, "step|timestamp|metric\n" + expected.join("\n"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pandasReadFloat reads correctly rounded text back exactly, except where pandas does not", () => {
  assertEquals(pandasReadFloat("0.30000000000000004"), 0.3);
  assertEquals(pandasReadFloat("0.6931"), 0.6931);
  assertEquals(pandasReadFloat("1e-05"), 1e-5);
  assertEquals(pandasReadFloat("-0.0"), -0);
  assertEquals(pandasReadFloat("5e-324"), 5e-324);
  assertOk(Number.isNaN(pandasReadFloat("nan")));
  // Short decimals are exact.
  fc.assert(fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 6 }), (m, d) => {
    const x = m / 10 ** d;
    return pandasReadFloat(String(x)) === x;
  }));
});

Deno.test("numpyHistogram: counts add up and edges are increasing, for every rule", () => {
  for (const bins of ["auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt", 7] as const) {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (xs) => {
          let h;
          try {
            h = numpyHistogram(xs, bins, 512);
          } catch (e) {
            // numpy would build millions of bins for data spanning subnormal gaps (we refuse), and raises
            // "Too many bins for data range" when a range is too small for finite-sized bins (so do we).
            assertOk(
              e instanceof RangeError &&
                (e.message.includes("maxBins") || e.message.includes("too many bins for data range")),
              String(e),
            );
            return;
          }
          assertEquals(h.counts.reduce((a, b) => a + b, 0), xs.length);
          assertEquals(h.edges.length, h.counts.length + 1);
          for (let i = 1; i < h.edges.length; i++) assertOk(h.edges[i] > h.edges[i - 1]);
        },
      ),
      { numRuns: 60 },
    );
  }
});

Deno.test("encodeWav: 44-byte PCM header, clipping, truncation toward zero", () => {
  const wav = encodeWav([0, 0.5, -0.5, 2, -2], 8000);
  const v = new DataView(wav.buffer);
  assertEquals(new TextDecoder().decode(wav.subarray(0, 4)), "RIFF");
  assertEquals(v.getUint32(4, true), 36 + 10);
  assertEquals(v.getUint32(24, true), 8000);
  assertEquals([0, 1, 2, 3, 4].map((i) => v.getInt16(44 + 2 * i, true)), [0, 16383, -16383, 32767, -32767]);
});

Deno.test("logImageWithBoxes draws red 2-pixel outlines and logs a PNG image event", async () => {
  const { Run } = await import("../../src/tracking/run.ts");
  const { inflateSync } = await import("node:zlib");
  const dir = await Deno.makeTempDir({ prefix: "plx-boxes-" });
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false });
  const img = { data: new Uint8Array(10 * 12 * 3).fill(200), shape: [10, 12, 3] };
  run.logImageWithBoxes(img, [[2, 2, 8, 6]], { dataformats: "HWC", step: 1 });
  await run.end();
  const line = Deno.readTextFileSync(`${dir}/events/image/figure.plx`).split("\n")[1];
  assertOk(
    line.endsWith('|{"height":10,"width":12,"colorspace":3,"path":"assets/image/figure_1.png"}'),
    line,
  );
  const png = Deno.readFileSync(`${dir}/assets/image/figure_1.png`);
  const raw = inflateSync(png.subarray(41, 41 + new DataView(png.buffer).getUint32(33)));
  const px = (x: number, y: number) => [...raw.subarray(y * 37 + 1 + x * 3, y * 37 + 1 + x * 3 + 3)];
  // as Pillow draws a width-2 line: the left edge covers x = 2, 3 and the right edge x = 7, 8
  assertEquals(px(2, 2), [255, 0, 0]);
  assertEquals(px(3, 4), [255, 0, 0]);
  assertEquals(px(1, 4), [200, 200, 200]);
  assertEquals(px(8, 4), [255, 0, 0]);
  assertEquals(px(5, 4), [200, 200, 200]);
  assertEquals(px(0, 0), [200, 200, 200]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("drawBoxes covers exactly the pixels Pillow's ImageDraw.line(width=2) covers", async () => {
  const { drawBoxes } = await import("../../src/tracking/images.ts");
  // Pillow 12: Image.new("RGB", (10, 8)); ImageDraw.Draw(im).line([(2,2),(2,5),(6,5),(6,2),(2,2)], width=2)
  const want = [
    "..........",
    "..#####...",
    "..#####...",
    "..##.##...",
    "..##.##...",
    "..#####...",
    "..#####...",
    "..........",
  ];
  const px = new Uint8Array(10 * 8 * 3);
  drawBoxes(px, 8, 10, 3, [[2, 2, 6, 5]]);
  const got = want.map((_, y) =>
    Array.from({ length: 10 }, (_, x) => (px[(y * 10 + x) * 3] === 255 ? "#" : ".")).join("")
  );
  assertEquals(got, want);
});
