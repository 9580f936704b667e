import * as path from "node:path";
import { inflateSync } from "node:zlib";
import { Run } from "../../src/tracking/run.ts";
import { summarizeFile } from "../../src/tracking/summary.ts";
import { compactJson } from "../../src/tracking/summary.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { GOLDEN, listFiles, loadCalls, replay } from "./_replay.ts";

const EXPECTED = path.join(GOLDEN, "expected");

async function replayAll(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "plx-golden-" });
  const run = new Run({ path: dir, exitHandlers: false, trackEnv: false });
  for (const c of loadCalls()) replay(run, c);
  await run.end();
  return dir;
}

Deno.test("logger output matches the Polyaxon goldens byte for byte", async (t) => {
  const dir = await replayAll();
  const expected = listFiles(EXPECTED).filter((f) => f.includes("/")); // events/ and assets/ (not the *.json oracles)
  const actual = new Set(listFiles(dir));
  for (const rel of expected) {
    await t.step(rel, () => {
      assertOk(actual.has(rel), `${rel} was not written`);
      const want = Deno.readFileSync(path.join(EXPECTED, rel));
      const got = Deno.readFileSync(path.join(dir, rel));
      if (rel.endsWith(".plx")) {
        assertEquals(new TextDecoder().decode(got), new TextDecoder().decode(want));
      } else {
        assertEquals(got, want);
      }
    });
  }
  await t.step("no extra event files", () => {
    const extra = [...actual].filter((f) => f.startsWith("events/") && !expected.includes(f));
    assertEquals(extra, []);
  });
  await t.step("every referenced asset exists and PNGs decode to the logged size", () => {
    for (const rel of [...actual].filter((f) => f.startsWith("events/image/"))) {
      const text = Deno.readTextFileSync(path.join(dir, rel));
      for (const line of text.split("\n").slice(1)) {
        const v = JSON.parse(line.split("|")[2]);
        const png = Deno.readFileSync(path.join(dir, v.path));
        const view = new DataView(png.buffer);
        assertEquals([view.getUint32(16), view.getUint32(20)], [v.width, v.height]);
        assertEquals(png[25], v.colorspace === 4 ? 6 : 2);
        const idat = png.subarray(41, 41 + view.getUint32(33));
        const raw = inflateSync(idat);
        assertEquals(raw.length, (v.width * v.colorspace + 1) * v.height);
      }
    }
    for (const rel of [...actual].filter((f) => f.startsWith("events/") && f.endsWith(".plx"))) {
      const text = Deno.readTextFileSync(path.join(dir, rel));
      for (const m of text.matchAll(/\\?"path\\?":\\?"([^"\\]+)/g)) {
        assertOk(actual.has(m[1]), `${rel} references missing ${m[1]}`);
      }
    }
  });
  await t.step("summaries match pandas and PlxReader reports nothing", () => {
    const want: Record<string, string> = JSON.parse(
      Deno.readTextFileSync(path.join(EXPECTED, "summaries.json")),
    );
    for (const [rel, json] of Object.entries(want)) {
      const s = summarizeFile(dir, rel);
      assertEquals(s.diagnostics, [], rel);
      assertEquals(compactJson(s.summary), json, rel);
    }
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sample PNG pixels: float CHW scaled by 255 and truncated, gray expanded to RGB", async () => {
  const dir = await replayAll();
  const png = Deno.readFileSync(path.join(dir, "assets/image/gray_0.png"));
  const view = new DataView(png.buffer);
  const raw = inflateSync(png.subarray(41, 41 + view.getUint32(33)));
  // rows: filter byte + 2 px * 3 channels; values 0, 0.5, 1, 0.25 -> 0, 127, 255, 63
  assertEquals([...raw], [0, 0, 0, 0, 127, 127, 127, 0, 255, 255, 255, 63, 63, 63]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("PNG pixels equal numpy's tensorboardX conversion (pixels.json)", async () => {
  const dir = await replayAll();
  const want: Record<string, number[]> = JSON.parse(
    Deno.readTextFileSync(path.join(EXPECTED, "pixels.json")),
  );
  for (const [rel, pixels] of Object.entries(want)) {
    const png = Deno.readFileSync(path.join(dir, rel));
    const view = new DataView(png.buffer);
    const [w, colorType] = [view.getUint32(16), png[25]];
    const channels = colorType === 6 ? 4 : 3;
    const raw = inflateSync(png.subarray(41, 41 + view.getUint32(33)));
    const stride = w * channels + 1;
    const got: number[] = [];
    for (let o = 0; o < raw.length; o += stride) {
      assertEquals(raw[o], 0, "filter type 0");
      got.push(...raw.subarray(o + 1, o + stride));
    }
    assertEquals(got, pixels, rel);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pandasReadFloat equals pandas read_csv on 3,500 floats (pandas_floats.json)", async () => {
  const { pandasReadFloat } = await import("../../src/tracking/stats.ts");
  const { pyFloatRepr } = await import("../../src/model/pyfloat.ts");
  const pairs: [string, string][] = JSON.parse(
    Deno.readTextFileSync(path.join(EXPECTED, "pandas_floats.json")),
  );
  const bad = pairs.filter(([text, want]) => pyFloatRepr(pandasReadFloat(text)) !== want);
  assertEquals(bad.slice(0, 5), []);
});
