/**
 * Test-only dependencies, pinned here rather than in deno.json's import map so that users of the CLI and
 * the demo never download them (DuckDB's native bindings alone are ~140 MB). Tests import them from here.
 */
export { default as fc } from "npm:fast-check@4.11.0";
export { DuckDBInstance } from "npm:@duckdb/node-api@1.5.6-r.1";
export { default as puppeteer } from "npm:puppeteer-core@25.16.0";
