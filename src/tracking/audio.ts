/**
 * Audio for `logAudio`: samples to a mono 16-bit PCM WAV, byte for byte what Polyaxon writes with Python's
 * `wave` module (`int(32767 * x)` after clipping to [-1, 1]; 44-byte RIFF header).
 *
 * @module
 */

/**
 * Encodes samples as a mono 16-bit little-endian PCM WAV.
 *
 * @param samples Samples, nominally in [-1, 1] (clipped; NaN is rejected).
 * @param sampleRate Frames per second (an integer, as `wave.setframerate` rounds it).
 * @returns The WAV file bytes.
 * @throws {RangeError} On a NaN sample or a non-positive sample rate.
 *
 * @example
 * ```ts
 * import { encodeWav } from "./audio.ts";
 * const wav = encodeWav(new Float32Array([0, 0.5, -1]), 44100); // 44 + 6 bytes
 * ```
 */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number): Uint8Array {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) {
    throw new RangeError(`sampleRate: must be a positive number, got ${sampleRate}`);
  }
  const rate = Math.round(sampleRate);
  const n = samples.length;
  const out = new Uint8Array(44 + 2 * n);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, "RIFF");
  v.setUint32(4, 36 + 2 * n, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, "data");
  v.setUint32(40, 2 * n, true);
  // numpy float32 data multiplies in float32 (NEP 50), float64 data in float64.
  const f32 = samples instanceof Float32Array;
  for (let i = 0; i < n; i++) {
    let x = samples[i];
    if (x !== x) throw new RangeError(`data: sample ${i} is NaN`);
    x = x < -1 ? -1 : x > 1 ? 1 : x;
    v.setInt16(44 + 2 * i, Math.trunc(f32 ? Math.fround(32767.0 * x) : 32767.0 * x), true);
  }
  return out;
}
