/**
 * Part file encoders: a stream of Arrow IPC row groups in, a Parquet file out. `openInlinePart` encodes on
 * the calling thread; {@linkcode EncoderWorker} runs the same encoder in a worker so encoding overlaps with
 * reading and buffering on the main thread.
 *
 * @module
 */
import * as path from "node:path";
import * as pw from "../../_deps/parquet_wasm.ts";
import { type ColumnBuffer, type ParquetCompression, VERSION_KEY, writerProperties } from "./write.ts";
import { footer, MAGIC, NativeCodec, type PlacedRowGroup } from "./native.ts";
import { arrowSchema, arrowSchemaMeta, leafFields, PARQUET_LAYOUT_VERSION, type PartType } from "./schema.ts";
import { VERSION } from "../../version.ts";
import { concatBytes } from "../../io/bytes.ts";

/** What a part encoder needs to know (plain data, so it can cross to a worker). */
export interface PartSpec {
  /** The temporary file to write. */
  tmp: string;
  compression: ParquetCompression;
  rowGroupRows: number;
  meta: Record<string, string>;
  type: PartType;
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

/**
 * A part file as the sink sees it: it takes row groups straight from a {@linkcode ColumnBuffer}, and its
 * encoder decides how they are encoded (Arrow IPC into parquet-wasm, or the native encoder).
 */
export interface PartSink {
  /** Bytes written to the file so far. */
  readonly bytes: number;
  /** Encodes the buffer's first `rows` rows as one row group (the rest move to the buffer's front). */
  take(buffer: ColumnBuffer, rows: number): Promise<void>;
  /** Writes the footer, closes and syncs the file. */
  close(): Promise<void>;
  /** Stops and deletes the temporary file. */
  abort(): Promise<void>;
}

/** A parquet-wasm part encoder (inline or in the worker) as a {@linkcode PartSink}. */
export function wasmPart(encoder: PartEncoder): PartSink {
  return {
    get bytes() {
      return encoder.bytes;
    },
    take: (buffer, rows) => encoder.push(buffer.takeIpc(rows)),
    close: () => encoder.close(),
    abort: () => encoder.abort(),
  };
}

/** `created_by` of natively encoded files (`<app> version <semver>`, the form readers parse). */
export const CREATED_BY = `plxkit version ${VERSION} (native Parquet encoder)`;

/** Codecs the native encoder writes; others (snappy) go through parquet-wasm. */
export function nativeCodec(c: ParquetCompression): 0 | 6 | null {
  return c === "zstd" ? NativeCodec.zstd : c === "none" ? NativeCodec.none : null;
}

/**
 * Opens a part encoded by the native encoder (`native.ts`) on this thread: metric rows with zstd or no
 * compression. Row groups are written as they come; the footer on close.
 */
export async function openNativePart(spec: PartSpec): Promise<PartSink> {
  const codec = nativeCodec(spec.compression);
  if (codec === null) {
    throw new Error(`the native Parquet encoder writes zstd or no compression, not ${spec.compression}`);
  }
  await Deno.mkdir(path.dirname(spec.tmp), { recursive: true });
  const file = await Deno.open(spec.tmp, { write: true, createNew: true });
  const opts = { codec, pageRows: 1 << 17 };
  const groups: PlacedRowGroup[] = [];
  let offset = 0;
  let open = true;
  const write = async (b: Uint8Array) => {
    let o = 0;
    while (o < b.length) o += await file.write(b.subarray(o));
    offset += b.length;
  };
  await write(MAGIC);
  return {
    get bytes() {
      return offset;
    },
    async take(buffer, rows) {
      const g = buffer.takeNative(rows, opts);
      groups.push({ group: g, offset });
      const bytes = concatBytes(g.columns.flatMap((c) => c.pages), g.byteLength);
      // The footer needs only the metadata: do not keep the pages for the life of the part.
      for (const c of g.columns) c.pages = [];
      await write(bytes);
    },
    async close() {
      const kv = {
        "ARROW:schema": arrowSchemaMeta(spec.type),
        [VERSION_KEY]: PARQUET_LAYOUT_VERSION,
        ...spec.meta,
      };
      try {
        await write(footer(leafFields(arrowSchema(spec.type)), groups, kv, CREATED_BY));
        await file.sync();
      } finally {
        // (closed also when the footer cannot be written, e.g. a full disk; abort then only deletes)
        file.close();
        open = false;
      }
    },
    async abort() {
      if (open) file.close();
      open = false;
      await Deno.remove(spec.tmp).catch(() => {});
    },
  };
}
