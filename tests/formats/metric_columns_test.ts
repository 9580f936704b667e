/**
 * The metric column side channel (`PlxBatch.metrics`) must be the same rows as the events, and the columnar
 * writers must write exactly what they write for the events.
 */
import fc from "fast-check";
import * as arrow from "apache-arrow";
import { assertEquals } from "../_assert.ts";
import { type MetricColumns, metricEvents } from "../../src/model/event.ts";
import { PlxReader } from "../../src/formats/plx/read.ts";
import { JsonlEncoder } from "../../src/formats/jsonl/write.ts";
import { ColumnBuffer } from "../../src/formats/parquet/write.ts";
import { pyFloatRepr } from "../../src/model/pyfloat.ts";
import { formatPyTimestamp } from "../../src/model/time.ts";

function columns(rows: [number, number, number, number][]): MetricColumns {
  const n = rows.length;
  const c = {
    run: "r1",
    scope: "events" as const,
    kind: "metric",
    name: "loss",
    length: n,
    step: new Float64Array(n),
    micros: new Float64Array(n),
    offset: new Float64Array(n),
    value: new Float64Array(n),
    line: new Float64Array(n),
  };
  rows.forEach(([s, m, o, v], i) => {
    c.step[i] = s;
    c.micros[i] = m;
    c.offset[i] = o;
    c.value[i] = v;
    c.line[i] = i + 2;
  });
  return c;
}

const rowArb = fc.tuple(
  fc.oneof(fc.constant(NaN), fc.constant(-0), fc.integer({ min: 0, max: 2 ** 31 + 5 }), fc.maxSafeInteger()),
  fc.integer({ min: -62135596800000000, max: 253402300799999999 }),
  fc.oneof(fc.constant(0), fc.constant(NaN), fc.integer({ min: -86399, max: 86399 })),
  fc.oneof(fc.double(), fc.constant(-0), fc.constant(NaN)),
);

function chunks(enc: JsonlEncoder, first: Uint8Array[]): string[] {
  const last = enc.flush();
  return [...first, ...(last ? [last] : [])].map((b) => new TextDecoder().decode(b));
}

Deno.test("JSONL: pushMetrics writes the bytes and chunks of push(metricEvents(...))", () => {
  fc.assert(
    fc.property(fc.array(rowArb, { maxLength: 300 }), fc.constantFrom(64, 700, 1 << 20), (rows, size) => {
      const c = columns(rows);
      const a = new JsonlEncoder({ chunkChars: size });
      const b = new JsonlEncoder({ chunkChars: size });
      assertEquals(chunks(a, a.pushMetrics(c)), chunks(b, b.push(metricEvents(c))));
    }),
    { numRuns: 200 },
  );
});

Deno.test("Parquet: ColumnBuffer.pushMetrics holds the rows push() holds", () => {
  fc.assert(
    fc.property(fc.array(rowArb, { minLength: 1, maxLength: 100 }), (rows) => {
      const c = columns(rows);
      const a = new ColumnBuffer("metric", 128);
      const b = new ColumnBuffer("metric", 128);
      a.pushMetrics(c, 0, c.length);
      for (const e of metricEvents(c)) b.push(e);
      // (dictionary ids differ per schema: compare the decoded rows)
      const rowsOf = (ipc: Uint8Array) => arrow.tableFromIPC(ipc).toArray().map((r) => r.toJSON());
      assertEquals(rowsOf(a.takeIpc()), rowsOf(b.takeIpc()));
    }),
    { numRuns: 100 },
  );
});

Deno.test("plx reader: metric columns are the events, lazily made objects included", async () => {
  const rows = [
    "step|timestamp|metric",
    "1|2025-03-01 09:15:02.481516+00:00|0.5",
    "|2025-03-01 09:15:03+00:00|nan",
    "-0|2025-03-01 09:15:03.000001|1e-05",
    '3|2025-03-01 09:15:04.5+05:30|"2.5"',
    "4|2025-03-01 09:15:05.000001+00:00|inf",
    "x|2025-03-01 09:15:05+00:00|1",
    "5|2025-03-01 09:15:05+00:00|1|2",
    "6|2025-03-01 09:15:05+00:00|-inf",
  ];
  for (let i = 0; i < 3000; i++) {
    rows.push(
      `${i}|${formatPyTimestamp({ micros: 1740820502481516 + i * 1234567, offset: 0 })}|${
        pyFloatRepr(Math.sin(i))
      }`,
    );
  }
  const bytes = new TextEncoder().encode(rows.join("\n"));
  const meta = {
    run: "r",
    scope: "events" as const,
    kind: "metric",
    name: "loss",
    file: "events/metric/loss.plx",
  };
  // Small chunks so that lines span chunks (the carried line goes through the slow path).
  const split = (size: number) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
    return out;
  };
  const reference = new PlxReader(meta, {});
  const want: unknown[] = [];
  const wantLines: number[] = [];
  const wantDiags: unknown[] = [];
  for await (const b of reference.read(split(1 << 20))) {
    want.push(...b.events);
    wantLines.push(...(b.lines ?? []));
    wantDiags.push(...b.diagnostics);
  }
  for (const size of [97, 4096, 1 << 20]) {
    const r = new PlxReader(meta, {});
    const fromCols: unknown[] = [];
    const got: unknown[] = [];
    const lines: number[] = [];
    const diags: unknown[] = [];
    let columnar = 0;
    for await (const b of r.read(split(size))) {
      if (b.metrics) {
        columnar++;
        fromCols.push(...metricEvents(b.metrics));
      } else fromCols.push(...b.events);
      got.push(...b.events);
      lines.push(...(b.lines ?? []));
      diags.push(...b.diagnostics);
    }
    assertEquals(got, want);
    assertEquals(fromCols, want);
    assertEquals(lines, wantLines);
    assertEquals(diags, wantDiags);
    assertEquals(r.info, reference.info);
    assertEquals(columnar > 0, true);
  }
});
