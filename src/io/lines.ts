/**
 * Splits a byte stream into text lines: streaming, UTF-8 checked per line, with a cap on line length so a
 * multi-gigabyte line costs bounded memory.
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics.ts";
import { concatBytes } from "./bytes.ts";

/** A run of consecutive lines. `null` marks a line already reported (invalid UTF-8, too long). */
export interface LineBatch {
  /** The lines as text, without their newline; `null` for a line already reported in `problems`. */
  lines: (string | null)[];
  /** 1-based number of `lines[0]`. */
  first: number;
  /** True on the last batch: its last line is the file's last line, which had no newline after it. */
  final: boolean;
  /** Problems found while splitting (reported once; the line is `null`). */
  problems: Diagnostic[];
  /**
   * With the `raw` option, for valid UTF-8: further lines not split, as bytes and decoded text; they follow
   * `lines` (numbered from `first + lines.length`). Consumers with a byte-level fast path use it; others
   * split `text` at `\n`. The bytes are only valid until the next batch is requested.
   */
  raw?: {
    bytes: Uint8Array;
    text: string;
    /** Set by a consumer that counted the lines, saving the splitter a pass. */
    lineCount?: number;
  };
}

/** Options of {@linkcode splitLines}. */
export interface SplitLinesOptions {
  /** Lines longer than this many bytes are reported and skipped. @default 67108864 (64 MiB) */
  maxLineBytes?: number;
  /** Hand over valid UTF-8 regions unsplit in `raw` (see {@linkcode LineBatch.raw}). @default false */
  raw?: boolean;
}

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Splits `chunks` into lines at `\n`. Lines keep a trailing `\r` (callers decide). The file's last line is
 * whatever follows the last `\n` (empty when the file ends with a newline), flagged by `final`.
 *
 * @param chunks The bytes, in order (buffers are not retained after the next chunk arrives unless copied).
 * @param file The file name used in problems.
 * @param options Line length cap.
 *
 * @example
 * ```ts
 * import { splitLines } from "./lines.ts";
 * const bytes = new TextEncoder().encode("a\nb");
 * for await (const batch of splitLines([bytes], "x.plx")) console.log(batch.lines); // ["a"] then ["b"]
 * ```
 */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  options: SplitLinesOptions = {},
): AsyncGenerator<LineBatch> {
  const max = options.maxLineBytes ?? 64 * 1024 * 1024;
  const raw = options.raw ?? false;
  let carry: Uint8Array[] = [];
  let carryLen = 0;
  let lineNo = 1;
  let skipping = false;
  let atStart = true;
  const tooLong = (line: number): Diagnostic => ({
    severity: "error",
    code: "line-too-long",
    file,
    line,
    message: `line is longer than ${max} bytes; skipped`,
  });
  for await (let chunk of chunks) {
    if (chunk.length === 0) continue;
    if (atStart) {
      atStart = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
      }
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl === -1) {
      if (!skipping) {
        carry.push(chunk.slice());
        carryLen += chunk.length;
        if (carryLen > max) {
          skipping = true;
          carry = [];
          carryLen = 0;
        }
      }
      continue;
    }
    const lines: (string | null)[] = [];
    const problems: Diagnostic[] = [];
    let region: Uint8Array | null;
    if (skipping) {
      skipping = false;
      problems.push(tooLong(lineNo));
      lines.push(null);
      const firstNl = chunk.indexOf(10);
      region = firstNl === lastNl ? null : chunk.subarray(firstNl + 1, lastNl);
    } else if (carry.length) {
      // The carried line ends at this chunk's first newline: decode it alone (small), the rest as a region.
      const firstNl = chunk.indexOf(10);
      carry.push(chunk.subarray(0, firstNl));
      decodeRegion(concatBytes(carry, carryLen + firstNl), lineNo, file, max, lines, problems);
      region = firstNl === lastNl ? null : chunk.subarray(firstNl + 1, lastNl);
    } else {
      region = chunk.subarray(0, lastNl);
    }
    carry = lastNl + 1 < chunk.length ? [chunk.slice(lastNl + 1)] : [];
    carryLen = chunk.length - lastNl - 1;
    if (raw && region && region.length <= max) {
      const text = tryDecode(region);
      if (text !== null) {
        const batch: LineBatch = {
          lines,
          first: lineNo,
          final: false,
          problems,
          raw: { bytes: region, text },
        };
        yield batch;
        lineNo += lines.length + (batch.raw!.lineCount ?? linesOfRegion(region));
        continue;
      }
    }
    if (region) decodeRegion(region, lineNo + lines.length, file, max, lines, problems);
    yield { lines, first: lineNo, final: false, problems };
    lineNo += lines.length;
  }
  const lines: (string | null)[] = [];
  const problems: Diagnostic[] = [];
  if (skipping) {
    problems.push(tooLong(lineNo));
    lines.push(null);
  } else {
    decodeRegion(concatBytes(carry, carryLen), lineNo, file, max, lines, problems);
  }
  yield { lines, first: lineNo, final: true, problems };
}

/** Deno's fast path (no validation op): used to recognise ASCII regions, the common case. */
const loose = new TextDecoder();

function tryDecode(region: Uint8Array): string | null {
  // One UTF-16 unit per byte and no replacement character: every byte was ASCII (a multi-byte sequence
  // shortens the text, an invalid byte becomes U+FFFD, a BOM is dropped), so the text is exact.
  const ascii = loose.decode(region);
  if (ascii.length === region.length && ascii.indexOf("\uFFFD") === -1) return ascii;
  try {
    return fatal.decode(region);
  } catch {
    return null;
  }
}

/** The newline bytes (`\n`) in `bytes`. */
export function countNewlines(bytes: Uint8Array): number {
  let n = 0;
  let i = -1;
  while ((i = bytes.indexOf(10, i + 1)) !== -1) n++;
  return n;
}

/**
 * The lines of a region that ends where a line ends (no newline after its last line): newlines + 1.
 *
 * @example
 * ```ts
 * import { linesOfRegion } from "./lines.ts";
 * linesOfRegion(new TextEncoder().encode("a\nb")); // 2
 * ```
 */
export function linesOfRegion(region: Uint8Array): number {
  return countNewlines(region) + 1;
}

function decodeRegion(
  region: Uint8Array,
  first: number,
  file: string,
  max: number,
  lines: (string | null)[],
  problems: Diagnostic[],
): void {
  let text: string | null = null;
  try {
    text = fatal.decode(region);
  } catch {
    text = null;
  }
  if (text !== null) {
    const parts = text.split("\n");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (p.length > max) {
        problems.push({
          severity: "error",
          code: "line-too-long",
          file,
          line: first + i,
          message: `line is longer than ${max} bytes; skipped`,
        });
        lines.push(null);
      } else lines.push(p);
    }
    return;
  }
  // Slow path: find the lines that are not UTF-8.
  let start = 0;
  let n = first;
  while (true) {
    let nl = region.indexOf(10, start);
    const last = nl === -1;
    if (last) nl = region.length;
    const bytes = region.subarray(start, nl);
    try {
      lines.push(fatal.decode(bytes));
    } catch {
      problems.push({
        severity: "error",
        code: "invalid-utf8",
        file,
        line: n,
        message: `invalid UTF-8 at byte ${
          firstBadByte(bytes)
        } of the line (binary data or another text encoding?)`,
      });
      lines.push(null);
    }
    n++;
    if (last) break;
    start = nl + 1;
  }
}

/** Byte index (0-based) of the first byte where UTF-8 decoding fails. */
function firstBadByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    if (i + need >= bytes.length + (need ? 0 : 1)) return i;
    try {
      fatal.decode(bytes.subarray(i, i + need + 1));
    } catch {
      return i;
    }
    i += need + 1;
  }
  return i;
}
