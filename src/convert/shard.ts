/**
 * Deterministic sharding of runs (`--shard k/n`): a run belongs to shard `hash(id) mod n + 1`, so n workers
 * split any tree the same way without talking to each other.
 *
 * @module
 */
import { SettingError } from "../diagnostics.ts";

/** FNV-1a 32-bit hash of a string's UTF-16 units. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Parses `k/n` into a filter over run ids, or returns undefined when `spec` is undefined.
 *
 * @throws {SettingError} When `spec` is not `k/n` with 1 <= k <= n.
 *
 * @example
 * ```ts
 * import { shardFilter } from "./shard.ts";
 * const f = shardFilter("1/2")!;
 * f("8f3a..."); // true or false, the same on every machine
 * ```
 */
export function shardFilter(spec: string | undefined): ((id: string) => boolean) | undefined {
  if (spec === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) {
    throw new SettingError(`--shard takes k/n with 1 <= k <= n (got "${spec}")`);
  }
  return (id) => fnv1a(id) % n === k - 1;
}
