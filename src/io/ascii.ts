/**
 * Writing ASCII text and decimal digits straight into byte buffers: the hot paths of the text writers
 * (JSONL and plx metric lines), which skip strings per row.
 *
 * @module
 */

/**
 * Writes an ASCII string's bytes at `at`; returns the end.
 *
 * @example
 * ```ts
 * import { ascii } from "./ascii.ts";
 * const buf = new Uint8Array(8);
 * ascii(buf, 0, "nan"); // 3
 * ```
 */
export function ascii(buf: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[at + i] = s.charCodeAt(i);
  return at + s.length;
}

/** "00".."99" as ASCII byte pairs. */
const PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + ((i / 10) | 0);
  PAIRS[2 * i + 1] = 48 + (i % 10);
}

/**
 * Writes the decimal digits of a non-negative safe integer at `at`; returns the end.
 *
 * @example
 * ```ts
 * import { digits } from "./ascii.ts";
 * const buf = new Uint8Array(20);
 * digits(buf, 0, 1234); // 4, buf starts "1234"
 * ```
 */
export function digits(buf: Uint8Array, at: number, v: number): number {
  if (v < 10) {
    buf[at] = 48 + v;
    return at + 1;
  }
  let len = 1;
  for (let p = 10; p <= v; p *= 10) len++;
  let i = at + len - 1;
  for (; v >= 2147483648; i--) {
    const q = Math.floor(v / 10);
    buf[i] = 48 + v - q * 10;
    v = q;
  }
  for (; i > at; i -= 2) {
    const q = (v / 100) | 0;
    const r = 2 * (v - q * 100);
    buf[i - 1] = PAIRS[r];
    buf[i] = PAIRS[r + 1];
    v = q;
  }
  if (i === at) buf[i] = 48 + v;
  return at + len;
}

/**
 * Writes a safe integer as `String(v)` prints it (a step, say); returns the end.
 *
 * @example
 * ```ts
 * import { integer } from "./ascii.ts";
 * const buf = new Uint8Array(20);
 * integer(buf, 0, -42); // 3, buf starts "-42"
 * ```
 */
export function integer(buf: Uint8Array, at: number, v: number): number {
  return v >= 0 && v < 1e15 ? digits(buf, at, v) : ascii(buf, at, String(v));
}

/**
 * Writes `v` (0 <= v < 1,000,000) as exactly six digits, zero-padded (microseconds); returns the end.
 *
 * @example
 * ```ts
 * import { sixDigits } from "./ascii.ts";
 * const buf = new Uint8Array(6);
 * sixDigits(buf, 0, 2940); // 6, buf is "002940"
 * ```
 */
export function sixDigits(buf: Uint8Array, at: number, v: number): number {
  for (let d = 4; d >= 0; d -= 2) {
    const q = (v / 100) | 0;
    const r = 2 * (v - q * 100);
    buf[at + d] = PAIRS[r];
    buf[at + d + 1] = PAIRS[r + 1];
    v = q;
  }
  return at + 6;
}

/** How a float is printed: JavaScript's `String` (and so JSON) or Python's `repr`. */
export type FloatStyle = "js" | "python";

/**
 * Copies a float's source text (ASCII bytes `text[s, e)`) into `buf` at `n` when it is the text the
 * `style` prints for that number, so a writer can skip parsing and printing it again. That holds for a
 * plain decimal with shortest digits (which Python's `repr`, every Polyaxon writer, and `String` produce):
 * an optional `-`; a single `0` or digits without a leading zero; a fraction not ending in `0`; at most 17
 * significant digits; and the style's fixed-notation range:
 *
 * - `js`: at most 5 zeros after `0.`; an integer (at most 15 digits) stays an integer.
 * - `python`: at most 3 zeros after `0.` and at most 16 integer digits; an integer gets `.0`, and `X.0`,
 *   `0.0` and `-0.0` are taken as they are.
 *
 * Returns the end of the copy, or -1 when the text is anything else (exponents, `nan`, non-shortest forms
 * such as `0.50`); the bytes after `n` are then garbage to overwrite.
 *
 * @example
 * ```ts
 * import { copyShortDecimal } from "./ascii.ts";
 * const buf = new Uint8Array(32);
 * copyShortDecimal(buf, 0, new TextEncoder().encode("5"), 0, 1, "python"); // 3: "5.0"
 * copyShortDecimal(buf, 0, new TextEncoder().encode("0.00001"), 0, 7, "python"); // -1 (Python: 1e-05)
 * ```
 */
export function copyShortDecimal(
  buf: Uint8Array,
  n: number,
  text: Uint8Array,
  s: number,
  e: number,
  style: FloatStyle,
): number {
  if (e - s > 25 || s >= e) return -1;
  const py = style === "python";
  let i = s;
  let c = text[i];
  if (c === 45) {
    buf[n++] = 45;
    if (++i === e) return -1;
    c = text[i];
  }
  let sig = 0;
  if (c === 48) {
    // "0." then the zeros the style still prints in fixed notation, then the significant digits.
    if (++i === e || text[i] !== 46) return -1;
    buf[n++] = 48;
    buf[n++] = 46;
    i++;
    if (py && i + 1 === e && text[i] === 48) {
      buf[n++] = 48; // "0.0", "-0.0"
      return n;
    }
    const zerosEnd = i + (py ? 3 : 5);
    while (i < e && text[i] === 48) {
      if (i === zerosEnd) return -1;
      buf[n++] = 48;
      i++;
    }
  } else if (c >= 49 && c <= 57) {
    for (; i < e; i++, sig++) {
      c = text[i];
      if (c < 48 || c > 57) break;
      buf[n++] = c;
    }
    if (i === e) {
      // An integer: exact below 16 digits; Python prints it with ".0".
      if (sig > 15) return -1;
      if (py) {
        buf[n++] = 46;
        buf[n++] = 48;
      }
      return n;
    }
    if (c !== 46 || ++i === e) return -1;
    buf[n++] = 46;
    if (py) {
      if (sig > 16) return -1;
      if (i + 1 === e && text[i] === 48) {
        buf[n++] = 48; // "5.0"
        return n;
      }
    }
  } else {
    return -1;
  }
  if (i === e) return -1;
  for (; i < e; i++, sig++) {
    c = text[i];
    if (c < 48 || c > 57) return -1;
    buf[n++] = c;
  }
  return c !== 48 && sig <= 17 ? n : -1;
}
