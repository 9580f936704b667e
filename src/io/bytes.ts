/**
 * Byte helpers shared by codecs and adapters.
 *
 * @module
 */

/**
 * Joins byte arrays into one (returns the only part itself when there is just one).
 *
 * @example
 * ```ts
 * import { concatBytes } from "./bytes.ts";
 * concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]); // Uint8Array [1, 2, 3]
 * ```
 */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total ?? parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * Collects a whole stream into one array, or returns `null` as soon as it grows past `max` bytes (so a
 * huge file costs at most `max` bytes of memory). Chunks must not be reused buffers.
 */
export async function collectBounded(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  max: number,
): Promise<Uint8Array | null> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > max) return null;
    parts.push(c);
  }
  return concatBytes(parts, n);
}
