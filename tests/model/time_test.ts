import { assertEquals } from "../_assert.ts";
import fc from "../_fc.ts";
import {
  formatIsoTimestamp,
  formatPydanticTimestamp,
  formatPyTimestamp,
  parseTimestamp,
  parseTimestampBytes,
  TimestampWriter,
} from "../../src/model/time.ts";

Deno.test("parseTimestamp reads Python str(datetime) and ISO forms", async (t) => {
  const cases: [string, number | null, number | null][] = [
    ["2025-03-01 09:15:02.481516+00:00", 1740820502481516, 0],
    ["2025-03-01 09:15:02+00:00", 1740820502000000, 0],
    ["2025-03-01T09:15:02.481516Z", 1740820502481516, 0],
    ["2018-12-11T10:24:57", 1544523897000000, null],
    ["2018-12-11 10:24:57", 1544523897000000, null],
    ["2025-03-01 10:15:02.5+01:00", 1740820502500000, 3600],
    ["2025-03-01 04:15:02-05:00", 1740820502000000, -18000],
    ["2024-02-29 00:00:00", 1709164800000000, null],
  ];
  for (const [text, micros, offset] of cases) {
    await t.step(text, () => assertEquals(parseTimestamp(text), { micros, offset }));
  }
});

Deno.test("parseTimestamp rejects what is not a datetime", () => {
  for (
    const bad of [
      "",
      "abc",
      "2025-13-01 00:00:00",
      "2023-02-29 00:00:00",
      "2025-03-01 25:00:00",
      "2025-03-01 09:15:02+",
    ]
  ) {
    assertEquals(parseTimestamp(bad), null, bad);
  }
});

Deno.test("formatPyTimestamp matches Python str(datetime)", () => {
  assertEquals(
    formatPyTimestamp(parseTimestamp("2025-03-01T09:15:02.481516Z")!),
    "2025-03-01 09:15:02.481516+00:00",
  );
  assertEquals(
    formatPyTimestamp(parseTimestamp("2025-03-01T09:15:02.000000Z")!),
    "2025-03-01 09:15:02+00:00",
  );
  assertEquals(formatPyTimestamp(parseTimestamp("2018-12-11T10:24:57")!), "2018-12-11 10:24:57");
  assertEquals(
    formatPyTimestamp(parseTimestamp("2025-03-01 10:15:02.000001+01:00")!),
    "2025-03-01 10:15:02.000001+01:00",
  );
  assertEquals(
    formatPyTimestamp(parseTimestamp("1969-12-31 23:59:59.999999")!),
    "1969-12-31 23:59:59.999999",
  );
});

Deno.test("other timestamp renderings", () => {
  const t = parseTimestamp("2025-03-01 09:15:02+00:00")!;
  assertEquals(formatIsoTimestamp(t), "2025-03-01T09:15:02.000000+00:00");
  assertEquals(
    formatPydanticTimestamp(parseTimestamp("2025-03-01 09:15:02.481516+00:00")!),
    "2025-03-01T09:15:02.481516Z",
  );
});

Deno.test("formatting then parsing keeps every microsecond and offset", async () => {
  const fc = (await import("../_fc.ts")).default;
  fc.assert(
    fc.property(
      fc.integer({ min: -62135596800000000 + 86400000000, max: 253402214400000000 - 86400000000 }),
      fc.option(fc.integer({ min: -23 * 60, max: 23 * 60 }).map((m) => m * 60)),
      (micros, offset) => {
        const t = { micros, offset: offset ?? null };
        const back1 = parseTimestamp(formatPyTimestamp(t));
        const back2 = parseTimestamp(formatIsoTimestamp(t));
        return JSON.stringify(back1) === JSON.stringify(t) && JSON.stringify(back2) === JSON.stringify(t);
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("property: the byte parser (minute cache included) equals parseTimestamp, row after row", () => {
  // Rows share minute prefixes (the cache hits), then differ in one byte anywhere (it must miss).
  const prefixes = [
    "2025-03-01 09:15",
    "2025-03-01T09:15",
    "2024-02-29 23:59",
    "2023-02-29 10:00",
    "0001-01-01 00:00",
  ];
  const tails = [
    ":02.481516+00:00",
    ":02+00:00",
    "",
    ":59.5",
    ":02.481516+05:30",
    ":02-07:00",
    ":60",
    ":02.",
    ":02Z",
  ];
  const row = fc.tuple(
    fc.constantFrom(...prefixes),
    fc.constantFrom(...tails),
    fc.option(fc.tuple(fc.nat(40), fc.integer({ min: 0, max: 127 })), { freq: 4 }),
  ).map(([p, t, edit]) => {
    let s = p + t;
    if (edit) {
      const at = edit[0] % s.length;
      s = s.slice(0, at) + String.fromCharCode(edit[1]) + s.slice(at + 1);
    }
    return s;
  });
  fc.assert(
    fc.property(fc.array(row, { maxLength: 30 }), (rows) => {
      for (const s of rows) {
        const b = new TextEncoder().encode("|" + s + "|");
        assertEquals(parseTimestampBytes(b, 1, b.length - 1), parseTimestamp(s), s);
      }
    }),
    { numRuns: 2000 },
  );
});

Deno.test("property: TimestampWriter (per-second cache) writes formatIsoTimestamp / formatPyTimestamp, row after row", () => {
  // (within ±2^52 µs of 1970: the formatters' arithmetic is exact there, as PlxTime.micros is)
  const base = fc.constantFrom(1740820502000000, 0, -1, -(2 ** 52), 2 ** 52, 951782400000000);
  const row = fc.tuple(
    base,
    fc.integer({ min: -3_000_000, max: 3_000_000 }),
    fc.oneof(fc.constant(NaN), fc.constant(0), fc.constant(-1), fc.integer({ min: -86399, max: 86399 })),
  );
  fc.assert(
    fc.property(fc.array(row, { maxLength: 40 }), fc.constantFrom("iso", "python"), (rows, style) => {
      const w = new TimestampWriter(style as "iso" | "python", "<", ">");
      const buf = new Uint8Array(256);
      for (const [b, d, offset] of rows) {
        const micros = b + d;
        const t = { micros, offset: offset === offset ? offset : null };
        const want = "<" + (style === "iso" ? formatIsoTimestamp(t) : formatPyTimestamp(t)) + ">";
        const end = w.write(buf, 0, micros, offset);
        assertEquals(new TextDecoder().decode(buf.subarray(0, end)), want);
      }
    }),
    { numRuns: 1000 },
  );
});

Deno.test("TimestampWriter: years outside 1-9999 are written in full, as the formatters write them", () => {
  for (const style of ["iso", "python"] as const) {
    const w = new TimestampWriter(style);
    const buf = new Uint8Array(128);
    for (const micros of [1e18, -1e18, 1740820502000000, 1e18]) {
      for (const offset of [0, NaN, 3600]) {
        const t = { micros, offset: offset === offset ? offset : null };
        const want = style === "iso" ? formatIsoTimestamp(t) : formatPyTimestamp(t);
        assertEquals(new TextDecoder().decode(buf.subarray(0, w.write(buf, 0, micros, offset))), want);
      }
    }
  }
});
