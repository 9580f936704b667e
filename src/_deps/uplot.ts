// The one place the uPlot version is pinned (see zod.ts for why it is not in deno.json's import map). Only
// `plxkit report` loads this module: importing it makes Deno fetch and cache the package, and `uplotFile`
// then names a file of the package (in Deno's npm cache, or in node_modules/) so the report can inline it.
export { default as uPlot } from "npm:uplot@1.6.32";

/** The pinned uPlot version. */
export const UPLOT_VERSION = "1.6.32";

/** The URL of a file of the pinned uPlot package, e.g. `dist/uPlot.iife.min.js`. */
export function uplotFile(rel: string): string {
  return import.meta.resolve(`npm:uplot@1.6.32/${rel}`);
}
