/**
 * The media log methods of {@linkcode Run}: metrics, text, HTML, images, audio, video.
 *
 * @module
 */
import { splitFileName } from "../model/names.ts";
import { pyFloatRepr } from "../model/pyfloat.ts";
import { formatPyTimestamp, type PlxTime } from "../model/time.ts";
import type { FileBuffer } from "./writer.ts";
import {
  checkName,
  checkNumbers,
  checkObject,
  checkStep,
  copyPathSync,
  sniffVideo,
  statOrThrow,
  toTime,
  writeFileAtomicSync,
} from "./_util.ts";
import { drawBoxes, encodePng, type RawImage, sniffImage, toHwcUint8 } from "./images.ts";
import { encodeWav } from "./audio.ts";
import type { AudioOptions, ImageOptions, LogOptions, VideoOptions } from "./_options.ts";
import { RunCore } from "./_run_core.ts";

/**
 * Metrics, text, HTML, images, audio and video of a {@linkcode Run}.
 *
 * @internal {@linkcode Run} is the public class; its methods are documented there.
 */
export class RunMedia extends RunCore {
  /**
   * Logs one metric value to `events/metric/<name>.plx`; the last value is also a run output.
   *
   * @param name Metric name (through `to_fqn_name`: `train/loss` -> `train__loss`).
   * @param value A number; NaN and infinities are written as `nan`, `inf`, `-inf`.
   * @param options Step and timestamp.
   * @throws {TypeError} When `name` is empty or `value` is not a number.
   * @throws {RangeError} When `step` is not a finite integer.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logMetric("loss", 0.6931, { step: 1 });
   * ```
   */
  logMetric(name: string, value: number, options?: LogOptions): void {
    const h = this._metricFile("name", name);
    if (typeof value !== "number") throw new TypeError(`value: must be a number, got ${typeof value}`);
    const step = checkStep(options?.step);
    const ts = toTime("timestamp", options?.timestamp);
    this._metricLine(h.file, step, ts, value);
    this._metricOutputs.set(h.fqn, value);
  }

  /**
   * Logs several metrics at one step: one file per key, each value its own event.
   *
   * @param metrics Name to value.
   * @param options Step and timestamp (when omitted, the call's `now`, shared by its metrics).
   * @throws {TypeError} When a key is empty or a value is not a number (nothing is logged then).
   * @throws {RangeError} When `step` is not a finite integer.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logMetrics({ loss: 0.5, accuracy: 0.9 }, { step: 3 });
   * ```
   */
  logMetrics(metrics: Record<string, number>, options?: LogOptions): void {
    const m = checkObject("metrics", metrics);
    const step = options === undefined ? null : checkStep(options.step);
    const ts = options === undefined ? null : toTime("timestamp", options.timestamp);
    const keys = Object.keys(m);
    const n = keys.length;
    const files = this._scratch.length >= n ? this._scratch : (this._scratch = new Array(n));
    for (let i = 0; i < n; i++) {
      const v = m[keys[i]];
      if (typeof v !== "number") throw new TypeError(`metrics.${keys[i]}: must be a number, got ${typeof v}`);
      files[i] = this._metricFile(`metrics key ${JSON.stringify(keys[i])}`, keys[i]).file;
    }
    // One clock read per call (a clock read costs about as much as formatting a float): the metrics of a
    // call share their timestamp, where Python reads the clock per metric, microseconds apart.
    const t = ts ?? { micros: Math.floor((performance.timeOrigin + performance.now()) * 1000), offset: 0 };
    const stepText = step === null ? "" : String(step);
    for (let i = 0; i < n; i++) this._metricLine(files[i], stepText, t, m[keys[i]] as number);
  }

  protected _scratch: FileBuffer[] = [];

  protected _metricFile(arg: string, name: string): { file: FileBuffer; fqn: string } {
    let h = this._metricFiles.get(name);
    if (h === undefined) {
      const fqn = checkName(arg, name);
      h = { file: this._writer.file(`events/metric/${fqn}.plx`, "step|timestamp|metric"), fqn };
      this._metricFiles.set(name, h);
    }
    return h;
  }

  /** One metric row; `step` as a number, `null`, or decimal text (`""` = none). */
  protected _metricLine(
    file: FileBuffer,
    step: number | string | null,
    ts: PlxTime | null,
    value: number,
  ): void {
    if (ts === null) {
      this._writer.appendMetric(
        file,
        step,
        Math.floor((performance.timeOrigin + performance.now()) * 1000),
        value,
      );
    } else if (ts.offset === 0) {
      this._writer.appendMetric(file, step, ts.micros, value);
    } else {
      this._writer.appendTo(
        file,
        `${step ?? ""}|${formatPyTimestamp(ts)}|${pyFloatRepr(value)}`,
      );
    }
    if (!this._hasMetrics) {
      this._hasMetrics = true;
      this._meta.has_metrics = true;
      this._meta.has_events = true;
    }
  }

  protected _hasMetrics = false;

  /**
   * Logs a text value to `events/text/<name>.plx` (JSON lines).
   *
   * @param name Event name.
   * @param text Any string (newlines and `|` are safe).
   * @param options Step and timestamp.
   * @throws {TypeError} When `name` is empty or `text` is not a string.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logText("text-event", "value at step 1", { step: 1 });
   * ```
   */
  logText(name: string, text: string, options?: LogOptions): void {
    this._logString("text", name, text, options);
  }

  /**
   * Logs an HTML snippet to `events/html/<name>.plx` (JSON lines).
   *
   * @param name Event name.
   * @param html HTML text.
   * @param options Step and timestamp.
   * @throws {TypeError} When `name` is empty or `html` is not a string.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * run.logHtml("report", "<b>done</b>", { step: 1 });
   * ```
   */
  logHtml(name: string, html: string, options?: LogOptions): void {
    this._logString("html", name, html, options);
  }

  protected _logString(type: "text" | "html", name: string, value: string, options?: LogOptions): void {
    const n = this._sanitize("name", name);
    if (typeof value !== "string") throw new TypeError(`${type}: must be a string, got ${typeof value}`);
    const step = checkStep(options?.step);
    this._queue(this._event(type, type, n, value, step, this._time(options)));
  }

  /**
   * Logs an image to `events/image/<name>.plx` with the asset `assets/image/<name>[_<step>].<ext>`.
   *
   * `data` is one of: a file path (copied; event `{path}`), encoded PNG/JPEG bytes (written as they are;
   * `{height,width,colorspace,path}` read from the header), or raw pixels `{data, shape}` in `dataformats`
   * order (`CHW` default, `HWC`, `HW`), `Uint8Array` 0-255 or floats 0-1, 1/3/4 channels, encoded as PNG.
   *
   * @param data The image.
   * @param options Name, step, timestamp, data format.
   * @throws {TypeError} When `data` is none of the above or a path does not exist.
   * @throws {RangeError} When the shape does not fit the data or format, or `step` is bad.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const pixels = new Float32Array(3 * 8 * 8).fill(0.5); // CHW gray-ish
   * run.logImage({ data: pixels, shape: [3, 8, 8] }, { name: "sample", step: 1 });
   * ```
   */
  logImage(data: string | Uint8Array | RawImage, options: ImageOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this._time(options);
    if (typeof data === "string") {
      statOrThrow("data", data);
      const { base, ext } = splitFileName(data);
      const name = this._sanitize("name", options.name ?? base);
      const [abs, rel] = this._assetAbs("image", name, step, ext || "png");
      copyPathSync(data, abs);
      this._queue(this._event("image", "image", name, { path: rel }, step, ts));
      return;
    }
    const name = this._sanitize("name", options.name ?? "image");
    let bytes: Uint8Array, height: number, width: number, colorspace: number, ext: string;
    if (data instanceof Uint8Array) {
      const info = sniffImage(data);
      if (info === null) {
        throw new TypeError("data: bytes are neither a PNG nor a JPEG; pass raw pixels as { data, shape }");
      }
      ({ height, width, colorspace, ext } = info);
      bytes = data;
    } else if (data && typeof data === "object" && "data" in data && "shape" in data) {
      const img = toHwcUint8(data, options.dataformats ?? "CHW");
      ({ height, width } = img);
      colorspace = img.channels;
      bytes = encodePng(img.pixels, img.height, img.width, img.channels);
      ext = "png";
    } else {
      throw new TypeError("data: must be a file path, PNG/JPEG bytes, or raw pixels { data, shape }");
    }
    const [abs, rel] = this._assetAbs("image", name, step, ext);
    writeFileAtomicSync(abs, bytes);
    this._queue(this._event("image", "image", name, { height, width, colorspace, path: rel }, step, ts));
  }

  /**
   * Logs raw pixels with bounding boxes drawn in red (2 px, no labels), as Polyaxon's
   * `log_image_with_boxes`: event `events/image/<name>.plx` (default name `figure`), asset PNG.
   *
   * @param image Raw pixels `{data, shape}` in `dataformats` order (see {@linkcode Run.logImage}).
   * @param boxes One `[xmin, ymin, xmax, ymax]` per box, in pixels.
   * @param options Name, step, timestamp, data format.
   * @throws {TypeError} When `boxes` is not an array.
   * @throws {RangeError} When the image shape is wrong or a box is not 4 finite numbers.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const img = { data: new Uint8Array(32 * 32 * 3).fill(200), shape: [32, 32, 3] };
   * run.logImageWithBoxes(img, [[4, 4, 20, 16]], { dataformats: "HWC", step: 1 });
   * ```
   */
  logImageWithBoxes(image: RawImage, boxes: number[][], options: ImageOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this._time(options);
    const name = this._sanitize("name", options.name ?? "figure");
    if (!image || typeof image !== "object" || !("data" in image)) {
      throw new TypeError("image: must be raw pixels { data, shape }");
    }
    if (!Array.isArray(boxes)) throw new TypeError("boxes: must be an array of [xmin, ymin, xmax, ymax]");
    const img = toHwcUint8(image, options.dataformats ?? "CHW");
    drawBoxes(img.pixels, img.height, img.width, img.channels, boxes);
    const bytes = encodePng(img.pixels, img.height, img.width, img.channels);
    const [abs, rel] = this._assetAbs("image", name, step, "png");
    writeFileAtomicSync(abs, bytes);
    const value = { height: img.height, width: img.width, colorspace: img.channels, path: rel };
    this._queue(this._event("image", "image", name, value, step, ts));
  }

  /**
   * Logs audio to `events/audio/<name>.plx` with the asset `assets/audio/<name>[_<step>].<ext>`.
   *
   * Samples (a `Float32Array`, `Float64Array` or number array, mono) become a 16-bit PCM WAV clipped to
   * [-1, 1] (`{sample_rate, num_channels:1, length_frames, path, content_type:"audio/wav"}`); a file path is
   * copied (`{path}`, plus `content_type` when given).
   *
   * @param data Samples or a file path.
   * @param options Name, sample rate, content type, step, timestamp.
   * @throws {TypeError} When `data` is neither samples nor an existing file.
   * @throws {RangeError} On NaN samples or a bad sample rate or step.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const rate = 8000;
   * const tone = Float32Array.from({ length: rate }, (_, i) => Math.cos((i * 2 * Math.PI * 440) / rate));
   * run.logAudio(tone, { name: "audio-ex", sampleRate: rate, step: 1 });
   * ```
   */
  logAudio(data: string | Float32Array | Float64Array | number[], options: AudioOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this._time(options);
    if (typeof data === "string") {
      statOrThrow("data", data);
      const { base, ext } = splitFileName(data);
      const name = this._sanitize("name", options.name ?? base);
      const [abs, rel] = this._assetAbs("audio", name, step, ext || options.contentType || "wav");
      copyPathSync(data, abs);
      this._queue(
        this._event("audio", "audio", name, { path: rel, content_type: options.contentType }, step, ts),
      );
      return;
    }
    const samples = data instanceof Float32Array || data instanceof Float64Array
      ? data
      : checkNumbers("data", data);
    const name = this._sanitize("name", options.name ?? "audio");
    const rate = options.sampleRate ?? 44100;
    const wav = encodeWav(samples, rate);
    const [abs, rel] = this._assetAbs("audio", name, step, options.contentType || "wav");
    writeFileAtomicSync(abs, wav);
    this._queue(this._event(
      "audio",
      "audio",
      name,
      {
        sample_rate: rate,
        num_channels: 1,
        length_frames: samples.length,
        path: rel,
        content_type: "audio/wav",
      },
      step,
      ts,
    ));
  }

  /**
   * Logs a video file or encoded video bytes to `events/video/<name>.plx` (`{path, content_type}`), with
   * the asset `assets/video/<name>[_<step>].<content_type>`.
   *
   * @param data A file path, or bytes (GIF, MP4 and WebM are recognised; else pass `contentType`).
   * @param options Name, content type, step, timestamp.
   * @throws {TypeError} When the file does not exist or the byte format is unknown without `contentType`.
   *
   * @example
   * ```ts
   * import { Run } from "./run.ts";
   * await using run = new Run({ path: await Deno.makeTempDir(), exitHandlers: false });
   * const gif = new TextEncoder().encode("GIF89a"); // (a real GIF in practice)
   * run.logVideo(gif, { name: "clip", step: 1 });
   * ```
   */
  logVideo(data: string | Uint8Array, options: VideoOptions = {}): void {
    const step = checkStep(options.step);
    const ts = this._time(options);
    let name: string, ct: string;
    if (typeof data === "string") {
      statOrThrow("data", data);
      const { base, ext } = splitFileName(data);
      name = this._sanitize("name", options.name ?? base);
      ct = options.contentType ?? ext;
    } else if (data instanceof Uint8Array) {
      name = this._sanitize("name", options.name ?? "video");
      const sniffed = sniffVideo(data);
      if (!options.contentType && !sniffed) {
        throw new TypeError('data: unknown video format; pass options.contentType (e.g. "mp4")');
      }
      ct = options.contentType ?? sniffed!;
    } else {
      throw new TypeError("data: must be a file path or video bytes");
    }
    const [abs, rel] = this._assetAbs("video", name, step, ct);
    if (typeof data === "string") copyPathSync(data, abs);
    else writeFileAtomicSync(abs, data);
    this._queue(this._event("video", "video", name, { path: rel, content_type: ct || undefined }, step, ts));
  }
}
