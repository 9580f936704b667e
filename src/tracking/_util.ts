/**
 * Private helpers of {@linkcode Run}: argument checks (each error names its argument), synchronous file
 * utilities for assets, Python `repr` for hashing, span and dataframe conversion.
 *
 * @module
 */
import * as path from "node:path";
import { createHash } from "node:crypto";
import { toFqnName } from "../model/names.ts";
import { pyFloatRepr } from "../model/pyfloat.ts";
import { formatPyIsoformat, fromDate, parseTimestamp, type PlxTime } from "../model/time.ts";
import type { SpanValue } from "../schema/values.ts";
import type { SpanInput, TimeInput } from "./run.ts";

// ------------------------------------------------------------------------------------------------ checks

export function checkName(arg: string, name: unknown): string {
  if (typeof name !== "string") throw new TypeError(`${arg}: must be a string, got ${typeof name}`);
  if (name === "") throw new TypeError(`${arg}: a name is required`);
  const fqn = toFqnName(name);
  if (fqn === "" || fqn === "." || fqn === "..") {
    throw new RangeError(
      `${arg}: ${JSON.stringify(name)} has no usable characters after Polyaxon's name rules`,
    );
  }
  return fqn;
}

export function checkStep(step: unknown): number | null {
  if (step === undefined || step === null) return null;
  if (typeof step !== "number") throw new TypeError(`step: must be an integer, got ${typeof step}`);
  if (!Number.isFinite(step)) throw new RangeError(`step: must be a finite integer, got ${step}`);
  if (!Number.isSafeInteger(step)) throw new RangeError(`step: must be an integer, got ${step}`);
  return step;
}

export function toTime(arg: string, t: TimeInput | undefined): PlxTime | null {
  if (t === undefined) return null;
  if (t instanceof Date) {
    if (Number.isNaN(t.getTime())) throw new RangeError(`${arg}: invalid Date`);
    return fromDate(t);
  }
  if (typeof t === "string") {
    const p = parseTimestamp(t);
    if (p === null) throw new RangeError(`${arg}: ${JSON.stringify(t)} is not a datetime`);
    return p;
  }
  if (t && typeof t === "object" && typeof t.micros === "number" && Number.isFinite(t.micros)) return t;
  throw new TypeError(`${arg}: must be a Date, a PlxTime or a datetime string`);
}

export function checkNumbers(arg: string, a: unknown): number[] {
  if (!Array.isArray(a) && !(ArrayBuffer.isView(a) && !(a instanceof DataView))) {
    throw new TypeError(`${arg}: must be an array of numbers`);
  }
  const out = Array.from(a as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (typeof out[i] !== "number") throw new TypeError(`${arg}[${i}]: must be a number`);
  }
  return out;
}

export function checkObject(arg: string, o: unknown): Record<string, unknown> {
  if (o === null || typeof o !== "object" || Array.isArray(o)) {
    throw new TypeError(`${arg}: must be a plain object`);
  }
  return o as Record<string, unknown>;
}

export function md5_12(data: Uint8Array | string): string {
  return createHash("md5").update(data).digest("hex").slice(0, 12);
}

/** Python `repr` of JSON-like data (for hashing the env dict as Polyaxon does). */
export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (typeof v === "string") {
    const q = v.includes("'") && !v.includes('"') ? '"' : "'";
    let s = "";
    for (const ch of v) {
      const c = ch.codePointAt(0)!;
      if (ch === "\\") s += "\\\\";
      else if (ch === q) s += "\\" + q;
      else if (ch === "\n") s += "\\n";
      else if (ch === "\r") s += "\\r";
      else if (ch === "\t") s += "\\t";
      else if (c < 0x20 || c === 0x7f) s += "\\x" + c.toString(16).padStart(2, "0");
      else s += ch;
    }
    return q + s + q;
  }
  if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
  if (typeof v === "object") {
    return "{" + Object.entries(v as Record<string, unknown>).map(([k, x]) =>
      `${pyRepr(k)}: ${pyRepr(x)}`
    ).join(", ") +
      "}";
  }
  return pyRepr(String(v));
}

export function writeFileAtomicSync(abs: string, data: Uint8Array | string): void {
  Deno.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = `${path.dirname(abs)}/.${path.basename(abs)}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    if (typeof data === "string") Deno.writeTextFileSync(tmp, data);
    else Deno.writeFileSync(tmp, data);
    Deno.renameSync(tmp, abs);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* gone */ }
    throw e;
  }
}

export function copyPathSync(src: string, dst: string): void {
  const st = Deno.statSync(src);
  if (st.isDirectory) {
    Deno.mkdirSync(dst, { recursive: true });
    for (const e of Deno.readDirSync(src)) copyPathSync(path.join(src, e.name), path.join(dst, e.name));
  } else {
    Deno.mkdirSync(path.dirname(dst), { recursive: true });
    Deno.copyFileSync(src, dst);
  }
}

export function hashPathSync(p: string): string {
  const st = Deno.statSync(p);
  if (!st.isDirectory) return md5_12(Deno.readFileSync(p));
  const h = createHash("md5");
  const walk = (d: string) => {
    const entries = [...Deno.readDirSync(d)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory) walk(full);
      else h.update(Deno.readFileSync(full));
    }
  };
  walk(p);
  return h.digest("hex").slice(0, 12);
}

export function statOrThrow(arg: string, p: string): Deno.FileInfo {
  try {
    return Deno.statSync(p);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new TypeError(`${arg}: no such file or folder: ${p}`);
    throw e;
  }
}

// ------------------------------------------------------------------------------------------------ helpers

export function sniffVideo(b: Uint8Array): string | null {
  if (b.length >= 6 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return "gif";
  if (b.length >= 12 && b[4] === 0x66 && b[5] === 0x74 && b[6] === 0x79 && b[7] === 0x70) return "mp4";
  if (b.length >= 4 && b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return "webm";
  return null;
}

export function toSpanValue(span: SpanInput, where: string): SpanValue {
  const s = span as SpanInput & Record<string, unknown>;
  const time = (arg: string, t: unknown) => {
    const p = toTime(`${where}.${arg}`, t as TimeInput | undefined);
    return p ? formatPyIsoformat(p) : undefined;
  };
  const uuid = (s.uuid ?? crypto.randomUUID()).replaceAll("-", "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(uuid)) {
    throw new RangeError(`${where}.uuid: must be 32 hex digits, got ${s.uuid}`);
  }
  const children = s.children;
  if (children !== undefined && !Array.isArray(children)) {
    throw new TypeError(`${where}.children: must be an array`);
  }
  return {
    uuid,
    name: s.name,
    tags: s.tags,
    started_at: time("startedAt", s.startedAt ?? s.started_at),
    finished_at: time("finishedAt", s.finishedAt ?? s.finished_at),
    status: s.status,
    metadata: s.metadata,
    inputs: s.inputs,
    outputs: s.outputs,
    children: children?.map((c, i) =>
      toSpanValue(checkObject(`${where}.children[${i}]`, c) as SpanInput, `${where}.children[${i}]`)
    ),
    kind: s.kind,
  };
}

export function csvCell(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = "";
  else if (typeof v === "number") s = Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  else if (typeof v === "boolean") s = v ? "True" : "False";
  else s = typeof v === "object" ? JSON.stringify(v) : String(v);
  return /[",\n\r]/.test(s) ? '"' + s.replaceAll('"', '""') + '"' : s;
}

/** pandas `DataFrame(rows).to_csv()`: index column (empty header), then columns in first-seen order. */
export function toPandasCsv(rows: Record<string, unknown>[]): string {
  const cols: string[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    checkObject(`data[${i}]`, r);
    for (const k of Object.keys(r)) if (!seen.has(k)) seen.add(k), cols.push(k);
  });
  let out = "," + cols.map(csvCell).join(",") + "\n";
  rows.forEach((r, i) => {
    out += i + "," + cols.map((c) => csvCell(r[c])).join(",") + "\n";
  });
  return out;
}
