/**
 * How a report shows values: bounded text and JSON, base64 for data URIs, CSV tables, media types.
 *
 * @module
 */
import type { PlxEvent } from "../model/event.ts";

export const MAX_TEXT = 20_000;
export const MAX_JSON = 200_000;

export const TABLE_ROWS = 50;
export const TABLE_COLS = 30;

export const MEDIA_MIME: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  bmp: "image/bmp",
  webp: "image/webp",
  svg: "image/svg+xml",
  wav: "audio/wav",
  mp4: "video/mp4",
  webm: "video/webm",
};

export function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

export function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

/** JSON-safe: non-finite numbers become strings ("NaN", "Infinity"), depth and size bounded by the caller. */
export function jsonSafe(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : String(v);
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  }
  return v;
}

/** Base64 of bytes (chunked, so large assets do not overflow the argument list). */
export function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** The first rows of CSV (or TSV) text, quotes handled. */
export function parseCsv(text: string, sep = ",", maxRows = TABLE_ROWS, maxCols = TABLE_COLS): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let q = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else q = false;
      } else cell += c;
    } else if (c === '"') q = true;
    else if (c === sep) {
      row.push(cell);
      cell = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row.slice(0, maxCols));
      row = [];
      cell = "";
    } else cell += c;
  }
  if ((cell !== "" || row.length) && rows.length < maxRows) {
    row.push(cell);
    rows.push(row.slice(0, maxCols));
  }
  return rows;
}

/** The value shown for a non-media event (bounded in size). */
export function shownValue(e: PlxEvent): { value: unknown; note?: string } {
  if (e.type === "text" || e.type === "html") {
    const s = e.value;
    return s.length > MAX_TEXT
      ? { value: s.slice(0, MAX_TEXT), note: `cut to ${MAX_TEXT} of ${s.length} characters` }
      : { value: s };
  }
  const v = jsonSafe(e.value);
  if (e.type === "chart" || e.type === "span" || e.type === "model" || e.type === "artifact") {
    const text = JSON.stringify(v) ?? "null";
    if (text.length > MAX_JSON) {
      return { value: null, note: `${(text.length / 1e6).toFixed(1)} MB of JSON: too large to show` };
    }
  }
  return { value: v };
}

export function mb(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}
