/**
 * JSONL reader: bytes (plain or gzip) to canonical events, streaming. A pure codec: takes async iterables
 * of bytes, yields batches of events and diagnostics, never touches the file system.
 *
 * @module
 */
import { Readable } from "node:stream";
import { constants, createGunzip } from "node:zlib";
import type { Diagnostic } from "../../diagnostics.ts";
import type { PlxEvent } from "../../model/event.ts";
import { splitLines, type SplitLinesOptions } from "../../io/lines.ts";
import { decodeJsonlEvent } from "./codec.ts";

/** One step of reading: the events and diagnostics of a span of lines (each event with its line number). */
export interface JsonlBatch {
  /** Events decoded from these lines. */
  events: PlxEvent[];
  /** 1-based line number of each event in `events`. */
  lines: number[];
  /** Problems of these lines (file and line named). */
  diagnostics: Diagnostic[];
}

/** Options of {@linkcode readJsonl}. */
export interface JsonlReadOptions extends SplitLinesOptions {
  /** The bytes are gzip (one or more members); decompressed while streaming. */
  gzip?: boolean;
}

/**
 * Decompresses gzip bytes (several concatenated members allowed) while streaming. A cut stream yields what
 * can be decoded; a corrupt one ends the output and is reported through `onError`.
 *
 * @example
 * ```ts
 * import { gzipSync } from "node:zlib";
 * import { gunzipChunks } from "./read.ts";
 * for await (const c of gunzipChunks([gzipSync("hi\n")], console.error)) console.log(c.length); // 3
 * ```
 */
export async function* gunzipChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onError: (message: string, offset: number) => void,
): AsyncGenerator<Uint8Array> {
  let inBytes = 0;
  async function* counted() {
    for await (const c of chunks) {
      inBytes += c.length;
      yield c;
    }
  }
  // Z_SYNC_FLUSH at the end: a cut stream yields everything decodable instead of failing as a whole; the
  // cut last line then shows up as a truncated line.
  const z = createGunzip({ chunkSize: 1 << 20, finishFlush: constants.Z_SYNC_FLUSH });
  const stream = Readable.from(counted()).pipe(z);
  stream.on("error", () => {/* surfaced by the iterator below */});
  try {
    for await (const c of stream) yield c as Uint8Array;
  } catch (e) {
    onError(`gzip data is damaged or cut short: ${e instanceof Error ? e.message : String(e)}`, inBytes);
  }
}

/**
 * Reads JSONL events from bytes. Blank lines are skipped; a line that is not a valid event is an `error`
 * diagnostic naming the file and line, and reading goes on; a last line that does not parse (a file cut
 * short) is a `warning` (`truncated-line`).
 *
 * @param chunks The file's bytes in order (use chunks of 1 MiB or more).
 * @param file The file name used in diagnostics.
 *
 * @example
 * ```ts
 * import { readJsonl } from "./read.ts";
 * const line = '{"run":"r","scope":"events","kind":"metric","name":"loss","step":1,' +
 *   '"timestamp":"2025-03-01T09:15:02.481516+00:00","type":"metric","value":"NaN"}';
 * for await (const b of readJsonl([new TextEncoder().encode(line)], "x.jsonl")) console.log(b.events[0].value);
 * ```
 */
export async function* readJsonl(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string,
  options: JsonlReadOptions = {},
): AsyncGenerator<JsonlBatch> {
  const late: Diagnostic[] = [];
  const bytes = options.gzip
    ? gunzipChunks(
      chunks,
      (message, offset) => late.push({ severity: "warning", code: "truncated-gzip", file, offset, message }),
    )
    : chunks;
  for await (const batch of splitLines(bytes, file, options)) {
    const events: PlxEvent[] = [];
    const lines: number[] = [];
    const diagnostics: Diagnostic[] = [...batch.problems];
    const n = batch.lines.length;
    for (let i = 0; i < n; i++) {
      const raw = batch.lines[i];
      if (raw === null) continue;
      const line = raw.length && raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
      if (line.length === 0 || line.trim() === "") continue;
      const lineNo = batch.first + i;
      const isLast = batch.final && i === n - 1;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        diagnostics.push(
          isLast
            ? {
              severity: "warning",
              code: "truncated-line",
              file,
              line: lineNo,
              message: "the last line is not complete JSON (file cut short?); skipped",
            }
            : {
              severity: "error",
              code: "bad-json",
              file,
              line: lineNo,
              message: `not JSON: ${e instanceof Error ? e.message : String(e)}`,
            },
        );
        continue;
      }
      const ev = decodeJsonlEvent(obj);
      if (typeof ev === "string") {
        diagnostics.push({ severity: "error", code: "bad-event", file, line: lineNo, message: ev });
        continue;
      }
      events.push(ev);
      lines.push(lineNo);
    }
    if (batch.final) diagnostics.push(...late.splice(0));
    yield { events, lines, diagnostics };
  }
  if (late.length) yield { events: [], lines: [], diagnostics: late };
}
