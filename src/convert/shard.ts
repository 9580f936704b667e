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

/** Environment variables {@linkcode resolveShard} reads for `--shard auto`. */
export const SHARD_ENV = {
  /** 0-based index of this pod in a Kubernetes Indexed Job (set by Kubernetes). */
  index: "JOB_COMPLETION_INDEX",
  /** The number of shards: the Job's `completions` (set it in the pod spec). */
  count: "PLXKIT_SHARDS",
} as const;

/**
 * Resolves `--shard auto` to `k/n` from the environment: `k` = `JOB_COMPLETION_INDEX` + 1 (the 0-based
 * index Kubernetes gives each pod of an Indexed Job), `n` = `PLXKIT_SHARDS` (the Job's completions).
 * Any other spec is returned as given.
 *
 * @throws {SettingError} When `auto` is asked and either variable is missing or not a fitting integer.
 *
 * @example
 * ```ts
 * import { resolveShard } from "./shard.ts";
 * resolveShard("auto", { JOB_COMPLETION_INDEX: "0", PLXKIT_SHARDS: "4" }); // "1/4"
 * resolveShard("2/4", {}); // "2/4"
 * ```
 */
export function resolveShard(
  spec: string | undefined,
  env?: Record<string, string | undefined>,
): string | undefined {
  if (spec !== "auto") return spec;
  // (the environment is read only for auto: needs --allow-env=JOB_COMPLETION_INDEX,PLXKIT_SHARDS)
  const get = (k: string) => (env ? env[k] : Deno.env.get(k));
  const idx = get(SHARD_ENV.index);
  const count = get(SHARD_ENV.count);
  const i = /^\d+$/.test(idx ?? "") ? Number(idx) : NaN;
  const n = /^\d+$/.test(count ?? "") ? Number(count) : NaN;
  if (!Number.isSafeInteger(i)) {
    throw new SettingError(
      `--shard auto: ${SHARD_ENV.index} is ${idx === undefined ? "not set" : `"${idx}"`} ` +
        `(run it as a pod of a Kubernetes Indexed Job, or set it to the 0-based shard index)`,
    );
  }
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new SettingError(
      `--shard auto: ${SHARD_ENV.count} is ${count === undefined ? "not set" : `"${count}"`} ` +
        `(set it to the Job's completions, the number of shards)`,
    );
  }
  if (i >= n) {
    throw new SettingError(`--shard auto: ${SHARD_ENV.index}=${i} is not below ${SHARD_ENV.count}=${n}`);
  }
  return `${i + 1}/${n}`;
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
