/**
 * The writer's timestamp codec: microseconds since the epoch to Python's `str(datetime)` for UTC
 * (`YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`) written straight into a byte buffer.
 *
 * @module
 */
import { formatPyTimestamp } from "../model/time.ts";

/** Microsecond timestamps as Python `str(datetime)` for UTC, with the seconds part cached. */
export class UtcFormatter {
  #sec = -1;
  #prefix = new Uint8Array(19);
  /** Writes `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00` at `at`; returns the end. */
  write(out: Uint8Array, at: number, micros: number): number {
    const sec = Math.floor(micros / 1e6);
    const p = this.#prefix;
    if (sec !== this.#sec) {
      this.#sec = sec;
      const s = formatPyTimestamp({ micros: sec * 1e6, offset: null });
      for (let i = 0; i < 19; i++) p[i] = s.charCodeAt(i);
    }
    // A byte loop beats TypedArray.set for 19 bytes.
    for (let i = 0; i < 19; i++) out[at + i] = p[i];
    at += 19;
    let us = micros - sec * 1e6;
    if (us !== 0) {
      out[at] = 46; // .
      for (let i = 6; i >= 1; i--) {
        const q = (us / 10) | 0;
        out[at + i] = 48 + us - q * 10;
        us = q;
      }
      at += 7;
    }
    out[at] = 43; // +00:00
    out[at + 1] = 48;
    out[at + 2] = 48;
    out[at + 3] = 58;
    out[at + 4] = 48;
    out[at + 5] = 48;
    return at + 6;
  }
}
