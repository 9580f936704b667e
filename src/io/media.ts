/**
 * Media sniffing, one place for every format and the logger: the type of encoded image, audio or video
 * bytes from their magic numbers, and the PNG and WAV headers.
 *
 * @module
 */

/** The media types {@linkcode sniffMedia} tells apart, in the order it tries them. */
export const MEDIA_TYPES = ["png", "jpg", "gif", "bmp", "webp", "wav", "mp4", "webm", "svg"] as const;
/** A media type (also its usual file extension). */
export type MediaType = typeof MEDIA_TYPES[number];
/** Image and audio types (what TensorBoard image and audio summaries hold). */
export const IMAGE_AUDIO_TYPES: readonly MediaType[] = ["png", "jpg", "gif", "bmp", "webp", "wav", "svg"];
/** Video types (what Polyaxon's video events hold). */
export const VIDEO_TYPES: readonly MediaType[] = ["gif", "mp4", "webm"];

/** Whether `b` starts like a file of type `t`. */
function looksLike(b: Uint8Array, t: MediaType): boolean {
  switch (t) {
    case "png":
      return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
    case "jpg":
      return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
    case "gif":
      return b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38;
    case "bmp":
      return b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d;
    case "webp":
      return b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP";
    case "wav":
      return b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WAVE";
    case "mp4":
      return b.length >= 12 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70;
    case "webm":
      return b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3;
    case "svg": {
      const head = ascii(b, 0, Math.min(b.length, 256)).trimStart();
      return head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"));
    }
  }
}

/**
 * The type of encoded media bytes from their magic numbers: the first of `among` (in
 * {@linkcode MEDIA_TYPES} order) they look like, or `null`.
 *
 * @example
 * ```ts
 * import { sniffMedia, VIDEO_TYPES } from "./media.ts";
 * sniffMedia(new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61])); // "gif"
 * sniffMedia(new Uint8Array([0x42, 0x4d, 0, 0]), VIDEO_TYPES); // null (a BMP is not a video)
 * ```
 */
export function sniffMedia(b: Uint8Array, among: readonly MediaType[] = MEDIA_TYPES): MediaType | null {
  for (const t of MEDIA_TYPES) if (among.includes(t) && looksLike(b, t)) return t;
  return null;
}

/** The extension for encoded image or audio bytes, from their magic numbers (`bin` when unknown). */
export function sniffExt(b: Uint8Array): string {
  return sniffMedia(b, IMAGE_AUDIO_TYPES) ?? "bin";
}

function ascii(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Width, height and channel count from a PNG's IHDR, or null. */
export function pngInfo(b: Uint8Array): { width: number; height: number; channels: number } | null {
  if (b.length < 26 || sniffExt(b) !== "png" || ascii(b, 12, 16) !== "IHDR") return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const colorType = b[25];
  const channels = ({ 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType] ?? 0;
  return { width: v.getUint32(16), height: v.getUint32(20), channels };
}

/** Sample rate, channels and frame count of a PCM WAV file, or null. */
export function wavInfo(b: Uint8Array): { sampleRate: number; channels: number; frames: number } | null {
  if (sniffExt(b) !== "wav") return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 12;
  let sampleRate = 0, channels = 0, blockAlign = 0;
  while (p + 8 <= b.length) {
    const id = ascii(b, p, p + 4);
    const size = v.getUint32(p + 4, true);
    if (id === "fmt " && p + 24 <= b.length) {
      channels = v.getUint16(p + 10, true);
      sampleRate = v.getUint32(p + 12, true);
      blockAlign = v.getUint16(p + 20, true);
    } else if (id === "data") {
      const avail = Math.min(size, b.length - p - 8);
      return { sampleRate, channels, frames: blockAlign ? Math.floor(avail / blockAlign) : 0 };
    }
    p += 8 + size + (size & 1);
  }
  return sampleRate ? { sampleRate, channels, frames: 0 } : null;
}
