/**
 * What a conversion carries besides events, and what it keeps about what it could not carry:
 *
 * - {@linkcode RunFile}: a file of a run that is not read as events (`outputs/`, `plxlogs/`, `assets/`,
 *   files outside the layout), carried as bytes by every sink that can hold files.
 * - {@linkcode Loss}: one thing a run lost on the way (a file, or a line of a file), with the reason.
 * - {@linkcode CommitRecord}: what the pipeline writes beside each committed run (`.plxkit/commits/`), so a
 *   rerun that skips the run reports its losses again.
 * - {@linkcode runUuid} / {@linkcode polyaxonRunRecord}: the Polyaxon identity of a run that did not come
 *   from a Polyaxon run folder (deterministic, so reruns are idempotent).
 *
 * @module
 */
import * as path from "node:path";
import { createHash } from "node:crypto";
import { holdsExactly, readChunks, writeFileAtomic, writeFileNew } from "../io/files.ts";
import { commitNew, forget, OutputExistsError, tempIn } from "../io/commit.ts";
import { formatIsoTimestamp } from "../model/time.ts";

/** A file of a run carried as bytes (not read as events). */
export interface RunFile {
  /** Run-relative path with `/` separators, e.g. `outputs/env.json`, `plxlogs/logs.jsonl`. */
  rel: string;
  /** Size in bytes, when known. */
  size?: number;
  /** The file's bytes in order, in chunks of at most 1 MiB (memory stays flat for large files). */
  chunks(): AsyncIterable<Uint8Array>;
}

/** A {@linkcode RunFile} of the file at `abs` on disk. */
export function diskFile(rel: string, abs: string, size?: number): RunFile {
  return { rel, size, chunks: () => readChunks(abs) };
}

/** All bytes of a {@linkcode RunFile} (for small files: run records, logs parsed into rows). */
export async function fileBytes(file: RunFile): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of file.chunks()) {
    parts.push(c.slice());
    n += c.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Options of {@linkcode copyRunFile}. */
export interface CopyRunFileOptions {
  /**
   * Keep an existing `target` that holds exactly the file's bytes (a side folder shared by reruns, e.g.
   * JSONL's `<stem>.assets/`); any other existing file is still an `OutputExistsError`.
   */
  keepSame?: boolean;
}

/**
 * Copies a {@linkcode RunFile} to `target`, streaming, through a temporary sibling published without
 * replacing anything (an existing `target` is an `OutputExistsError`, see {@linkcode CopyRunFileOptions}).
 */
export async function copyRunFile(
  file: RunFile,
  target: string,
  options: CopyRunFileOptions = {},
): Promise<void> {
  try {
    await copyNew(file, target);
  } catch (e) {
    if (
      !(options.keepSame && e instanceof OutputExistsError && (await holdsExactly(target, file.chunks())))
    ) {
      throw e;
    }
  }
}

async function copyNew(file: RunFile, target: string): Promise<void> {
  if (file.size !== undefined && file.size <= 1 << 16) {
    await writeFileNew(target, await fileBytes(file));
    return;
  }
  await Deno.mkdir(path.dirname(target), { recursive: true });
  // (a temporary in the reserved namespace, published without replacing anything: io/commit.ts)
  const tmp = tempIn(path.dirname(target), path.basename(target));
  const f = await Deno.open(tmp, { write: true, createNew: true });
  try {
    for await (const c of file.chunks()) {
      let off = 0;
      while (off < c.length) off += await f.write(c.subarray(off));
    }
    f.close();
    await commitNew(tmp, target);
  } catch (e) {
    try {
      f.close();
    } catch { /* closed */ }
    await Deno.remove(tmp).catch(() => {});
    forget(tmp);
    throw e;
  }
}

/**
 * Where a run keeps the original bytes of an event file its format's writer would not write back byte for
 * byte (an older generation, other escapes or key orders): `.plx-original/<run-relative path>`. Sources of
 * Polyaxon runs yield them as run files; every sink carries them as files; the plx sink writes them over
 * the re-encoded event file they belong to, so plx -> X -> plx gives back the file's bytes. They are not
 * counted as carried files, and a conversion that selects events (--kind, --steps, ...) drops them.
 */
export const ORIGINALS_DIR = ".plx-original";

/** The event file an original belongs to (`events/text/a.plx`), or null when `rel` is not an original. */
export function originalOf(rel: string): string | null {
  return rel.startsWith(ORIGINALS_DIR + "/") ? rel.slice(ORIGINALS_DIR.length + 1) : null;
}

/** One thing a run lost in a conversion: a whole file (no `line`) or a line of it. */
export interface Loss {
  /** Run id. */
  run: string;
  /** Run-relative file (or the source file, for lines of an interchange file). */
  file: string;
  /** 1-based line, when one line was lost. */
  line?: number;
  /** Why. */
  reason: string;
}

/** `run: file:line: reason` (or `run: file: reason`). */
export function formatLoss(l: Loss): string {
  return `${l.run}: ${l.file}${l.line ? `:${l.line}` : ""}: ${l.reason}`;
}

/**
 * The record the pipeline keeps for each committed run, at `<commitDir>/<run id>.json`: written just before
 * the run's output is made visible, read back when a rerun finds the run already done.
 */
export interface CommitRecord {
  /** Always `"plxkit-commit"`. */
  type: "plxkit-commit";
  /** Layout version of this record. */
  version: 1;
  /** Run id as the sink wrote it. */
  run: string;
  /** Events written. */
  events: number;
  /** Files carried as bytes. */
  files: number;
  /** What the run lost (unreadable lines, files the target could not hold), at most {@linkcode MAX_LOSSES}. */
  lost: Loss[];
  /** How many losses there were in all (`lost` may be cut at {@linkcode MAX_LOSSES}). */
  lostCount: number;
  /** True when the losses were accepted (`--accept-loss`); then a rerun does not fail on them. */
  accepted: boolean;
  /** When the run was committed (ISO-8601). */
  committedAt: string;
  /** When the losses were accepted (ISO-8601), when `accepted`. */
  acceptedAt?: string;
}

/** Losses kept per run in a commit record and a report. */
export const MAX_LOSSES = 1000;

/**
 * The commit record file of run `id` under `dir`: `<id>.json` for a plain id (letters, digits, `._-`),
 * else `h-<name-based uuid of the id>.json`, so any id gives a safe, distinct file name.
 */
export function commitRecordPath(dir: string, id: string): string {
  const plain = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(id);
  return path.join(dir, plain ? `${id}.json` : `h-${nameUuid(`commit\0${id}`)}.json`);
}

/** Writes a commit record atomically. */
export async function writeCommitRecord(dir: string, record: CommitRecord): Promise<void> {
  await writeFileAtomic(commitRecordPath(dir, record.run), JSON.stringify(record, null, 1) + "\n");
}

/** Reads the commit record of run `id`, or null when there is none (or it is not a commit record). */
export async function readCommitRecord(dir: string, id: string): Promise<CommitRecord | null> {
  try {
    const v = JSON.parse(await Deno.readTextFile(commitRecordPath(dir, id)));
    if (v && typeof v === "object" && v.type === "plxkit-commit" && Array.isArray(v.lost)) {
      return v as CommitRecord;
    }
  } catch { /* none */ }
  return null;
}

/** Namespace of plxkit's name-based run uuids (a fixed random UUID). */
const NAMESPACE = "6f0c9a5e0f8b4c7fa3f1d2b4c5e6a7b8";

/** True when `id` is a Polyaxon run uuid as folder names hold it: 32 lowercase hex digits. */
export function isRunUuid(id: string): boolean {
  return /^[0-9a-f]{32}$/.test(id);
}

/**
 * A name-based (version 5, SHA-1) uuid as 32 hex digits: the same `name` always gives the same uuid.
 *
 * @example
 * ```ts
 * import { nameUuid } from "./carry.ts";
 * nameUuid("tensorboard\0exp1\0events.out.tfevents.1.host"); // 32 hex digits, always the same
 * ```
 */
export function nameUuid(name: string): string {
  const h = createHash("sha1");
  h.update(Uint8Array.from(NAMESPACE.match(/../g)!.map((x) => parseInt(x, 16))));
  h.update(new TextEncoder().encode(name));
  const b = new Uint8Array(h.digest()).slice(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** The Polyaxon uuid of a run id: the id itself when it is one, else {@linkcode nameUuid} of it. */
export function runUuid(id: string): string {
  const lower = id.toLowerCase();
  if (isRunUuid(lower)) return lower;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(lower)) {
    return lower.replaceAll("-", "");
  }
  return nameUuid(`run\0${id}`);
}

/** Python `datetime.isoformat()` of a UTC instant in microseconds (`2025-03-01T09:15:02.481516+00:00`). */
export function isoUtc(micros: number): string {
  return formatIsoTimestamp({ micros, offset: 0 });
}

/** What {@linkcode polyaxonRunRecord} builds a record from. */
export interface RunRecordParts {
  /** The run uuid (32 hex digits). */
  uuid: string;
  /** The run name (e.g. the TensorBoard run path). */
  name: string;
  /** First and last event time, microseconds since the epoch (UTC), when there were events. */
  first?: number;
  /** Last event time. */
  last?: number;
  /** Run inputs (e.g. hparams). */
  inputs?: Record<string, unknown>;
  /** Run outputs (e.g. hparam metrics' last values). */
  outputs?: Record<string, unknown>;
  /** `meta_info` (where the run came from). */
  metaInfo?: Record<string, unknown>;
  /** Tags. */
  tags?: string[];
}

/**
 * A complete offline Polyaxon run record (`run.plx.json`, V1Run) for a run that did not come with one: the
 * fields Polyaxon's offline tracking writes, with created/started/finished from the first and last event.
 *
 * @example
 * ```ts
 * import { polyaxonRunRecord } from "./carry.ts";
 * polyaxonRunRecord({ uuid: "0".repeat(32), name: "exp1", first: 0, last: 1e6 }).status; // "succeeded"
 * ```
 */
export function polyaxonRunRecord(p: RunRecordParts): Record<string, unknown> {
  const start = p.first !== undefined ? isoUtc(p.first) : null;
  const end = p.last !== undefined ? isoUtc(p.last) : start;
  const cond = (type: string, message: string, at: string | null) => ({
    type,
    status: true,
    reason: "PlxkitConversion",
    message,
    last_transition_time: at,
    last_update_time: at,
  });
  return {
    uuid: p.uuid,
    name: p.name,
    kind: "job",
    runtime: "job",
    is_managed: false,
    managed_by: "user",
    status: "succeeded",
    status_conditions: start === null || end === null ? [] : [
      cond("created", "Run converted by plxkit", start),
      cond("succeeded", "Run converted by plxkit", end),
    ],
    created_at: start,
    updated_at: end,
    started_at: start,
    finished_at: end,
    duration: p.first !== undefined && p.last !== undefined ? (p.last - p.first) / 1e6 : null,
    inputs: p.inputs ?? null,
    outputs: p.outputs ?? null,
    meta_info: p.metaInfo ?? {},
    tags: p.tags ?? [],
  };
}

/**
 * Every regular file under `root/rel` as a {@linkcode RunFile} with a run-relative path (`rel/...`), sorted;
 * a link leading outside `top` (the run folder), a special file or an unreadable folder is an `error`
 * diagnostic (the file is lost, and said so). Symlink loops are cut.
 */
export async function* walkRunFiles(
  top: string,
  rel: string,
  skip: (rel: string) => boolean = () => false,
): AsyncGenerator<RunFile | import("../diagnostics.ts").Diagnostic> {
  let root: string;
  try {
    root = await Deno.realPath(top);
  } catch {
    return;
  }
  const seen = new Set<string>();
  // (codes of LOSS_CODES: a run with a file that cannot be carried is not committed)
  const err = (file: string, message: string) => ({
    severity: "error" as const,
    code: message.startsWith("a link leading outside")
      ? "link-outside" as const
      : message.startsWith("not a regular file")
      ? "not-a-file" as const
      : "io" as const,
    file,
    message,
  });
  async function* walk(r: string): AsyncGenerator<RunFile | import("../diagnostics.ts").Diagnostic> {
    const dir = r ? path.join(top, r) : top;
    let real: string;
    try {
      real = await Deno.realPath(dir);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    const names: Deno.DirEntry[] = [];
    try {
      for await (const e of Deno.readDir(dir)) names.push(e);
    } catch (e) {
      yield err(r || ".", `cannot list: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of names) {
      const child = r ? `${r}/${e.name}` : e.name;
      if (skip(child)) continue;
      const abs = path.join(top, child);
      let st: Deno.FileInfo;
      try {
        st = await Deno.stat(abs);
        if (e.isSymlink) {
          const target = await Deno.realPath(abs);
          if (target !== root && !target.startsWith(root + path.sep)) {
            yield err(child, `a link leading outside the run (to ${target}); not carried`);
            continue;
          }
        }
      } catch (x) {
        yield err(child, `cannot read: ${x instanceof Error ? x.message : String(x)}`);
        continue;
      }
      if (st.isDirectory) yield* walk(child);
      else if (st.isFile) yield diskFile(child, abs, st.size);
      else yield err(child, "not a regular file (a FIFO, socket or device); not carried");
    }
  }
  yield* walk(rel);
}

/**
 * The run record a sink writes for `info`: the source's record when the run id is a Polyaxon uuid (a
 * Polyaxon run, written back as it was), else a complete record ({@linkcode polyaxonRunRecord}) for the
 * uuid {@linkcode runUuid} of the id, with the source's record fields kept over it (name defaults to the
 * id) and `first` / `last` (event times, microseconds UTC) as its times.
 */
export function completeRunRecord(
  info: { id: string; meta?: Record<string, unknown> },
  first?: number,
  last?: number,
): Record<string, unknown> | undefined {
  const id = info.id || "run";
  if (isRunUuid(id)) return info.meta;
  const uuid = runUuid(id);
  const made = polyaxonRunRecord({
    uuid,
    name: id,
    first,
    last,
    metaInfo: { plxkit: { converted_from: id } },
  });
  const meta: Record<string, unknown> = { ...made, ...info.meta, uuid };
  for (const [k, v] of Object.entries(made)) if (meta[k] == null) meta[k] = v;
  return meta;
}
