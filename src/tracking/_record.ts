/**
 * The offline run record `run.plx.json` as traceml writes it: V1Run's field order, status conditions with
 * traceml's reasons and messages, `meta_info` in the order the flags were first set.
 *
 * @module
 */
import type { z } from "../_deps/zod.ts";
import { formatPyIsoformat, nowUtc, type PlxTime } from "../model/time.ts";
import { PyFloat } from "../json/python.ts";
import type { RunRecordSchema } from "../schema/run.ts";
import type { StatusConditionSchema } from "../schema/values.ts";

/** A status change of the run, keys in V1StatusCondition's order. */
export type Condition =
  & Required<
    Pick<
      z.infer<typeof StatusConditionSchema>,
      "reason" | "message" | "last_update_time" | "last_transition_time"
    >
  >
  & { type: string; status: boolean };

/** The run record as written: {@linkcode RunRecordSchema}'s fields, float seconds kept as Python floats. */
export type RunRecord = Omit<z.infer<typeof RunRecordSchema>, "wait_time" | "duration" | "status"> & {
  status: string;
  wait_time?: PyFloat;
  duration?: PyFloat;
};

/** traceml's condition for a status: reason `OfflineOperation` when created, `PolyaxonClient` after. */
export function condition(type: string, reason?: string, message?: string): Condition {
  const t = formatPyIsoformat(nowUtc());
  const msg = message ??
    (type === "created"
      ? "Operation is starting"
      : type === "running"
      ? "Operation is running"
      : `Operation has ${type}`);
  return {
    type,
    status: true,
    reason: reason ?? (type === "created" ? "OfflineOperation" : "PolyaxonClient"),
    message: msg,
    last_update_time: t,
    last_transition_time: t,
  };
}

/** What the run knows when it writes `run.plx.json`. */
export interface RecordState {
  uuid: string;
  name?: string;
  description?: string;
  tags?: string[];
  owner: string;
  project?: string;
  createdAt: PlxTime;
  startedAt: PlxTime | null;
  finishedAt: PlxTime | null;
  status: string;
  meta: Record<string, boolean>;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  conditions: Condition[];
}

/** traceml's seconds between two times: `round(delta.total_seconds(), 2)` as a float. */
function secs(a: PlxTime, b: PlxTime): PyFloat {
  return new PyFloat(Math.round((b.micros - a.micros) / 1e4) / 100);
}

/**
 * Assembles `run.plx.json` in V1Run's field order (`uuid, name, description, tags, owner, project,
 * created_at, started_at, finished_at, wait_time, duration, managed_by, is_managed, status, meta_info, kind,
 * runtime, inputs, outputs, status_conditions`); unset fields are left out, as pydantic's `exclude_none`.
 *
 * @param s The run's state.
 * @returns The record (numbers that are floats upstream as {@linkcode PyFloat}).
 */
export function runRecord(s: RecordState): RunRecord {
  const { createdAt: created, startedAt: started, finishedAt: finished } = s;
  return {
    uuid: s.uuid,
    name: s.name,
    description: s.description,
    tags: s.tags?.length ? s.tags : undefined,
    owner: s.owner,
    project: s.project,
    created_at: formatPyIsoformat(created),
    started_at: started ? formatPyIsoformat(started) : undefined,
    finished_at: finished ? formatPyIsoformat(finished) : undefined,
    wait_time: started ? secs(created, started) : undefined,
    duration: started && finished ? secs(started, finished) : undefined,
    managed_by: "user",
    is_managed: false,
    status: s.status,
    meta_info: Object.keys(s.meta).length ? s.meta : undefined,
    kind: "job",
    runtime: "job",
    inputs: Object.keys(s.inputs).length ? s.inputs : undefined,
    outputs: Object.keys(s.outputs).length ? s.outputs : undefined,
    status_conditions: s.conditions,
  };
}
