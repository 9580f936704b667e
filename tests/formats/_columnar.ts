/**
 * Shared helpers of the JSONL and Parquet tests: an in-memory event source and fast-check generators of
 * canonical events covering every kind.
 *
 * @module
 */
import fc from "../_fc.ts";
import type { PlxEvent } from "../../src/model/event.ts";
import { type EventSource, runItem, type RunSource } from "../../src/convert/pipeline.ts";

/** An in-memory source: runs in the given order, `failAfter` makes a run throw after its first batch. */
export function memorySource(
  runs: [string, PlxEvent[]][],
  options: { assets?: Record<string, Uint8Array>; failRun?: string; batch?: number } = {},
): EventSource {
  return {
    async *runs() {
      for (const [id, events] of runs) {
        const source: RunSource = {
          info: { id },
          async *batches() {
            const n = options.batch ?? 100;
            for (let i = 0; i < events.length; i += n) {
              yield { events: events.slice(i, i + n), diagnostics: [] };
              if (options.failRun === id) throw new Error("source broke");
            }
          },
          readAsset: (rel) => Promise.resolve(options.assets?.[rel] ?? null),
        };
        yield runItem(source);
      }
    },
  };
}

/** Groups events by run (first-appearance order), keeping each run's order. */
export function byRun(events: PlxEvent[]): [string, PlxEvent[]][] {
  const m = new Map<string, PlxEvent[]>();
  for (const e of events) {
    const l = m.get(e.run) ?? [];
    l.push(e);
    m.set(e.run, l);
  }
  return [...m];
}

/** The order a Parquet dataset gives back: by run as written, then kind (sorted), then as written. */
export function parquetOrder(runs: [string, PlxEvent[]][]): PlxEvent[] {
  const out: PlxEvent[] = [];
  for (const [, events] of runs) {
    const kinds = [...new Set(events.map((e) => e.kind))].sort();
    for (const k of kinds) out.push(...events.filter((e) => e.kind === k));
  }
  return out;
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const floats = fc.array(fc.oneof(finite, fc.constant(null)), { maxLength: 5 });
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const key = fc.string({ maxLength: 4 }).filter((k) => k !== "__proto__");
const name = fc.oneof(
  fc.constantFrom("loss", "café", "训练__acc", "a b"),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }),
);

const values = {
  metric: fc.double(),
  text,
  html: text,
  image: fc.record({ height: fc.integer(), width: fc.integer(), colorspace: fc.integer(), path: text }, {
    requiredKeys: [],
  }),
  histogram: fc.record({ values: floats, counts: floats }, { requiredKeys: [] }),
  curve: fc.record({ kind: fc.constantFrom("roc", "pr", "custom"), x: floats, y: floats, annotation: text }, {
    requiredKeys: [],
  }),
  confusion: fc.record({
    x: fc.array(fc.oneof(text, fc.integer())),
    y: fc.array(text),
    z: fc.array(fc.array(fc.integer())),
  }),
  artifact: fc.record({ kind: fc.constant("tsv"), path: text }),
  span: fc.record({
    uuid: fc.stringMatching(/^[0-9a-f]{32}$/),
    name: text,
    tags: fc.array(text, { maxLength: 3 }),
    inputs: fc.dictionary(key, fc.oneof(finite, text)),
  }, { requiredKeys: [] }),
  model: fc.record({ framework: text, path: text, spec: fc.dictionary(key, finite) }),
  chart: fc.record({
    kind: fc.constantFrom("plotly", "bokeh", "vega"),
    figure: fc.dictionary(key, fc.oneof(finite, text, fc.array(finite, { maxLength: 3 }))),
  }),
  audio: fc.record({
    sample_rate: finite,
    num_channels: fc.integer(),
    length_frames: fc.integer(),
    path: text,
    content_type: text,
  }, { requiredKeys: [] }),
  video: fc.record({
    height: fc.integer(),
    width: fc.integer(),
    colorspace: fc.integer(),
    path: text,
    content_type: text,
  }, { requiredKeys: [] }),
  dataframe: fc.record({ path: text, content_type: fc.constantFrom("csv", "html") }),
} as const;

/** Rebuilds null-prototype objects (fast-check's records) as plain ones, keeping key order. */
function plain<T>(v: T): T {
  if (Array.isArray(v)) return v.map(plain) as T;
  if (v && typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(v)) o[k] = plain((v as Record<string, unknown>)[k]);
    return o as T;
  }
  return v;
}

/** One canonical event of any value type (incl. an artifact-kind folder `tsv` and the resources scope). */
export const eventArb: fc.Arbitrary<PlxEvent> = fc.constantFrom(
  ...Object.keys(values) as (keyof typeof values)[],
)
  .chain((type) =>
    fc.record({
      run: fc.constantFrom("run0", "2f9c0e1d2b3a4c5d6e7f8091a2b3c4d5", "r-ü"),
      scope: type === "metric" ? fc.constantFrom("events", "resources") : fc.constant("events"),
      kind: fc.constant(type === "artifact" ? "tsv" : type),
      name,
      step: fc.option(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), {
        nil: null,
      }),
      timestamp: fc.record({
        micros: fc.integer({ min: -2208988800000000, max: 7258118400000000 }),
        offset: fc.option(fc.integer({ min: -86399, max: 86399 }), { nil: null }),
      }),
      type: fc.constant(type),
      value: values[type] as fc.Arbitrary<unknown>,
    }).map(plain) as fc.Arbitrary<PlxEvent>
  );
