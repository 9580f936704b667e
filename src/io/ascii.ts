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
