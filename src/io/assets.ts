/**
 * Copying a run's assets into an output folder, the same way for every format: each run-relative path is
 * checked (it must stay inside the output) before its bytes are read, and copied at most once.
 *
 * Needs `--allow-write`.
 *
 * @module
 */
import { safeJoin, writeFileAtomic } from "./files.ts";

/** Why an asset was not copied. */
export type AssetSkip = "outside" | "missing";

/** Options of {@linkcode AssetCopier}. */
export interface AssetCopierOptions {
  /**
   * The target of a run-relative path; throws when the path would leave the output (the asset is then
   * skipped as `outside`, without reading it). @default safeJoin(dir, rel)
   */
  join?: (rel: string) => string;
  /** Writes one asset. @default writeFileAtomic */
  write?: (target: string, bytes: Uint8Array) => Promise<void>;
}

/**
 * Copies assets under `dir`: each path is checked with {@linkcode safeJoin} first (a path leaving `dir` is
 * skipped as `outside` without reading it), then read (`null`: skipped as `missing`), then written
 * atomically. A path is handled once however many events reference it.
 *
 * @example
 * ```ts
 * import { AssetCopier } from "./assets.ts";
 * const dir = await Deno.makeTempDir();
 * const copier = new AssetCopier(dir, (why, rel) => console.log(why, rel));
 * await copier.copy(["assets/a.txt", "../b.txt"], () => Promise.resolve(new Uint8Array([1])));
 * // writes dir/assets/a.txt; reports "outside ../b.txt"
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class AssetCopier {
  readonly #done = new Set<string>();

  readonly #join: (rel: string) => string;
  readonly #write: (target: string, bytes: Uint8Array) => Promise<void>;

  /**
   * A copier into `dir` that reports each asset not copied (and why) to `skipped`. `options.join` maps a
   * run-relative path to its target (throwing when it would leave the output; default
   * {@linkcode safeJoin} onto `dir`), `options.write` writes it (default: atomically).
   */
  constructor(
    readonly dir: string,
    readonly skipped: (why: AssetSkip, rel: string) => void,
    options: AssetCopierOptions = {},
  ) {
    this.#join = options.join ?? ((rel) => safeJoin(dir, rel));
    this.#write = options.write ?? writeFileAtomic;
  }

  /**
   * Claims run-relative path `rel` for a copy made elsewhere (e.g. a run file carried as bytes): false
   * when it was copied or claimed already.
   */
  claim(rel: string): boolean {
    if (this.#done.has(rel)) return false;
    this.#done.add(rel);
    return true;
  }

  /** Copies the assets `refs` (run-relative paths) not copied yet, reading their bytes with `read`. */
  async copy(refs: Iterable<string>, read: (rel: string) => Promise<Uint8Array | null>): Promise<void> {
    for (const rel of refs) {
      if (this.#done.has(rel)) continue;
      this.#done.add(rel);
      let target: string;
      try {
        target = this.#join(rel);
      } catch {
        this.skipped("outside", rel);
        continue;
      }
      const bytes = await read(rel);
      if (bytes === null) {
        this.skipped("missing", rel);
        continue;
      }
      await this.#write(target, bytes);
    }
  }
}

/**
 * The drop-ledger reason for an asset not copied by a `label` sink (`plx`, `jsonl`, `parquet`, ...).
 *
 * @example
 * ```ts
 * import { assetSkipReason } from "./assets.ts";
 * assetSkipReason("plx", "missing"); // "plx: asset missing in the source (event kept, file not copied)"
 * ```
 */
export function assetSkipReason(label: string, why: AssetSkip): string {
  return why === "outside"
    ? `${label}: asset path outside the run (event kept, file not copied)`
    : `${label}: asset missing in the source (event kept, file not copied)`;
}
