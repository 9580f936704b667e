// The one place the Vega versions are pinned (see zod.ts for why they are not in deno.json's import map).
// Only a report of runs that hold Vega-Lite charts loads this module. Importing each package makes Deno
// fetch and cache it; the packages export only their ES modules, so `vegaFiles` names the browser builds
// that sit beside those modules (in Deno's npm cache, or in node_modules/) for the report to inline.

/** The pinned versions: vega, vega-lite, vega-embed and vega-interpreter (CSP-safe expressions). */
export const VEGA_VERSIONS = {
  vega: "6.4.0",
  vegaLite: "6.5.0",
  vegaEmbed: "7.3.0",
  vegaInterpreter: "2.3.2",
};

/** URLs of the browser builds, once the packages are fetched and cached. */
export async function vegaFiles(): Promise<{ vega: URL; vegaLite: URL; vegaEmbed: URL; interpreter: URL }> {
  // deno-lint-ignore no-import-prefix
  await import("npm:vega@6.4.0");
  // deno-lint-ignore no-import-prefix
  await import("npm:vega-lite@6.5.0");
  // deno-lint-ignore no-import-prefix
  await import("npm:vega-embed@7.3.0");
  // deno-lint-ignore no-import-prefix
  await import("npm:vega-interpreter@2.3.2");
  const beside = (spec: string, file: string) => new URL(file, import.meta.resolve(spec));
  return {
    vega: beside("npm:vega@6.4.0", "vega.min.js"),
    vegaLite: beside("npm:vega-lite@6.5.0", "vega-lite.min.js"),
    vegaEmbed: beside("npm:vega-embed@7.3.0", "vega-embed.min.js"),
    interpreter: beside("npm:vega-interpreter@2.3.2", "vega-interpreter.js"),
  };
}
