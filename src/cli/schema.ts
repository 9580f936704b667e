/**
 * `plxkit schema`: print JSON Schemas so other tools can validate too.
 *
 * @module
 */
import { UsageError } from "./errors.ts";
import { SCHEMA_VERSION } from "../schema/values.ts";
import { jsonSchemaOf, registerSchema, SCHEMAS } from "../schema/registry.ts";
import { JsonlEventSchema } from "../formats/jsonl/codec.ts";
import { ReportSchema } from "../validate/report.ts";

registerSchema({
  name: "jsonl-event",
  description: "one line of plxkit's JSONL interchange format (docs/jsonl.md)",
  schema: JsonlEventSchema,
});
registerSchema({
  name: "report",
  description: "the JSON report of plxkit validate --format json (docs/validation.md)",
  schema: ReportSchema,
});
import type { Command } from "./args.ts";

/** The `schema` command. */
export const schemaCommand: Command = {
  name: "schema",
  summary: "print the JSON Schema of event kinds and run files",
  usage: "[name...] [--list]",
  details: 'Without names prints one document holding every schema under "schemas".',
  options: {
    list: { type: "boolean", help: "list schema names with what each describes" },
  },
  examples: [
    { about: "every schema name with what it describes", cmd: "schema --list" },
    {
      about: "the JSON Schema of validate's JSON report, for CI tooling",
      cmd: "schema report > plxkit-report.schema.json",
    },
    { about: "check a JSONL line with another validator", cmd: "schema jsonl-event > event.schema.json" },
  ],
  run(values, positionals, io) {
    if (values.list) {
      const w = Math.max(...SCHEMAS.map((s) => s.name.length));
      io.out(SCHEMAS.map((s) => `${s.name.padEnd(w)}  ${s.description}`).join("\n") + "\n");
      return Promise.resolve(0);
    }
    const names = positionals.length ? positionals : SCHEMAS.map((s) => s.name);
    const docs: Record<string, unknown> = {};
    for (const n of names) {
      const js = jsonSchemaOf(n);
      if (!js) {
        throw new UsageError(`unknown schema name "${n}"; one of ${SCHEMAS.map((s) => s.name).join(", ")}`);
      }
      docs[n] = js;
    }
    const out = positionals.length === 1 ? docs[positionals[0]] : { version: SCHEMA_VERSION, schemas: docs };
    io.out(JSON.stringify(out, null, 2) + "\n");
    return Promise.resolve(0);
  },
};
