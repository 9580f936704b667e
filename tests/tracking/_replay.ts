/**
 * Replays `fixtures/logger/calls.json` (made by `fixtures/logger/make_goldens.py`) against a {@linkcode Run}.
 *
 * @module
 */
import * as path from "node:path";
import type { Run } from "../../src/tracking/run.ts";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
/** The golden folder. */
export const GOLDEN = path.join(ROOT, "fixtures/logger");

interface Call {
  method: string;
  args: unknown[];
  options: Record<string, unknown>;
  prep?: Record<string, boolean>;
}

/** The recorded calls. */
export function loadCalls(): Call[] {
  return JSON.parse(Deno.readTextFileSync(path.join(GOLDEN, "calls.json")));
}

/** Applies one recorded call. */
export function replay(run: Run, c: Call): void {
  const args = structuredClone(c.args);
  const p = c.prep ?? {};
  if (p.nanStrings) {
    const m = args[0] as Record<string, unknown>;
    for (const k in m) if (typeof m[k] === "string") m[k] = Number(m[k]);
  }
  if (p.float32) args[0] = Float32Array.from(args[0] as number[]);
  if (p.float32image) {
    const a = args[0] as { data: number[] };
    (a as { data: unknown }).data = Float32Array.from(a.data);
  }
  if (p.uint8image) {
    const a = args[0] as { data: number[] };
    (a as { data: unknown }).data = Uint8Array.from(a.data);
  }
  if (c.method === "logArtifact" || c.method === "logModel") args[0] = path.join(ROOT, args[0] as string);
  const fn = (run as unknown as Record<string, (...a: unknown[]) => void>)[c.method];
  if (typeof fn !== "function") throw new Error(`no method ${c.method}`);
  fn.call(run, ...args, c.options);
}

/** Every file under `dir`, run-relative, sorted. */
export function listFiles(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(path.join(dir, rel))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) out.push(...listFiles(dir, r));
    else out.push(r);
  }
  return out.sort();
}
