/**
 * The series of a TensorBoard run as the reader names them: one Polyaxon series (kind, name) per tag and
 * kind, with names made file-safe and unique per kind within the run, the first metadata seen per tag, and
 * the last step and value of each series (for repeated steps and hparams outputs).
 *
 * @module
 */
import type { PlxEvent } from "../../model/event.ts";
import { toFqnName } from "../../model/names.ts";
import type { TbMetadata, TbValue } from "./_messages.ts";
import { StringInterner } from "./_proto.ts";
import type { ValueAt } from "./plugins/context.ts";

/** One Polyaxon series (kind, name) fed by one TensorBoard tag. */
export interface Series {
  /** The folder kind. */
  kind: string;
  /** The Polyaxon name. */
  name: string;
  /** Step of the last event, or null before any. */
  lastStep: number | null;
  /** Events that repeat or go back in step. */
  repeats: number;
  /** The last value (for hparams outputs). */
  lastValue: unknown;
}

/** What is known about one tag. */
export interface TagState {
  /** The first metadata seen for the tag (it applies to later values without any). */
  metadata: TbMetadata | null;
  /** The series used last (most tags feed one kind only). */
  last: Series | null;
  /** Every series of the tag, by kind (made when a tag feeds a second kind). */
  byKind: Map<string, Series> | null;
}

/**
 * A tag's Polyaxon name cut to fit a file name: names over 200 UTF-8 bytes keep their first ~180 bytes
 * and get `~<hash of the whole name>` appended (`onShorten` is called), so one long tag never fails a run.
 */
function shortName(name: string, onShorten: () => void): string {
  const bytes = new TextEncoder().encode(name);
  if (bytes.length <= 200) return name;
  onShorten();
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  let cut = new TextDecoder().decode(bytes.subarray(0, 180));
  if (cut.endsWith("\ufffd")) cut = cut.slice(0, -1); // (a character cut in half)
  return `${cut}~${h.toString(16).padStart(8, "0")}`;
}

/** A copy of metadata whose content outlives the record it came from. */
function keep(m: TbMetadata | null): TbMetadata | null {
  return m === null ? null : { ...m, content: m.content.slice() };
}

/** The tags and series of one run. */
export class SeriesTable {
  /** State by tag. */
  readonly tags: Map<string, TagState> = new Map();
  /** Every series, in order of first sight. */
  readonly series: Series[] = [];
  /** `<kind>/<name>` -> the original tag, for every series whose name is not its tag. */
  readonly tagMap: Record<string, string> = {};
  /** Tags as strings made once per distinct tag (records repeat the same few tags). */
  readonly interner: StringInterner = new StringInterner();
  #taken = new Set<string>(); // kind \0 name

  /** The series of the run with id `run`; `drop` counts what is not converted as it was. */
  constructor(readonly run: string, readonly drop: (reason: string) => void) {}

  /** The state of a value's tag, created on first sight; the first metadata seen applies from then on. */
  tag(v: TbValue): TagState {
    let st = this.tags.get(v.tag);
    if (st === undefined) {
      st = { metadata: keep(v.metadata), last: null, byKind: null };
      this.tags.set(v.tag, st);
    } else if (st.metadata === null && v.metadata !== null) st.metadata = keep(v.metadata);
    return st;
  }

  /** The series of `tag` for events of `kind`: its Polyaxon name is unique per kind within the run. */
  seriesOf(kind: string, tag: string): Series {
    let st = this.tags.get(tag);
    if (st === undefined) {
      st = { metadata: null, last: null, byKind: null };
      this.tags.set(tag, st);
    }
    if (st.last !== null && st.last.kind === kind) return st.last;
    const known = st.byKind?.get(kind);
    if (known !== undefined) return (st.last = known);
    let base = "";
    try {
      base = toFqnName(tag);
    } catch { /* empty tag */ }
    if (base === "" || base === "." || base === "..") base = "tag";
    base = shortName(
      base,
      () =>
        this.drop(
          "tags longer than 200 bytes (name shortened with a hash; full tag kept in run.plx.json tensorboard.tags)",
        ),
    );
    let name = base;
    for (let i = 2; this.#taken.has(kind + "\0" + name); i++) name = `${base}-${i}`;
    this.#taken.add(kind + "\0" + name);
    const s: Series = { kind, name, lastStep: null, repeats: 0, lastValue: undefined };
    (st.byKind ??= new Map()).set(kind, s);
    this.series.push(s);
    if (name !== tag) this.tagMap[`${kind}/${name}`] = tag;
    return (st.last = s);
  }

  /** Adds an event of series (`kind`, `tag`) to `at.out`, counting repeated or backward steps. */
  push(at: ValueAt, kind: string, tag: string, type: string, value: unknown): PlxEvent {
    const s = this.seriesOf(kind, tag);
    if (s.lastStep !== null && at.step <= s.lastStep) s.repeats++;
    s.lastStep = at.step;
    s.lastValue = value;
    const e = {
      run: this.run,
      scope: "events",
      kind,
      name: s.name,
      step: at.step,
      timestamp: at.ts,
      type,
      value,
    } as PlxEvent;
    at.out.push(e);
    return e;
  }
}
