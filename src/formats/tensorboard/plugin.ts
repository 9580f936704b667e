/**
 * The `plxkit` TensorBoard plugin: an exact copy of each canonical event, written next to its
 * TensorBoard-native rendering so that plx -> TensorBoard -> plx loses nothing (spec §4.9 option 5).
 *
 * Layout of one plxkit value (tag `plxkit/<scope>/<kind>/<name>`):
 * - `metadata.plugin_data.plugin_name = "plxkit"`, `data_class = DATA_CLASS_TENSOR` (so TensorBoard keeps it),
 *   `content` = the UTF-8 JSON {@linkcode Envelope};
 * - `tensor`: for a metric, a rank-0 DT_DOUBLE (the exact float64); for every other type a DT_STRING vector
 *   `[value JSON]` or `[value JSON, asset bytes]`.
 *
 * @module
 */
import { PyFloat } from "../../json/python.ts";
import { pyFloatRepr } from "../../model/pyfloat.ts";

/** The plugin name. */
export const PLUGIN = "plxkit";

/** Envelope version. */
export const ENVELOPE_VERSION = 1;

/** Per-event data kept in the plugin content. */
export interface Envelope {
  v: number;
  /** Event scope, kind, name, type, as in the canonical model. */
  scope: string;
  kind: string;
  name: string;
  type: string;
  /** The exact step (`null` when the event had none; the TensorBoard step is then a per-tag counter). */
  step: number | null;
  /** Timestamp: microseconds and UTC offset in seconds (`null` = naive). */
  ts: [number, number | null];
  /** The native tag this event was also written under, when it was. */
  tag?: string;
  /** Where the asset bytes are: `native` = in the native value (image/audio), `inline` = 2nd string. */
  asset?: "native" | "inline";
}

/** Envelope of the run-level record (tag `plxkit/run`). */
export interface RunEnvelope {
  v: number;
  run: true;
}

/** The tag of the plxkit copy of an event. */
export function pluginTag(scope: string, kind: string, name: string): string {
  return `${PLUGIN}/${scope}/${kind}/${name}`;
}

/** The tag of the run-level record. */
export const RUN_TAG = `${PLUGIN}/run`;

/**
 * JSON that keeps NaN, infinities and -0 (as `{"$f":"nan"}` objects) and Python floats (`{"$f":"py:6.0"}`)
 * for values that hold them.
 */
export function toJson(v: unknown): string {
  return JSON.stringify(v, function (this: Record<string, unknown>, k, x) {
    // a Python float (chart figures read from plx) keeps its spelling: {"$f":"py:6.0"}
    if (this[k] instanceof PyFloat) return { $f: `py:${pyFloatRepr((this[k] as PyFloat).value)}` };
    if (typeof x === "number" && (!Number.isFinite(x) || Object.is(x, -0))) {
      return { $f: Number.isNaN(x) ? "nan" : x === 0 ? "-0" : x > 0 ? "inf" : "-inf" };
    }
    return x;
  });
}

/** Parses {@linkcode toJson} output. */
export function fromJson(s: string): unknown {
  return JSON.parse(s, (_k, x) => {
    if (x && typeof x === "object" && !Array.isArray(x)) {
      const keys = Object.keys(x);
      if (keys.length === 1 && keys[0] === "$f") {
        const f = x.$f;
        if (typeof f === "string" && f.startsWith("py:")) return new PyFloat(Number(f.slice(3)));
        return f === "nan" ? NaN : f === "inf" ? Infinity : f === "-inf" ? -Infinity : f === "-0" ? -0 : x;
      }
    }
    return x;
  });
}
