// The one place the BokehJS version is pinned (see zod.ts for why it is not in deno.json's import map).
// Only a report of runs that hold Bokeh charts loads this module. The package's entry cannot run in Deno,
// so the package is fetched through its package.json, and `bokehFile` names the minified browser bundle
// (in Deno's npm cache, or in node_modules/) for the report to inline.

/** The pinned BokehJS version. */
export const BOKEH_VERSION = "3.10.0";

/** The URL of the pinned `bokeh.min.js`, once the package is fetched and cached. */
export async function bokehFile(): Promise<string> {
  // deno-lint-ignore no-import-prefix
  await import("npm:@bokeh/bokehjs@3.10.0/package.json", { with: { type: "json" } });
  return import.meta.resolve("npm:@bokeh/bokehjs@3.10.0/build/js/bokeh.min.js");
}
