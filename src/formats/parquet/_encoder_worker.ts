/**
 * The Parquet encoder worker: runs {@linkcode openInlinePart} encoders for the main thread.
 *
 * @module
 */
import { openInlinePart, type PartEncoder } from "./_part.ts";

const port = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown): void;
};
const parts = new Map<number, PartEncoder>();
// Messages are handled one at a time, in order (a push may wait for the encoder).
let queue: Promise<void> = Promise.resolve();

port.onmessage = (e: MessageEvent) => {
  const m = e.data;
  queue = queue.then(async () => {
    try {
      let bytes = 0;
      if (m.op === "open") {
        parts.set(m.id, await openInlinePart(m.spec));
      } else if (m.op === "push") {
        const p = parts.get(m.id)!;
        await p.push(new Uint8Array(m.ipc));
        bytes = p.bytes;
      } else if (m.op === "close") {
        const p = parts.get(m.id)!;
        await p.close();
        bytes = p.bytes;
        parts.delete(m.id);
      } else if (m.op === "abort") {
        await parts.get(m.id)?.abort();
        parts.delete(m.id);
      }
      port.postMessage({ req: m.req, bytes });
    } catch (err) {
      port.postMessage({ req: m.req, error: err instanceof Error ? err.message : String(err) });
    }
  });
};
