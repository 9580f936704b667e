/**
 * The audio plugin: legacy `Summary.Audio` values and TF2 string tensors (`[k]` or `[k, 2]` with labels)
 * <-> `audio` events, the bytes kept as run assets.
 *
 * @module
 */
import type { PlxEvent } from "../../../model/event.ts";
import { assetPath } from "../../../model/names.ts";
import { sniffExt, wavInfo } from "../../../io/media.ts";
import { writeAudio, writeMetadata } from "../_messages.ts";
import { DT, type TbTensor } from "../_tensor.ts";
import type { Envelope } from "../plugin.ts";
import { type AssetFrom, num, type ReadContext, type ValueAt, type WriteContext } from "./context.ts";

/** Encoded audio with what its value declares (0 or "" = not given: taken from a WAV header). */
export interface AudioBytes {
  /** The encoded audio (WAV, ...). */
  bytes: Uint8Array;
  /** Samples per second, or 0. */
  sampleRate: number;
  /** Channel count, or 0. */
  channels: number;
  /** Frames (samples per channel), or 0. */
  frames: number;
  /** Media type, or "". */
  contentType: string;
}

/** Reads one clip as an `audio` event, keeping its bytes as an asset. */
export function readAudio(ctx: ReadContext, at: ValueAt, tag: string, a: AudioBytes, from: AssetFrom): void {
  const wav = wavInfo(a.bytes);
  const ext = wav ? "wav" : sniffExt(a.bytes);
  const name = ctx.name("audio", tag);
  const value: Record<string, unknown> = {};
  const sr = a.sampleRate || wav?.sampleRate;
  if (sr) value.sample_rate = sr;
  const ch = a.channels || wav?.channels;
  if (ch) value.num_channels = ch;
  const fr = a.frames || wav?.frames;
  if (fr) value.length_frames = fr;
  value.path = ctx.uniquePath(assetPath("audio", name, at.step, ext));
  value.content_type = a.contentType || (wav ? "audio/wav" : "application/octet-stream");
  ctx.keep(value.path as string, a.bytes, from);
  ctx.push(at, "audio", tag, "audio", value);
}

/** Reads a TF2 audio tensor: one event per clip (the first column of a `[k, 2]` tensor). */
export function readAudioTensor(ctx: ReadContext, at: ValueAt, tag: string, t: TbTensor): void {
  if (t.dtype !== DT.STRING || !t.strings.length) {
    ctx.drop(`audio tensors that are not strings (tag "${tag}")`);
    return;
  }
  const cols = t.shape.length === 2 ? t.shape[1] : 1;
  const k = Math.floor(t.strings.length / cols);
  for (let i = 0; i < k; i++) {
    const itag = k === 1 ? tag : `${tag}/${i}`;
    const clip = { bytes: t.strings[i * cols], sampleRate: 0, channels: 0, frames: 0, contentType: "" };
    readAudio(ctx, at, itag, clip, { tag, part: i * cols });
  }
}

/** Writes an `audio` event as a legacy `Summary.Audio`. */
export function writeAudioValue(
  { w, note }: WriteContext,
  e: PlxEvent,
  tag: string,
  env: Envelope,
  bytes: Uint8Array | null,
): Uint8Array | null {
  if (!bytes) return null;
  const value = e.value as Record<string, unknown>;
  const wav = wavInfo(bytes);
  if (!wav) note("tensorboard: audio that is not WAV (TensorBoard may not play it)");
  const v = w.begin(1);
  w.string(1, tag);
  writeAudio(w, 6, {
    sampleRate: num(value.sample_rate) || wav?.sampleRate || 0,
    numChannels: num(value.num_channels) || wav?.channels || 0,
    lengthFrames: num(value.length_frames) || wav?.frames || 0,
    encoded: bytes,
    contentType: wav ? "audio/wav" : String(value.content_type ?? "application/octet-stream"),
  });
  writeMetadata(w, 9, { pluginName: "audio", content: wav ? new Uint8Array([0x10, 0x0b]) : undefined });
  w.end(v);
  env.tag = tag;
  env.asset = "native";
  return null;
}
