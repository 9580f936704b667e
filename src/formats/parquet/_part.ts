/**
 * Part file encoders: a stream of Arrow IPC row groups in, a Parquet file out. `openInlinePart` encodes on
 * the calling thread; {@linkcode EncoderWorker} runs the same encoder in a worker so encoding overlaps with
 * reading and buffering on the main thread.
 *
 * @module
 */
import * as path from "node:path";
import * as pw from "parquet-wasm";
import type { ValueType } from "../../schema/values.ts";
import { type ParquetCompression, writerProperties } from "./write.ts";

/** What a part encoder needs to know (plain data, so it can cross to a worker). */
export interface PartSpec {
  /** The temporary file to write. */
  tmp: string;
  compression: ParquetCompression;
  rowGroupRows: number;
  meta: Record<string, string>;
  type: ValueType;
}

/** One part file being encoded. */
export interface PartEncoder {
  /** Bytes written to the file so far. */
  readonly bytes: number;
  /** Adds a row group (an Arrow IPC stream); resolves when the encoder has taken it. */
  push(ipc: Uint8Array): Promise<void>;
  /** Writes the footer, closes and syncs the file. */
  close(): Promise<void>;
  /** Stops and deletes the temporary file. */
  abort(): Promise<void>;
}

/** Opens a part encoded on this thread. */
export async function openInlinePart(spec: PartSpec): Promise<PartEncoder> {
  await Deno.mkdir(path.dirname(spec.tmp), { recursive: true });
  let ctrl!: ReadableStreamDefaultController<pw.RecordBatch>;
  let waiter: (() => void) | null = null;
  const state = { bytes: 0 };
  const input = new ReadableStream<pw.RecordBatch>({
    start: (c) => {
      ctrl = c;
    },
    pull: () => {
      waiter?.();
      waiter = null;
    },
  });
  const file = await Deno.open(spec.tmp, { write: true, createNew: true });
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform: (chunk, c) => {
      state.bytes += chunk.length;
      c.enqueue(chunk);
    },
  });
  const props = writerProperties(spec.compression, spec.rowGroupRows, spec.meta, spec.type);
  // transformParquetStream resolves only once the first batch arrives (it needs the schema): do not wait.
  const done = pw.transformParquetStream(input, props).then((bytes) =>
    bytes.pipeThrough(counter).pipeTo(file.writable)
  );
  done.catch(() => {});
  return {
    get bytes() {
      return state.bytes;
    },
    async push(ipc) {
      for (const b of pw.Table.fromIPCStream(ipc).recordBatches()) ctrl.enqueue(b);
      // Back-pressure: wait until the encoder has taken the batch.
      while ((ctrl.desiredSize ?? 1) <= 0) await new Promise<void>((r) => (waiter = r));
    },
    async close() {
      ctrl.close();
      await done;
      using f = await Deno.open(spec.tmp, { read: true, write: true });
      await f.sync();
    },
    async abort() {
      try {
        ctrl.error(new Error("aborted"));
      } catch { /* already closed */ }
      await done.catch(() => {});
      await Deno.remove(spec.tmp).catch(() => {});
    },
  };
}

interface Reply {
  req: number;
  bytes?: number;
  error?: string;
}

/**
 * A worker that encodes parts off the main thread. Requests are answered in order; a push is answered when
 * the worker's encoder has taken the row group, so at most one row group waits while another is encoded.
 */
export class EncoderWorker {
  readonly #worker: Worker;
  #req = 0;
  #parts = 0;
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const p = this.#pending.get(e.data.req);
      this.#pending.delete(e.data.req);
      if (!p) return;
      if (e.data.error !== undefined) p.reject(new Error(e.data.error));
      else p.resolve(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      for (const p of this.#pending.values()) {
        p.reject(new Error(`parquet encoder worker failed: ${e.message}`));
      }
      this.#pending.clear();
    };
  }

  /** Starts a worker. */
  static start(): EncoderWorker {
    return new EncoderWorker(
      new Worker(new URL("./_encoder_worker.ts", import.meta.url).href, { type: "module" }),
    );
  }

  #call(msg: Record<string, unknown>, transfer: Transferable[] = []): Promise<Reply> {
    const req = this.#req++;
    return new Promise((resolve, reject) => {
      this.#pending.set(req, { resolve, reject });
      this.#worker.postMessage({ ...msg, req }, transfer);
    });
  }

  /** Opens a part encoded in the worker. */
  async open(spec: PartSpec): Promise<PartEncoder> {
    const id = this.#parts++;
    await this.#call({ op: "open", id, spec });
    const state = { bytes: 0 };
    return {
      get bytes() {
        return state.bytes;
      },
      push: async (ipc) => {
        const buf = ipc.byteOffset === 0 && ipc.byteLength === ipc.buffer.byteLength ? ipc : ipc.slice();
        const r = await this.#call({ op: "push", id, ipc: buf.buffer }, [buf.buffer as ArrayBuffer]);
        state.bytes = r.bytes ?? state.bytes;
      },
      close: async () => {
        const r = await this.#call({ op: "close", id });
        state.bytes = r.bytes ?? state.bytes;
      },
      abort: async () => {
        await this.#call({ op: "abort", id });
      },
    };
  }

  /** Stops the worker at once (parts not closed stay as temporary files, as after a crash). */
  terminate(): void {
    this.#worker.terminate();
    for (const p of this.#pending.values()) p.reject(new Error("parquet encoder worker stopped"));
    this.#pending.clear();
  }
}
