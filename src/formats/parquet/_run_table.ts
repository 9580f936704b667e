/**
 * The run table (`kind=run`): one row per run, from its `run.plx.json`, in the dataset's one schema.
 *
 * @module
 */
import type { PlxEvent } from "../../model/event.ts";
import { exactJson } from "../../json/exact.ts";
import { RUN_KIND } from "./schema.ts";

const ISO = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(Z|[+-]\d\d:?\d\d)?$/i;

/**
 * Microseconds since the epoch of an ISO 8601 date-time (`2025-03-01T09:15:00.123456+00:00`; a naive one
 * read as UTC), or null when it is not one.
 *
 * @example
 * ```ts
 * import { isoMicros } from "./_run_table.ts";
 * isoMicros("1970-01-01T00:00:01.000002Z"); // 1000002
 * ```
 */
export function isoMicros(v: unknown): number | null {
  if (typeof v !== "string") return null;
  const m = ISO.exec(v.trim());
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  if (!Number.isFinite(ms)) return null;
  const frac = Number((m[7] ?? "").padEnd(6, "0").slice(0, 6));
  let off = 0;
  if (m[8] && m[8].toUpperCase() !== "Z") {
    const z = m[8].replace(":", "");
    off = (z[0] === "-" ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))) * 60;
  }
  const us = (ms / 1000 - off) * 1e6 + frac;
  return Number.isSafeInteger(us) ? us : null;
}

const str = (v: unknown) => (typeof v === "string" ? v : null);

/**
 * The run table row of a run: an event of the `run` partition (scope `run`, name = the run's name or id,
 * timestamp = its creation or start time, else 0) whose value holds the run columns.
 */
export function runRow(id: string, meta: Record<string, unknown> | undefined): PlxEvent {
  const m = meta ?? {};
  const created = isoMicros(m.created_at);
  const started = isoMicros(m.started_at);
  const tb = m.tensorboard as { run?: unknown } | undefined;
  const obj = (
    v: unknown,
  ) => (v !== null && typeof v === "object" && !Array.isArray(v) ? exactJson(v) : null);
  const value = {
    run_uuid: str(m.uuid),
    run_name: str(m.name),
    run_status: str(m.status),
    run_tags: Array.isArray(m.tags) ? m.tags.map((t) => (typeof t === "string" ? t : exactJson(t))) : null,
    run_created_at: created,
    run_started_at: started,
    run_finished_at: isoMicros(m.finished_at),
    run_duration: typeof m.duration === "number" ? m.duration : null,
    run_source: typeof tb?.run === "string" ? tb.run : null,
    inputs: obj(m.inputs),
    outputs: obj(m.outputs),
  };
  return {
    run: id,
    scope: RUN_KIND,
    kind: RUN_KIND,
    name: str(m.name) ?? id,
    step: null,
    timestamp: { micros: created ?? started ?? 0, offset: null },
    type: RUN_KIND,
    value,
  } as unknown as PlxEvent;
}
