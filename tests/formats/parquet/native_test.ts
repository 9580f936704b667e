/**
 * The native Parquet encoder (metric partitions) against parquet-wasm, the encoder it replaces there: the
 * same rows must come back from both files, through parquet-wasm (our reader) and DuckDB, and the
 * native file's statistics must be the true minima, maxima and null counts.
 */
import * as path from "node:path";
import * as arrow from "../../../src/_deps/arrow.ts";
import * as pw from "../../../src/_deps/parquet_wasm.ts";
import { DuckDBInstance } from "../../_deps.ts";
import fc from "../../_fc.ts";
import { assertEquals } from "../../_assert.ts";
import { eventArb } from "../_columnar.ts";
import type { PlxEvent } from "../../../src/model/event.ts";
import { ColumnBuffer } from "../../../src/formats/parquet/write.ts";
import { concatBytes } from "../../../src/io/bytes.ts";
import { openInlinePart, openNativePart, wasmPart } from "../../../src/formats/parquet/_part.ts";
import { footer, MAGIC } from "../../../src/formats/parquet/native.ts";
import { arrowSchema, arrowSchemaMeta, leafFields } from "../../../src/formats/parquet/schema.ts";

const BIG = Number.MAX_SAFE_INTEGER;

const rowArb = fc.record({
  run: fc.constantFrom("r1", "r2", "ρ-λ", "a".repeat(40), "zz\u{1F600}"),
  scope: fc.constantFrom("events", "resources"),
  name: fc.constantFrom("loss", "acc", "naïve/名前", "x"),
  step: fc.oneof(
    fc.constant(null),
    fc.integer({ min: 0, max: 5000 }),
    fc.constantFrom(
      0,
      1,
      BIG,
      -BIG,
      2 ** 50,
      -(2 ** 50),
      2 ** 32,
      2 ** 32 - 1,
      -1,
      2 ** 52 - 1,
      2 ** 51,
      1 - 2 ** 51,
    ),
  ),
  micros: fc.oneof(
    fc.integer({ min: 1740820502000000, max: 1740820602000000 }),
    fc.constantFrom(0, -1, -62135596800000000, 253402300799999999, 2 ** 53, 2 ** 50 - 1),
  ),
  offset: fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: -86399, max: 86399 })),
  value: fc.oneof(
    fc.double(),
    fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 5e-324, -Number.MAX_VALUE),
  ),
});

type Row = typeof rowArb extends fc.Arbitrary<infer T> ? T : never;

function event(r: Row): PlxEvent {
  return {
    run: r.run,
    scope: r.scope as PlxEvent["scope"],
    kind: "metric",
    name: r.name,
    step: r.step,
    timestamp: { micros: r.micros, offset: r.offset },
    type: "metric",
    value: r.value,
  };
}

/** A parquet file's rows as JSON-able objects (through parquet-wasm, as our reader reads). */
function rowsOf(bytes: Uint8Array): unknown[] {
  const t = arrow.tableFromIPC(pw.readParquet(bytes).intoIPCStream());
  return t.toArray().map((r) => r.toJSON());
}

/** A native file made in memory with tiny row groups and pages (exercises every boundary). */
function nativeBytes(events: PlxEvent[], groupRows: number, pageRows: number): Uint8Array {
  const buf = new ColumnBuffer("metric", events.length + 1);
  for (const e of events) buf.push(e);
  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const groups = [];
  while (buf.length > 0) {
    const g = buf.takeNative(groupRows, { codec: 6, pageRows });
    groups.push({ group: g, offset });
    for (const c of g.columns) for (const p of c.pages) parts.push(p);
    offset += g.byteLength;
  }
  parts.push(
    footer(leafFields(arrowSchema("metric")), groups, { "ARROW:schema": arrowSchemaMeta("metric") }, "t"),
  );
  return concatBytes(parts);
}

function wasmBytes(events: PlxEvent[]): Uint8Array {
  const buf = new ColumnBuffer("metric", events.length + 1);
  for (const e of events) buf.push(e);
  return pw.writeParquet(pw.Table.fromIPCStream(buf.takeIpc()));
}

Deno.test("property: native metric files read back (parquet-wasm) exactly as parquet-wasm's own files", () => {
  fc.assert(
    fc.property(
      fc.array(rowArb, { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 1, max: 400 }),
      fc.integer({ min: 1, max: 200 }),
      (rows, groupRows, pageRows) => {
        const events = rows.map(event);
        assertEquals(rowsOf(nativeBytes(events, groupRows, pageRows)), rowsOf(wasmBytes(events)));
      },
    ),
    { numRuns: 150 },
  );
});

Deno.test("native metric parts: DuckDB reads the same rows, and the statistics are exact", async () => {
  const dir = await Deno.makeTempDir();
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 1, maxLength: 200 }),
        fc.constantFrom("zstd" as const, "none" as const),
        async (rows, compression) => {
          const events = rows.map(event);
          const files: string[] = [];
          for (const mode of ["native", "wasm"]) {
            const tmp = path.join(dir, `${mode}-${n++}.parquet`);
            const spec = {
              tmp,
              compression,
              rowGroupRows: 64,
              meta: {},
              type: "metric" as const,
            };
            const part = mode === "native"
              ? await openNativePart(spec)
              : wasmPart(await openInlinePart(spec));
            const buf = new ColumnBuffer("metric", events.length);
            for (const e of events) buf.push(e);
            while (buf.length > 0) await part.take(buf, 64);
            await part.close();
            files.push(tmp);
          }
          const all = async (f: string) =>
            (await con.runAndReadAll(
              `SELECT run, scope, name, step, epoch_us(timestamp)::VARCHAR, utc_offset, value::VARCHAR
             FROM read_parquet('${f}')`,
            )).getRows();
          assertEquals(await all(files[0]), await all(files[1]));
          // Statistics of the native file against the data (DuckDB's own aggregates).
          const stats = (await con.runAndReadAll(
            `SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count, row_group_id
           FROM parquet_metadata('${files[0]}') ORDER BY row_group_id, column_id`,
          )).getRows();
          const groups = Math.ceil(events.length / 64);
          const leaves = leafFields(arrowSchema()).length;
          assertEquals(stats.length, groups * leaves);
          for (let g = 0; g < groups; g++) {
            const part = events.slice(g * 64, (g + 1) * 64);
            const got = new Map(stats.filter((s) => Number(s[4]) === g).map((s) => [s[0], s.slice(1, 4)]));
            const minMax = (xs: (string | number)[]) =>
              xs.length
                ? [String(xs.reduce((a, b) => (a < b ? a : b))), String(xs.reduce((a, b) => (a > b ? a : b)))]
                : [null, null];
            const utf8Sort = (xs: string[]) =>
              [...xs].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
            for (const col of ["run", "scope", "name"] as const) {
              const s = utf8Sort(part.map((e) => e[col]));
              assertEquals(got.get(col), [s[0], s[s.length - 1], 0n], col);
            }
            const steps = part.map((e) => e.step).filter((s) => s !== null) as number[];
            assertEquals(got.get("step"), [
              ...minMax(steps.map((s) => BigInt(s)) as never),
              BigInt(part.length - steps.length),
            ], "step");
            const offs = part.map((e) => e.timestamp.offset).filter((o) => o !== null) as number[];
            assertEquals(
              got.get("utc_offset"),
              [...minMax(offs), BigInt(part.length - offs.length)],
              "utc_offset",
            );
            const vals = part.map((e) => e.value as number).filter((v) => v === v);
            const [lo, hi] = minMax(vals);
            const gv = got.get("value")!;
            // (DuckDB prints doubles its own way: compare as numbers; zeros are -0.0 as min and +0.0 as max)
            const want = [lo === null ? null : Number(lo), hi === null ? null : Number(hi)];
            if (want[0] === 0) want[0] = -0;
            if (want[1] === 0) want[1] = 0;
            // (DuckDB shows an infinite statistic as NULL, for parquet-wasm's files too)
            for (let i = 0; i < 2; i++) if (want[i] !== null && !Number.isFinite(want[i])) want[i] = null;
            const num = (v: unknown) => (v === null ? null : Number(v));
            assertEquals([num(gv[0]), num(gv[1])], want, "value");
          }
        },
      ),
      { numRuns: 25 },
    );
  } finally {
    con.closeSync();
    db.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
});

/** JSON of a value with NaN, ±Infinity, -0 and bigints kept apart from null and numbers. */
function exact(v: unknown): string {
  return JSON.stringify(v, function (_k, x) {
    if (typeof x === "bigint") return `${x}n`;
    if (typeof x === "number" && (!Number.isFinite(x) || Object.is(x, -0))) {
      return `num:${x}${Object.is(x, -0) ? "-0" : ""}`;
    }
    return x;
  });
}

/** A file of every kind in memory, written by the native encoder or by parquet-wasm, from the same rows. */
function kindBytes(type: PlxEvent["type"], events: PlxEvent[], native: boolean): Uint8Array {
  const buf = new ColumnBuffer(type, events.length + 1);
  for (const e of events) buf.push(e);
  if (!native) return pw.writeParquet(pw.Table.fromIPCStream(buf.takeIpc()));
  const parts: Uint8Array[] = [MAGIC];
  let offset = MAGIC.length;
  const groups = [];
  while (buf.length > 0) {
    const g = buf.takeNative(3, { codec: 6, pageRows: 2 });
    groups.push({ group: g, offset });
    for (const c of g.columns) for (const p of c.pages) parts.push(p);
    offset += g.byteLength;
  }
  parts.push(footer(leafFields(arrowSchema()), groups, { "ARROW:schema": arrowSchemaMeta() }, "t"));
  return concatBytes(parts);
}

Deno.test("property: native files of every kind read back (parquet-wasm and DuckDB) as parquet-wasm's own; same statistics", async () => {
  const dir = await Deno.makeTempDir();
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  let n = 0;
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 1, maxLength: 30 }), async (events) => {
        const byType = new Map<PlxEvent["type"], PlxEvent[]>();
        for (const e of events) byType.set(e.type, [...byType.get(e.type) ?? [], e]);
        for (const [type, evs] of byType) {
          const [a, b] = [true, false].map((native) => kindBytes(type, evs, native));
          const rows = (bytes: Uint8Array) =>
            arrow.tableFromIPC(pw.readParquet(bytes).intoIPCStream()).toArray().map((r) => exact(r.toJSON()));
          assertEquals(rows(a), rows(b), type);
          const files = [a, b].map((bytes) => {
            const f = path.join(dir, `${n++}.parquet`);
            Deno.writeFileSync(f, bytes);
            return f;
          });
          const all = async (f: string) =>
            (await con.runAndReadAll(`SELECT * FROM read_parquet('${f}')`)).getRows().map((r) => exact(r));
          assertEquals(await all(files[0]), await all(files[1]), type);
          // Statistics: the same null counts, and min/max wherever parquet-wasm writes them.
          const stats = async (f: string) =>
            (await con.runAndReadAll(
              `SELECT row_group_id, path_in_schema, stats_null_count, stats_min_value, stats_max_value
               FROM parquet_metadata('${f}') ORDER BY ALL`,
            )).getRows();
          const [sa, sb] = [await stats(files[0]), await stats(files[1])];
          // (parquet-wasm's row groups are one; compare per column over the native file's groups)
          const per = (s: unknown[][]) => {
            const m = new Map<string, { nulls: bigint; min: unknown[]; max: unknown[] }>();
            for (const [, p, nulls, min, max] of s) {
              const e = m.get(String(p)) ?? { nulls: 0n, min: [], max: [] };
              e.nulls += BigInt(nulls as bigint ?? 0n);
              if (min !== null) e.min.push(min);
              if (max !== null) e.max.push(max);
              m.set(String(p), e);
            }
            return m;
          };
          const [pa, pb] = [per(sa), per(sb)];
          assertEquals([...pa.keys()], [...pb.keys()]);
          for (const [col, w] of pb) {
            const g = pa.get(col)!;
            assertEquals(g.nulls, w.nulls, `${type} ${col} null count`);
            if (w.min.length && !["value_json", "text", "html"].includes(col)) {
              // (the overall minimum of the native groups' minima is parquet-wasm's minimum)
              const num = (x: unknown) => /^-?(\d|inf)/i.test(String(x)) && !isNaN(Number(x));
              if (g.min.every(num) && w.min.every(num)) {
                const lo = (xs: unknown[]) => Math.min(...xs.map(Number));
                assertEquals(lo(g.min) === lo(w.min), true, `${type} ${col} min ${g.min} vs ${w.min}`);
              } else {
                const lo = (xs: unknown[]) =>
                  xs.map(String).sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))[0];
                assertEquals(lo(g.min), lo(w.min), `${type} ${col} min`);
              }
            }
          }
        }
      }),
      { numRuns: 40 },
    );
  } finally {
    con.closeSync();
    db.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
});
