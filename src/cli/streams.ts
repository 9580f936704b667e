/**
 * `--out -`: JSONL on standard output. Each run is spooled to a temporary file and copied to stdout when it
 * commits, so a run that fails half way leaves no partial lines in the stream (memory stays flat; the spool
 * file is removed). Asset files and run records cannot travel in the stream; the ledger counts them.
 *
 * @module
 */
import type { DropLedger, EventSink, RunInfo, RunSink, RunSource } from "../convert/pipeline.ts";
import { assetRefs, type MetricColumns, type PlxEvent } from "../model/event.ts";
import { JsonlEncoder } from "../formats/jsonl/write.ts";

/** A sink writing every run's JSONL lines to `write`, run after run. */
export class StreamJsonlSink implements EventSink {
  #seen = new Set<string>();
  /** True once the reader of the stream went away (e.g. `| head`): nothing more is converted. */
  broken = false;
  /** A sink handing bytes to `write` (standard output in the CLI). */
  constructor(readonly write: (bytes: Uint8Array) => void | Promise<void>) {}

  async openRun(info: RunInfo, ledger: DropLedger): Promise<RunSink | "done"> {
    if (this.broken) throw new Deno.errors.BrokenPipe("the reader of standard output is gone");
    if (this.#seen.has(info.id)) return "done";
    this.#seen.add(info.id);
    const spool = await Deno.makeTempFile({ prefix: "plxkit-stdout-", suffix: ".jsonl" });
    const file = await Deno.open(spool, { write: true, read: true });
    return new StreamRun(this, info, ledger, spool, file);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

class StreamRun implements RunSink {
  #enc = new JsonlEncoder();
  #assets = new Set<string>();
  constructor(
    readonly sink: StreamJsonlSink,
    readonly info: RunInfo,
    readonly ledger: DropLedger,
    readonly spool: string,
    readonly file: Deno.FsFile,
  ) {}

  #put(chunks: Uint8Array[]): void {
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += this.file.writeSync(c.subarray(off));
    }
  }

  write(events: PlxEvent[], _source: RunSource): Promise<void> {
    for (const e of events) {
      if (e.type === "metric" || e.type === "text" || e.type === "html") continue;
      for (const ref of assetRefs(e)) {
        if (this.#assets.has(ref)) continue;
        this.#assets.add(ref);
        this.ledger.note("jsonl on stdout: asset files (event kept, file not copied)");
      }
    }
    this.#put(this.#enc.push(events));
    return Promise.resolve();
  }

  writeMetrics(columns: MetricColumns): Promise<void> {
    this.#put(this.#enc.pushMetrics(columns));
    return Promise.resolve();
  }

  async commit(): Promise<void> {
    const last = this.#enc.flush();
    if (last) this.#put([last]);
    if (this.info.meta) this.ledger.note("jsonl on stdout: run records run.plx.json (not written)");
    if (this.info.lineages?.length) {
      this.ledger.note("jsonl on stdout: lineage records lineages.plx.json (not written)");
    }
    try {
      await this.file.seek(0, Deno.SeekMode.Start);
      const buf = new Uint8Array(1 << 20);
      while (true) {
        const n = await this.file.read(buf);
        if (n === null) break;
        try {
          await this.sink.write(buf.subarray(0, n));
        } catch (e) {
          if (e instanceof Deno.errors.BrokenPipe) this.sink.broken = true;
          throw e;
        }
      }
    } finally {
      await this.abort();
    }
  }

  async abort(): Promise<void> {
    try {
      this.file.close();
    } catch { /* already closed */ }
    await Deno.remove(this.spool).catch(() => {});
  }
}
