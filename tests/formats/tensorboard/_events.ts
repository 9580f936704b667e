/**
 * A run with one or more events of every Polyaxon kind, plus its asset bytes (a real PNG, WAV and GIF),
 * for round-trip tests and for `fixtures/tensorboard/make_plx_run.ts`.
 *
 * @module
 */
import { concatBytes } from "../../../src/io/bytes.ts";
import { deflateSync } from "node:zlib";
import type { PlxEvent } from "../../../src/model/event.ts";
import { crc32 } from "node:zlib";

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

/** A valid RGB PNG of `w`x`h` pixels. */
export function png(w: number, h: number, seed = 0): Uint8Array {
  const raw = new Uint8Array(h * (1 + 3 * w));
  for (let y = 0; y < h; y++) {
    raw[y * (1 + 3 * w)] = 0;
    for (let x = 0; x < 3 * w; x++) raw[y * (1 + 3 * w) + 1 + x] = (x * 40 + y * 70 + seed * 13) & 0xff;
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", new Uint8Array(deflateSync(raw))),
    chunk("IEND", new Uint8Array(0)),
  ];
  return concatBytes(parts);
}

/** A mono 16-bit PCM WAV of `frames` samples. */
export function wav(frames: number, rate = 8000): Uint8Array {
  const out = new Uint8Array(44 + frames * 2);
  const v = new DataView(out.buffer);
  const s = (o: number, t: string) => [...t].forEach((c, i) => (out[o + i] = c.charCodeAt(0)));
  s(0, "RIFF");
  v.setUint32(4, 36 + frames * 2, true);
  s(8, "WAVE");
  s(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  s(36, "data");
  v.setUint32(40, frames * 2, true);
  for (let i = 0; i < frames; i++) v.setInt16(44 + i * 2, Math.round(Math.sin(i / 3) * 12000), true);
  return out;
}

/** A 1x1 GIF. */
export const GIF = new Uint8Array([
  0x47,
  0x49,
  0x46,
  0x38,
  0x39,
  0x61,
  1,
  0,
  1,
  0,
  0x80,
  0,
  0,
  0,
  0,
  0,
  0xff,
  0xff,
  0xff,
  0x21,
  0xf9,
  4,
  1,
  0,
  0,
  0,
  0,
  0x2c,
  0,
  0,
  0,
  0,
  1,
  0,
  1,
  0,
  0,
  2,
  2,
  0x44,
  1,
  0,
  0x3b,
]);

const T0 = 1740820502481516; // 2025-03-01 09:15:02.481516 UTC

/** The run id of the all-kinds run. */
export const RUN = "0123456789abcdef0123456789abcdef";

/** Events of every kind and the assets they reference. */
export function allKinds(): {
  events: PlxEvent[];
  assets: Map<string, Uint8Array>;
  meta: Record<string, unknown>;
} {
  const events: PlxEvent[] = [];
  const assets = new Map<string, Uint8Array>();
  let t = T0;
  const add = (
    e: Omit<PlxEvent, "run" | "scope" | "timestamp"> & {
      scope?: "events" | "resources";
      offset?: number | null;
    },
  ) => {
    const { offset, scope, ...rest } = e as typeof e & { offset?: number | null };
    t += 1_000_123;
    events.push(
      {
        run: RUN,
        scope: scope ?? "events",
        timestamp: { micros: t, offset: offset === undefined ? 0 : offset },
        ...rest,
      } as PlxEvent,
    );
  };
  const metrics = [
    0.1,
    1 / 3,
    0.30000000000000004,
    1e-300,
    NaN,
    Infinity,
    -Infinity,
    -0,
    123456789.123456789,
  ];
  metrics.forEach((v, i) => add({ kind: "metric", name: "train__loss", step: i, type: "metric", value: v }));
  add({ kind: "metric", name: "lr", step: null, type: "metric", value: 0.001 });
  add({ kind: "metric", name: "lr", step: null, type: "metric", value: 0.0005, offset: null });
  add({ kind: "metric", name: "lr", step: 7, type: "metric", value: 0.00025, offset: 3600 });
  add({ kind: "metric", name: "cpu", scope: "resources", step: null, type: "metric", value: 12.5 });
  for (const step of [1, 2]) {
    const p = `assets/image/sample_${step}.png`;
    assets.set(p, png(3, 2, step));
    add({
      kind: "image",
      name: "sample",
      step,
      type: "image",
      value: { height: 2, width: 3, colorspace: 3, path: p },
    });
  }
  assets.set("assets/audio/beep.wav", wav(42));
  add({
    kind: "audio",
    name: "beep",
    step: null,
    type: "audio",
    value: {
      sample_rate: 8000.0,
      num_channels: 1,
      length_frames: 42,
      path: "assets/audio/beep.wav",
      content_type: "audio/wav",
    },
  });
  assets.set("assets/video/clip_3.gif", GIF);
  add({
    kind: "video",
    name: "clip",
    step: 3,
    type: "video",
    value: { height: 1, width: 1, colorspace: 3, path: "assets/video/clip_3.gif", content_type: "gif" },
  });
  assets.set("assets/video/movie_4.mp4", new TextEncoder().encode("not really an mp4"));
  add({
    kind: "video",
    name: "movie",
    step: 4,
    type: "video",
    value: { path: "assets/video/movie_4.mp4", content_type: "mp4" },
  });
  add({
    kind: "histogram",
    name: "w",
    step: 5,
    type: "histogram",
    value: { counts: [3.0, 5.0, 2.0], edges: [0.0, 0.5, 1.0, 1.5] },
  });
  add({
    kind: "histogram",
    name: "w",
    step: 6,
    type: "histogram",
    value: { counts: [0, 4, 0], edges: [-1, 0, 1, 2] },
  });
  add({ kind: "text", name: "notes", step: 1, type: "text", value: "loss=0.69 | acc=0.51\nnext *café*" });
  add({
    kind: "html",
    name: "report",
    step: 1,
    type: "html",
    value: "<div><b>bold</b><script>x</script></div>",
  });
  add({
    kind: "curve",
    name: "roc",
    step: 2,
    type: "curve",
    value: { kind: "roc", x: [0, 0.1, 1], y: [0, 0.8, 1], annotation: "0.9" },
  });
  add({
    kind: "curve",
    name: "pr",
    step: 2,
    type: "curve",
    value: { kind: "pr", x: [0.5, 0.75, 1.0], y: [1.0, 0.6, 0.2], annotation: "0.7" },
  });
  add({
    kind: "curve",
    name: "custom",
    step: 2,
    type: "curve",
    value: { kind: "custom", x: [1.1, 3.1], y: [0.1, 0.3] },
  });
  add({
    kind: "confusion",
    name: "cm",
    step: 3,
    type: "confusion",
    value: { x: ["cat", "dog"], y: ["cat", "dog"], z: [[5, 1], [2, 7]] },
  });
  add({
    kind: "chart",
    name: "fig",
    step: 2,
    type: "chart",
    value: { kind: "vega", figure: { mark: "bar", data: { values: [1, 2] } } },
  });
  assets.set("assets/tsv/table_1.tsv", new TextEncoder().encode("a\tb\n1\t2\n"));
  add({
    kind: "tsv",
    name: "table",
    step: 1,
    type: "artifact",
    value: { kind: "tsv", path: "assets/tsv/table_1.tsv" },
  });
  assets.set("assets/model/m_2.pkl", new Uint8Array([0x80, 4, 0x95, 0, 1, 2, 3]));
  add({
    kind: "model",
    name: "m",
    step: 2,
    type: "model",
    value: { framework: "sklearn", path: "assets/model/m_2.pkl", spec: { depth: 3 } },
  });
  assets.set("assets/dataframe/df_1.csv", new TextEncoder().encode(",a\n0,1\n"));
  add({
    kind: "dataframe",
    name: "df",
    step: 1,
    type: "dataframe",
    value: { path: "assets/dataframe/df_1.csv", content_type: "csv" },
  });
  add({
    kind: "span",
    name: "trace",
    step: null,
    type: "span",
    value: {
      uuid: "ceb21ee781254719b18664ad1fde57a2",
      name: "trace",
      started_at: "2025-03-01T09:15:01.000123Z",
      status: "succeeded",
      inputs: { q: "hi" },
      kind: "llm",
      children: [{ name: "child", tags: ["a"] }],
    },
  });
  const meta = {
    uuid: RUN,
    name: "all-kinds",
    kind: "job",
    status: "succeeded",
    inputs: { lr: 0.001, optimizer: "adam", bn: true, layers: [64, 32] },
    outputs: { train__loss: 123456789.12345679 },
  };
  return { events, assets, meta };
}
