// The one place the parquet-wasm version is pinned for library code (see zod.ts for why it is not in
// deno.json's import map). Loaded only by the Parquet format, so other commands never pay for it.
export * from "npm:parquet-wasm@0.8.0";
