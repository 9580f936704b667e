/**
 * Every schema plxkit validates with, by name, and their JSON Schema export (`plxkit schema`).
 *
 * @module
 */
import { z } from "../_deps/zod.ts";
import { SCHEMA_VERSION, VALUE_SCHEMAS } from "./values.ts";
import { EventLineSchema, LineagesSchema, LogChunkSchema, LogRecordSchema, RunRecordSchema } from "./run.ts";

/** A named schema with what it describes. */
export interface NamedSchema {
  name: string;
  description: string;
  schema: z.ZodType;
}

/** Schemas of every event value kind and every run file. */
export const SCHEMAS: NamedSchema[] = [
  ...Object.entries(VALUE_SCHEMAS).map(([name, schema]) => ({
    name,
    description: `the value of ${name} events (the nested JSON cell, or the JSON-lines value)`,
    schema: schema as z.ZodType,
  })),
  {
    name: "event-line",
    description: "JSON-lines envelope of html/text/chart/span event files",
    schema: EventLineSchema,
  },
  {
    name: "resources",
    description: "value of resources/metric/<name>.plx rows (a float)",
    schema: VALUE_SCHEMAS.metric,
  },
  { name: "log", description: "a log record of plxlogs/*.jsonl", schema: LogRecordSchema },
  { name: "log-chunk", description: "a legacy log chunk file plxlogs/<unix-ts>", schema: LogChunkSchema },
  { name: "run", description: "run.plx.json (offline run record)", schema: RunRecordSchema },
  { name: "lineages", description: "lineages.plx.json (offline lineage records)", schema: LineagesSchema },
];

/** Registers another schema (formats add theirs, e.g. the JSONL interchange event). */
export function registerSchema(s: NamedSchema): void {
  if (!SCHEMAS.some((x) => x.name === s.name)) SCHEMAS.push(s);
}

/**
 * The JSON Schema (draft 2020-12) of a named schema.
 *
 * @example
 * ```ts
 * import { jsonSchemaOf } from "./registry.ts";
 * const schema = jsonSchemaOf("image");
 * const fields = Object.keys(schema?.properties ?? {});
 * if (fields.join() !== "height,width,colorspace,path") throw new Error(fields.join());
 * ```
 */
export function jsonSchemaOf(name: string): Record<string, unknown> | undefined {
  const s = SCHEMAS.find((x) => x.name === name);
  if (!s) return undefined;
  const js = z.toJSONSchema(s.schema, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;
  return { $id: `plxkit:${SCHEMA_VERSION}:${s.name}`, title: s.name, description: s.description, ...js };
}
