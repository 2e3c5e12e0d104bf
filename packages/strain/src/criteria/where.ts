import type { Tags } from "../metrics/types.js";
import type { TagCondition, WhereFilter } from "./definition.js";
import type { TagMatch } from "./resolved.js";

/**
 * Tag filters. In objects: `{ category: "login" }`, `{ status: { in: ["500", "502"] } }`,
 * `{ name: { not: "health" } }`, `{ category: { not: { in: ["a", "b"] } } }`. In text (rows and k6
 * threshold keys): `{category:login,status:in(500,502),name:!health,category:!in(a,b)}`; a value
 * with other characters than letters, digits and `_ . - / * @ +` is written as a JSON string.
 */

/** Normalise a (valid) filter into matches, sorted by tag. */
export function toTagMatches(where: WhereFilter | undefined): TagMatch[] {
  if (where === undefined) return [];
  return Object.keys(where)
    .sort()
    .map((tag) => matchOf(tag, where[tag]!));
}

function matchOf(tag: string, c: TagCondition): TagMatch {
  if (typeof c === "string") return { tag, values: [c], negate: false };
  if ("in" in c) return { tag, values: [...c.in], negate: false };
  const inner = c.not;
  return { tag, values: typeof inner === "string" ? [inner] : [...inner.in], negate: true };
}

/** Back to the object form (the inverse of `toTagMatches` for filters in canonical form). */
export function toWhereFilter(matches: readonly TagMatch[]): WhereFilter {
  const out: Record<string, TagCondition> = {};
  for (const m of matches) {
    const positive: TagCondition = m.values.length === 1 ? m.values[0]! : { in: [...m.values] };
    setOwn(
      out,
      m.tag,
      m.negate ? { not: typeof positive === "string" ? positive : { in: [...m.values] } } : positive,
    );
  }
  return out;
}

/** Does a sample's tag set satisfy every condition? A missing tag equals no value. */
export function matchesTags(tags: Tags, where: readonly TagMatch[]): boolean {
  for (const m of where) {
    const v = Object.hasOwn(tags, m.tag) ? tags[m.tag] : undefined;
    const hit = v !== undefined && m.values.includes(v);
    if (hit === m.negate) return false;
  }
  return true;
}

/** Problems with a filter object, each with its path below `where`. */
export function whereProblems(where: unknown): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (typeof where !== "object" || where === null || Array.isArray(where)) {
    return [{ path: [], message: "must be an object: tag → value, { in: [...] } or { not: ... }" }];
  }
  for (const [tag, c] of Object.entries(where)) {
    if (tag === "") out.push({ path: [tag], message: "a tag name must not be empty" });
    conditionProblems(c, [tag], out, false);
  }
  return out;
}

function conditionProblems(
  c: unknown,
  path: (string | number)[],
  out: { path: (string | number)[]; message: string }[],
  inNot: boolean,
): void {
  if (typeof c === "string") {
    if (c === "") out.push({ path, message: "must not be empty" });
    return;
  }
  if (typeof c !== "object" || c === null || Array.isArray(c)) {
    out.push({ path, message: 'must be a tag value, { in: ["a", "b"] } or { not: ... }' });
    return;
  }
  const keys = Object.keys(c);
  if (keys.length !== 1 || (keys[0] !== "in" && keys[0] !== "not")) {
    out.push({ path, message: `must have exactly one key, in or not (got ${keys.join(", ") || "none"})` });
    return;
  }
  const rec = c as Record<string, unknown>;
  if (keys[0] === "in") {
    const list = rec.in;
    if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== "string" || v === "")) {
      out.push({ path: [...path, "in"], message: "must be a non-empty list of tag values (strings)" });
    }
    return;
  }
  if (inNot) {
    out.push({ path: [...path, "not"], message: "a negation cannot hold another negation" });
    return;
  }
  conditionProblems(rec.not, [...path, "not"], out, true);
}

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const BARE_VALUE = /^[A-Za-z0-9_.\-/*@+]+$/;

function atom(s: string, bare: RegExp): string {
  return bare.test(s) && !s.startsWith("in(") ? s : JSON.stringify(s);
}

/** `{category:login,status:in(500,502)}`; "" for no conditions. */
export function formatWhere(matches: readonly TagMatch[]): string {
  if (matches.length === 0) return "";
  const parts = matches.map((m) => {
    const values = m.values.map((v) => atom(v, BARE_VALUE));
    const body = m.values.length === 1 ? values[0]! : `in(${values.join(",")})`;
    return `${atom(m.tag, BARE_KEY)}:${m.negate ? "!" : ""}${body}`;
  });
  return `{${parts.join(",")}}`;
}

/** A parse failure at a character offset. */
export class TextError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

/**
 * Parse a filter starting at `text[pos] === "{"`; returns the filter and the offset after `}`.
 * Unquoted values run to the next `,` or `}` (k6 threshold keys hold values like URLs with `:`).
 */
export function parseWhereAt(text: string, pos: number): { where: WhereFilter; end: number } {
  let i = pos + 1;
  const where: Record<string, TagCondition> = {};
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const quoted = (): string => {
    const end = closingQuote(text, i);
    if (end < 0) throw new TextError("unterminated string", i);
    const s = parseJsonString(text.slice(i, end + 1), i);
    i = end + 1;
    return s;
  };
  const raw = (stops: string): string => {
    const start = i;
    while (i < text.length && !stops.includes(text[i]!)) i++;
    return text.slice(start, i).trim();
  };
  const value = (stops: string): string => {
    ws();
    const v = text[i] === '"' ? quoted() : raw(stops);
    if (v === "") throw new TextError("a tag value is missing", i);
    ws();
    return v;
  };
  ws();
  if (text[i] === "}") return { where, end: i + 1 };
  for (;;) {
    ws();
    const key = text[i] === '"' ? quoted() : raw(":,}");
    if (key === "") throw new TextError("a tag name is missing", i);
    ws();
    if (text[i] !== ":") throw new TextError(`expected ":" after tag "${key}"`, i);
    i++;
    ws();
    let negate = false;
    if (text[i] === "!") {
      negate = true;
      i++;
      ws();
    }
    let cond: TagCondition;
    if (text.startsWith("in(", i)) {
      i += 3;
      const values: string[] = [];
      for (;;) {
        values.push(value(",)"));
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] !== ")") throw new TextError('expected "," or ")" in in(...)', i);
        i++;
        break;
      }
      cond = { in: values };
    } else cond = value(",}");
    if (Object.hasOwn(where, key)) throw new TextError(`tag "${key}" appears twice`, i);
    setOwn(where, key, negate ? { not: cond as string | { in: string[] } } : cond);
    ws();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return { where, end: i + 1 };
    throw new TextError('expected "," or "}" in the tag filter', i);
  }
}

/** Offset of the quote closing the JSON string that opens at `start`, or -1. */
export function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}

/** A JSON string literal's value; a bad escape is a TextError at `at`. */
export function parseJsonString(literal: string, at: number): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw new TextError(`${literal} is not a valid string`, at);
  }
}

/** Set an own property, even one named `__proto__` (a tag may be called anything). */
function setOwn<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}
