/**
 * The one encoder of a `.plx` CSV row, `<step>|<timestamp>|<value>` (spec §5): the run writer's event and
 * column paths and the logger all write rows through {@linkcode PlxRowEncoder}, straight into a byte
 * buffer: the step as `str(int)` (empty when there is none), the timestamp as Python's `str(datetime)`
 * (cached per second), the value as Python's `repr` of a float or the value's text.
 *
 * @module
 */
import { pyFloatRepr } from "../../model/pyfloat.ts";
import { TimestampWriter } from "../../model/time.ts";
import { ascii, copyShortDecimal, integer } from "../../io/ascii.ts";

const utf8 = new TextEncoder();

/**
 * Writes `.plx` CSV rows into byte buffers. Keeps the text of the last timestamp's second, so rows of one
 * file (mostly in one second) cost only their digits. Room is the caller's:
 * {@linkcode PlxRowEncoder.maxMetricBytes} for a metric row, that plus three bytes per UTF-16 unit of the
 * text for {@linkcode PlxRowEncoder.textRow}.
 *
 * @example
 * ```ts
 * import { PlxRowEncoder } from "./_row.ts";
 * const rows = new PlxRowEncoder();
 * const buf = new Uint8Array(rows.maxMetricBytes);
 * const end = rows.metricRow(buf, 0, 3, 1740820502481516, 0, 0.5);
 * new TextDecoder().decode(buf.subarray(0, end)); // "3|2025-03-01 09:15:02.481516+00:00|0.5"
 * ```
 */
export class PlxRowEncoder {
  /** `|<str(datetime)>|` between the step and the value. */
  readonly #ts = new TimestampWriter("python", "|", "|");

  /** The most bytes a metric row takes (the step, the timestamp and a float's repr). */
  get maxMetricBytes(): number {
    return this.#ts.maxBytes + 60;
  }

  /**
   * Writes a metric row at `at` and returns its end. `step` is `NaN` when there is none, `offset` (UTC
   * offset in seconds) `NaN` for a naive time. When `digits` is given, `digits[from, to)` is the value's
   * source text: copied as it is when it already is Python's `repr` of `value`, else `value` is printed.
   */
  metricRow(
    buf: Uint8Array,
    at: number,
    step: number,
    micros: number,
    offset: number,
    value: number,
    digits?: Uint8Array,
    from = -1,
    to = -1,
  ): number {
    let n = step === step ? integer(buf, at, step) : at;
    n = this.#ts.write(buf, n, micros, offset);
    const copied = digits === undefined || from < 0
      ? -1
      : copyShortDecimal(buf, n, digits, from, to, "python");
    return copied >= 0 ? copied : ascii(buf, n, pyFloatRepr(value));
  }

  /** Writes a row whose value is `text` (UTF-8), as {@linkcode PlxRowEncoder.metricRow} does; returns the end. */
  textRow(buf: Uint8Array, at: number, step: number, micros: number, offset: number, text: string): number {
    let n = step === step ? integer(buf, at, step) : at;
    n = this.#ts.write(buf, n, micros, offset);
    return n + utf8.encodeInto(text, buf.subarray(n)).written;
  }
}
