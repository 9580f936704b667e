import fc from "../../_fc.ts";
import { assertEquals } from "../../_assert.ts";
import { PlxReader } from "../../../src/formats/plx/read.ts";
import type { Diagnostic } from "../../../src/diagnostics.ts";
import type { PlxEvent } from "../../../src/model/event.ts";
import type { PlxBatch } from "../../../src/model/batch.ts";

const enc = new TextEncoder();

async function read(kind: string, text: string | Uint8Array, chunk = 1 << 20) {
  const bytes = typeof text === "string" ? enc.encode(text) : text;
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.slice(i, i + chunk));
  const reader = new PlxReader({ run: "r", scope: "events", kind, name: "n", file: `events/${kind}/n.plx` });
  const events: PlxEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines: number[] = [];
  for await (const b of reader.read(chunks) as AsyncIterable<PlxBatch>) {
    events.push(...b.events);
    diagnostics.push(...b.diagnostics);
    lines.push(...(b.lines ?? []));
  }
  return { events, diagnostics, lines, info: reader.info };
}

const vals = (es: PlxEvent[]) => es.map((e) => e.value);
const steps = (es: PlxEvent[]) => es.map((e) => e.step);

Deno.test("CSV metrics in writer and fixture header orders", async () => {
  const a = await read(
    "metric",
    "step|timestamp|metric\n1|2025-03-01 09:15:02.481516+00:00|0.6931\n|2025-03-01 09:15:20+00:00|nan",
  );
  assertEquals(steps(a.events), [1, null]);
  assertEquals(a.events[0].value, 0.6931);
  assertEquals(Number.isNaN(a.events[1].value), true);
  assertEquals(a.events[0].timestamp, { micros: 1740820502481516, offset: 0 });
  assertEquals(a.lines, [2, 3]);
  const b = await read(
    "metric",
    "timestamp|step|metric\n2018-12-11T10:24:57|12|0.1\n2018-12-11T10:25:57|13|1e-05\n",
  );
  assertEquals(vals(b.events), [0.1, 0.00001]);
  assertEquals(b.events[0].timestamp.offset, null);
  assertEquals(b.diagnostics, []);
  const c = await read(
    "metric",
    "metric|step|timestamp\n-inf|1|2018-12-11 10:24:57\ninf||2018-12-11 10:24:58",
  );
  assertEquals(vals(c.events), [-Infinity, Infinity]);
});

Deno.test("metric fast path: a newline inside the 32 bytes after the step is found, not read across", async () => {
  // Line 2 is short; byte 33 after its "|" is the "|" of line 3, so the fast path's layout check passes
  // and only the timestamp parse (which sees the newline) can send the row to the general path.
  const rows = [
    "step|timestamp|metric",
    "7|2025-03-01 09:15:02+00:00|1",
    "1234|2025-03-01 09:15:02.000001+00:00|0.5",
    "8|2025-03-01 09:15:02+00:00",
    "9|2025-03-01 09:15:03.000001+00:00|0.25",
    "",
  ];
  const text = rows.join("\n");
  assertEquals(text.charCodeAt(text.indexOf("\n") + 2 + 33), 124);
  const r = await read("metric", text);
  assertEquals(steps(r.events), [7, 1234, 9]);
  assertEquals(vals(r.events), [1, 0.5, 0.25]);
  assertEquals(r.lines, [2, 3, 5]);
  assertEquals(r.diagnostics.map((d) => [d.line, d.severity]), [[4, "error"]]);
});

Deno.test("JSONL kinds: leading blank line, missing step key, JSON string values", async () => {
  const t = await read(
    "text",
    '\n{"timestamp": "2025-03-01 09:15:02+00:00", "step": 1, "text": "a | b\\nc"}\n{"timestamp": "2025-03-01 09:15:03+00:00", "step": null, "text": "caf\\u00e9"}',
  );
  assertEquals(vals(t.events), ["a | b\nc", "café"]);
  assertEquals(steps(t.events), [1, null]);
  assertEquals(t.info.generation, "v2-jsonl");
  const s = await read(
    "span",
    '\n{"timestamp": "2018-12-11T10:24:57", "span": "{\\"uuid\\":\\"ceb21ee781254719b18664ad1fde57a2\\",\\"name\\":\\"span1\\"}"}\n',
  );
  assertEquals(s.events[0].step, null);
  assertEquals(s.events[0].value, { uuid: "ceb21ee781254719b18664ad1fde57a2", name: "span1" });
  const obj = await read(
    "chart",
    '{"timestamp": "2018-12-11T10:24:57", "step": 1, "chart": {"kind": "vega", "figure": {}}}',
  );
  assertEquals(obj.events[0].value, { kind: "vega", figure: {} });
});

Deno.test("legacy CSV in a JSONL folder, quoted cells, generations", async () => {
  const h = await read(
    "html",
    'timestamp|step|html\n2018-12-11T10:24:57|12|"<div>1</div>"\n2018-12-11T10:25:57|13|"say ""hi"""\n',
  );
  assertEquals(vals(h.events), ["<div>1</div>", 'say "hi"']);
  assertEquals(h.info.generations, ["v1-csv", "v1.1-csv"]);
  const v1 = await read(
    "image",
    'step|timestamp|image\n1|2021-05-04 10:00:00+00:00|{"path":"assets\\/image\\/a.png"}',
  );
  assertEquals(v1.events[0].value, { path: "assets/image/a.png" });
  assertEquals(v1.info.generation, "v1-csv");
  const mixed = await read(
    "text",
    'step|timestamp|text\n1|2023-08-01 08:00:00+00:00|old\n{"timestamp": "2023-10-02 09:00:00+00:00", "step": 2, "text": "new"}',
  );
  assertEquals(vals(mixed.events), ["old", "new"]);
  assertEquals(mixed.info.generation, "mixed");
  const metric = await read("metric", "step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|1.0");
  assertEquals(metric.info.generations, ["v1-csv", "v1.1-csv", "v2-jsonl"]);
  const empty = await read("text", "");
  assertEquals([empty.info.encoding, empty.info.generation], ["empty", "v2-jsonl"]);
});

Deno.test("artifact-kind folders read as artifact values; structured value column first", async () => {
  const a = await read(
    "tsv",
    'step|timestamp|tsv\n1|2025-03-01 09:15:02+00:00|{"kind":"tsv","path":"assets/tsv/file_1.tsv"}',
  );
  assertEquals(a.events[0].type, "artifact");
  assertEquals(a.events[0].kind, "tsv");
  const b = await read("image", 'image|step|timestamp\n{"path":"x"}|1|2025-03-01 09:15:02+00:00');
  assertEquals(a.diagnostics, []);
  assertEquals(b.events[0].value, { path: "x" });
});

Deno.test("CRLF line ends and a UTF-8 BOM are tolerated", async () => {
  const r = await read("metric", "\ufeffstep|timestamp|metric\r\n1|2025-03-01 09:15:02+00:00|0.5\r\n");
  assertEquals(vals(r.events), [0.5]);
  assertEquals(r.diagnostics, []);
});

Deno.test("any chunking gives the same events (split inside lines and UTF-8 sequences)", async () => {
  const text =
    "step|timestamp|metric\n1|2025-03-01 09:15:02.481516+00:00|0.6931\n2|2025-03-01 09:15:12+00:00|0.5";
  const jl =
    '\n{"timestamp": "2025-03-01 09:15:02+00:00", "step": 1, "text": "é€😀"}\n{"timestamp": "2025-03-01 09:15:03+00:00", "step": 2, "text": "日本"}';
  const whole = await read("metric", text);
  const wholeT = await read("text", jl);
  for (const size of [1, 2, 3, 7, 64]) {
    assertEquals((await read("metric", text, size)).events, whole.events);
    assertEquals((await read("text", jl, size)).events, wholeT.events);
  }
});

Deno.test("random chunk sizes never change what is read (property)", async () => {
  const rows = Array.from(
    { length: 50 },
    (_, i) => `${i}|2025-03-01 09:15:${String(i % 60).padStart(2, "0")}+00:00|${i / 7}`,
  );
  const text = "step|timestamp|metric\n" + rows.join("\n");
  const base = await read("metric", text);
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 300 }), async (size) => {
      const r = await read("metric", text, size);
      return JSON.stringify(r.events) === JSON.stringify(base.events);
    }),
    { numRuns: 60 },
  );
});

Deno.test("random bytes never throw: events plus diagnostics (property)", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 400 }),
      fc.constantFrom("metric", "text", "image", "span"),
      async (bytes, kind) => {
        const r = await read(kind, bytes, 37);
        return r.diagnostics.every((d) => d.file === `events/${kind}/n.plx` && typeof d.message === "string");
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("line numbers stay exact across 1 MiB chunks on the fast path and the general path", async () => {
  const rows: string[] = [];
  for (let i = 0; i < 60_000; i++) {
    rows.push(`${i}|2025-03-01 09:15:02.${String(i % 1e6).padStart(6, "0")}+00:00|${i * 0.5}`);
  }
  rows[39_999] = "39999|2025-03-01 09:15:02+00:00|oops"; // line 40001 (header is line 1)
  rows[50_000] = "50000|2025-03-01 09:15:02+00:00|1|2"; // line 50002
  const text = "step|timestamp|metric\n" + rows.join("\n");
  const r = await read("metric", text);
  assertEquals(r.events.length, 59_998);
  assertEquals(r.diagnostics.map((d) => [d.line, d.code]), [[40_001, "bad-metric"], [50_002, "field-count"]]);
  assertEquals(r.lines[r.lines.length - 1], 60_001);
  assertEquals(r.info.lines, 60_001);
  const jl = Array.from(
    { length: 30_000 },
    (_, i) => JSON.stringify({ timestamp: "2025-03-01 09:15:02+00:00", step: i, text: "é".repeat(40) }),
  );
  jl[20_000] = "{broken";
  const t = await read("text", "\n" + jl.join("\n"));
  assertEquals(t.diagnostics.map((d) => d.line), [20_002]);
  assertEquals(t.lines[t.lines.length - 1], 30_001);
});

Deno.test("a value nested 100,000 levels deep is a clear error, not a stack overflow", async () => {
  let span = '{"name":"x"}';
  for (let i = 0; i < 100_000; i++) span = `{"name":"x","children":[${span}]}`;
  let arr = "[1]";
  for (let i = 0; i < 100_000; i++) arr = `[${arr}]`;
  const s = await read(
    "span",
    "\n" + JSON.stringify({ timestamp: "2025-03-01 09:15:02+00:00", step: 1, span }) + "\n",
  );
  assertEquals(s.diagnostics.map((d) => d.message), ["span value is nested deeper than 1000 levels"]);
  const c = await read(
    "chart",
    `step|timestamp|chart\n1|2025-03-01 09:15:02+00:00|{"kind":"vega","figure":{"x":${arr}}}\n`,
  );
  assertEquals(c.diagnostics.map((d) => [d.line, d.message]), [[
    2,
    "chart value is nested deeper than 1000 levels",
  ]]);
});
