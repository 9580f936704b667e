/**
 * Python float text: `repr(float)` for writing, `float(str)` for reading.
 *
 * @module
 */

/**
 * Formats a number exactly as Python's `repr(float)`: shortest round-trip digits, fixed notation when the
 * decimal exponent is in [-4, 16), always a fractional part (`1.0`), otherwise `1e-05` / `1.5e+16`;
 * `nan`, `inf`, `-inf`, `-0.0`.
 *
 * @example
 * ```ts
 * import { pyFloatRepr } from "./pyfloat.ts";
 * pyFloatRepr(1); // "1.0"
 * pyFloatRepr(0.00001); // "1e-05"
 * pyFloatRepr(1e16); // "1e+16"
 * ```
 */
export function pyFloatRepr(x: number): string {
  if (x !== x) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const ax = x < 0 ? -x : x;
  if (ax >= 1e-4 && ax < 1e16) {
    // JS uses fixed notation for 1e-7 <= |x| < 1e21, with the same shortest digits as Python.
    const s = String(x);
    return s.indexOf(".") === -1 ? s + ".0" : s;
  }
  const e = x.toExponential(); // shortest digits: "d.ddde+N"
  const k = e.indexOf("e");
  const mant = e.slice(0, k);
  const expSign = e.charCodeAt(k + 1) === 45 ? "-" : "+";
  const expDigits = e.slice(k + 2);
  return `${mant}e${expSign}${expDigits.length < 2 ? "0" + expDigits : expDigits}`;
}

/**
 * Parses a float the way Python's `float()` does for the tokens Polyaxon files hold: decimal and
 * scientific numbers, `nan`, `inf`, `-inf`, `infinity` (any case), surrounding ASCII whitespace.
 *
 * @returns The number, or `undefined` when the text is not a float.
 *
 * @example
 * ```ts
 * import { parsePyFloat } from "./pyfloat.ts";
 * parsePyFloat("1e-05"); // 0.00001
 * parsePyFloat("nan"); // NaN
 * parsePyFloat("abc"); // undefined
 * ```
 */
export function parsePyFloat(text: string): number | undefined {
  const n = text.length;
  if (n === 0) return undefined;
  const c0 = text.charCodeAt(0);
  // Fast path: starts like a decimal number; Number() agrees with float() except for 0x/0b/0o prefixes
  // and blank text.
  if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46) {
    const c1 = n > 1 ? text.charCodeAt(1) | 32 : 0;
    if (c1 !== 120 && c1 !== 98 && c1 !== 111) {
      const v = Number(text);
      if (v === v && (n > 1 || c0 !== 46)) {
        // "-Infinity" is also Python's -inf; "-" or "." alone is NaN already.
        return v;
      }
    }
  }
  // Fast path failed: plain digits-only text that Number() rejected is not a float.
  let plain = true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || c === 46 || c === 45 || c === 43 || c === 101 || c === 69)) {
      plain = false;
      break;
    }
  }
  if (plain) {
    if (c0 === 43) {
      const v = Number(text);
      return v !== v || n === 1 ? undefined : v;
    }
    return undefined;
  }
  const t = text.trim().toLowerCase().replaceAll("_", "");
  if (t !== text) {
    if (t.length === 0 || t.length === n) return t.length === 0 ? undefined : specialFloat(t);
    return parsePyFloat(t);
  }
  return specialFloat(t);
}

function specialFloat(t: string): number | undefined {
  switch (t) {
    case "nan":
    case "+nan":
    case "-nan":
      return NaN;
    case "inf":
    case "+inf":
    case "infinity":
    case "+infinity":
      return Infinity;
    case "-inf":
    case "-infinity":
      return -Infinity;
  }
  return undefined;
}
