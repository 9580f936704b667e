/**
 * Where the bytes of a run's assets are in its event files, and how to take them out again: readers keep
 * references instead of copies so memory stays flat for image-heavy logs.
 *
 * @module
 */
import { decodeEvent } from "./_messages.ts";

/**
 * Where an asset's bytes are in the event files: the record at `offset` of `file` (the name given to
 * `readFile`), its Summary.Value with `tag`, and `part`: -1 for the encoded bytes of a legacy image or
 * audio value, else the index in the tensor's `string_val`.
 */
export interface AssetRef {
  /** The event file, as named to `TensorboardRunReader.readFile`. */
  file: string;
  /** Byte offset of the record (its 12-byte header) in the file. */
  offset: number;
  /** Tag of the Summary.Value holding the bytes. */
  tag: string;
  /** -1 for the encoded bytes of a legacy image or audio value, else the index in `string_val`. */
  part: number;
  /** The asset's size in bytes. */
  size: number;
}

/**
 * Takes an asset's bytes out of the record an {@linkcode AssetRef} points at (`record` = the record's
 * payload).
 *
 * @throws {ProtoError} When the record does not decode.
 * @example
 * ```ts
 * import { assetFromRecord } from "./asset_ref.ts";
 * // assetFromRecord(payload, { file: "f", offset: 0, tag: "img", part: -1, size: 10 }) -> PNG bytes
 * ```
 */
export function assetFromRecord(record: Uint8Array, ref: AssetRef): Uint8Array | null {
  const ev = decodeEvent(record);
  for (const v of ev.summary ?? []) {
    if (v.tag !== ref.tag) continue;
    const b = ref.part < 0 ? (v.image?.encoded ?? v.audio?.encoded) : v.tensor?.strings[ref.part];
    if (b) return b.slice();
  }
  return null;
}
