/**
 * Log capture into `plxlogs/logs.jsonl`, as traceml's log processor does for a new run: every line written
 * through `console.*`, `Deno.stdout` or `Deno.stderr` becomes one V1Log record
 * `{"timestamp","node","pod","container","value"}` (node `POLYAXON_K8S_NODE_NAME` or `local`, pod
 * `POLYAXON_K8S_POD_ID` or the OS user, container the host name), the text still reaching the terminal.
 * Lines are split and trimmed as traceml's `LogStreamWriter` (`buf.rstrip().splitlines()`, each `rstrip()`).
 *
 * @module
 */
import { format } from "node:util";
import { formatPyIsoformat, nowUtc } from "../model/time.ts";
import { compactJsonWith } from "../json/python.ts";
import { osUser } from "./_env.ts";

/** Where captured lines go (the run's writer). */
export type LogSink = (line: string) => void;

const METHODS = ["log", "info", "warn", "error", "debug", "trace"] as const;
type Saved = {
  console: Record<string, unknown>;
  out: unknown;
  outSync: unknown;
  err: unknown;
  errSync: unknown;
};

let active: { sink: LogSink; saved: Saved } | null = null;
let busy = false;

function env(k: string): string | undefined {
  try {
    return Deno.env.get(k);
  } catch {
    return undefined;
  }
}

/** Splits text into the lines traceml records (`text.rstrip().splitlines()`, each line `rstrip()`ed). */
export function logLines(text: string): string[] {
  const t = text.replace(/\s+$/, "");
  return t === ""
    ? []
    : t.split(/\r\n|[\n\r\v\f\u001c\u001d\u001e\u0085\u2028\u2029]/).map((l) => l.replace(/\s+$/, ""));
}

/**
 * Starts capturing into `sink` (one capture at a time: a second run takes it over). Returns the function
 * that stops it and restores `console` and the standard streams.
 *
 * @param sink Receives each record's JSON text.
 * @returns Stop function (idempotent).
 */
export function startLogCapture(sink: LogSink): () => void {
  const node = env("POLYAXON_K8S_NODE_NAME") ?? "local";
  const pod = env("POLYAXON_K8S_POD_ID") ?? osUser();
  let container = "";
  try {
    container = Deno.hostname();
  } catch { /* no --allow-sys */ }
  const record = (text: string) => {
    if (busy) return;
    busy = true;
    try {
      for (const value of logLines(text)) {
        const ts = formatPyIsoformat(nowUtc());
        sink(compactJsonWith({ timestamp: ts, node, pod, container, value }, String));
      }
    } catch {
      /* a closed run records nothing */
    } finally {
      busy = false;
    }
  };
  if (active) stop(active.saved);
  const c = console as unknown as Record<string, (...a: unknown[]) => void>;
  const saved: Saved = {
    console: Object.fromEntries(METHODS.map((m) => [m, c[m]])),
    out: Deno.stdout.write,
    outSync: Deno.stdout.writeSync,
    err: Deno.stderr.write,
    errSync: Deno.stderr.writeSync,
  };
  for (const m of METHODS) {
    const orig = c[m];
    c[m] = (...args: unknown[]) => {
      record(format(...args));
      orig.apply(console, args);
    };
  }
  const dec = new TextDecoder();
  for (const s of [Deno.stdout, Deno.stderr]) {
    const w = s.write.bind(s);
    const ws = s.writeSync.bind(s);
    (s as { write: typeof w }).write = (p: Uint8Array) => (record(dec.decode(p)), w(p));
    (s as { writeSync: typeof ws }).writeSync = (p: Uint8Array) => (record(dec.decode(p)), ws(p));
  }
  const me = { sink, saved };
  active = me;
  return () => {
    if (active === me) {
      stop(saved);
      active = null;
    }
  };
}

function stop(saved: Saved): void {
  const c = console as unknown as Record<string, unknown>;
  for (const m of METHODS) c[m] = saved.console[m];
  Object.assign(Deno.stdout, { write: saved.out, writeSync: saved.outSync });
  Object.assign(Deno.stderr, { write: saved.err, writeSync: saved.errSync });
}
