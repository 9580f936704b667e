/**
 * Exact JSON for the interchange formats (JSONL, Parquet): numbers with their shortest round-trip digits
 * and the sign of `-0.0`, and a depth check for structured values read from untrusted input.
 *
 * @module
 */
import { compactJsonWith } from "./python.ts";

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
