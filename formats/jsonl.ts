/**
 * Flat JSON lines (`.jsonl`, `.jsonl.gz`): one canonical event a line, with the run and its records, read
 * and written as a stream.
 *
 * @example Encode an event as a line and decode it back
 * ```ts
 * import { decodeJsonlEvent, encodeJsonlEvent } from "./jsonl.ts";
 * import type { PlxEvent } from "../model.ts";
 *
 * const event: PlxEvent = {
 *   run: "r",
 *   scope: "events",
 *   kind: "metric",
 *   name: "loss",
 *   step: 1,
 *   timestamp: { micros: 1740820502481516, offset: 0 },
 *   type: "metric",
 *   value: 0.5,
 * };
 * const back = decodeJsonlEvent(JSON.parse(encodeJsonlEvent(event)));
 * if (typeof back === "string" || back.type !== "metric" || back.value !== 0.5) throw new Error("round trip");
 * ```
 *
 * @module
 */
export { type JsonlBatch, type JsonlReadOptions, readJsonl } from "../src/formats/jsonl/read.ts";
export { JsonlEncoder, type JsonlEncoderOptions } from "../src/formats/jsonl/write.ts";
export { isJsonlFile, JsonlSink, type JsonlSinkOptions } from "../src/formats/jsonl/sink.ts";
export { JsonlSource } from "../src/formats/jsonl/source.ts";
export { decodeJsonlEvent, encodeJsonlEvent, type JsonlEvent } from "../src/formats/jsonl/codec.ts";
export { jsonlFormat } from "../src/formats/jsonl/format.ts";
