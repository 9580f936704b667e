/**
 * Turns zod issues into one plain sentence.
 *
 * @module
 */
import type { z } from "../_deps/zod.ts";

/**
 * The first few issues of a zod error as `path: message` joined by `; `.
 *
 * @example
 * ```ts
 * import { z } from "../_deps/zod.ts";
 * import { zodMessage } from "./issues.ts";
 * const r = z.object({ a: z.int() }).safeParse({ a: "x" });
 * if (!r.success) zodMessage(r.error); // "a: Invalid input: expected int, received string"
 * ```
 */
export function zodMessage(error: z.ZodError, max = 3): string {
  const parts = error.issues.slice(0, max).map((i) => {
    const path = i.path.map(String).join(".");
    return path ? `${path}: ${i.message}` : i.message;
  });
  if (error.issues.length > max) parts.push(`and ${error.issues.length - max} more`);
  return parts.join("; ");
}
