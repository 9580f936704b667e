/**
 * The hparams plugin (spec §4.7): its plugin-data messages (experiment, session start and end) decoded to
 * plain objects and encoded back; a run's hparams merged as they are read, and written from its inputs.
 *
 * @module
 */
import { I64, LEN, ProtoReader, VARINT } from "../_proto.ts";
import { ProtoWriter } from "../_proto_write.ts";
import type { DropNote } from "./context.ts";

/** A google.protobuf.Value as hparams use it. */
export type HParamValue = number | string | boolean | null;

function decodeProtoValue(r: ProtoReader, end: number): HParamValue {
  let v: HParamValue = null;
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((2 << 3) | I64)) v = r.double();
    else if (t === ((3 << 3) | LEN)) v = r.string();
    else if (t === ((4 << 3) | VARINT)) v = r.bool();
    else r.skip(t & 7);
  }
  r.exit();
  return v;
}

/** HParamsPluginData, decoded to plain JSON-able objects. */
export interface HParamsData {
  experiment?: {
    name?: string;
    description?: string;
    hparams: { name: string; type?: number; domain?: HParamValue[] | { min: number; max: number } }[];
    metrics: { tag: string; group?: string; displayName?: string }[];
  };
  sessionStart?: { hparams: Record<string, HParamValue>; groupName?: string; startTimeSecs?: number };
  sessionEnd?: { status: number; endTimeSecs?: number };
}

/**
 * Decodes HParamsPluginData content bytes.
 *
 * @throws {ProtoError} On invalid bytes.
 */
export function decodeHParams(content: Uint8Array): HParamsData {
  const r = new ProtoReader(content);
  const out: HParamsData = {};
  while (r.pos < r.end) {
    const t = r.tag();
    if (t === ((2 << 3) | LEN)) {
      const e = r.enter();
      const ex: NonNullable<HParamsData["experiment"]> = { hparams: [], metrics: [] };
      while (r.pos < e) {
        const u = r.tag();
        if (u === ((6 << 3) | LEN)) ex.name = r.string();
        else if (u === ((1 << 3) | LEN)) ex.description = r.string();
        else if (u === ((4 << 3) | LEN)) {
          const he = r.enter();
          const h: NonNullable<HParamsData["experiment"]>["hparams"][number] = { name: "" };
          while (r.pos < he) {
            const x = r.tag();
            if (x === ((1 << 3) | LEN)) h.name = r.string();
            else if (x === ((4 << 3) | VARINT)) h.type = r.varint();
            else if (x === ((5 << 3) | LEN)) {
              const le = r.enter();
              const list: HParamValue[] = [];
              while (r.pos < le) {
                const y = r.tag();
                if (y === ((1 << 3) | LEN)) list.push(decodeProtoValue(r, r.enter()));
                else r.skip(y & 7);
              }
              r.exit();
              h.domain = list;
            } else if (x === ((6 << 3) | LEN)) {
              const ie = r.enter();
              const iv = { min: 0, max: 0 };
              while (r.pos < ie) {
                const y = r.tag();
                if (y === ((1 << 3) | I64)) iv.min = r.double();
                else if (y === ((2 << 3) | I64)) iv.max = r.double();
                else r.skip(y & 7);
              }
              r.exit();
              h.domain = iv;
            } else r.skip(x & 7);
          }
          r.exit();
          ex.hparams.push(h);
        } else if (u === ((5 << 3) | LEN)) {
          const me = r.enter();
          const m: { tag: string; group?: string; displayName?: string } = { tag: "" };
          while (r.pos < me) {
            const x = r.tag();
            if (x === ((1 << 3) | LEN)) {
              const ne = r.enter();
              while (r.pos < ne) {
                const y = r.tag();
                if (y === ((1 << 3) | LEN)) m.group = r.string();
                else if (y === ((2 << 3) | LEN)) m.tag = r.string();
                else r.skip(y & 7);
              }
              r.exit();
            } else if (x === ((3 << 3) | LEN)) m.displayName = r.string();
            else r.skip(x & 7);
          }
          r.exit();
          ex.metrics.push(m);
        } else r.skip(u & 7);
      }
      r.exit();
      out.experiment = ex;
    } else if (t === ((3 << 3) | LEN)) {
      const e = r.enter();
      const s: NonNullable<HParamsData["sessionStart"]> = { hparams: {} };
      while (r.pos < e) {
        const u = r.tag();
        if (u === ((1 << 3) | LEN)) {
          const me = r.enter();
          let key = "";
          let val: HParamValue = null;
          while (r.pos < me) {
            const x = r.tag();
            if (x === ((1 << 3) | LEN)) key = r.string();
            else if (x === ((2 << 3) | LEN)) val = decodeProtoValue(r, r.enter());
            else r.skip(x & 7);
          }
          r.exit();
          s.hparams[key] = val;
        } else if (u === ((4 << 3) | LEN)) s.groupName = r.string();
        else if (u === ((5 << 3) | I64)) s.startTimeSecs = r.double();
        else r.skip(u & 7);
      }
      r.exit();
      out.sessionStart = s;
    } else if (t === ((4 << 3) | LEN)) {
      const e = r.enter();
      const s = { status: 0 } as NonNullable<HParamsData["sessionEnd"]>;
      while (r.pos < e) {
        const u = r.tag();
        if (u === ((1 << 3) | VARINT)) s.status = r.varint();
        else if (u === ((2 << 3) | I64)) s.endTimeSecs = r.double();
        else r.skip(u & 7);
      }
      r.exit();
      out.sessionEnd = s;
    } else r.skip(t & 7);
  }
  return out;
}

function writeProtoValue(w: ProtoWriter, field: number, v: HParamValue): void {
  const mark = w.begin(field);
  if (typeof v === "number") w.double(2, v);
  else if (typeof v === "string") w.string(3, v);
  else if (typeof v === "boolean") w.bool(4, v);
  else w.uint(1, 0); // null_value
  w.end(mark);
}

/** Encodes HParamsPluginData content (version 0) for an experiment, a session start or a session end. */
export function encodeHParams(w: ProtoWriter, data: HParamsData): void {
  if (data.experiment) {
    const mark = w.begin(2);
    const ex = data.experiment;
    if (ex.description) w.string(1, ex.description);
    for (const h of ex.hparams) {
      const hm = w.begin(4);
      w.string(1, h.name);
      if (h.type) w.uint(4, h.type);
      w.end(hm);
    }
    for (const m of ex.metrics) {
      const mm = w.begin(5);
      const nm = w.begin(1);
      if (m.group) w.string(1, m.group);
      w.string(2, m.tag);
      w.end(nm);
      w.end(mm);
    }
    if (ex.name) w.string(6, ex.name);
    w.end(mark);
  }
  if (data.sessionStart) {
    const mark = w.begin(3);
    for (const [k, v] of Object.entries(data.sessionStart.hparams)) {
      const em = w.begin(1);
      w.string(1, k);
      writeProtoValue(w, 2, v);
      w.end(em);
    }
    if (data.sessionStart.groupName) w.string(4, data.sessionStart.groupName);
    if (data.sessionStart.startTimeSecs) w.double(5, data.sessionStart.startTimeSecs);
    w.end(mark);
  }
  if (data.sessionEnd) {
    const mark = w.begin(4);
    if (data.sessionEnd.status) w.uint(1, data.sessionEnd.status);
    if (data.sessionEnd.endTimeSecs) w.double(2, data.sessionEnd.endTimeSecs);
    w.end(mark);
  }
}

/** Merges one hparams value into what the run's earlier values said (later session hparams win). */
export function mergeHParams(acc: HParamsData, d: HParamsData): void {
  if (d.experiment) acc.experiment = d.experiment;
  if (d.sessionStart) {
    acc.sessionStart = {
      ...d.sessionStart,
      hparams: { ...acc.sessionStart?.hparams, ...d.sessionStart.hparams },
    };
  }
  if (d.sessionEnd) acc.sessionEnd = d.sessionEnd;
}

/** One hparams value to write: its tag and plugin content. */
export interface HParamsValue {
  /** `_hparams_/experiment`, `_hparams_/session_start_info` or `_hparams_/session_end_info`. */
  tag: string;
  /** The encoded HParamsPluginData. */
  content: Uint8Array;
}

/**
 * The hparams values of a run (spec §4.7): its inputs as the session's hparams and the experiment's
 * hparams, its outputs as the experiment's metrics (tagged by `metricTag`), its status as the session end.
 * None when the run has no inputs.
 */
export function hparamsValues(
  meta: Record<string, unknown> | undefined,
  metricTag: (name: string) => string,
  note: DropNote,
): HParamsValue[] {
  const inputs = meta?.inputs;
  if (!inputs || typeof inputs !== "object" || Array.isArray(inputs) || !Object.keys(inputs).length) {
    return [];
  }
  const hparams: Record<string, HParamValue> = {};
  const infos: { name: string; type?: number }[] = [];
  let converted = 0;
  for (const [k, v] of Object.entries(inputs)) {
    if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") {
      hparams[k] = v;
      infos.push({ name: k, type: typeof v === "string" ? 1 : typeof v === "boolean" ? 2 : 3 });
    } else {
      hparams[k] = JSON.stringify(v ?? null);
      infos.push({ name: k, type: 1 });
      converted++;
    }
  }
  if (converted) {
    note(
      "tensorboard: run inputs that are not string/bool/number (hparams hold them as JSON text)",
      converted,
    );
  }
  const outputs = meta?.outputs && typeof meta.outputs === "object" ? Object.keys(meta.outputs) : [];
  const status = meta?.status;
  const data: HParamsData[] = [
    { experiment: { hparams: infos, metrics: outputs.map((k) => ({ tag: metricTag(k) })) } },
    { sessionStart: { hparams } },
  ];
  if (status === "succeeded" || status === "failed" || status === "running" || status === "stopped") {
    data.push({ sessionEnd: { status: status === "succeeded" ? 1 : status === "running" ? 3 : 2 } });
  }
  const tags = ["_hparams_/experiment", "_hparams_/session_start_info", "_hparams_/session_end_info"];
  return data.map((d, i) => {
    const content = new ProtoWriter(64);
    encodeHParams(content, d);
    return { tag: tags[i], content: content.finish() };
  });
}
