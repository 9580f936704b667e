/**
 * The reader's hot path for metric files in the writer's own layout (`step|timestamp|metric`): rows parsed
 * straight from bytes into columns. Part of the reader (`read.ts`).
 *
 * @module
 */
import type { MetricColumnsBuilder } from "../../model/event.ts";
import { parsePyFloat } from "../../model/pyfloat.ts";
import { parseTimestampBytesInto } from "../../model/time.ts";

/**
 * The hot path: CSV metric rows in the writer's column order over ASCII bytes (`text` is the same bytes
 * as a string; line numbers start at `first`), with no per-line strings except the value. Any row it
 * does not fully understand goes to `slow` (the reader's general path, which reports precisely what is
 * wrong and adds what it reads to `cb`). Returns the number of lines.
 */
export function readMetricRows(
  b: Uint8Array,
  text: string,
  first: number,
  cb: MetricColumnsBuilder,
  slow: (line: string, lineNo: number) => void,
): number {
  const end = b.length;
  const ts = { micros: 0, offset: 0 };
  let pos = 0;
  let lineNo = first;
  while (pos <= end) {
    // The separators, then the line end: the step is digits up to the first "|" and the writer's
    // timestamp is 32 bytes long, so the value starts 33 bytes after it and a short scan finds the line
    // end (cheaper than a native search per line). A newline inside that span fails the timestamp parse
    // (every byte of it is checked), and the row goes to the general path with the line end searched
    // properly; so does any other shape. A "|" anywhere else makes the value or timestamp fail to parse.
    let p1 = pos;
    while (p1 < end) {
      const c = b[p1];
      if (c === 124 || c === 10) break;
      p1++;
    }
    let p2 = p1 + 33;
    let nl: number;
    if (p2 < end && b[p1] === 124 && b[p2] === 124) {
      nl = p2 + 1;
      while (nl < end && b[nl] !== 10) nl++;
    } else {
      nl = b.indexOf(10, pos);
      if (nl === -1) nl = end;
      p1 = Math.min(p1, nl);
      p2 = p1 + 1;
      while (p2 < nl && b[p2] !== 124) p2++;
    }
    ok: {
      if (p2 >= nl || b[nl - 1] === 13 || p2 + 1 === nl) break ok;
      let step = NaN;
      if (p1 > pos) {
        let v = 0;
        let i = pos;
        const neg = b[i] === 45;
        if (neg) i++;
        if (i === p1 || p1 - i > 15) break ok;
        for (; i < p1; i++) {
          const d = b[i] - 48;
          if (d < 0 || d > 9) break ok;
          v = v * 10 + d;
        }
        step = neg ? -v : v;
      }
      if (!parseTimestampBytesInto(b, p1 + 1, p2, ts)) break ok;
      const cell = text.slice(p2 + 1, nl);
      // Plain decimals (digit or "-" then digit first) are what Number() and float() agree on; the rest
      // (nan, inf, "0x", ".5", blanks...) through parsePyFloat.
      const c0 = b[p2 + 1];
      let value: number | undefined = NaN;
      const c1 = b[p2 + 2] | 32;
      if (
        ((c0 >= 48 && c0 <= 57) || (c0 === 45 && c1 >= 48 && c1 <= 57)) && c1 !== 120 && c1 !== 98 &&
        c1 !== 111
      ) {
        value = Number(cell);
      }
      if (value !== value) value = parsePyFloat(cell);
      if (value === undefined) break ok;
      if (cb.length === cb.step.length) cb.grow();
      const r = cb.length++;
      cb.step[r] = step;
      cb.micros[r] = ts.micros;
      cb.offset[r] = ts.offset;
      cb.value[r] = value;
      cb.line[r] = lineNo;
      cb.span![2 * r] = p2 + 1;
      cb.span![2 * r + 1] = nl;
      pos = nl + 1;
      lineNo++;
      continue;
    }
    // (the line end found after the value may be past a newline inside the timestamp span)
    nl = b.indexOf(10, pos);
    if (nl === -1) nl = end;
    if (nl > pos) {
      slow(text.slice(pos, nl), lineNo);
    }
    pos = nl + 1;
    lineNo++;
  }
  return lineNo - first;
}
