// The one place the plotly.js version is pinned (see zod.ts for why it is not in deno.json's import map).
// Only a report of runs that hold Plotly charts loads this module. The bundle cannot run in Deno (it needs
// a window), so the package is fetched through its package.json, and `plotlyFile` names the minified
// bundle (in Deno's npm cache, or in node_modules/) for the report to inline.

/** The pinned plotly.js version. */
export const PLOTLY_VERSION = "4.1.2";

/** The URL of the pinned `plotly.min.js`, once the package is fetched and cached. */
export async function plotlyFile(): Promise<string> {
  // deno-lint-ignore no-import-prefix
  await import("npm:plotly.js-dist-min@4.1.2/package.json", { with: { type: "json" } });
  return import.meta.resolve("npm:plotly.js-dist-min@4.1.2/plotly.min.js");
}
