import fc from "../../_fc.ts";
import { gzipSync } from "node:zlib";
import * as path from "node:path";
import { TMP_PREFIX, writerTag } from "../../../src/io/commit.ts";
import { assertEquals, assertOk } from "../../_assert.ts";
import { convert } from "../../../src/convert/pipeline.ts";
import type { PlxEvent } from "../../../src/model/event.ts";
import { decodeJsonlEvent, encodeJsonlEvent, isoTimestamp } from "../../../src/formats/jsonl/codec.ts";
import { formatIsoTimestamp } from "../../../src/model/time.ts";
import { readJsonl } from "../../../src/formats/jsonl/read.ts";
import { JsonlEncoder } from "../../../src/formats/jsonl/write.ts";
import { JsonlSink } from "../../../src/formats/jsonl/sink.ts";
import { JsonlSource } from "../../../src/formats/jsonl/source.ts";
import { byRun, eventArb, memorySource } from "../_columnar.ts";
import { exactJson } from "../../../src/json/exact.ts";

const enc = new TextEncoder();

async function readAll(bytes: Uint8Array, gzip = false) {
  const events: PlxEvent[] = [];
  const diags = [];
  for await (const b of readJsonl([bytes], "t.jsonl", { gzip })) {
    events.push(...b.events);
    diags.push(...b.diagnostics);
  }
  return { events, diags };
}

const metric = (value: number, offset: number | null = 0): PlxEvent => ({
  run: "r",
  scope: "events",
  kind: "metric",
  name: "loss",
  step: 1,
  timestamp: { micros: 1740820502481516, offset },
  type: "metric",
  value,
});

Deno.test("non-finite metrics and -0.0 are written as documented and read back", () => {
  const lines = [NaN, Infinity, -Infinity, -0].map((v) => encodeJsonlEvent(metric(v)));
  assertOk(lines[0].includes('"value":"NaN"'));
  assertOk(lines[1].includes('"value":"Infinity"'));
  assertOk(lines[2].includes('"value":"-Infinity"'));
  assertOk(lines[3].includes('"value":-0.0'));
  for (const [i, v] of [NaN, Infinity, -Infinity, -0].entries()) {
    assertEquals((decodeJsonlEvent(JSON.parse(lines[i])) as PlxEvent).value, v);
  }
});

Deno.test("timestamps keep microseconds and offsets; naive stays naive", () => {
  assertOk(encodeJsonlEvent(metric(1)).includes('"timestamp":"2025-03-01T09:15:02.481516+00:00"'));
  assertOk(encodeJsonlEvent(metric(1, 19800)).includes('"2025-03-01T14:45:02.481516+05:30"'));
  const naive = encodeJsonlEvent(metric(1, null));
  assertOk(naive.includes('"2025-03-01T09:15:02.481516"'));
  assertEquals((decodeJsonlEvent(JSON.parse(naive)) as PlxEvent).timestamp, {
    micros: 1740820502481516,
    offset: null,
  });
});

Deno.test("property: the cached timestamp formatter equals formatIsoTimestamp", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -2208988800000000, max: 7258118400000000 }), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.option(fc.integer({ min: -86399, max: 86399 }), { nil: null }),
      (micros, offset) => {
        for (const m of micros.flatMap((m) => [m, m + 1, m + 999_999])) {
          const t = { micros: m, offset };
          assertEquals(isoTimestamp(t), formatIsoTimestamp(t));
        }
      },
    ),
  );
});

Deno.test("exactJson keeps -0.0 and key order inside values", () => {
  assertEquals(exactJson({ b: [-0, 1.5, null], a: "x" }), '{"b":[-0.0,1.5,null],"a":"x"}');
});

Deno.test("a truncated last line is a warning; a bad line in the middle is an error with its line", async () => {
  const good = encodeJsonlEvent(metric(1));
  const text = `${good}\n{"run":1}\n\n${good}\n${good.slice(0, 30)}`;
  const { events, diags } = await readAll(enc.encode(text));
  assertEquals(events.length, 2);
  assertEquals(diags.map((d) => [d.severity, d.code, d.line]), [["error", "bad-event", 2], [
    "warning",
    "truncated-line",
    5,
  ]]);
});

Deno.test("gzip: multi-member output reads back; a cut gzip file is an error", async () => {
  const e = new JsonlEncoder({ gzip: true, chunkChars: 200 });
  const events = Array.from({ length: 20 }, (_, i) => metric(i));
  const chunks = [...e.push(events), e.flush()].filter((c): c is Uint8Array => c !== null);
  assertOk(chunks.length > 2);
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) all.set(c, (o += c.length) - c.length);
  assertEquals((await readAll(all, true)).events, events);
  const cut = await readAll(all.subarray(0, all.length - 10), true);
  assertOk(cut.events.length >= 10 && cut.events.length < 20);
  assertOk(
    cut.diags.some((d) => d.code === "truncated-gzip" && d.severity === "error"),
    JSON.stringify(cut.diags),
  );
  // A plain gzip of everything also reads.
  const one = gzipSync(enc.encode(events.map(encodeJsonlEvent).join("\n")));
  assertEquals((await readAll(new Uint8Array(one), true)).events, events);
});

Deno.test("property: any events survive encode -> decode bit-exactly", () => {
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
      for (const e of events) {
        assertEquals(decodeJsonlEvent(JSON.parse(encodeJsonlEvent(e))), e);
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("sink -> source round trip: single file, gzip file and folder with resume", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 40 }), async (events) => {
        const runs = byRun(events);
        for (const out of ["all.jsonl", "all.jsonl.gz", "per-run"]) {
          const target = path.join(dir, out);
          await Deno.remove(target, { recursive: true }).catch(() => {});
          const r = await convert(memorySource(runs), new JsonlSink(target, { gzip: true }));
          assertEquals(r.runs.every((x) => x.status === "ok"), true);
          const back: PlxEvent[] = [];
          const r2 = await convert(new JsonlSource([target]), {
            openRun: () =>
              Promise.resolve({
                write: (ev: PlxEvent[]) => Promise.resolve(void back.push(...ev)),
                commit: () => Promise.resolve(),
                abort: () => Promise.resolve(),
              }),
            close: () => Promise.resolve(),
          });
          assertEquals(r2.diagnostics, []);
          // A folder lists its per-run files sorted by run id.
          const order = out === "per-run" ? [...runs].sort(([a], [b]) => (a < b ? -1 : 1)) : runs;
          assertEquals(back, order.flatMap(([, e]) => e));
        }
        // Folder mode resumes: a second conversion skips every run.
        const again = await convert(memorySource(runs), new JsonlSink(path.join(dir, "per-run")));
        assertEquals(again.runs.every((x) => x.status === "skipped"), true);
      }),
      { numRuns: 25 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failing run is cut out of a single file; others are kept; assets are copied", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const img = (run: string): PlxEvent => ({
      ...metric(1),
      run,
      kind: "image",
      type: "image",
      value: { path: "assets/image/x_1.png" },
    } as PlxEvent);
    const runs: [string, PlxEvent[]][] = [
      ["a", [img("a"), metric(1)].map((e) => ({ ...e, run: "a" }))],
      ["b", Array.from({ length: 5 }, () => ({ ...metric(2), run: "b" }))],
      ["c", [{ ...metric(3), run: "c" }]],
    ];
    const out = path.join(dir, "x.jsonl");
    const r = await convert(
      memorySource(runs, {
        failRun: "b",
        batch: 2,
        assets: { "assets/image/x_1.png": new Uint8Array([1, 2]) },
      }),
      new JsonlSink(out),
    );
    assertEquals(r.runs.map((x) => x.status), ["ok", "failed", "ok"]);
    const text = await Deno.readTextFile(out);
    assertEquals(text.split("\n").filter(Boolean).map((l) => JSON.parse(l).run), ["a", "a", "c"]);
    assertEquals(
      await Deno.readFile(path.join(dir, "x.assets", "a", "assets/image/x_1.png")),
      new Uint8Array([1, 2]),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a run id like .. never becomes a path outside the output", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = await convert(
      memorySource([["..", [{ ...metric(1), run: ".." }]]]),
      new JsonlSink(path.join(dir, "o")),
    );
    assertEquals(r.runs[0].status, "failed");
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("leftovers of a killed conversion are removed when their file is written again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const runs: [string, PlxEvent[]][] = [["a", [{ ...metric(1), run: "a" }]]];
    // Temporaries of a dead writer of this host (pid 4194305 is above Linux's largest pid).
    const dead = writerTag().replace(/-\d+$/, "-4194305");
    await Deno.writeTextFile(path.join(dir, `${TMP_PREFIX}${dead}-0123abcd-a.jsonl`), "half");
    await Deno.writeTextFile(path.join(dir, `${TMP_PREFIX}${dead}-89abcdef-all.jsonl`), "half");
    await convert(memorySource(runs), new JsonlSink(dir));
    await convert(memorySource(runs), new JsonlSink(path.join(dir, "all.jsonl")));
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [".plxkit", "a.jsonl", "all.jsonl"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import { runItem } from "../../../src/convert/pipeline.ts";

Deno.test("a run without events comes back from its run record (file and folder modes)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const source: import("../../../src/convert/pipeline.ts").EventSource = {
      async *runs() {
        yield runItem({
          info: { id: "empty", meta: { uuid: "empty" } },
          async *batches() {},
          readAsset: () => Promise.resolve(null),
        });
      },
    };
    for (const out of ["x.jsonl", "folder"]) {
      await convert(source, new JsonlSink(path.join(dir, out)));
      const ids: unknown[] = [];
      await convert(new JsonlSource([path.join(dir, out)]), {
        openRun: (info) => {
          ids.push(info.meta);
          return Promise.resolve("done");
        },
        close: () => Promise.resolve(),
      });
      assertEquals(ids, [{ uuid: "empty" }], out);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a value nested 100,000 levels deep is an error on its line, not a stack overflow", async () => {
  let span = '{"name":"x"}';
  for (let i = 0; i < 100_000; i++) span = `{"name":"x","children":[${span}]}`;
  const line = `{"run":"r","scope":"events","kind":"span","name":"t","step":null,` +
    `"timestamp":"2025-03-01T09:15:02.000000+00:00","type":"span","value":${span}}`;
  const { events, diags } = await readAll(enc.encode(line + "\n"));
  assertEquals(events, []);
  assertEquals(diags.map((d) => [d.line, d.message]), [[
    1,
    'span "value" is nested deeper than 1000 levels',
  ]]);
});

Deno.test("property: the encoder's bytes equal encodeJsonlEvent lines (metric fast path, any chunking)", () => {
  const dec = new TextDecoder();
  fc.assert(
    fc.property(fc.array(eventArb, { maxLength: 40 }), fc.integer({ min: 1, max: 3000 }), (events, chunk) => {
      const e = new JsonlEncoder({ chunkChars: chunk });
      const parts = [...e.push(events), e.flush()].filter((c): c is Uint8Array => c !== null);
      assertEquals(
        parts.map((p) => dec.decode(p)).join(""),
        events.map((x) => encodeJsonlEvent(x) + "\n").join(""),
      );
    }),
    { numRuns: 300 },
  );
});

/** What the reader must give: every line through JSON.parse and decodeJsonlEvent (the general path). */
function referenceRead(text: string): { events: PlxEvent[]; lines: number[]; diags: unknown[] } {
  const events: PlxEvent[] = [];
  const lines: number[] = [];
  const diags: unknown[] = [];
  const all = text.split("\n");
  all.forEach((raw, i) => {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (line.trim() === "") return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      diags.push(
        i === all.length - 1
          ? ["warning", "truncated-line", i + 1]
          : ["error", "bad-json", i + 1, `not JSON: ${(e as Error).message}`],
      );
      return;
    }
    const ev = decodeJsonlEvent(obj);
    if (typeof ev === "string") diags.push(["error", "bad-event", i + 1, ev]);
    else {
      events.push(ev);
      lines.push(i + 1);
    }
  });
  return { events, lines, diags };
}

Deno.test("property: the metric fast path reads exactly what JSON.parse + decodeJsonlEvent read", async () => {
  const metricRow = fc.record({
    run: fc.constantFrom("r1", "r2", "ρ"),
    name: fc.constantFrom("loss", "naïve", 'q"x'),
    step: fc.oneof(fc.constant(null), fc.nat(1e6), fc.constantFrom(0, -3, 2 ** 53 - 1)),
    micros: fc.integer({ min: 1740820502000000, max: 1740820602000000 }),
    offset: fc.constantFrom(null, 0, 3600, -25200),
    value: fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, 1e21, 5e-324)),
  });
  // Edits that make a line differ from the encoder's exact form (each must read as JSON.parse reads it).
  const edits: [RegExp, string][] = [
    [/"value":[^}]*}$/, '"value":1E5}'],
    [/"value":[^}]*}$/, '"value":01}'],
    [/"value":[^}]*}$/, '"value":-0}'],
    [/"value":[^}]*}$/, '"value":1.}'],
    [/"value":[^}]*}$/, '"value":"nan"}'],
    [/"value":[^}]*}$/, '"value":"\\u004eaN"}'],
    [/"value":[^}]*}$/, '"value":1e999}'],
    [/"step":\d+/, '"step":-0'],
    [/"step":\d+/, '"step":007'],
    [/"step":\d+/, '"step":1e3'],
    [/"step":\d+/, '"step":1.5'],
    [/"timestamp":"2/, '"timestamp":"\\u0032'],
    [/"timestamp":"[^"]*"/, '"timestamp":"2025-03-01T09:15:02.481516+00:00 "'],
    [/"timestamp":"[^"]*"/, '"timestamp":"2025-02-30T09:15:02+00:00"'],
    [/}$/, ',"extra":1}'],
    [/}$/, "} "],
    [/}$/, "}\r"],
    [/"type":"metric"/, '"type":"text"'],
    [/^{/, "{ "],
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(metricRow, fc.option(fc.nat(edits.length - 1), { freq: 5 })), { maxLength: 120 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 400 }),
      async (rows, cut, chunk) => {
        const enc = new JsonlEncoder();
        const lines: string[] = [];
        for (const [r, edit] of rows) {
          const e: PlxEvent = {
            run: r.run,
            scope: "events",
            kind: "metric",
            name: r.name,
            step: r.step,
            timestamp: { micros: r.micros, offset: r.offset },
            type: "metric",
            value: r.value,
          };
          let line = new TextDecoder().decode(enc.push([e])[0] ?? enc.flush()!).replace(/\n$/, "");
          if (edit !== null) line = line.replace(edits[edit][0], edits[edit][1]);
          lines.push(line);
        }
        let text = lines.join("\n") + "\n";
        if (cut && text.length > 10) text = text.slice(0, text.length - 7);
        const bytes = new TextEncoder().encode(text);
        const chunks: Uint8Array[] = [];
        for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.slice(i, i + chunk));
        const got = { events: [] as PlxEvent[], lines: [] as number[], diags: [] as unknown[] };
        for await (const b of readJsonl(chunks, "t.jsonl")) {
          got.events.push(...b.events);
          got.lines.push(...b.lines);
          for (const d of b.diagnostics) {
            got.diags.push(
              d.code === "truncated-line"
                ? [d.severity, d.code, d.line]
                : [d.severity, d.code, d.line, d.message],
            );
          }
        }
        assertEquals(got, referenceRead(text));
      },
    ),
    { numRuns: 300 },
  );
});
