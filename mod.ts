/**
 * plxkit: read, validate, convert and write Polyaxon run-artifact folders.
 *
 * ```ts
 * import { PlxSource } from "./mod.ts";
 * for await (const item of new PlxSource(["runs/"]).runs()) {
 *   if (item.type === "diagnostic") continue; // a problem met while walking (unreadable folder, symlink loop)
 *   for await (const batch of item.run.batches()) {
 *     for (const e of batch.events) if (e.type === "metric") console.log(e.name, e.step, e.value);
 *   }
 * }
 * ```
 *
 * @module
 */
export * from "./src/model/event.ts";
export * from "./src/model/time.ts";
export * from "./src/model/pyfloat.ts";
export * from "./src/model/names.ts";
export * from "./src/model/batch.ts";
export * from "./src/model/layout.ts";
export * from "./src/model/report.ts";
export { depthExceeds, exactJson, MAX_DEPTH } from "./src/json/exact.ts";
export * from "./src/schema/values.ts";
export * from "./src/diagnostics.ts";
export * from "./src/json/python.ts";
export * from "./src/formats/plx/read.ts";
export * from "./src/formats/plx/write.ts";
export * from "./src/formats/plx/layout.ts";
export * from "./src/formats/plx/source.ts";
export * from "./src/formats/plx/sink.ts";
export * from "./src/convert/pipeline.ts";
export * from "./src/validate/types.ts";
export * from "./src/validate/validate.ts";
export * from "./src/validate/report.ts";
export * from "./src/convert/shard.ts";
export * from "./src/io/files.ts";
export * from "./src/io/lines.ts";
export { formatByName, FORMATS } from "./src/formats/registry.ts";
export type { FormatOptions, FormatSpec } from "./src/convert/core.ts";
export { tracking } from "./src/tracking/tracking.ts";
export * from "./src/tracking/run.ts";
export {
  EventWriter,
  type EventWriterOptions,
  type FileBuffer,
  WRITE_CHUNK_BYTES,
  WriterClosedError,
} from "./src/tracking/writer.ts";
export { BIN_RULES, type BinRule, type Histogram, numpyHistogram } from "./src/tracking/histogram.ts";
export {
  type DataFormat,
  drawBoxes,
  encodePng,
  type ImageInfo,
  type RawImage,
  sniffImage,
  toHwcUint8,
} from "./src/tracking/images.ts";
export { encodeWav } from "./src/tracking/audio.ts";
export { compactJson, type FileSummary, summarizeFile } from "./src/tracking/summary.ts";
export { type ResourceSample, ResourceSampler } from "./src/tracking/resources.ts";
export * from "./src/formats/tensorboard/read.ts";
export * from "./src/formats/tensorboard/write.ts";
export * from "./src/formats/tensorboard/source.ts";
export * from "./src/formats/tensorboard/sink.ts";
export * from "./src/formats/tensorboard/layout.ts";
export { crc32c, maskCrc, maskedCrc32c } from "./src/formats/tensorboard/crc32c.ts";
export {
  type FrameProblem,
  frameRecord,
  type ScanOptions,
  scanRecords,
  type TfRecord,
} from "./src/formats/tensorboard/tfrecord.ts";
export {
  decodeEvent,
  type TbAudio,
  type TbEvent,
  type TbHisto,
  type TbImage,
  type TbMetadata,
  type TbSessionLog,
  type TbTensor,
  type TbValue,
} from "./src/formats/tensorboard/messages.ts";
export type { ProtoReader, StringInterner } from "./src/formats/tensorboard/proto.ts";
export {
  decodeJsonlEvent,
  encodeJsonlEvent,
  type JsonlEvent,
  JsonlEventSchema,
  metricFromJson,
  metricJson,
} from "./src/formats/jsonl/codec.ts";
export { gunzipChunks, type JsonlBatch, type JsonlReadOptions, readJsonl } from "./src/formats/jsonl/read.ts";
export { JsonlEncoder, type JsonlEncoderOptions } from "./src/formats/jsonl/write.ts";
export { isJsonlFile, jsonlAssetDir, JsonlSink, type JsonlSinkOptions } from "./src/formats/jsonl/sink.ts";
export { JsonlSource } from "./src/formats/jsonl/source.ts";
export { jsonlFormat } from "./src/formats/jsonl/format.ts";
export {
  type CommitRecord,
  ParquetSink,
  type ParquetSinkOptions,
  type PartRecord,
  readCommits,
  type RunRecord,
} from "./src/formats/parquet/sink.ts";
export { ParquetSource } from "./src/formats/parquet/source.ts";
export { type ColumnType, VALUE_COLUMNS, type ValueColumn } from "./src/formats/parquet/schema.ts";
export type { ParquetCompression } from "./src/formats/parquet/write.ts";
export { parquetFormat, parquetSettings } from "./src/formats/parquet/format.ts";
