/**
 * PostgreSQL COPY text format, written by hand: fields separated by a tab, rows by a newline, NULL
 * as `\N`, and backslash, tab, newline and carriage return escaped with a backslash. Generators
 * escape their dictionaries once at start-up and concatenate fields on the hot path.
 */

/** The COPY text form of SQL NULL. */
export const NULL = "\\N";

const NEEDS_ESCAPE = /[\\\t\n\r]/;

/** Escape a value for COPY text format (the common case, nothing to escape, returns `s`). */
export function copyEscape(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = "";
  for (const ch of s) {
    if (ch === "\\") out += "\\\\";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else out += ch;
  }
  return out;
}

/** A text[] literal (`{"a","b"}`) for COPY, elements quoted and escaped. */
export function copyTextArray(items: readonly string[]): string {
  if (items.length === 0) return "{}";
  let out = "{";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    out += `"${items[i]!.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return copyEscape(`${out}}`);
}

/** The COPY text of any JavaScript value: null/undefined → NULL, Date → ISO, arrays → text[], objects → JSON. */
export function copyValue(v: unknown): string {
  if (v === null || v === undefined) return NULL;
  if (typeof v === "string") return copyEscape(v);
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "t" : "f";
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return copyTextArray(v.map(String));
  return copyEscape(JSON.stringify(v));
}

const DAY_MS = 86_400_000;
const dateCache = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (days since 1970-01-01, UTC); memoised, there are few distinct days. */
export function isoDay(day: number): string {
  let s = dateCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dateCache.size < 200_000) dateCache.set(day, s);
  }
  return s;
}

/** Day number (days since 1970-01-01, UTC) of a `YYYY-MM-DD` string or a Date. */
export function dayNumber(d: string | Date): number {
  const t = typeof d === "string" ? Date.parse(`${d.slice(0, 10)}T00:00:00Z`) : d.getTime();
  if (Number.isNaN(t)) throw new RangeError(`not a date: ${String(d)}`);
  return Math.floor(t / DAY_MS);
}

/** `n` with exactly `decimals` digits after the point (no exponent form for the ranges we draw). */
export function fixed(n: number, decimals: number): string {
  return n.toFixed(decimals);
}
