/**
 * Progress on stderr. On a terminal one live line (runs done/total, events, MB/s, ETA), redrawn at most ten
 * times a second after the first half second. Off a terminal (CI logs) a plain line at most every 10 s, and
 * only once the work has run 10 s: short work prints none. `--quiet` prints none.
 *
 * @module
 */
import type { CliIO } from "./args.ts";

/** Bytes this process has read so far (Linux `/proc/self/io` `rchar`), or null where unknown. */
export function bytesReadByProcess(): number | null {
  try {
    const m = /^rchar:\s*(\d+)/m.exec(Deno.readTextFileSync("/proc/self/io"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** What is known in advance about the work. */
export interface ProgressTotals {
  /** Runs to do, when known. */
  runs?: number;
  /** Input bytes to read, when known. */
  bytes?: number;
}

/** Options of {@linkcode Progress}. */
export interface ProgressOptions {
  /** Print nothing. */
  quiet?: boolean;
  /** Totals for the run count and the ETA. */
  totals?: ProgressTotals;
  /** Where bytes read come from: `files` counts {@linkcode Progress.file} calls, `process` reads the OS. */
  bytes?: "files" | "process";
  /** Prefix of the plain lines, e.g. `plxkit convert`. */
  label?: string;
}

/** Seconds as `m:ss` or `h:mm:ss`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/** Counts runs, files, events and bytes and shows them as the module describes. */
export class Progress {
  #runs = 0;
  #files = 0;
  #events = 0;
  #fileBytes = 0;
  #lastDraw = -Infinity;
  #shown = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  readonly #start: number;
  readonly #rchar0: number | null;
  readonly #now: () => number;

  /** Progress for `io`; call {@linkcode Progress.finish} when done. */
  constructor(readonly io: CliIO, readonly options: ProgressOptions = {}) {
    this.#now = io.now ?? (() => performance.now());
    this.#start = this.#now();
    this.#rchar0 = options.bytes === "process" ? bytesReadByProcess() : null;
  }

  /** Starts redrawing on a timer (so a long run shows progress before it ends). */
  start(): this {
    if (!this.options.quiet && this.#timer === undefined) {
      this.#timer = setInterval(() => this.tick(), this.io.errIsTty ? 200 : 1000);
    }
    return this;
  }

  /** Notes one more file of `bytes` bytes. */
  file(bytes: number, events = 0): void {
    this.#files++;
    this.#fileBytes += bytes;
    this.#events += events;
    this.tick();
  }

  /** Notes one more run done, with its events. */
  run(events: number): void {
    this.#runs++;
    this.#events += events;
    this.tick();
  }

  /** Bytes read so far. */
  get bytes(): number {
    if (this.options.bytes === "process" && this.#rchar0 !== null) {
      return Math.max(0, (bytesReadByProcess() ?? this.#rchar0) - this.#rchar0);
    }
    return this.#fileBytes;
  }

  /** The status text now, e.g. `3/20 runs, 120,400 events, 45.2 MB/s, ETA 0:12`. */
  line(): string {
    const elapsed = (this.#now() - this.#start) / 1000;
    const totals = this.options.totals ?? {};
    const bytes = this.bytes;
    const parts: string[] = [];
    if (this.options.bytes === "files") parts.push(`${this.#files.toLocaleString("en-US")} files`);
    else parts.push(`${this.#runs}${totals.runs !== undefined ? `/${totals.runs}` : ""} runs`);
    parts.push(`${this.#events.toLocaleString("en-US")} events`);
    const rate = elapsed > 0 ? bytes / 1e6 / elapsed : 0;
    parts.push(`${rate.toFixed(1)} MB/s`);
    let eta: number | undefined;
    if (totals.bytes && bytes > 0 && rate > 0) eta = Math.max(0, totals.bytes - bytes) / 1e6 / rate;
    else if (totals.runs && this.#runs > 0) eta = elapsed * (totals.runs - this.#runs) / this.#runs;
    if (eta !== undefined) parts.push(`ETA ${clock(eta)}`);
    return parts.join(", ");
  }

  /** Draws the line if it is time to. */
  tick(): void {
    if (this.options.quiet) return;
    const now = this.#now();
    const elapsed = now - this.#start;
    if (this.io.errIsTty) {
      if (elapsed < 500 || now - this.#lastDraw < 100) return;
      this.#lastDraw = now;
      this.#draw(this.line());
      return;
    }
    if (elapsed < 10_000 || now - this.#lastDraw < 10_000) return;
    this.#lastDraw = now;
    this.io.err(`${this.options.label ?? "plxkit"}: ${this.line()} (${clock(elapsed / 1000)} elapsed)`);
  }

  #draw(text: string): void {
    if (this.io.status) this.io.status(text);
    else Deno.stderr.writeSync(new TextEncoder().encode(`\r\x1b[K${text}`));
    this.#shown = text !== "";
  }

  /** Erases the live line before other output (it comes back on the next tick). */
  clear(): void {
    if (this.#shown) this.#draw("");
  }

  /** Stops the timer and erases the live line. */
  finish(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.clear();
  }
}
