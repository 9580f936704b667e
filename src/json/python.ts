/**
 * JSON text exactly as Polyaxon's Python writers produce it: `json.dumps` (outer JSONL lines, Plotly
 * figures) and pydantic v2 compact JSON (nested values). See spec §4.4, §5.3, §13.
 *
 * @module
 */
import { pyFloatRepr } from "../model/pyfloat.ts";

const NON_ASCII = /[\u007f-\uffff]/g;

/**
 * A number that Python holds as a `float`, for places where JavaScript cannot tell `1` from `1.0`: the
 * encoders here write it with a fractional part (`1.0`) and non-finite values as `null`.
 *
 * @example
 * ```ts
 * import { pydanticJson, PyFloat } from "./python.ts";
 * pydanticJson({ z: [[new PyFloat(1), new PyFloat(0.5)]] }); // '{"z":[[1.0,0.5]]}'
 * ```
 */
export class PyFloat {
  /** Wraps `value` so that it is written as a Python float. */
  constructor(readonly value: number) {}
  /** `JSON.stringify` sees the plain number. */
  toJSON(): number {
    return this.value;
  }
}

/**
 * Numbers of a list (nested lists too) as a numpy array of one dtype would hold them: all integral stays
 * integers, otherwise every number becomes a {@linkcode PyFloat} (`1.0`). Polyaxon writes confusion matrices
 * from numpy arrays, so this is how their JSON looks.
 *
 * @example
 * ```ts
 * import { homogeneous, pydanticJson } from "./python.ts";
 * pydanticJson({ z: homogeneous([[1, 0.5]]) }); // '{"z":[[1.0,0.5]]}'
 * ```
 */
export function homogeneous(values: unknown[]): unknown[] {
  const flat = values.flat(2);
  const nums = flat.filter((v) => typeof v === "number") as number[];
  if (nums.length === 0 || nums.every((v) => Number.isInteger(v))) return values;
  const conv = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(conv) : typeof v === "number" ? new PyFloat(v) : v;
  return values.map(conv);
}

function hex4(c: string): string {
  return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
}

/**
 * A JSON string literal as Python's `json.dumps` writes it (`ensure_ascii`): non-ASCII and DEL escaped as
 * lowercase `\uXXXX` (astral characters as surrogate pairs).
 *
 * @example
 * ```ts
 * import { pyJsonString } from "./python.ts";
 * pyJsonString("café"); // "\"caf\\u00e9\""
 * ```
 */
export function pyJsonString(s: string): string {
  const j = JSON.stringify(s);
  return NON_ASCII.test(j) ? j.replace(NON_ASCII, hex4) : j;
}

/**
 * Python `json.dumps(value)` with default separators (`", "`, `": "`), `ensure_ascii`, floats as Python
 * repr and non-finite numbers as `null` (as the Plotly encoder does). Integral JS numbers are written as
 * ints.
 */
export function pyJsonDumps(value: unknown): string {
  return dump(value, ", ", ": ", pyJsonString, pyNumber, pyJsonFloat);
}

function pyJsonFloat(x: number): string {
  return Number.isFinite(x) ? pyFloatRepr(x) : "null";
}

function pyNumber(x: number): string {
  if (!Number.isFinite(x)) return "null";
  if (Object.is(x, -0)) return "-0.0"; // only a float can be negative zero
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pyFloatRepr(x);
}

/**
 * Formats a float as pydantic v2 (pydantic-core) serializes it: shortest digits, `.0` on integral values,
 * scientific when the decimal exponent is < -5 or >= 16 (`1e-6`, `1e+16`), non-finite as `null`.
 */
export function pydanticFloat(x: number): string {
  if (!Number.isFinite(x)) return "null";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const ax = Math.abs(x);
  if (ax >= 1e-5 && ax < 1e16) {
    const s = String(x);
    return s.indexOf(".") === -1 && s.indexOf("e") === -1 ? s + ".0" : s;
  }
  return x.toExponential(); // "1e-6", "1.5e+16": the same shape pydantic-core writes
}

function pydanticNumber(x: number): string {
  if (!Number.isFinite(x)) return "null";
  if (Object.is(x, -0)) return "-0.0"; // only a float can be negative zero
  return Number.isInteger(x) && Math.abs(x) < 1e16 ? String(x) : pydanticFloat(x);
}

/**
 * Compact JSON as pydantic v2 writes a model: no spaces, raw UTF-8, `/` unescaped, non-finite numbers as
 * `null`. Top-level `undefined`/`null` fields are dropped (exclude_none); `floatFields` names top-level
 * fields whose numbers (or numbers in lists) are floats and so keep `.0`.
 *
 * @example
 * ```ts
 * import { pydanticJson } from "./python.ts";
 * pydanticJson({ values: [3, 5], counts: [0, 0.5, 1] }, ["values", "counts"]);
 * // '{"values":[3.0,5.0],"counts":[0.0,0.5,1.0]}'
 * ```
 */
export function pydanticJson(value: Record<string, unknown>, floatFields: readonly string[] = []): string {
  let out = "{";
  let first = true;
  for (const k in value) {
    const v = value[k];
    if (v === undefined || v === null) continue;
    out += (first ? "" : ",") + JSON.stringify(k) + ":";
    first = false;
    out += floatFields.includes(k) ? compactJsonWith(v, pydanticFloat) : pydanticCompact(v);
  }
  return out + "}";
}

/**
 * Compact JSON (no spaces) with numbers written by `num` and {@linkcode PyFloat} markers by `flt`: the one
 * serializer behind every compact JSON plxkit writes (pydantic style, the JSONL/Parquet exact form, summaries).
 * Keys keep their order; `undefined` and function fields are dropped; typed arrays become lists.
 *
 * @example
 * ```ts
 * import { compactJsonWith } from "./python.ts";
 * compactJsonWith({ a: [1, -0] }, (x) => (Object.is(x, -0) ? "-0.0" : String(x))); // '{"a":[1,-0.0]}'
 * ```
 */
export function compactJsonWith(
  value: unknown,
  num: (x: number) => string,
  flt: (x: number) => string = num,
): string {
  return dump(value, ",", ":", JSON.stringify, num, flt);
}

/**
 * Compact JSON as pydantic v2 writes free-form values: integral numbers as ints, others (and
 * {@linkcode PyFloat}s) in pydantic's float style, non-finite as `null`.
 */
export function pydanticCompact(value: unknown): string {
  return dump(value, ",", ":", JSON.stringify, pydanticNumber, pydanticFloat);
}

function dump(
  v: unknown,
  comma: string,
  colon: string,
  str: (s: string) => string,
  num: (x: number) => string,
  flt: (x: number) => string,
): string {
  switch (typeof v) {
    case "string":
      return str(v);
    case "number":
      return num(v);
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return v.toString();
    case "object": {
      if (v === null) return "null";
      if (v instanceof PyFloat) return flt(v.value);
      if (Array.isArray(v)) {
        let s = "[";
        for (let i = 0; i < v.length; i++) s += (i ? comma : "") + dump(v[i], comma, colon, str, num, flt);
        return s + "]";
      }
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        return dump(Array.from(v as unknown as ArrayLike<number>), comma, colon, str, num, flt);
      }
      let s = "{";
      let first = true;
      for (const k in v as Record<string, unknown>) {
        const x = (v as Record<string, unknown>)[k];
        if (x === undefined || typeof x === "function") continue;
        s += (first ? "" : comma) + str(k) + colon + dump(x, comma, colon, str, num, flt);
        first = false;
      }
      return s + "}";
    }
    default:
      return "null";
  }
}
