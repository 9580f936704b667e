/**
 * A progress line on stderr for long walks, shown only when stderr is a terminal and at most ten times a
 * second.
 *
 * @module
 */
import type { CliIO } from "./args.ts";

/** Counts files and bytes and redraws one status line. */
export class Progress {
  #files = 0;
  #bytes = 0;
  #last = 0;
  #shown = false;
  readonly #start = performance.now();
  constructor(readonly io: CliIO, readonly quiet = false) {}

  /** Notes one more file of `bytes` bytes. */
  file(bytes: number): void {
    this.#files++;
    this.#bytes += bytes;
    if (!this.io.errIsTty || this.quiet) return;
    const now = performance.now();
    if (now - this.#last < 100 || now - this.#start < 500) return;
    this.#last = now;
    const mb = this.#bytes / 1e6;
    const rate = mb / ((now - this.#start) / 1000);
    Deno.stderr.writeSync(
      new TextEncoder().encode(`\r\x1b[K${this.#files} files, ${mb.toFixed(1)} MB (${rate.toFixed(0)} MB/s)`),
    );
    this.#shown = true;
  }

  /** Erases the line before other output. */
  clear(): void {
    if (this.#shown) {
      Deno.stderr.writeSync(new TextEncoder().encode("\r\x1b[K"));
      this.#shown = false;
    }
  }
}
