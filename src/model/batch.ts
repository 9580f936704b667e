/**
 * A batch of canonical events as readers yield them and sinks take them: the events of a span of lines
 * with the diagnostics met reading them, optionally held as metric columns (the fast path).
 *
 * @module
 */
import type { Diagnostic } from "../diagnostics.ts";
import { type MetricColumns, metricEvents, type PlxEvent } from "./event.ts";

/** One step of reading: the events and diagnostics of a span of lines. */
export interface PlxBatch {
  /** The events read, in file order. */
  events: PlxEvent[];
  /** Problems met in these lines. */
  diagnostics: Diagnostic[];
  /** 1-based line number of each event (same length as `events`), when the reader knows it. */
  lines?: number[];
  /**
   * The same events as columns, when they are all metric rows of one file (the reader's fast path). Then
   * `events` and `lines` are made from these on first access: consumers that can take columns (the JSONL
   * and Parquet writers) skip the objects altogether.
   */
  metrics?: MetricColumns;
}

/**
 * A batch of metric rows held as columns; the event objects (and line numbers) are made only when asked
 * for. Sources with a columnar fast path (plx, Parquet) yield these.
 *
 * @example
 * ```ts
 * import { MetricBatch } from "./batch.ts";
 * import { PlxReader } from "../formats/plx/read.ts";
 *
 * const bytes = new TextEncoder().encode("step|timestamp|metric\n1|2025-03-01 09:15:02+00:00|0.5");
 * const reader = new PlxReader({ run: "r", scope: "events", kind: "metric", name: "loss", file: "loss.plx" });
 * for await (const read of reader.read([bytes])) {
 *   if (!read.metrics || read.metrics.length === 0) continue;
 *   const batch = new MetricBatch(read.metrics, []); // the same rows, as columns and (on demand) as events
 *   if (batch.metrics.value[0] !== 0.5 || batch.events[0].value !== 0.5) throw new Error("one row, two views");
 * }
 * ```
 */
export class MetricBatch implements PlxBatch {
  #events: PlxEvent[] | null = null;
  #lines: number[] | null = null;
  /** A batch of the rows in `metrics`, with the diagnostics met reading them. */
  constructor(readonly metrics: MetricColumns, readonly diagnostics: Diagnostic[]) {}
  /** The rows as event objects, made on first access ({@linkcode metricEvents}). */
  get events(): PlxEvent[] {
    return this.#events ??= metricEvents(this.metrics);
  }
  get lines(): number[] {
    return this.#lines ??= Array.from(this.metrics.line);
  }
}
