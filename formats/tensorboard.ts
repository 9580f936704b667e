/**
 * TensorBoard event files (`events.out.tfevents.*`): finding runs in a logdir, reading every plugin's
 * summaries into canonical events, writing them back so TensorBoard reads them, and the TFRecord framing
 * underneath.
 *
 * @example Frame an event record and scan it back
 * ```ts
 * import { frameRecord, scanRecords } from "./tensorboard.ts";
 *
 * const framed = frameRecord(new TextEncoder().encode("payload"));
 * const texts: string[] = [];
 * for await (const r of scanRecords([framed])) if ("data" in r) texts.push(new TextDecoder().decode(r.data));
 * if (texts.join() !== "payload") throw new Error("one record, its payload intact");
 * ```
 *
 * @module
 */
export { TensorboardRunSource, TensorboardSource } from "../src/formats/tensorboard/source.ts";
export { TensorboardSink } from "../src/formats/tensorboard/sink.ts";
export type { AssetRef } from "../src/formats/tensorboard/asset_ref.ts";
export type { RunRecordTexts } from "../src/formats/tensorboard/plugins/plxkit.ts";
export {
  type StepPolicy,
  type TbReadOptions,
  type TbRunMeta,
  TensorboardRunReader,
} from "../src/formats/tensorboard/read.ts";
export {
  type AssetReader,
  type TbWriteOptions,
  TensorboardEncoder,
} from "../src/formats/tensorboard/write.ts";
export {
  detectTensorboardDir,
  findRuns,
  isEventFileName,
  type TbRunDir,
} from "../src/formats/tensorboard/layout.ts";
export {
  type FrameProblem,
  frameRecord,
  type ScanOptions,
  scanRecords,
  type TfRecord,
} from "../src/formats/tensorboard/tfrecord.ts";
export { crc32c, maskedCrc32c } from "../src/formats/tensorboard/crc32c.ts";
export { tensorboardFormat } from "../src/formats/registry.ts";
