/**
 * The metric column side channel (`PlxBatch.metrics`) must be the same rows as the events, and the columnar
 * writers must write exactly what they write for the events.
 */
import { fc } from "../_deps.ts";
import * as arrow from "../../src/_deps/arrow.ts";
import { assertEquals, assertOk } from "../_assert.ts";
import { concatBytes } from "../../src/io/bytes.ts";
import { type MetricColumns, metricEvents, type PlxEvent } from "../../src/model/event.ts";
import { PlxReader } from "../../src/formats/plx/read.ts";
import { PlxRunWriter } from "../../src/formats/plx/write.ts";
import { readJsonl } from "../../src/formats/jsonl/read.ts";
import { JsonlEncoder } from "../../src/formats/jsonl/write.ts";
import { copyShortDecimal, type FloatStyle } from "../../src/io/ascii.ts";
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

/** `copyShortDecimal` over a whole string: the copied text, or null when refused. */
function copied(text: string, style: FloatStyle = "js"): string | null {
  const buf = new Uint8Array(64);
  const end = copyShortDecimal(buf, 0, new TextEncoder().encode(text), 0, text.length, style);
  return end < 0 ? null : new TextDecoder().decode(buf.subarray(0, end));
}

Deno.test("copyShortDecimal (js) takes exactly the plain decimals JavaScript prints the same way", () => {
  for (
    const t of ["0.5", "-0.5", "123.25", "5", "-5", "100", "0.000001", "0.0001234", "1234567890123456.5"]
  ) {
    assertEquals(copied(t), t, t);
    assertEquals(String(Number(t)), t, t);
  }
  for (
    const t of [
      "",
      "-",
      "0",
      "-0",
      "0.0",
      "-0.0",
      "1.0",
      "0.50",
      "5.",
      ".5",
      "+1",
      "05",
      "00.5",
      "1e-05",
      "1E5",
      "0.0000001",
      "nan",
      "inf",
      "1_0",
      " 1",
      "1 ",
      "1234567890123456", // 16-digit integer: may not be exact
      "0.123456789012345678", // 18 significant digits: never shortest
      "9".repeat(30),
    ]
  ) assertEquals(copied(t), null, t);
});

Deno.test("property: copyShortDecimal (js) of Python's repr is String(value) or refused", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -1e4, max: 1e4 })),
      (x) => {
        const got = copied(pyFloatRepr(x));
        if (got !== null) assertEquals(got, String(x));
        // Every plain decimal JavaScript prints is taken (so the fast path is the common path).
        const js = String(x);
        if (x !== 0 && /^-?\d+(\.\d+)?$/.test(js) && js.replace(/^-?0\.0*|[-.]/g, "").length <= 15) {
          assertEquals(copied(js), js);
        }
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("property: any text copyShortDecimal (js) takes reads back to the same double", () => {
  fc.assert(
    fc.property(fc.stringMatching(/^-?[0-9]{0,18}(\.[0-9]{0,18})?$/), (t) => {
      const got = copied(t);
      if (got === null) return;
      assertEquals(got, t);
      const x = Number(t);
      assertEquals(Number.isFinite(x) && x !== 0, true, t);
      assertEquals(JSON.parse(got), x);
    }),
    { numRuns: 3000 },
  );
});

Deno.test("plx -> JSONL: values are copied from the file only when that is the text String() prints", async () => {
  const values = [
    "0.5",
    "1.0",
    "0.50",
    "5",
    "1e-05",
    "-0.0",
    "nan",
    "0.0001",
    "123.456",
    "0.30000000000000004",
  ];
  for (let i = 0; i < 500; i++) values.push(pyFloatRepr(Math.sin(i) * 10 ** ((i % 40) - 20)));
  const rows = ["step|timestamp|metric"];
  values.forEach((v, i) => rows.push(`${i}|2025-03-01 09:15:02.481516+00:00|${v}`));
  const reader = new PlxReader({
    run: "r",
    scope: "events",
    kind: "metric",
    name: "loss",
    file: "events/metric/loss.plx",
  });
  const a = new JsonlEncoder();
  const b = new JsonlEncoder();
  let columnar = 0;
  const out: string[] = [];
  // (a trailing newline: the file's last line is carried to a final batch of events, not columns)
  for await (const batch of reader.read([new TextEncoder().encode(rows.join("\n") + "\n")])) {
    if (!batch.metrics) continue;
    columnar += batch.metrics.length;
    assertEquals(batch.metrics.valueSpan !== undefined && batch.metrics.valueBytes !== undefined, true);
    out.push(...chunks(a, a.pushMetrics(batch.metrics)));
    assertEquals(out, chunks(b, b.push(metricEvents(batch.metrics))));
  }
  assertEquals(columnar, values.length);
});

Deno.test("plx: PlxRunWriter.writeMetrics writes the bytes of write(metricEvents(...))", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(rowArb, { maxLength: 60 }), { minLength: 1, maxLength: 4 }),
        fc.constantFrom(64, 1 << 20),
        async (batches, flush) => {
          const a = `${dir}/a${k}`;
          const b = `${dir}/b${k++}`;
          const wa = new PlxRunWriter(a, flush);
          const wb = new PlxRunWriter(b, flush);
          for (const rows of batches) {
            const c = columns(rows);
            await wa.writeMetrics(c);
            await wb.write(metricEvents(c));
          }
          await wa.commit();
          await wb.commit();
          const read = (d: string) => Deno.readTextFile(`${d}/events/metric/loss.plx`).catch(() => null);
          assertEquals(await read(a), await read(b));
        },
      ),
      { numRuns: 100 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("copyShortDecimal (python) gives Python's repr, or refuses", () => {
  const cases: [string, string | null][] = [
    ["0.5", "0.5"],
    ["5", "5.0"],
    ["-5", "-5.0"],
    ["5.0", "5.0"],
    ["0.0", "0.0"],
    ["-0.0", "-0.0"],
    ["0.0001", "0.0001"],
    ["1234567890123456.0", "1234567890123456.0"],
    ["0.00001", null], // Python: 1e-05
    ["0.000012", null],
    ["12345678901234567.0", null], // Python: 1.2345678901234568e+16
    ["1e-05", null],
    ["5.50", null],
    ["05", null],
    ["0", null],
    ["nan", null],
    ["1234567890123456", null], // 16-digit integer: not known to be exact
  ];
  for (const [t, want] of cases) {
    assertEquals(copied(t, "python"), want, t);
    if (want !== null) assertEquals(pyFloatRepr(Number(t)), want, t);
  }
});

Deno.test("property: copyShortDecimal (python) of repr or String texts is pyFloatRepr(value) or refused", () => {
  fc.assert(
    fc.property(
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -1e4, max: 1e4 })),
      (x) => {
        for (const t of [pyFloatRepr(x), String(x)]) {
          const got = copied(t, "python");
          if (got !== null) assertEquals(got, pyFloatRepr(x), t);
        }
        // Python's fixed-notation reprs are taken (the fast path is the common path).
        const py = pyFloatRepr(x);
        if (/^-?\d+\.\d+$/.test(py) && py.replace(/^-?0\.0*|[-.]/g, "").length <= 15) {
          assertEquals(copied(py, "python"), py);
        }
      },
    ),
    { numRuns: 3000 },
  );
});

/** Writes batches (columns where a batch has them) with a PlxRunWriter; returns the metric file's text. */
async function writeBatches(
  batches: { events: PlxEvent[]; metrics?: MetricColumns }[],
  columns: boolean,
): Promise<string> {
  const dir = await Deno.makeTempDir();
  try {
    const w = new PlxRunWriter(dir, 4096);
    for (const b of batches) {
      if (columns && b.metrics) await w.writeMetrics(b.metrics);
      else await w.write(b.events);
    }
    await w.commit();
    return await Deno.readTextFile(`${dir}/events/metric/loss.plx`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const valueArb = fc.oneof(
  fc.double(),
  fc.double({ min: -1e4, max: 1e4 }),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1, 1e-5, 1e16, 5e-324, 0.1, 100),
);

Deno.test("property: plx -> plx through columns gives back a Python-written file byte for byte", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.nat(1e6), valueArb), { minLength: 1, maxLength: 300 }),
      async (rows) => {
        const text = ["step|timestamp|metric"].concat(
          rows.map(([s, v], i) =>
            `${s}|${formatPyTimestamp({ micros: 1740820502481516 + i * 1_000_001, offset: 0 })}|${
              pyFloatRepr(v)
            }`
          ),
        ).join("\n");
        const reader = new PlxReader({
          run: "r",
          scope: "events",
          kind: "metric",
          name: "loss",
          file: "events/metric/loss.plx",
        });
        const batches: { events: PlxEvent[]; metrics?: MetricColumns }[] = [];
        for await (const b of reader.read([new TextEncoder().encode(text)])) batches.push(b);
        assertEquals(await writeBatches(batches, true), text);
      },
    ),
    { numRuns: 100 },
  );
});

Deno.test("property: jsonl -> plx through columns writes what the events write", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.option(fc.nat(1e6)), valueArb), { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 200, max: 5000 }),
      async (rows, chunkSize) => {
        const enc = new JsonlEncoder();
        const chunks = enc.push(rows.map(([s, v], i): PlxEvent => ({
          run: "r",
          scope: "events",
          kind: "metric",
          name: "loss",
          step: s,
          timestamp: { micros: 1740820502481516 + i * 999_999, offset: i % 3 ? 0 : null },
          type: "metric",
          value: v,
        })));
        const last = enc.flush();
        if (last) chunks.push(last);
        const all = concatBytes(chunks);
        const pieces: Uint8Array[] = [];
        for (let i = 0; i < all.length; i += chunkSize) pieces.push(all.slice(i, i + chunkSize));
        const batches: { events: PlxEvent[]; metrics?: MetricColumns }[] = [];
        for await (const b of readJsonl(pieces, "t.jsonl")) batches.push(b);
        // Every fast-path row keeps its value span, except lines carried across a chunk boundary.
        let noSpan = 0;
        for (const b of batches) {
          if (!b.metrics) continue;
          for (let i = 0; i < b.metrics.length; i++) {
            if (!b.metrics.valueSpan || b.metrics.valueSpan[2 * i] < 0) noSpan++;
          }
        }
        assertOk(noSpan <= pieces.length, `${noSpan} rows without a value span in ${pieces.length} chunks`);
        assertEquals(await writeBatches(batches, true), await writeBatches(batches, false));
      },
    ),
    { numRuns: 100 },
  );
});
