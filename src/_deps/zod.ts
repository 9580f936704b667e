// The one place the zod version is pinned for library code. Library modules import it from here, never
// through deno.json's import map, so mod.ts and cli.ts load from any path or URL with no config.
export { z } from "npm:zod@4.6.7";
