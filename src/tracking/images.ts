/**
 * Images for `logImage`: raw pixels (HWC, CHW or HW; uint8 or float 0-1; 1, 3 or 4 channels) to PNG, the
 * way Polyaxon's tensorboardX-derived code converts them (grayscale expanded to RGB, floats scaled by 255
 * and truncated), and width/height/channels sniffed from encoded PNG and JPEG bytes.
 *
 * @module
 */
import { concatBytes } from "../io/bytes.ts";
import { deflateSync } from "node:zlib";

/** Pixel layouts accepted for raw image data. */
export type DataFormat = "CHW" | "HWC" | "HW";

/** Raw pixels: a flat typed array (or number array) plus its shape in the order of `dataformats`. */
export interface RawImage {
  /** Pixel values: integers 0-255 for `Uint8Array`/`Uint8ClampedArray`, otherwise floats in [0, 1]. */
  data: Uint8Array | Uint8ClampedArray | Float32Array | Float64Array | number[];
  /** `[C, H, W]`, `[H, W, C]` or `[H, W]` depending on the data format. */
  shape: readonly number[];
}

/** Decoded header facts of an encoded image. */
export interface ImageInfo {
  /** Height in pixels. */
  height: number;
  /** Width in pixels. */
  width: number;
  /** Channel count (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  colorspace: number;
  /** `png` or `jpg`. */
  ext: "png" | "jpg";
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (PNG/zlib polynomial). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const PNG_SIGNATURE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/**
 * Encodes 8-bit pixels (row-major HWC) as a PNG (filter 0 on every row, zlib default level).
 *
 * @param pixels `height * width * channels` bytes.
 * @param channels 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA).
 * @throws {RangeError} When the sizes do not agree or `channels` is not 1-4.
 *
 * @example
 * ```ts
 * import { encodePng } from "./images.ts";
 * const png = encodePng(new Uint8Array([255, 0, 0]), 1, 1, 3); // one red pixel
 * ```
 */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: number): Uint8Array {
  const colorType = [0, 0, 4, 2, 6][channels];
  if (colorType === undefined || channels < 1) throw new RangeError(`channels: must be 1-4, got ${channels}`);
  if (pixels.length !== height * width * channels) {
    throw new RangeError(`pixels: expected ${height * width * channels} bytes, got ${pixels.length}`);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  const stride = width * channels;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const idat = new Uint8Array(deflateSync(raw));
  return concatBytes([
    PNG_SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("IDAT", idat),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

/**
 * Reads height, width and channel count from PNG or JPEG bytes.
 *
 * @returns The facts, or `null` when the bytes are neither a PNG nor a baseline/progressive JPEG.
 */
export function sniffImage(bytes: Uint8Array): ImageInfo | null {
  if (bytes.length >= 33 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const colorspace = ({ 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 } as Record<number, number>)[bytes[25]] ?? 3;
    return { width: v.getUint32(16), height: v.getUint32(20), colorspace, ext: "png" };
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1];
      if (marker === 0xff) {
        i++;
        continue;
      }
      const len = (bytes[i + 2] << 8) | bytes[i + 3];
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) {
        return {
          height: (bytes[i + 5] << 8) | bytes[i + 6],
          width: (bytes[i + 7] << 8) | bytes[i + 8],
          colorspace: bytes[i + 9],
          ext: "jpg",
        };
      }
      i += 2 + len;
    }
  }
  return null;
}

/**
 * Converts raw pixels to 8-bit HWC as Polyaxon does: grayscale (one channel or `HW`) becomes 3 equal
 * channels, `Uint8Array` data is used as is, any other data is multiplied by 255 and truncated (clipped to
 * 0-255 first, where numpy would wrap around).
 *
 * @param image Pixels and shape.
 * @param dataformats Order of the shape's axes.
 * @returns Bytes in HWC order with height, width and channels (1 becomes 3).
 * @throws {RangeError} When the shape does not match the format or the data length, or the channel count
 *   is not 1, 3 or 4.
 */
export function toHwcUint8(
  image: RawImage,
  dataformats: DataFormat,
): { pixels: Uint8Array; height: number; width: number; channels: number } {
  const { data, shape } = image;
  if (!Array.isArray(shape) && !(shape && typeof shape === "object" && "length" in shape)) {
    throw new TypeError("data.shape: must be an array of dimensions");
  }
  const want = dataformats.length;
  if (shape.length !== want) {
    throw new RangeError(
      `data.shape: ${dataformats} data needs ${want} dimensions, got [${shape.join(", ")}]`,
    );
  }
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) {
      throw new RangeError(`data.shape: dimensions must be positive integers`);
    }
  }
  let h: number, w: number, c: number;
  if (dataformats === "HW") [h, w, c] = [shape[0], shape[1], 1];
  else if (dataformats === "HWC") [h, w, c] = [shape[0], shape[1], shape[2]];
  else if (dataformats === "CHW") [c, h, w] = [shape[0], shape[1], shape[2]];
  else throw new RangeError(`dataformats: must be "CHW", "HWC" or "HW", got ${JSON.stringify(dataformats)}`);
  if (c !== 1 && c !== 3 && c !== 4) throw new RangeError(`data.shape: channels must be 1, 3 or 4, got ${c}`);
  if (data.length !== h * w * c) {
    throw new RangeError(`data: shape [${shape.join(", ")}] needs ${h * w * c} values, got ${data.length}`);
  }
  const isByte = data instanceof Uint8Array || data instanceof Uint8ClampedArray;
  const outC = c === 1 ? 3 : c;
  const out = new Uint8Array(h * w * outC);
  const plane = h * w;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      for (let k = 0; k < outC; k++) {
        const src = c === 1 ? 0 : k;
        const idx = dataformats === "CHW" ? src * plane + p : p * c + src;
        const v = data[idx];
        let b: number;
        if (isByte) b = v;
        else {
          if (typeof v !== "number" || v !== v) throw new RangeError(`data: value at ${idx} is not a number`);
          // numpy: float32(v) * 255 in float32, then astype(uint8) truncates.
          b = Math.trunc(Math.min(Math.max(Math.fround(Math.fround(v) * 255), 0), 255));
        }
        out[p * outC + k] = b;
      }
    }
  }
  return { pixels: out, height: h, width: w, channels: outC };
}

/**
 * Draws each box `[xmin, ymin, xmax, ymax]` (pixels) as a red outline 2 pixels wide, in place on 8-bit HWC
 * pixels, as Polyaxon's `draw_boxes` does with PIL: `draw.line([(l, t), (l, b), (r, b), (r, t), (l, t)],
 * width=2, fill="red")`, each segment rasterized by Pillow's `ImagingDrawWideLine` (a 4-vertex polygon
 * filled by `polygon_generic`, float32 edge math), coordinates truncated to ints as Pillow's `(int)` casts.
 *
 * @param pixels HWC bytes (3 or 4 channels; alpha set opaque on the outline).
 * @param boxes One `[xmin, ymin, xmax, ymax]` per box.
 * @throws {RangeError} When a box does not have 4 finite numbers.
 */
export function drawBoxes(
  pixels: Uint8Array,
  height: number,
  width: number,
  channels: number,
  boxes: readonly (readonly number[])[],
): void {
  const hline = (x0: number, y: number, x1: number) => {
    if (y < 0 || y >= height) return;
    if (x0 < 0) x0 = 0;
    else if (x0 >= width) return;
    if (x1 < 0) return;
    if (x1 >= width) x1 = width - 1;
    for (let x = x0; x <= x1; x++) {
      const i = (y * width + x) * channels;
      pixels[i] = 255;
      pixels[i + 1] = 0;
      pixels[i + 2] = 0;
      if (channels === 4) pixels[i + 3] = 255;
    }
  };
  boxes.forEach((b, k) => {
    if (!Array.isArray(b) || b.length !== 4 || !b.every((v) => typeof v === "number" && Number.isFinite(v))) {
      throw new RangeError(`boxes[${k}]: must be [xmin, ymin, xmax, ymax] finite numbers`);
    }
    const [l, t, r, bt] = b.map(Math.trunc);
    const pts = [[l, t], [l, bt], [r, bt], [r, t], [l, t]];
    for (let s = 0; s + 1 < pts.length; s++) {
      wideLine(hline, pts[s][0], pts[s][1], pts[s + 1][0], pts[s + 1][1], 2);
    }
  });
}

type Hline = (x0: number, y: number, x1: number) => void;

interface Edge {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
  d: number;
  dx: number;
  x0: number;
  y0: number;
}

const f32 = Math.fround;
/** C's `roundf`: halves away from zero. */
const roundf = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
/** Pillow's ROUND_UP / ROUND_DOWN (symmetric around 0; the 0.5 is a float). */
const roundUp = (f: number) => Math.trunc(f >= 0 ? Math.floor(f + 0.5) : -Math.floor(Math.abs(f) + 0.5));
const roundDown = (f: number) => Math.trunc(f >= 0 ? Math.ceil(f - 0.5) : -Math.ceil(Math.abs(f) - 0.5));

function edge(x0: number, y0: number, x1: number, y1: number): Edge {
  const dx = y0 === y1 ? 0 : f32(f32(x1 - x0) / (y1 - y0));
  return {
    xmin: Math.min(x0, x1),
    xmax: Math.max(x0, x1),
    ymin: Math.min(y0, y1),
    ymax: Math.max(y0, y1),
    d: y0 === y1 ? 0 : y0 <= y1 ? 1 : -1,
    dx,
    x0,
    y0,
  };
}

/** Pillow's `ImagingDrawWideLine`. */
function wideLine(hline: Hline, x0: number, y0: number, x1: number, y1: number, width: number): void {
  const dx = x1 - x0, dy = y1 - y0;
  if (dx === 0 && dy === 0) return hline(x0, y0, x0);
  const big = Math.hypot(dx, dy);
  const small = (width - 1) / 2.0;
  const ratioMax = roundUp(small) / big;
  const ratioMin = roundDown(small) / big;
  const dxmin = roundDown(ratioMin * dy), dxmax = roundDown(ratioMax * dy);
  const dymin = roundDown(ratioMin * dx), dymax = roundDown(ratioMax * dx);
  const v = [[x0 - dxmin, y0 + dymax], [x1 - dxmin, y1 + dymax], [x1 + dxmax, y1 - dymin], [
    x0 + dxmax,
    y0 - dymin,
  ]];
  const e = [0, 1, 2, 3].map((i) => edge(v[i][0], v[i][1], v[(i + 1) % 4][0], v[(i + 1) % 4][1]));
  polygon(hline, e);
}

/** Pillow's `polygon_generic` without alpha blending (the scan-line fill of an RGB/RGBA `ImageDraw`). */
function polygon(hline: Hline, e: Edge[]): void {
  const table: Edge[] = [];
  let ymin = Infinity, ymax = -Infinity;
  for (const x of e) {
    ymin = Math.min(ymin, x.ymin);
    ymax = Math.max(ymax, x.ymax);
    if (x.ymin === x.ymax) hline(x.xmin, x.ymin, x.xmax);
    else table.push(x);
  }
  if (ymin < 0) ymin = 0;
  const at = (c: Edge, y: number) => f32(f32(f32(y - c.y0) * c.dx) + c.x0);
  for (let y = ymin; y <= ymax; y++) {
    const xx: number[] = [];
    for (let i = 0; i < table.length; i++) {
      const cur = table[i];
      if (y < cur.ymin || y > cur.ymax) continue;
      xx.push(at(cur, y));
      if (y === cur.ymax && y < ymax) {
        xx.push(xx[xx.length - 1]);
      } else if ((y === cur.ymin || y === cur.ymax) && cur.dx !== 0) {
        for (let k = 0; k < i; k++) {
          const o = table[k];
          if ((y !== o.ymin && y !== o.ymax) || o.dx === 0) continue;
          if (roundf(xx[xx.length - 1]) !== roundf(at(o, y))) continue;
          const off = y === cur.ymax ? -1 : 1;
          const adj = at(cur, y + off);
          if (y + off >= o.ymin && y + off <= o.ymax) {
            const adjO = at(o, y + off);
            const last = xx[xx.length - 1];
            if (last > adj + 1 && last > adjO + 1) xx[xx.length - 1] = roundf(Math.max(adj, adjO)) + 1;
            else if (last < adj - 1 && last < adjO - 1) xx[xx.length - 1] = roundf(Math.min(adj, adjO)) - 1;
            break;
          }
        }
      }
    }
    xx.sort((a, b) => a - b);
    for (let i = 1; i < xx.length; i += 2) hline(roundUp(xx[i - 1]), y, roundDown(xx[i]));
  }
}
