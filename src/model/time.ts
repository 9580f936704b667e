/**
 * Timestamps kept to the microsecond with their original UTC offset, or none (a naive datetime).
 *
 * JavaScript `Date` stops at milliseconds and forgets offsets; Polyaxon writes Python datetimes with
 * microseconds and either `+HH:MM` or nothing. {@linkcode PlxTime} keeps both.
 *
 * @module
 */
import { sixDigits } from "../io/ascii.ts";

/** A point in time as Python's `datetime` holds it: microseconds plus an optional UTC offset. */
export interface PlxTime {
  /**
   * Microseconds since 1970-01-01T00:00:00. For an aware time this is the UTC instant; for a naive time
   * it is the wall-clock reading taken as if it were UTC.
   */
  readonly micros: number;
  /** UTC offset in seconds (`0` for `+00:00`), or `null` for a naive datetime. */
  readonly offset: number | null;
}

const MICROS_PER_DAY = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [m <= 2 ? y + 1 : y, m, d];
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/**
 * Parses the datetime strings Polyaxon files hold: Python `str(datetime)` (`2025-03-01 09:15:02.481516+00:00`),
 * ISO-8601 with `T` and `Z` (`2025-03-01T09:15:02.481516Z`), with or without fraction and offset
 * (`2018-12-11T10:24:57`). Fractions beyond microseconds are truncated.
 *
 * @param text The datetime text.
 * @returns The parsed time, or `null` when `text` is not such a datetime.
 *
 * @example
 * ```ts
 * import { parseTimestamp } from "./time.ts";
 * parseTimestamp("2025-03-01 09:15:02.481516+00:00"); // { micros: 1740820502481516, offset: 0 }
 * parseTimestamp("2018-12-11T10:24:57"); // naive: offset null
 * ```
 */
export function parseTimestamp(text: string): PlxTime | null {
  const n = text.length;
  if (n < 16) return null;
  // One parser: the text goes through the byte parser. Every accepted form is ASCII, so any other
  // character rejects the text (and is never narrowed into a byte that could look like a digit).
  const b = n <= textBytes.length ? textBytes : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return null;
    b[i] = c;
  }
  return parseTimestampBytes(b, 0, n);
}

/** Scratch bytes of {@linkcode parseTimestamp} (longer texts, rare, get their own). */
const textBytes = new Uint8Array(256);

function pad2(v: number): string {
  return v < 10 ? "0" + v : String(v);
}

function pad(v: number, w: number): string {
  return String(v).padStart(w, "0");
}

function parts(t: PlxTime): [string, string, number] {
  const local = t.micros + (t.offset ?? 0) * 1_000_000;
  const days = Math.floor(local / MICROS_PER_DAY);
  let rest = local - days * MICROS_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  const us = rest % 1_000_000;
  rest = (rest - us) / 1_000_000;
  const sec = rest % 60;
  rest = (rest - sec) / 60;
  const min = rest % 60;
  const hour = (rest - min) / 60;
  return [`${pad(y, 4)}-${pad2(m)}-${pad2(d)}`, `${pad2(hour)}:${pad2(min)}:${pad2(sec)}`, us];
}

function formatOffset(offset: number): string {
  const sign = offset < 0 ? "-" : "+";
  const a = Math.abs(offset);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${sign}${pad2(h)}:${pad2(m)}${s ? ":" + pad2(s) : ""}`;
}

/**
 * Formats like Python's `str(datetime)`: space separator, `.ffffff` only when microseconds are not zero,
 * `+HH:MM` offset for aware times. This is what Polyaxon writes into `.plx` files.
 *
 * @example
 * ```ts
 * import { formatPyTimestamp, parseTimestamp } from "./time.ts";
 * formatPyTimestamp(parseTimestamp("2025-03-01T09:15:02Z")!); // "2025-03-01 09:15:02+00:00"
 * ```
 */
export function formatPyTimestamp(t: PlxTime): string {
  const [date, time, us] = parts(t);
  return `${date} ${time}${us ? "." + pad(us, 6) : ""}${t.offset === null ? "" : formatOffset(t.offset)}`;
}

/**
 * Formats as ISO-8601 with `T`, always six fraction digits, and the offset (`+00:00`) for aware times;
 * a naive time has no suffix. The interchange form of the JSONL format.
 */
export function formatIsoTimestamp(t: PlxTime): string {
  const [date, time, us] = parts(t);
  return `${date}T${time}.${pad(us, 6)}${t.offset === null ? "" : formatOffset(t.offset)}`;
}

/**
 * Formats as Python's `datetime.isoformat()`: `T` separator, fraction only when not zero, `+00:00` offset.
 * Polyaxon uses it for summaries in `lineages.plx.json`.
 */
export function formatPyIsoformat(t: PlxTime): string {
  return formatPyTimestamp(t).replace(" ", "T");
}

/**
 * Formats as pydantic v2 does nested datetimes: `T` separator, fraction only when not zero, `Z` for UTC.
 */
export function formatPydanticTimestamp(t: PlxTime): string {
  const s = formatPyIsoformat(t);
  return t.offset === 0 ? s.slice(0, -6) + "Z" : s;
}

/** The current time with microseconds, UTC-aware. Sub-millisecond digits come from `performance.now()`. */
export function nowUtc(): PlxTime {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  return { micros, offset: 0 };
}

/** Converts to a JavaScript `Date` (milliseconds; the offset is lost). */
export function toDate(t: PlxTime): Date {
  return new Date(Math.floor(t.micros / 1000));
}

/** Makes a UTC-aware {@linkcode PlxTime} from a `Date` or epoch milliseconds. */
export function fromDate(d: Date | number): PlxTime {
  const ms = typeof d === "number" ? d : d.getTime();
  return { micros: Math.round(ms * 1000), offset: 0 };
}

/** Offsets of the digits in `YYYY-MM-DD HH:MM`. */
const DIGIT_AT = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15];

/**
 * Minute cache for {@linkcode parseTimestampBytesInto}: the last valid `YYYY-MM-DD HH:MM` bytes and their
 * value (rows of a file share them run after run), so most rows parse only seconds, fraction and offset.
 */
const cacheMinute = new Uint8Array(16);
let cacheMinuteOk = false;
let cacheMinuteBase = 0;

/**
 * {@linkcode parseTimestamp} over ASCII bytes `bytes[start, end)`: the hot path of CSV readers, with no
 * string made. Same accepted forms and result.
 */
export function parseTimestampBytes(b: Uint8Array, start: number, end: number): PlxTime | null {
  if (!parseTimestampBytesInto(b, start, end, scratch)) return null;
  const o = scratch.offset;
  return { micros: scratch.micros, offset: o === o ? o : null };
}

const scratch = { micros: 0, offset: 0 };

/**
 * {@linkcode parseTimestampBytes} without an object per call: stores the result in `out` (`offset` `NaN`
 * for a naive time) and returns whether the bytes are a datetime.
 */
export function parseTimestampBytesInto(
  b: Uint8Array,
  start: number,
  end: number,
  out: { micros: number; offset: number },
): boolean {
  const n = end - start;
  if (n < 16) return false;
  const s = start;
  let same = cacheMinuteOk;
  for (let j = 0; same && j < 16; j++) same = b[s + j] === cacheMinute[j];
  let base: number;
  if (same) base = cacheMinuteBase;
  else {
    const y = (b[s] - 48) * 1000 + (b[s + 1] - 48) * 100 + (b[s + 2] - 48) * 10 + (b[s + 3] - 48);
    const mo = (b[s + 5] - 48) * 10 + (b[s + 6] - 48);
    const d = (b[s + 8] - 48) * 10 + (b[s + 9] - 48);
    const hh = (b[s + 11] - 48) * 10 + (b[s + 12] - 48);
    const mi = (b[s + 14] - 48) * 10 + (b[s + 15] - 48);
    for (let j = 0; j < 12; j++) {
      const c = b[s + DIGIT_AT[j]];
      if (c < 48 || c > 57) return false;
    }
    const sep = b[s + 10];
    if (b[s + 4] !== 45 || b[s + 7] !== 45 || (sep !== 32 && sep !== 84 && sep !== 116) || b[s + 13] !== 58) {
      return false;
    }
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || hh > 23 || mi > 59) return false;
    if (d > DAYS_IN_MONTH[mo - 1] && !(mo === 2 && d === 29 && isLeap(y))) return false;
    base = daysFromCivil(y, mo, d) * MICROS_PER_DAY + (hh * 60 + mi) * 60_000_000;
    for (let j = 0; j < 16; j++) cacheMinute[j] = b[s + j];
    cacheMinuteOk = true;
    cacheMinuteBase = base;
  }
  let i = s + 16;
  let ss = 0;
  let us = 0;
  if (i < end && b[i] === 58) {
    if (i + 3 > end) return false;
    const s1 = b[i + 1] - 48;
    const s2 = b[i + 2] - 48;
    if (s1 < 0 || s1 > 5 || s2 < 0 || s2 > 9) return false;
    ss = s1 * 10 + s2;
    i += 3;
    if (i < end && (b[i] === 46 || b[i] === 44)) {
      i++;
      let k = 0;
      while (i < end) {
        const c = b[i] - 48;
        if (c < 0 || c > 9) break;
        if (k < 6) us = us * 10 + c;
        k++;
        i++;
      }
      if (k === 0) return false;
      for (; k < 6; k++) us *= 10;
    }
  }
  const local = base + ss * 1_000_000 + us;
  if (i === end) {
    out.micros = local;
    out.offset = NaN;
    return true;
  }
  // "+00:00", the writer's offset, without a string.
  if (
    end - i === 6 && b[i] === 43 && b[i + 1] === 48 && b[i + 2] === 48 && b[i + 3] === 58 &&
    b[i + 4] === 48 && b[i + 5] === 48
  ) {
    out.micros = local;
    out.offset = 0;
    return true;
  }
  // Anything else must be an offset.
  const o = parseOffset(b, i, end);
  if (o !== o) return false;
  out.micros = local - o * 1_000_000;
  out.offset = o;
  return true;
}

/** Two ASCII digits at `b[at, at + 2)` as a number, or -1 (not digits, or past `end`). */
function twoDigits(b: Uint8Array, at: number, end: number): number {
  if (at + 2 > end) return -1;
  const d1 = b[at] - 48;
  const d2 = b[at + 1] - 48;
  return d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 ? -1 : d1 * 10 + d2;
}

/**
 * The UTC offset in seconds that `b[i, end)` spells in full: `Z`, `+HH`, `+HH:MM`, `+HHMM`, `+HH:MM:SS`
 * (Python allows microseconds after the seconds; they are vanishingly rare and dropped), or `NaN`.
 */
function parseOffset(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c === 90 || c === 122) return i + 1 === end ? 0 : NaN;
  if (c !== 43 && c !== 45) return NaN;
  const sign = c === 45 ? -1 : 1;
  const oh = twoDigits(b, i + 1, end);
  if (oh < 0 || oh > 23) return NaN;
  i += 3;
  let om = 0;
  let os = 0;
  if (i < end && b[i] === 58) i++;
  if (i < end) {
    om = twoDigits(b, i, end);
    if (om < 0 || om > 59) return NaN;
    i += 2;
    if (i < end && b[i] === 58) {
      os = twoDigits(b, i + 1, end);
      if (os < 0 || os > 59) return NaN;
      i += 3;
      if (i < end && b[i] === 46) {
        i++;
        while (i < end && b[i] >= 48 && b[i] <= 57) i++;
      }
    }
  }
  return i === end ? sign * (oh * 3600 + om * 60 + os) : NaN;
}

const timestampText = new TextEncoder();

/**
 * Writes timestamps as ASCII bytes row after row, with the text of the current second and offset cached
 * (rows of a file mostly share it), so a row costs only its microseconds: `iso` writes
 * {@linkcode formatIsoTimestamp}, `python` writes {@linkcode formatPyTimestamp}. `prefix` and `suffix`
 * (ASCII) are written before and after, so a caller writes a whole field with two copies. Times outside
 * years 1-9999 are formatted in full each time. Exact where `micros` is (within 2^53 µs of 1970).
 *
 * @example
 * ```ts
 * import { TimestampWriter } from "./time.ts";
 * const w = new TimestampWriter("python", "|", "|");
 * const buf = new Uint8Array(64);
 * const end = w.write(buf, 0, 1740820502481516, 0);
 * new TextDecoder().decode(buf.subarray(0, end)); // "|2025-03-01 09:15:02.481516+00:00|"
 * ```
 */
export class TimestampWriter {
  #second = NaN;
  #offset = NaN;
  #naive = false;
  #head = new Uint8Array();
  #tail = new Uint8Array();
  #whole: Uint8Array | null = null;

  /** A writer of `style` timestamps between `prefix` and `suffix`. */
  constructor(readonly style: "iso" | "python", readonly prefix = "", readonly suffix = "") {}

  /** The longest a row can be: prefix, suffix and a timestamp with a seconds offset. */
  get maxBytes(): number {
    return this.prefix.length + this.suffix.length + 40;
  }

  /**
   * Writes the timestamp `micros` with UTC offset `offset` (seconds; `NaN` for a naive time) at `at`;
   * returns the end. Room for {@linkcode TimestampWriter.maxBytes} is the caller's.
   */
  write(buf: Uint8Array, at: number, micros: number, offset: number): number {
    // (floor division instead of two floating-point remainders, which are slow; exact after the fix-up)
    let second = Math.floor(micros / 1_000_000);
    let us = micros - second * 1_000_000;
    if (us < 0) {
      second--;
      us += 1_000_000;
    } else if (us >= 1_000_000) {
      second++;
      us -= 1_000_000;
    }
    const naive = offset !== offset;
    if (second !== this.#second || naive !== this.#naive || (!naive && offset !== this.#offset)) {
      this.#second = second;
      this.#offset = offset;
      this.#naive = naive;
      const t = { micros: second * 1_000_000, offset: naive ? null : offset };
      if (this.style === "iso") {
        const full = formatIsoTimestamp(t);
        this.#whole = full.length >= 26 && full[10] === "T" && full[19] === "." ? null : new Uint8Array();
        this.#head = timestampText.encode(this.prefix + full.slice(0, 20));
        this.#tail = timestampText.encode(full.slice(26) + this.suffix);
      } else {
        const full = formatPyTimestamp(t);
        this.#whole = full.length >= 19 && full[10] === " " && full[16] === ":" ? null : new Uint8Array();
        this.#head = timestampText.encode(this.prefix + full.slice(0, 19));
        this.#tail = timestampText.encode(full.slice(19) + this.suffix);
      }
    }
    if (this.#whole !== null) {
      // An irregular year: no cached parts.
      const t = { micros, offset: naive ? null : offset };
      const full = this.style === "iso" ? formatIsoTimestamp(t) : formatPyTimestamp(t);
      const b = timestampText.encode(this.prefix + full + this.suffix);
      buf.set(b, at);
      return at + b.length;
    }
    const head = this.#head;
    buf.set(head, at);
    let n = at + head.length;
    if (this.style === "iso") n = sixDigits(buf, n, us);
    else if (us !== 0) {
      buf[n++] = 46; // .
      n = sixDigits(buf, n, us);
    }
    const tail = this.#tail;
    buf.set(tail, n);
    return n + tail.length;
  }
}
