/**
 * Exact JSON for the interchange formats (JSONL, Parquet): numbers with their shortest round-trip digits
 * and the sign of `-0.0`, and a depth check for structured values read from untrusted input.
 *
 * Also {@linkcode parsePyJson}: JSON text to values that keep Python's number spelling: a number written with
 * a fraction or an exponent that plain JSON would spell otherwise (`6.0`, `1e-07`, `1e+16`) becomes a
 * `PyFloat`, so it is written back as a float (`6.0`), never as `6`; `0.5` or `-0.0` stay plain numbers.
 * Chart figures go through it (given as text to the logger, and read from every format), so a figure's
 * spelling survives every conversion.
 *
 * @module
 */
import { compactJsonWith, PyFloat } from "./python.ts";

/** A double as JSON: shortest round-trip digits, `-0.0` for negative zero, `null` when not finite. */
export function jsonNumber(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0";
  return Number.isFinite(x) ? String(x) : "null";
}

/**
 * JSON text of a structured value, keeping key order and the sign of `-0.0` (plain `JSON.stringify` writes
 * `0`); `undefined` fields are dropped and non-finite numbers become `null`.
 *
 * @example
 * ```ts
 * import { exactJson } from "./exact.ts";
 * exactJson({ x: [-0, 1.5] }); // '{"x":[-0.0,1.5]}'
 * ```
 */
export function exactJson(v: unknown): string {
  return compactJsonWith(v, jsonNumber, jsonFloat);
}

/** A Python float (a `PyFloat` marker) as JSON: as {@linkcode jsonNumber}, integral values with `.0`. */
function jsonFloat(x: number): string {
  const s = jsonNumber(x);
  return Number.isFinite(x) && /^-?\d+$/.test(s) ? s + ".0" : s;
}

/** Deepest nesting accepted in a structured value. */
export const MAX_DEPTH = 1000;

/** Whether `value` nests objects/arrays deeper than `limit` (iterative: no recursion). */
export function depthExceeds(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (d > limit) return true;
    if (v !== null && typeof v === "object") {
      for (const k in v as Record<string, unknown>) {
        const c = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === "object") stack.push([c, d + 1]);
      }
    }
  }
  return false;
}

const WS = /[ \t\n\r]*/y;
const NUM = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STR = /"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/y;

/**
 * Parses JSON text, numbers with a fraction or exponent as {@linkcode PyFloat}.
 *
 * @param text JSON text.
 * @returns The value.
 * @throws {SyntaxError} When `text` is not JSON, with the offset.
 *
 * @example
 * ```ts
 * import { parsePyJson } from "./exact.ts";
 * import { pyJsonDumps } from "./python.ts";
 * if (pyJsonDumps(parsePyJson('{"a":[6.0,6]}')) !== '{"a": [6.0, 6]}') throw new Error("spelling");
 * ```
 */
export function parsePyJson(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`figure: ${what} at offset ${i}`);
  };
  const ws = () => {
    WS.lastIndex = i;
    WS.exec(text);
    i = WS.lastIndex;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const o: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") return i++, o;
      for (;;) {
        ws();
        const k = string();
        ws();
        if (text[i++] !== ":") fail("expected ':'");
        o[k] = value();
        ws();
        const d = text[i++];
        if (d === "}") return o;
        if (d !== ",") fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const a: unknown[] = [];
      ws();
      if (text[i] === "]") return i++, a;
      for (;;) {
        a.push(value());
        ws();
        const d = text[i++];
        if (d === "]") return a;
        if (d !== ",") fail("expected ',' or ']'");
      }
    }
    if (c === '"') return string();
    for (
      const [w, v] of [
        ["true", true],
        ["false", false],
        ["null", null],
        ["NaN", NaN],
        ["Infinity", Infinity],
        ["-Infinity", -Infinity],
      ] as const
    ) {
      if (text.startsWith(w, i)) return i += w.length, v;
    }
    NUM.lastIndex = i;
    const m = NUM.exec(text);
    if (!m) return fail("unexpected character");
    i = NUM.lastIndex;
    const n = Number(m[0]);
    // a float token that plain-number JSON would spell differently (6.0, 1e-07) keeps its float marker
    return (m[1] || m[2]) && jsonNumber(n) !== m[0] ? new PyFloat(n) : n;
  };
  const string = (): string => {
    STR.lastIndex = i;
    const m = STR.exec(text);
    if (!m) return fail("expected a string");
    i = STR.lastIndex;
    return JSON.parse(m[0]);
  };
  const v = value();
  ws();
  if (i !== text.length) fail("trailing text");
  return v;
}

/**
 * Parses a chart value: `JSON.parse` (its errors, its result when nested too deep for the caller's depth
 * check), then again with Python's float spelling kept ({@linkcode parsePyJson}).
 *
 * @param text The value's JSON text.
 * @param parsed `JSON.parse(text)`, when the caller has it already.
 * @returns The value with {@linkcode PyFloat} markers.
 * @throws {SyntaxError} When `text` is not JSON.
 */
export function parseChartJson(text: string, parsed: unknown = JSON.parse(text)): unknown {
  return depthExceeds(parsed, MAX_DEPTH) ? parsed : parsePyJson(text);
}
