/**
 * Input paths as scripts give them: quoted globs (`'runs/02*'`, expanded here as a shell would), `@list.txt`
 * (one path a line; blank lines and `#` comments skipped) and `-` (JSONL on standard input); and the
 * selection flags every command that reads runs shares.
 *
 * @module
 */
import { STDIN } from "../io/files.ts";
import * as path from "node:path";
import { UsageError } from "./errors.ts";
import { globRegExp, listValues, parseInstant, parseSteps, Selection } from "../convert/select.ts";
import { nearest, type OptionSpec } from "./args.ts";
import { ArtifactKindSchema, VALUE_TYPES } from "../schema/values.ts";

/** Every kind folder name Polyaxon writes: value types and artifact kinds. */
const KNOWN_KINDS: string[] = [...new Set<string>([...VALUE_TYPES, ...ArtifactKindSchema.options])];

/** The path standard input is read through when an input is `-`. */
export const STDIN_PATH = STDIN;

const GLOB_CHARS = /[*?[]/;

/** Expands one glob into the sorted paths it matches (files and folders; hidden names only when asked). */
async function expandGlob(pattern: string): Promise<string[]> {
  const abs = path.isAbsolute(pattern);
  const parts = pattern.split(/[\\/]+/).filter((p, i) => p !== "" || i === 0);
  let bases = [abs ? path.parse(path.resolve(pattern)).root : ""];
  for (const part of abs ? parts.slice(1) : parts) {
    if (part === "") continue;
    const next: string[] = [];
    if (!GLOB_CHARS.test(part)) {
      for (const b of bases) next.push(b ? path.join(b, part) : part);
    } else {
      const re = globRegExp(part);
      for (const b of bases) {
        try {
          const names: string[] = [];
          for await (const e of Deno.readDir(b || ".")) {
            if (e.name.startsWith(".") && !part.startsWith(".")) continue;
            if (re.test(e.name)) names.push(e.name);
          }
          for (const n of names.sort()) next.push(b ? path.join(b, n) : n);
        } catch { /* not a readable folder: no match below it */ }
      }
    }
    bases = next;
  }
  const out: string[] = [];
  for (const b of bases) {
    try {
      await Deno.lstat(b);
      out.push(b);
    } catch { /* a literal part after the glob does not exist */ }
  }
  return out;
}

/**
 * The input paths `args` stand for: globs expanded, `@file` lists read, `-` kept as is (standard input).
 *
 * @throws {UsageError} Naming the glob that matched nothing or the list that cannot be read.
 */
export async function expandInputs(args: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const a of args) {
    if (a === "-") {
      out.push(a);
    } else if (a.startsWith("@") && a.length > 1) {
      const file = a.slice(1);
      let text: string;
      try {
        text = await Deno.readTextFile(file === "-" ? STDIN_PATH : file);
      } catch (e) {
        throw new UsageError(
          `cannot read the input list ${a}: ${
            e instanceof Deno.errors.NotFound ? "no such file" : String(e)
          }`,
        );
      }
      const listed = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
      if (!listed.length) throw new UsageError(`the input list ${a} names no path`);
      out.push(...listed);
    } else if (GLOB_CHARS.test(a) && !(await exists(a))) {
      const matched = await expandGlob(a);
      if (!matched.length) throw new UsageError(`no path matches ${a}`);
      out.push(...matched);
    } else {
      out.push(a);
    }
  }
  if (out.filter((p) => p === "-").length > 1) throw new UsageError("- (standard input) can be given once");
  return out;
}

async function exists(p: string): Promise<boolean> {
  try {
    await Deno.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** The selection flags (`--kind`, `--name`, `--run`, `--steps`, `--since`, `--until`). */
export const SELECT_OPTIONS: Record<string, OptionSpec> = {
  kind: {
    type: "string",
    multiple: true,
    arg: "<kinds>",
    help: "only these event kinds, comma-separated (metric,text,image,...)",
  },
  name: {
    type: "string",
    multiple: true,
    arg: "<glob>",
    help: "only events whose name matches (original or sanitized name, e.g. 'loss*'; repeatable)",
  },
  run: {
    type: "string",
    multiple: true,
    arg: "<uuid|glob>",
    help: "only runs whose id or name matches (comma-separated or repeated)",
  },
  steps: { type: "string", arg: "<A:B>", help: "only events with steps A to B inclusive (A: and :B open)" },
  since: { type: "string", arg: "<time>", help: "only events logged at or after (ISO date/time or epoch s)" },
  until: { type: "string", arg: "<time>", help: "only events logged before (ISO date/time or epoch s)" },
};

/**
 * The selection the flags in `values` ask for, or undefined when none is given.
 *
 * @throws {UsageError} Naming the flag whose value cannot be read.
 */
export function selectionOf(values: Record<string, unknown>): Selection | undefined {
  const kinds = listValues(values.kind as string[] | undefined);
  for (const k of kinds ?? []) {
    // A typo of a known kind would silently select nothing; other unknown names may be real folders.
    const near = KNOWN_KINDS.includes(k) ? undefined : nearest(k, KNOWN_KINDS);
    if (near) throw new UsageError(`--kind ${k} is no kind; did you mean ${near}?`);
  }
  const names = (values.name as string[] | undefined)?.filter(Boolean); // names may hold commas
  const runs = listValues(values.run as string[] | undefined);
  const steps = typeof values.steps === "string" ? parseSteps(values.steps) : undefined;
  const since = typeof values.since === "string" ? parseInstant(values.since, "--since") : undefined;
  const until = typeof values.until === "string" ? parseInstant(values.until, "--until") : undefined;
  if (since !== undefined && until !== undefined && since >= until) {
    throw new UsageError(`--since ${values.since} is not before --until ${values.until}`);
  }
  const sel = new Selection({ kinds, names, runs, steps, since, until });
  return sel.all ? undefined : sel;
}
