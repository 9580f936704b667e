/**
 * zod schemas of the non-event files of a run: `run.plx.json`, `lineages.plx.json`, log records
 * (`plxlogs/`), and the JSON-lines envelope of event files.
 *
 * @module
 */
import { z } from "../_deps/zod.ts";
import { StatusConditionSchema, StatusSchema } from "./values.ts";

const datetimeText = z.string().describe("ISO-8601 or Python datetime text");

/** A log record (V1Log) in `plxlogs/*.jsonl` or a legacy chunk file. */
export const LogRecordSchema = z.looseObject({
  timestamp: datetimeText.optional(),
  node: z.string().nullable().optional(),
  pod: z.string().nullable().optional(),
  container: z.string().nullable().optional(),
  value: z.string().nullable().optional(),
});

/** A legacy log chunk file (`plxlogs/<unix-ts>`, `.tmpplxlogs/<pod>`): `{"logs": [...]}`. */
export const LogChunkSchema = z.looseObject({ logs: z.array(LogRecordSchema) });

/** The offline run record `run.plx.json` (V1Run; only the fields Polyaxon writes offline are named). */
export const RunRecordSchema = z.looseObject({
  uuid: z.string().regex(/^[0-9a-fA-F-]{32,36}$/, { message: "uuid must be 32 hex digits" }),
  name: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  owner: z.string().nullable().optional(),
  project: z.string().nullable().optional(),
  kind: z.string().nullable().optional(),
  runtime: z.string().nullable().optional(),
  is_managed: z.boolean().nullable().optional(),
  managed_by: z.string().nullable().optional(),
  status: StatusSchema.nullable().optional(),
  status_conditions: z.array(StatusConditionSchema).nullable().optional(),
  created_at: datetimeText.nullable().optional(),
  updated_at: datetimeText.nullable().optional(),
  started_at: datetimeText.nullable().optional(),
  finished_at: datetimeText.nullable().optional(),
  wait_time: z.number().nullable().optional(),
  duration: z.number().nullable().optional(),
  meta_info: z.record(z.string(), z.unknown()).nullable().optional(),
  inputs: z.record(z.string(), z.unknown()).nullable().optional(),
  outputs: z.record(z.string(), z.unknown()).nullable().optional(),
});

/** One lineage record (V1RunArtifact) of `lineages.plx.json`. */
export const LineageRecordSchema = z.looseObject({
  name: z.string(),
  kind: z.string().nullable().optional(),
  path: z.string().nullable().optional(),
  state: z.string().nullable().optional(),
  summary: z.record(z.string(), z.unknown()).nullable().optional(),
  meta_info: z.record(z.string(), z.unknown()).nullable().optional(),
  run: z.string().nullable().optional(),
  connection: z.string().nullable().optional(),
  is_input: z.boolean().nullable().optional(),
});

/** `lineages.plx.json`: an array of lineage records. */
export const LineagesSchema = z.array(LineageRecordSchema);

/** The JSON-lines envelope of event files: `{"timestamp": ..., "step": ..., "<kind>": ...}`. */
export const EventLineSchema = z.looseObject({
  timestamp: datetimeText,
  step: z.int().nullable().optional(),
}).describe('plus one key named after the kind folder ("text", "html", "chart", "span") holding the value');
