import fc from "../_fc.ts";
import { assertEquals } from "../_assert.ts";
import { parsePyFloat, pyFloatRepr } from "../../src/model/pyfloat.ts";

Deno.test("pyFloatRepr matches Python repr(float)", async (t) => {
  // Expected values produced by CPython 3.11 repr().
  const table: [number, string][] = [
    [0.5, "0.5"],
    [1, "1.0"],
    [123, "123.0"],
    [0.00001, "1e-05"],
    [0.0001, "0.0001"],
    [1e16, "1e+16"],
    [1e15, "1000000000000000.0"],
    [1.5e16, "1.5e+16"],
    [0.1 + 0.2, "0.30000000000000004"],
    [NaN, "nan"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [-0, "-0.0"],
    [0, "0.0"],
    [1e-7, "1e-07"],
    [1.2345e-10, "1.2345e-10"],
    [1e100, "1e+100"],
    [5e-324, "5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [8388608000, "8388608000.0"],
    [-2.5e-5, "-2.5e-05"],
    [123456789.123, "123456789.123"],
  ];
  for (const [x, s] of table) await t.step(s, () => assertEquals(pyFloatRepr(x), s));
});

Deno.test("parsePyFloat reads Python float tokens and rejects others", () => {
  assertEquals(parsePyFloat("1e-05"), 0.00001);
  assertEquals(parsePyFloat("-inf"), -Infinity);
  assertEquals(parsePyFloat("inf"), Infinity);
  assertEquals(parsePyFloat("Infinity"), Infinity);
  assertEquals(Number.isNaN(parsePyFloat("nan")), true);
  assertEquals(Number.isNaN(parsePyFloat("NaN")), true);
  assertEquals(Object.is(parsePyFloat("-0.0"), -0), true);
  assertEquals(parsePyFloat(" 2.5 "), 2.5);
  for (const bad of ["", "abc", "0x10", "1e", "-", ".", "1.2.3", "nanx", "1,5"]) {
    assertEquals(parsePyFloat(bad), undefined, bad);
  }
});

Deno.test("repr then parse gives back every double bit for bit", () => {
  fc.assert(
    fc.property(fc.double(), (x) => {
      const back = parsePyFloat(pyFloatRepr(x))!;
      return Object.is(back, x) || (Number.isNaN(x) && Number.isNaN(back));
    }),
    { numRuns: 5000 },
  );
});
