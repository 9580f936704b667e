// The one place the apache-arrow version is pinned for library code (see zod.ts for why it is not in
// deno.json's import map). Loaded only by the Parquet format, so other commands never pay for it.
export * from "npm:apache-arrow@21.2.0";
