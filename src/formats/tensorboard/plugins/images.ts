/**
 * The images plugin: legacy `Summary.Image` values and TF2 `[width, height, images...]` string tensors <->
 * `image` events (and GIFs <-> `video` events), the bytes kept as run assets.
 *
 * @module
 */
import type { PlxEvent } from "../../../model/event.ts";
import { assetPath } from "../../../model/names.ts";
import { pngInfo, sniffExt } from "../../../io/media.ts";
import { decodeUtf8 } from "../_proto.ts";
import { writeImage, writeMetadata } from "../_messages.ts";
import { DT, type TbTensor } from "../_tensor.ts";
import type { Envelope } from "../plugin.ts";
import { type AssetFrom, num, type ReadContext, type ValueAt, type WriteContext } from "./context.ts";

/** An encoded image with the dimensions its value declares (0 = not given: taken from a PNG header). */
export interface ImageBytes {
  /** The encoded image (PNG, JPEG, GIF, ...). */
  bytes: Uint8Array;
  /** Width in pixels, or 0. */
  width: number;
  /** Height in pixels, or 0. */
  height: number;
  /** Channel count, or 0. */
  colorspace: number;
}

/** Reads one image as an `image` event (a GIF as a `video` event), keeping its bytes as an asset. */
export function readImage(ctx: ReadContext, at: ValueAt, tag: string, im: ImageBytes, from: AssetFrom): void {
  const ext = sniffExt(im.bytes);
  const png = ext === "png" ? pngInfo(im.bytes) : null;
  const kind = ext === "gif" ? "video" : "image";
  const name = ctx.name(kind, tag);
  const value: Record<string, unknown> = {};
  const h = im.height || png?.height;
  const w = im.width || png?.width;
  const c = im.colorspace || png?.channels;
  if (h) value.height = h;
  if (w) value.width = w;
  if (c) value.colorspace = c;
  value.path = ctx.uniquePath(assetPath(kind, name, at.step, ext));
  if (kind === "video") value.content_type = "gif";
  ctx.keep(value.path as string, im.bytes, from);
  ctx.push(at, kind, tag, kind, value);
}

/** Reads a TF2 images tensor: `[width, height, image, image, ...]` strings, one event per image. */
export function readImagesTensor(ctx: ReadContext, at: ValueAt, tag: string, t: TbTensor): void {
  if (t.dtype !== DT.STRING || t.strings.length < 2) {
    ctx.drop(`image tensors that are not [width, height, images...] strings (tag "${tag}")`);
    return;
  }
  const width = Number(decodeUtf8(t.strings[0], 0, t.strings[0].length));
  const height = Number(decodeUtf8(t.strings[1], 0, t.strings[1].length));
  const k = t.strings.length - 2;
  for (let i = 0; i < k; i++) {
    const itag = k === 1 ? tag : `${tag}/${i}`;
    readImage(ctx, at, itag, { bytes: t.strings[2 + i], width, height, colorspace: 0 }, { tag, part: 2 + i });
  }
}

/**
 * Writes an `image` (or GIF `video`) event as a legacy `Summary.Image`. Returns the bytes to carry inline
 * in the plxkit value instead, for a video that is not a GIF (TensorBoard has no form for it).
 */
export function writeImages(
  { w, note }: WriteContext,
  e: PlxEvent,
  tag: string,
  env: Envelope,
  bytes: Uint8Array | null,
): Uint8Array | null {
  if (!bytes) return null;
  const value = e.value as Record<string, unknown>;
  const ext = sniffExt(bytes);
  if (e.type === "video" && ext !== "gif") {
    note("tensorboard: non-GIF videos (no TensorBoard form; kept in the plxkit plugin)");
    env.asset = "inline";
    return bytes;
  }
  const png = ext === "png" ? pngInfo(bytes) : null;
  const v = w.begin(1);
  w.string(1, tag);
  writeImage(w, 4, {
    height: num(value.height) || png?.height || 0,
    width: num(value.width) || png?.width || 0,
    colorspace: num(value.colorspace) || png?.channels || 0,
    encoded: bytes,
  });
  writeMetadata(w, 9, { pluginName: "images" });
  w.end(v);
  if (!["png", "jpg", "gif", "bmp"].includes(ext)) {
    note(`tensorboard: images that are not PNG/JPEG/GIF/BMP (TensorBoard serves them as octet-stream)`);
  }
  env.tag = tag;
  env.asset = "native";
  return null;
}
