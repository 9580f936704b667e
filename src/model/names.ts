/**
 * Polyaxon's name rules (spec §3): event names become file names through `to_fqn_name`, and logged file
 * paths give a base name and an extension.
 *
 * @module
 */

/** Python's ASCII whitespace set, which unlike JavaScript's includes `\x1c`-`\x1f`. */
const PY_SPACE = "[ \\t\\n\\v\\f\\r\\x1c-\\x1f]";
// deno-lint-ignore no-control-regex
const DROP = new RegExp("[^A-Za-z0-9_\\\\/.\\- \\t\\n\\v\\f\\r\\x1c-\\x1f]", "g");
const STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, "g");
const SLASHES = /[\\/]+/g;
const DASHES = new RegExp(`(?:[-.]|${PY_SPACE})+`, "g");

/**
 * Polyaxon's `to_fqn_name`: NFKD then ASCII only, drop everything but letters, digits, `_`, `\`, `/`, `.`,
 * `-` and whitespace, strip, slashes to `__`, runs of `-`, `.` and whitespace to one `-`.
 *
 * @param name The name as the user gave it.
 * @returns The name used for files (may be empty for fully non-ASCII names, as upstream).
 * @throws {TypeError} When `name` is empty.
 *
 * @example
 * ```ts
 * import { toFqnName } from "./names.ts";
 * toFqnName("train/loss"); // "train__loss"
 * toFqnName("top 5 acc"); // "top-5-acc"
 * toFqnName("café"); // "cafe"
 * ```
 */
export function toFqnName(name: string): string {
  if (name === undefined || name === null || String(name) === "") {
    throw new TypeError("A name is required");
  }
  let s = String(name).normalize("NFKD");
  // Encode to ASCII, ignoring the rest.
  // deno-lint-ignore no-control-regex
  s = s.replace(/[^\u0000-\u007f]/g, "");
  s = s.replace(DROP, "").replace(STRIP, "");
  s = s.replace(SLASHES, "__");
  s = s.replace(DASHES, "-");
  return s;
}

/**
 * Basename up to the first `.` and the lower-cased extension after it (spec §3.3).
 *
 * @example
 * ```ts
 * import { splitFileName } from "./names.ts";
 * splitFileName("/x/a.tar.gz"); // { base: "a", ext: "tar.gz" }
 * splitFileName("IMG.JPG"); // { base: "IMG", ext: "jpg" }
 * ```
 */
export function splitFileName(path: string): { base: string; ext: string } {
  const parts = path.split(/[\\/]/);
  const file = parts[parts.length - 1] ?? "";
  const dot = file.indexOf(".");
  if (dot === -1) return { base: file, ext: "" };
  return { base: file.slice(0, dot), ext: file.slice(dot + 1).toLowerCase() };
}

/** `assets/<kind>/<name>[_<step>][.<ext>]`, run-relative with `/` separators (spec §3.4). */
export function assetPath(kind: string, name: string, step: number | null, ext: string): string {
  return `assets/${kind}/${name}${step === null ? "" : "_" + step}${ext ? "." + ext : ""}`;
}
