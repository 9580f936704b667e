/**
 * A small fuzzing harness for readers: random bytes and mutations of valid files (bit flips, truncation at
 * every offset, duplicated and swapped regions), each case bounded in time. The quick run is part of the
 * suite; `deno task fuzz` sets PLXKIT_FUZZ_RUNS for a long one.
 *
 * @module
 */
import fc from "../_fc.ts";

/** How many random cases per property: small in the suite, large under `deno task fuzz`. */
export const RUNS = Number(Deno.env.get("PLXKIT_FUZZ_RUNS") ?? 200);

/** A reader under test: gets bytes, must resolve (never throw) within the time limit. */
export type ReadFn = (bytes: Uint8Array) => Promise<void>;

/** Fails when `p` does not settle within `ms`. */
export async function within<T>(ms: number, p: Promise<T>, what: () => string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what()}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const hex = (b: Uint8Array) => Array.from(b.subarray(0, 64), (x) => x.toString(16).padStart(2, "0")).join("");

/**
 * Truncations of each seed: every offset (`stride` 1), or every `stride`-th offset plus the last 32 (for
 * readers that are slow per case in the quick suite; `deno task fuzz` runs every offset).
 */
export async function truncations(seeds: Uint8Array[], read: ReadFn, stride = 1): Promise<number> {
  let n = 0;
  for (const s of seeds) {
    for (let i = 0; i <= s.length; i++) {
      if (i % stride !== 0 && i < s.length - 32) continue;
      await within(2000, read(s.subarray(0, i)), () => `truncated at ${i}`);
      n++;
    }
  }
  return n;
}

/** Arbitrary mutation of a seed: bit flips, region duplication, region swap, random splice. */
export function mutated(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc.tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.tuple(fc.nat(3), fc.nat(), fc.nat(), fc.nat(255)),
      { minLength: 1, maxLength: 6 },
    ),
  ).map(([seed, ops]) => {
    let b = seed.slice();
    for (const [op, x, y, v] of ops) {
      if (b.length === 0) break;
      const i = x % b.length;
      const j = y % b.length;
      const [lo, hi] = i < j ? [i, j] : [j, i];
      switch (op) {
        case 0: // bit flip
          b[i] ^= 1 << (v % 8);
          break;
        case 1: { // duplicate a region
          const r = b.subarray(lo, Math.min(hi, lo + 64));
          const out = new Uint8Array(b.length + r.length);
          out.set(b.subarray(0, hi));
          out.set(r, hi);
          out.set(b.subarray(hi), hi + r.length);
          b = out;
          break;
        }
        case 2: { // swap two regions of equal length
          const len = Math.min(16, hi - lo, b.length - hi);
          const tmp = b.slice(lo, lo + len);
          b.copyWithin(lo, hi, hi + len);
          b.set(tmp, hi);
          break;
        }
        case 3: // overwrite a byte
          b[i] = v;
          break;
      }
    }
    return b;
  });
}

/** Runs random-bytes and mutation properties plus all truncations against `read`. */
export async function fuzzReader(seeds: Uint8Array[], read: ReadFn, runs = RUNS, stride = 1): Promise<void> {
  let cases = 2 * runs;
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (b) => {
      await within(2000, read(b), () => `random bytes ${hex(b)}`);
    }),
    { numRuns: runs },
  );
  await fc.assert(
    fc.asyncProperty(mutated(seeds), async (b) => {
      await within(2000, read(b), () => `mutation ${hex(b)}`);
    }),
    { numRuns: runs },
  );
  cases += await truncations(seeds, read, RUNS >= 1000 ? 1 : stride);
  if (Deno.env.get("PLXKIT_FUZZ_COUNT")) console.log(`fuzz cases: ${cases}`);
}
