/**
 * Small media helpers: file type sniffing for image/audio bytes, PNG and WAV headers.
 *
 * @module
 */

/** The extension for encoded image or audio bytes, from their magic numbers (`bin` when unknown). */
export function sniffExt(b: Uint8Array): string {
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpg";
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return "gif";
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return "bmp";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "webp";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WAVE") return "wav";
  const head = ascii(b, 0, Math.min(b.length, 256)).trimStart();
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"))) return "svg";
  return "bin";
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
