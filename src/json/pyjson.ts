/**
 * JSON text to values that keep Python's number spelling: a number written with a fraction or an exponent
 * that plain JSON would spell otherwise (`6.0`, `1e-07`, `1e+16`) becomes a {@linkcode PyFloat}, so it is
 * written back as a float (`6.0`), never as `6`; `0.5` or `-0.0` stay plain numbers (written the same).
 * Chart figures go through this when given as text (`fig.to_json()`, `json.dumps`), as Python hands them.
 *
 * @module
 */
import { PyFloat } from "./python.ts";
import { jsonNumber } from "./exact.ts";

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
 * import { parsePyJson } from "./pyjson.ts";
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
