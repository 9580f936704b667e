/**
 * Cells of a `.plx` line: the step, pandas-style quoted splitting, and what tells a line cut by a crash
 * (a timestamp or float prefix, JSON ending early) from a wrong one. Part of the reader (`read.ts`).
 *
 * @module
 */
import type { DiagnosticCode } from "../../diagnostics.ts";
import type { Generation } from "../../model/report.ts";
import type { ValueType } from "../../schema/values.ts";
import type { PlxFileInfo } from "./read.ts";

/** Parses an integer step cell; `undefined` when not an integer or not safely representable. */
export function parseStep(s: string): number | undefined {
  const n = s.length;
  let i = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i = 1;
    if (n === 1) return undefined;
  }
  if (n - i > 15) {
    if (!/^[+-]?\d+$/.test(s)) return undefined;
    const v = Number(s);
    return Number.isSafeInteger(v) ? v : undefined;
  }
  let v = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

/** pandas-style split: `"` opens a quoted field only at a field start; `""` inside is a quote. */
export function splitQuoted(line: string): string[] | string {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    if (line.charCodeAt(i) === 34) {
      let v = "";
      let j = i + 1;
      while (true) {
        const q = line.indexOf('"', j);
        if (q === -1) return "unterminated quoted value";
        v += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          v += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // pandas keeps text after the closing quote up to the separator
      const bar = line.indexOf("|", j);
      const tail = bar === -1 ? line.slice(j) : line.slice(j, bar);
      out.push(v + tail);
      if (bar === -1) return out;
      i = bar + 1;
    } else {
      const bar = line.indexOf("|", i);
      if (bar === -1) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, bar));
      i = bar + 1;
    }
    if (i > n) return out;
  }
}

/** `s` cut to `n` characters (with an ellipsis when cut). */
export function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}

/** Prefixes of a timestamp a cut write can leave. */
export const TIMESTAMP_PREFIX =
  /^\d{1,4}(-(\d{1,2}(-(\d{1,2}([ T](\d{1,2}(:(\d{1,2}(:(\d{1,2}(\.\d*)?([+-](\d{1,2}(:\d{0,2})?)?)?)?)?)?)?)?)?)?)?)?)?$/;
/** Prefixes of a float a cut write can leave that are not floats themselves. */
export const FLOAT_PREFIX = /^([+-]?(\d*\.?\d*[eE][+-]?|\.|)|-?(n|na|i|in))$/;

/** Whether a JSON.parse error is at the end of the text (what a cut write produces). */
export function jsonAtEnd(e: unknown, text: string): boolean {
  const msg = e instanceof Error ? e.message : "";
  if (/Unterminated|end of JSON/.test(msg)) return true;
  const m = /position (\d+)/.exec(msg);
  return m !== null && Number(m[1]) >= text.length;
}

/** The message of a JSON.parse error, for diagnostics. */
export function jsonError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return clip(msg.replace(/^JSON\.parse: /, "").replace(/ \(line \d+ column \d+\)/, ""), 160);
}

/**
 * Whether a failure (`code`, message `err`) on the last line is what a write cut short would look like;
 * `jsonEof` says a JSON error was at the end of the text.
 */
export function couldBeCut(code: DiagnosticCode | "", err: string, jsonEof: boolean): boolean {
  switch (code) {
    case "field-count":
      return / found [12]$/.test(err);
    case "quote":
      return true;
    case "bad-json":
      return jsonEof;
    case "bad-timestamp": {
      const m = /"(.*)"/.exec(err);
      return m !== null && TIMESTAMP_PREFIX.test(m[1]);
    }
    case "bad-metric": {
      const m = /"(.*)"/.exec(err);
      return m === null || FLOAT_PREFIX.test(m[1]);
    }
    default:
      return false;
  }
}

/**
 * The format generations a file can be of, oldest first, from its encoding and what was seen: ujson-style
 * CSV cells (`ujson`), a folder of a kind that v2 writes as JSON lines (`jsonlKind`), the value type.
 */
export function generationsOf(
  encoding: PlxFileInfo["encoding"],
  ujson: boolean,
  jsonlKind: boolean,
  type: ValueType,
): Generation[] {
  let gens: Generation[];
  if (encoding === "mixed") gens = ["mixed"];
  else if (encoding === "jsonl") gens = ["v2-jsonl"];
  else if (encoding === "empty") gens = jsonlKind ? ["v2-jsonl"] : [];
  else if (ujson) gens = ["v1-csv"];
  else if (jsonlKind) gens = ["v1-csv", "v1.1-csv"];
  else if (type === "span") gens = ["v1.1-csv"];
  else gens = ["v1-csv", "v1.1-csv", "v2-jsonl"];
  return gens;
}
