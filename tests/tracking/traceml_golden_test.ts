/**
 * Replays `fixtures/logger/traceml/calls.json` through {@linkcode Run} and compares the run folder with the one
 * the real traceml wrote for the same calls (`fixtures/logger/traceml/expected/`, made by its
 * `make_goldens.py`). Call-time values (run times, durations, log-line times, env facts) are masked; PNGs are
 * compared pixel for pixel after decoding; every other file byte for byte. One step per golden file.
 *
 * @module
 */
import * as os from "node:os";
import * as path from "node:path";
import { inflateSync } from "node:zlib";
import { Run } from "../../src/tracking/run.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { listFiles, ROOT } from "./_replay.ts";

const DIR = path.join(ROOT, "fixtures/logger/traceml");
const EXPECTED = path.join(DIR, "expected");

/**
 * Where plxkit deliberately writes another name than traceml (docs/logger.md, "Deliberate differences").
 * traceml >= Python 3.11 names dataframe assets `<name>.V1ArtifactKind.CSV` (`str()` of a str-enum).
 */
const RENAMED: Record<string, string> = {
  "assets/dataframe/results_2.V1ArtifactKind.CSV": "assets/dataframe/results_2.csv",
};
const RENAMED_TEXT: [string, string][] = [["results_2.V1ArtifactKind.CSV", "results_2.csv"]];

interface Call {
  method: string;
  args: unknown[];
  options: Record<string, unknown>;
  prep?: Record<string, boolean>;
}

function prepare(c: Call): unknown[] {
  const args = structuredClone(c.args);
  const p = c.prep ?? {};
  if (p.float32) args[0] = Float32Array.from(args[0] as number[]);
  for (const [flag, Ctor] of [["float32image", Float32Array], ["uint8image", Uint8Array]] as const) {
    if (p[flag]) {
      const a = args[0] as { data: unknown };
      a.data = Ctor.from(a.data as number[]);
    }
  }
  if (c.method === "logArtifact" || c.method === "logModel" || c.method === "logVideo") {
    args[0] = path.join(ROOT, args[0] as string);
  }
  return args;
}

async function replayAll(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "plx-traceml-" });
  const calls: Call[] = JSON.parse(Deno.readTextFileSync(path.join(DIR, "calls.json")));
  let run: Run | undefined;
  for (const c of calls) {
    if (c.method === "init") {
      const o = c.args[0] as Record<string, unknown>;
      run = new Run({ ...o, path: dir, offline: true, exitHandlers: false, resources: false });
    } else if (c.method === "print") console.log(c.args[0]);
    else if (c.method === "printError") console.error(c.args[0]);
    else if (c.method === "end") await run!.end();
    else {
      const fn = (run as unknown as Record<string, (...a: unknown[]) => void>)[c.method];
      if (typeof fn !== "function") throw new Error(`no method ${c.method}`);
      fn.call(run, ...prepare(c), c.options);
    }
  }
  return dir;
}

const CALL_TIME = /"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?\+00:00"/g;
const FIXED_DAY = '"2024-01-02T';

/** Masks what depends on when and where the run happened (never the fixed 2024-01-02 event times). */
function mask(rel: string, text: string): string {
  let t = text.replace(CALL_TIME, (m) => (m.startsWith(FIXED_DAY) ? m : '"<time>"'));
  if (rel === "run.plx.json") t = t.replace(/"(duration|wait_time)":[0-9.e+-]+/g, '"$1":"<n>"');
  if (rel === "plxlogs/logs.jsonl") {
    t = t.replace(/"pod":"[^"]*","container":"[^"]*"/g, '"pod":"<u>","container":"<h>"');
  }
  if (rel === "lineages.plx.json") {
    // the env artifact's summary holds a path relative to the cwd and the hash of the env content
    t = t.replace(/("name":"env","kind":"env","path":"outputs\/env.json","summary":)\{[^}]*\}/, '$1"<env>"');
    // system resources are sampled values (and off in this replay); lineage order is os.walk order upstream
    const rows = (JSON.parse(t) as Record<string, unknown>[]).filter((r) => r.kind !== "system");
    return rows.map((r) => JSON.stringify(r)).sort().join("\n");
  }
  for (const [a, b] of RENAMED_TEXT) t = t.replaceAll(a, b);
  return t;
}

/** Decodes a non-interlaced 8-bit PNG to `[width, height, channels, pixels]`. */
function decodePng(png: Uint8Array): [number, number, number, Uint8Array] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const [w, h, colorType] = [view.getUint32(16), view.getUint32(20), png[25]];
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  assertOk(png[24] === 8 && channels, `unsupported PNG (depth ${png[24]}, color type ${colorType})`);
  const idat: Uint8Array[] = [];
  for (let o = 8; o < png.length;) {
    const len = view.getUint32(o);
    const type = new TextDecoder().decode(png.subarray(o + 4, o + 8));
    if (type === "IDAT") idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(new Uint8Array(idat.flatMap((c) => [...c])));
  const stride = w * channels;
  const out = new Uint8Array(stride * h);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][f];
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  // compare as RGB(A): gray expands, as PIL shows it
  return [w, h, channels, out];
}

Deno.test("the run folder matches what the real traceml wrote, file by file", async (t) => {
  const dir = await replayAll();
  const expected = listFiles(EXPECTED);
  const actual = new Set(listFiles(dir));
  const same: string[] = [];
  const differ: string[] = [];
  for (const rel of expected) {
    const ours = RENAMED[rel] ?? rel;
    const ok = await t.step(rel, () => {
      assertOk(actual.has(ours), `${ours} was not written`);
      const want = Deno.readFileSync(path.join(EXPECTED, rel));
      const got = Deno.readFileSync(path.join(dir, ours));
      if (rel.endsWith(".png")) {
        assertEquals(decodePng(got), decodePng(want), `${rel}: pixels`);
      } else if (rel === "outputs/env.json") {
        // Python's interpreter facts are not Deno's: same keys in the same order (python_* -> runtime_*, no
        // packages), the same types, and the values that mean the same thing here.
        const w = JSON.parse(new TextDecoder().decode(want));
        const g = JSON.parse(new TextDecoder().decode(got));
        const keys = Object.keys(w).filter((k) => k !== "packages").map((k) =>
          k.replace("python_", "runtime_")
        );
        assertEquals(Object.keys(g), keys);
        for (const k of keys) assertEquals(typeof g[k], typeof w[k.replace("runtime_", "python_")], k);
        assertEquals([g.pid, g.hostname, g.user, g.system], [
          Deno.pid,
          os.hostname(),
          os.userInfo().username,
          w.system,
        ]);
      } else {
        const dec = (b: Uint8Array) => new TextDecoder().decode(b);
        assertEquals(mask(rel, dec(got)), mask(rel, dec(want)));
      }
    });
    (ok ? same : differ).push(rel);
  }
  await t.step("no files traceml does not write", () => {
    const mapped = new Set(expected.map((r) => RENAMED[r] ?? r));
    assertEquals([...actual].filter((f) => !mapped.has(f)), []);
  });
  console.log(`traceml goldens: ${same.length} of ${expected.length} files identical`);
  if (differ.length) console.log(`differ: ${differ.join(", ")}`);
  await Deno.remove(dir, { recursive: true });
});
