/**
 * What a plugin module gets from the reader and the encoder: the reader's series, drop ledger and asset
 * store behind one small interface, and the encoder's buffer and drop notes. Each module of this folder
 * holds one TensorBoard plugin's decoding (TensorBoard values -> canonical events) and encoding (the
 * reverse), so the two stay side by side.
 *
 * @module
 */
import type { PlxEvent } from "../../../model/event.ts";
import type { PlxTime } from "../../../model/time.ts";
import type { ProtoWriter } from "../_proto_write.ts";

/** Where events of one Summary.Value go, and their step and time. */
export interface ValueAt {
  /** The batch the events are pushed to. */
  out: PlxEvent[];
  /** The TensorBoard step. */
  step: number;
  /** The event's wall time. */
  ts: PlxTime;
}

/** Where an asset's bytes are inside the record being read: the value's tag and its part (see `AssetRef`). */
export interface AssetFrom {
  /** Tag of the Summary.Value holding the bytes. */
  tag: string;
  /** -1 for the encoded bytes of a legacy image or audio value, else the index in `string_val`. */
  part: number;
}

/** The reader's side of decoding one value. */
export interface ReadContext {
  /** Adds an event of series (`kind`, `tag`) to `at.out`, tracking repeated steps; returns it. */
  push(at: ValueAt, kind: string, tag: string, type: string, value: unknown): PlxEvent;
  /** The Polyaxon name of series (`kind`, `tag`), unique per kind within the run. */
  name(kind: string, tag: string): string;
  /** Records that the original tag of `<kind>/<name>` is `tag`. */
  mapTag(key: string, tag: string): void;
  /** Counts something not converted, reported once per reason. */
  drop(reason: string): void;
  /** An asset path not used yet in the run (`_<step>-2`, ... when a step repeats). */
  uniquePath(path: string): string;
  /** Keeps an asset's bytes (or where they are) under a run-relative path. */
  keep(path: string, bytes: Uint8Array, from: AssetFrom): void;
}

/** Notes something a TensorBoard reader will not see as it was (see `DropLedger`). */
export type DropNote = (reason: string, count?: number) => void;

/** The encoder's side of writing one value. */
export interface WriteContext {
  /** The record buffer, positioned inside the Summary being written. */
  w: ProtoWriter;
  /** Notes what TensorBoard will not see as it was. */
  note: DropNote;
}

/** A value as a number: itself, NaN for null or undefined, else `Number(v)`. */
export function num(v: unknown): number {
  return typeof v === "number" ? v : v === null || v === undefined ? NaN : Number(v);
}
