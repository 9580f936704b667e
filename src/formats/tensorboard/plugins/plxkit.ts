/**
 * plxkit's own plugin (layout in `../plugin.ts`): the exact copy of each canonical event next to its native
 * rendering, and the run record. Reading parses envelopes (the head of a series' envelopes once, the
 * step and time of each by hand) and gives back the event exactly; writing is the mirror image.
 *
 * @module
 */
import { fromPolyaxonValue, type PlxEvent, toPolyaxonValue, type ValueType } from "../../../model/event.ts";
import type { PlxTime } from "../../../model/time.ts";
import { decodeUtf8 } from "../_proto.ts";
import { DataClass, type TbMetadata, type TbValue, writeMetadata } from "../_messages.ts";
import { DT, tensorNumbers, writeNumberTensor, writeStringTensor } from "../_tensor.ts";
import { type Envelope, ENVELOPE_VERSION, fromJson, PLUGIN, pluginTag, RUN_TAG, toJson } from "../plugin.ts";
import type { ReadContext, WriteContext } from "./context.ts";

const enc = new TextEncoder();

function sameBytes(a: Uint8Array, b: Uint8Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The texts of a run's record files as plxkit stored them (see `RunInfo.records`). */
export interface RunRecordTexts {
  /** `run.plx.json` as read. */
  meta?: string;
  /** `lineages.plx.json` as read. */
  lineages?: string;
}

/** The plxkit values of one run, read in order: envelopes, events and the run record. */
export class PlxkitValues {
  /** The envelope of the event read last. */
  last: Envelope | null = null;
  /** The run's metadata from its run record (null when there is none). */
  meta: Record<string, unknown> | null = null;
  /** The run's lineage records from its run record (null when there are none). */
  lineages: unknown[] | null = null;
  /** The run's record texts, when the run record holds them. */
  records: RunRecordTexts | null = null;
  #heads = new Map<string, { head: Uint8Array; env: Envelope }>();

  /** Values of the run with id `run`. */
  constructor(readonly run: string) {}

  /**
   * Parses an envelope. The writer ends metric envelopes with `,"step":<n|null>,"ts":[<micros>,<offset|null>]}`
   * after a head that is the same for the whole series: the head is parsed once and cached, the tail by
   * hand. Anything else goes through JSON.parse.
   */
  envelope(c: Uint8Array, tag: string): Envelope {
    const n = c.length;
    // Find `,"step":` (2c 22 73 74 65 70 22 3a).
    let at = -1;
    for (let i = n - 24; i >= 0; i--) {
      if (c[i] === 0x2c && c[i + 1] === 0x22 && c[i + 2] === 0x73 && c[i + 6] === 0x22 && c[i + 7] === 0x3a) {
        at = i;
        break;
      }
    }
    if (at > 0) {
      const tail = decodeUtf8(c, at, n);
      const m = /^,"step":(null|-?\d{1,16}),"ts":\[(-?\d{1,17}),(null|-?\d{1,6})\]\}$/.exec(tail);
      if (m) {
        let cached = this.#heads.get(tag);
        if (cached === undefined || cached.head.length !== at || !sameBytes(cached.head, c, at)) {
          cached = { head: c.slice(0, at), env: JSON.parse(decodeUtf8(c, 0, at) + "}") as Envelope };
          this.#heads.set(tag, cached);
        }
        const base = cached.env;
        return {
          ...base,
          step: m[1] === "null" ? null : Number(m[1]),
          ts: [Number(m[2]), m[3] === "null" ? null : Number(m[3])],
        };
      }
    }
    return JSON.parse(decodeUtf8(c, 0, n));
  }

  /**
   * The event a plxkit value holds (its envelope becomes {@linkcode PlxkitValues.last}).
   *
   * @throws {SyntaxError} When the value is not a well-formed plxkit value.
   * @throws {RangeError} When a metric value is not a single number.
   */
  value(
    ctx: Pick<ReadContext, "drop" | "keep">,
    v: TbValue,
    md: TbMetadata,
    step: number,
    ts: PlxTime,
  ): PlxEvent {
    const own = v.metadata ?? md;
    let env: Envelope;
    try {
      env = this.envelope(own.content, v.tag);
    } catch {
      throw new SyntaxError(`plxkit value "${v.tag}" has plugin content that is not JSON`);
    }
    if (!env || typeof env !== "object" || typeof env.kind !== "string" || typeof env.name !== "string") {
      throw new SyntaxError(`plxkit value "${v.tag}" has an envelope without kind and name`);
    }
    if (env.v > 1) ctx.drop(`plxkit plugin values of a newer version (${env.v}); read as version 1`);
    this.last = env;
    const t = v.tensor;
    if (!t) throw new SyntaxError(`plxkit value "${v.tag}" has no tensor`);
    let value: unknown;
    if (env.type === "metric") {
      const nums = tensorNumbers(t);
      if (nums.length !== 1) throw new RangeError(`plxkit metric "${v.tag}" is not a single number`);
      value = nums[0];
    } else {
      if (t.dtype !== DT.STRING || !t.strings.length) {
        throw new SyntaxError(`plxkit value "${v.tag}" is not a string tensor`);
      }
      value = fromPolyaxonValue(
        env.type as ValueType,
        fromJson(decodeUtf8(t.strings[0], 0, t.strings[0].length)),
      );
      if (env.asset === "inline" && t.strings.length > 1 && value && typeof value === "object") {
        const p = (value as Record<string, unknown>).path;
        if (typeof p === "string" && p) ctx.keep(p, t.strings[1], { tag: v.tag, part: 1 });
      }
    }
    const time: PlxTime = Array.isArray(env.ts) && typeof env.ts[0] === "number"
      ? { micros: env.ts[0], offset: env.ts[1] ?? null }
      : ts;
    return {
      run: this.run,
      scope: env.scope === "resources" ? "resources" : "events",
      kind: env.kind,
      name: env.name,
      step: env.step === undefined ? step : env.step,
      timestamp: time,
      type: env.type,
      value,
    } as PlxEvent;
  }

  /** Reads the run record (tag `plxkit/run`); one that is not JSON is counted through `drop` and ignored. */
  runRecord(v: TbValue, drop: (reason: string) => void): void {
    const s = v.tensor?.strings[0];
    if (!s) return;
    try {
      const m = fromJson(decodeUtf8(s, 0, s.length)) as
        | { meta?: unknown; lineages?: unknown; records?: { meta?: unknown; lineages?: unknown } }
        | null;
      if (m && typeof m === "object") {
        this.meta = m.meta && typeof m.meta === "object" ? m.meta as Record<string, unknown> : {};
        if (Array.isArray(m.lineages)) this.lineages = m.lineages;
        const r = m.records;
        if (r && typeof r === "object") {
          this.records = {};
          if (typeof r.meta === "string") this.records.meta = r.meta;
          if (typeof r.lineages === "string") this.records.lineages = r.lineages;
        }
      }
    } catch {
      drop("plxkit run record that is not JSON (ignored)");
    }
  }
}

/** Writes the plxkit copy of an event (with `inline` asset bytes as a second string, when given). */
export function writePlxkitValue(
  { w }: WriteContext,
  e: PlxEvent,
  env: Envelope,
  inline: Uint8Array | null,
): void {
  const v = w.begin(1);
  w.string(1, pluginTag(e.scope, e.kind, e.name));
  if (e.type === "metric") {
    writeNumberTensor(w, 8, DT.DOUBLE, [], [e.value]);
  } else {
    // (the plugin holds values as Polyaxon names their fields, as the plx and JSONL files do)
    const strings: Uint8Array[] = [enc.encode(toJson(toPolyaxonValue(e.type, e.value)))];
    if (inline) strings.push(inline);
    writeStringTensor(w, 8, [strings.length], strings);
  }
  writeMetadata(w, 9, {
    pluginName: PLUGIN,
    content: enc.encode(JSON.stringify(env)),
    dataClass: DataClass.TENSOR,
  });
  w.end(v);
}

/** Writes the run record value: the run's metadata and lineages exactly, with their texts when given. */
export function writeRunRecord(
  { w }: WriteContext,
  meta: Record<string, unknown> | undefined,
  lineages: unknown[] | undefined,
  records?: RunRecordTexts,
): void {
  const v = w.begin(1);
  w.string(1, RUN_TAG);
  const record = { meta: meta ?? null, lineages: lineages ?? null, ...(records ? { records } : {}) };
  writeStringTensor(w, 8, [1], [enc.encode(toJson(record))]);
  writeMetadata(w, 9, {
    pluginName: PLUGIN,
    content: enc.encode(JSON.stringify({ v: ENVELOPE_VERSION, run: true })),
    dataClass: DataClass.TENSOR,
  });
  w.end(v);
}
