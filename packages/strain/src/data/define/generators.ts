import { tryParseDuration } from "../../plan/duration.js";
import type { Duration } from "../../plan/types.js";
import { dayNumber } from "../copy-text.js";
import type { RowContext } from "./row-context.js";

/**
 * Column generators for `defineDataset`: each builder returns a small description (data, not
 * behaviour). `defineDataset` checks every description at once, then compiles it into a closure
 * that writes COPY text (compile.ts). Builders never throw: a bad argument becomes a problem
 * listed with the column's path, so one error names everything wrong with a dataset.
 */

/** A value a column can hold as-is: what `choice` and `constant` accept. */
export type Scalar = string | number | boolean | null;

/** A date as `YYYY-MM-DD` (or a full ISO timestamp) or a Date. */
export type DateLike = string | Date;

/** Which locale list a name comes from, and for first names which gender. */
export interface NameOptions {
  /** Locale code (`ke`, `ph`, …); default: the dataset's `locale`. */
  readonly locale?: string;
  /** Only male or only female first names; default: either, half and half. */
  readonly gender?: "male" | "female";
  /**
   * A column of the same row (`"sex"`) or of an ancestor (`"people.sex"`) whose value says the
   * gender: `f`, `F`, `female` (any case) mean female, anything else male.
   */
  readonly genderFrom?: string;
}

// ── descriptions ──────────────────────────────────────────────────────────────────────────────

interface Base {
  /** Argument problems found by the builder, reported with the column's path. */
  readonly problems: readonly string[];
  /** Built from the row key (a bijection of it), so unique by construction. */
  readonly keyDerived: boolean;
}

export interface ChoiceSpec extends Base {
  readonly kind: "choice";
  readonly values: readonly unknown[];
  readonly weights: readonly number[];
}
export interface IntSpec extends Base {
  readonly kind: "int";
  readonly min: number;
  readonly max: number;
}
export interface RealSpec extends Base {
  readonly kind: "real";
  readonly min: number;
  readonly max: number;
  readonly decimals: number;
}
export interface DateSpec extends Base {
  readonly kind: "date";
  /** Day numbers (days since 1970-01-01), both inclusive. */
  readonly from: number;
  readonly to: number;
}
export interface TimestampSpec extends Base {
  readonly kind: "timestamp";
  /** Epoch seconds, [from, to]. */
  readonly from: number;
  readonly to: number;
  /** Drawn after another date/timestamp column instead: that column + [min, max] seconds. */
  readonly after?: { readonly column: string; readonly min: number; readonly max: number };
}
export interface BoolSpec extends Base {
  readonly kind: "bool";
  readonly p: number;
}
export interface UuidSpec extends Base {
  readonly kind: "uuid";
}
export interface SequenceSpec extends Base {
  readonly kind: "sequence";
  readonly start: number;
  readonly prefix: string;
  readonly width: number;
}
export interface PatternSpec extends Base {
  readonly kind: "pattern";
  readonly pattern: string;
  /** Literal text and slots (`#` a digit, `?` a capital letter), in order. */
  readonly parts: readonly PatternPart[];
}
export type PatternPart = { readonly lit: string } | { readonly radix: 10 | 26 };
export interface NameSpec extends Base {
  readonly kind: "firstName" | "lastName" | "fullName";
  readonly options: NameOptions;
}
export interface PhoneSpec extends Base {
  readonly kind: "phone";
  readonly locale: string | undefined;
}
export interface EmailSpec extends Base {
  readonly kind: "email";
  readonly domain: string;
  readonly locale: string | undefined;
}
export interface RefSpec extends Base {
  readonly kind: "ref";
  readonly path: string;
}
export interface DeriveSpec extends Base {
  readonly kind: "derive";
  readonly fn: (row: Readonly<Record<string, unknown>>, ctx: RowContext) => unknown;
  readonly width: number;
}
export interface ConstantSpec extends Base {
  readonly kind: "constant";
  readonly value: unknown;
}
export interface NullableSpec extends Base {
  readonly kind: "nullable";
  /** Probability of NULL, or a test on the row so far (NULL when true). */
  readonly p: number | ((row: Readonly<Record<string, unknown>>, ctx: RowContext) => boolean);
  readonly inner: GenSpec;
}
export interface JsonSpec extends Base {
  readonly kind: "json";
  /** Object or array whose leaves are generators or plain JSON values. */
  readonly shape: unknown;
}
export interface ArraySpec extends Base {
  readonly kind: "array";
  readonly inner: GenSpec;
  readonly min: number;
  readonly max: number;
}
export interface ChildCountSpec extends Base {
  readonly kind: "childCount";
  readonly table: string;
}
export interface SumSpec extends Base {
  readonly kind: "sum";
  readonly path: string;
  readonly decimals: number | undefined;
}

/** Every kind of column generator, told apart by `kind`. */
export type GenSpec =
  | ChoiceSpec
  | IntSpec
  | RealSpec
  | DateSpec
  | TimestampSpec
  | BoolSpec
  | UuidSpec
  | SequenceSpec
  | PatternSpec
  | NameSpec
  | PhoneSpec
  | EmailSpec
  | RefSpec
  | DeriveSpec
  | ConstantSpec
  | NullableSpec
  | JsonSpec
  | ArraySpec
  | ChildCountSpec
  | SumSpec;

const BRAND = "~strain.generator";

/**
 * A column generator, made by one of the `gen` builders. Opaque: pass it as a column of
 * `defineDataset`, or to `nullable`, `array` and `json`.
 */
export interface Generator {
  readonly [BRAND]: GenSpec;
}

/** The description inside a generator, or undefined when `x` is not one. */
export function specOf(x: unknown): GenSpec | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  return (x as Partial<Generator>)[BRAND];
}

function make<S extends GenSpec>(spec: S): Generator {
  return { [BRAND]: spec };
}

const none: readonly string[] = [];

// ── checks shared by builders ─────────────────────────────────────────────────────────────────

function isInt(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n);
}

function isProbability(p: unknown): p is number {
  return typeof p === "number" && p >= 0 && p <= 1;
}

function show(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

function checkRange(name: string, min: unknown, max: unknown, integer: boolean, problems: string[]): void {
  const ok = integer ? isInt : (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);
  const what = integer ? "integers" : "finite numbers";
  if (!ok(min) || !ok(max)) problems.push(`${name}(${show(min)}, ${show(max)}): min and max must be ${what}`);
  else if (min > max) problems.push(`${name}(${min}, ${max}): min must not exceed max`);
}

function parseDay(v: unknown, label: string, problems: string[]): number {
  if (typeof v !== "string" && !(v instanceof Date)) {
    problems.push(`${label} must be a "YYYY-MM-DD" string or a Date (got ${show(v)})`);
    return 0;
  }
  try {
    return dayNumber(v);
  } catch {
    problems.push(`${label} is not a date: ${show(v)}`);
    return 0;
  }
}

function parseSeconds(v: unknown, label: string, problems: string[]): number {
  const ms =
    v instanceof Date
      ? v.getTime()
      : typeof v === "string"
        ? Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)
        : NaN;
  if (Number.isNaN(ms)) {
    problems.push(`${label} is not a date or ISO timestamp: ${show(v)}`);
    return 0;
  }
  return Math.floor(ms / 1000);
}

function durationSeconds(
  v: Duration | undefined,
  fallback: number,
  label: string,
  problems: string[],
): number {
  if (v === undefined) return fallback;
  const r = tryParseDuration(v);
  if (!r.ok) {
    problems.push(`${label}: ${r.error}`);
    return fallback;
  }
  return Math.floor(r.value / 1000);
}

// ── builders ──────────────────────────────────────────────────────────────────────────────────

/**
 * One of several values. `choice({ cash: 60, card: 40 })` weighs string values; `choice([1, 2, 3])`
 * picks uniformly; `choice([true, false], [9, 1])` weighs any values. Weights need not sum to 100.
 */
function choice(weights: Readonly<Record<string, number>>): Generator;
function choice(values: readonly Scalar[], weights?: readonly number[]): Generator;
function choice(a: Readonly<Record<string, number>> | readonly Scalar[], w?: readonly number[]): Generator {
  const problems: string[] = [];
  let values: unknown[];
  let weights: number[];
  if (Array.isArray(a)) {
    values = [...a];
    weights = w === undefined ? values.map(() => 1) : [...w];
    if (w !== undefined && w.length !== values.length)
      problems.push(`choice: ${values.length} values but ${w.length} weights`);
  } else if (typeof a === "object" && a !== null) {
    values = Object.keys(a);
    weights = Object.values(a as Record<string, number>);
  } else {
    problems.push(`choice: expects an object of weights or an array of values (got ${show(a)})`);
    values = [];
    weights = [];
  }
  if (values.length === 0) problems.push("choice: needs at least one value");
  const bad = weights.find((x) => typeof x !== "number" || !Number.isFinite(x) || x < 0);
  if (bad !== undefined) problems.push(`choice: weights must be finite numbers ≥ 0 (got ${show(bad)})`);
  else if (values.length > 0 && weights.reduce((s, x) => s + x, 0) <= 0)
    problems.push("choice: the weights add up to 0");
  const odd = values.find((v) => v !== null && !["string", "number", "boolean"].includes(typeof v));
  if (odd !== undefined)
    problems.push(`choice: values must be strings, numbers, booleans or null (got ${show(odd)})`);
  return make({ kind: "choice", values, weights, problems, keyDerived: false });
}

/** A uniform integer in [min, max], both inclusive. */
function int(min: number, max: number): Generator {
  const problems: string[] = [];
  checkRange("int", min, max, true, problems);
  return make({ kind: "int", min, max, problems, keyDerived: false });
}

/** A uniform number in [min, max] with `decimals` digits after the point (default 2): prices, weights. */
function real(min: number, max: number, options: { readonly decimals?: number } = {}): Generator {
  const problems: string[] = [];
  const decimals = options.decimals ?? 2;
  checkRange("real", min, max, false, problems);
  if (!isInt(decimals) || decimals < 0 || decimals > 9)
    problems.push(`real: decimals must be an integer from 0 to 9 (got ${show(decimals)})`);
  return make({ kind: "real", min, max, decimals, problems, keyDerived: false });
}

/** A uniform day in [from, to], both inclusive, written `YYYY-MM-DD`. */
function date(range: { readonly from: DateLike; readonly to: DateLike }): Generator {
  const problems: string[] = [];
  const from = parseDay(range?.from, "date: from", problems);
  const to = parseDay(range?.to, "date: to", problems);
  if (problems.length === 0 && from > to) problems.push("date: from is after to");
  return make({ kind: "date", from, to, problems, keyDerived: false });
}

/** Where a timestamp is drawn: a fixed window, or shortly after another date/timestamp column. */
export type TimestampRange =
  | { readonly from: DateLike; readonly to: DateLike }
  | {
      /** A date or timestamp column: `"created_at"` (same row) or `"orders.created_at"` (an ancestor). */
      readonly after: string;
      /** Latest offset after it (`"2h"`, or milliseconds). */
      readonly within: Duration;
      /** Earliest offset after it; default 0. */
      readonly atLeast?: Duration;
    };

/**
 * A uniform UTC timestamp to the second, written `YYYY-MM-DDTHH:MM:SSZ`: in [from, to], or
 * `after` another column by `atLeast`…`within` (a payment after its order). Its value in `derive`
 * is that text.
 */
function timestamp(range: TimestampRange): Generator {
  const problems: string[] = [];
  if (typeof range === "object" && range !== null && "after" in range) {
    if (typeof range.after !== "string" || range.after === "")
      problems.push("timestamp: after must name a column");
    const max = durationSeconds(range.within, 0, "timestamp: within", problems);
    const min = durationSeconds(range.atLeast, 0, "timestamp: atLeast", problems);
    if (range.within === undefined)
      problems.push('timestamp: after needs within (how long after, e.g. "2h")');
    if (min > max) problems.push("timestamp: atLeast exceeds within");
    return make({
      kind: "timestamp",
      from: 0,
      to: 0,
      after: { column: String(range.after), min, max },
      problems,
      keyDerived: false,
    });
  }
  const r = (range ?? {}) as { from?: unknown; to?: unknown };
  const from = parseSeconds(r.from, "timestamp: from", problems);
  // A bare date as `to` means the whole of that day.
  const toRaw = parseSeconds(r.to, "timestamp: to", problems);
  const to = typeof r.to === "string" && r.to.length === 10 ? toRaw + 86_399 : toRaw;
  if (problems.length === 0 && from > to) problems.push("timestamp: from is after to");
  return make({ kind: "timestamp", from, to, problems, keyDerived: false });
}

/** True with probability `p` (default 0.5), written `t` / `f`. */
function bool(p = 0.5): Generator {
  const problems = isProbability(p) ? none : [`bool: p must be a probability from 0 to 1 (got ${show(p)})`];
  return make({ kind: "bool", p, problems, keyDerived: false });
}

/**
 * A version-4-shaped UUID built from the row key (ids.ts `uuidOf`): distinct rows of a table never
 * share one, so it may be declared `unique`. Each table and column has its own namespace.
 */
function uuid(): Generator {
  return make({ kind: "uuid", problems: none, keyDerived: true });
}

/**
 * `start + key`: 1, 2, 3 … on the root table. On a child table the key is
 * `parentKey × maxCount + k`, so numbers are unique but have gaps. With `prefix` or `width` it is
 * text (`sequence({ prefix: "M-", width: 6 })` → `M-000001`), otherwise an integer.
 */
function sequence(
  options: { readonly start?: number; readonly prefix?: string; readonly width?: number } = {},
): Generator {
  const problems: string[] = [];
  const start = options.start ?? 1;
  const width = options.width ?? 0;
  const prefix = options.prefix ?? "";
  if (!isInt(start) || start < 0)
    problems.push(`sequence: start must be an integer ≥ 0 (got ${show(start)})`);
  if (!isInt(width) || width < 0 || width > 16)
    problems.push(`sequence: width must be an integer from 0 to 16 (got ${show(width)})`);
  if (typeof prefix !== "string") problems.push("sequence: prefix must be a string");
  return make({ kind: "sequence", start, prefix, width, problems, keyDerived: true });
}

/**
 * Text from a template: `#` is a digit, `?` a capital letter, `\#` and `\?` are themselves, anything
 * else is kept (`pattern("POS-####-??")` → `POS-4821-KD`). Random by default; with
 * `{ unique: true }` the slots spell a scrambled form of the row key instead, so values never
 * repeat and the column may be declared `unique` (the pattern must have room for every key).
 */
function pattern(template: string, options: { readonly unique?: boolean } = {}): Generator {
  const problems: string[] = [];
  const parts: PatternPart[] = [];
  if (typeof template !== "string") problems.push(`pattern: expects a string (got ${show(template)})`);
  else {
    let lit = "";
    for (let i = 0; i < template.length; i++) {
      const ch = template[i]!;
      if (ch === "\\" && (template[i + 1] === "#" || template[i + 1] === "?")) {
        lit += template[++i];
      } else if (ch === "#" || ch === "?") {
        if (lit !== "") parts.push({ lit });
        lit = "";
        parts.push({ radix: ch === "#" ? 10 : 26 });
      } else lit += ch;
    }
    if (lit !== "") parts.push({ lit });
    if (!parts.some((p) => "radix" in p)) problems.push(`pattern ${show(template)} has no # or ? slot`);
    if (/[\t\n\r\\]/.test(parts.map((p) => ("lit" in p ? p.lit : "")).join("")))
      problems.push(`pattern ${show(template)}: tabs, newlines and backslashes are not allowed`);
  }
  const unique = options.unique === true;
  return make({ kind: "pattern", pattern: String(template), parts, problems, keyDerived: unique });
}

function nameGen(kind: NameSpec["kind"], options: NameOptions = {}): Generator {
  const problems: string[] = [];
  const g = options.gender;
  if (g !== undefined && g !== "male" && g !== "female")
    problems.push(`${kind}: gender must be "male" or "female" (got ${show(g)})`);
  if (g !== undefined && options.genderFrom !== undefined)
    problems.push(`${kind}: give gender or genderFrom, not both`);
  return make({ kind, options, problems, keyDerived: false });
}

/** A first name from the locale's lists (see {@link NameOptions} for gender). */
function firstName(options: NameOptions = {}): Generator {
  return nameGen("firstName", options);
}

/** A surname from the locale's list. */
function lastName(options: { readonly locale?: string } = {}): Generator {
  return nameGen("lastName", options);
}

/** `first last` from the locale's lists (see {@link NameOptions} for gender). */
function fullName(options: NameOptions = {}): Generator {
  return nameGen("fullName", options);
}

/** A mobile number in the locale's format: its international prefix and random digits. */
function phone(options: { readonly locale?: string } = {}): Generator {
  return make({ kind: "phone", locale: options.locale, problems: none, keyDerived: false });
}

/**
 * `first.last42@example.com` from the locale's names (ASCII, lower case). With `{ unique: true }`
 * the number is the row key in base 36 (`amina.otieno.2s9@…`), so the column may be declared unique.
 */
function email(
  options: { readonly domain?: string; readonly unique?: boolean; readonly locale?: string } = {},
): Generator {
  const domain = options.domain ?? "example.com";
  const problems =
    typeof domain === "string" && /^[a-z0-9.-]+$/i.test(domain)
      ? none
      : [`email: domain ${show(domain)} is not a host name`];
  return make({
    kind: "email",
    domain,
    locale: options.locale,
    problems,
    keyDerived: options.unique === true,
  });
}

/**
 * A value of the parent's row (`ref("id")`) or of any ancestor's (`ref("merchants.id")`): foreign
 * keys, or a payment amount equal to its order's total (`ref("orders.total")`). A table may also
 * name itself to repeat one of its earlier columns. Same text as the original, escaped once.
 */
function ref(path: string): Generator {
  const problems =
    typeof path === "string" && path !== ""
      ? none
      : [`ref: expects "column" or "table.column" (got ${show(path)})`];
  return make({ kind: "ref", path, problems, keyDerived: false });
}

/**
 * A value computed from the row so far and its ancestors: `derive((row) => ageOn("2025-01-01",
 * row.birth_date))`. `row` holds this row's earlier columns (later ones read `undefined`); `ctx`
 * has the ancestors' rows, the table's random stream (`ctx.rng`: draw only from it, so the value
 * stays reproducible), the row's key, index and sibling count. The result is written with
 * `copyValue` (null → NULL, Date → ISO, arrays → text[], objects → JSON). `width` is the expected
 * stored size in bytes, for the disk estimate (default 16).
 */
function derive(
  fn: (row: Readonly<Record<string, unknown>>, ctx: RowContext) => unknown,
  options: { readonly width?: number } = {},
): Generator {
  const problems = typeof fn === "function" ? none : ["derive: expects a function (row, ctx) => value"];
  return make({ kind: "derive", fn, width: options.width ?? 16, problems, keyDerived: false });
}

/** The same value in every row. */
function constant(value: Scalar | Date | readonly unknown[] | Readonly<Record<string, unknown>>): Generator {
  return make({ kind: "constant", value, problems: none, keyDerived: false });
}

/**
 * NULL with probability `p`, otherwise a value of `generator`. `p` may instead be a test on the row
 * so far, NULL when it returns true: `nullable((row) => row.status !== "paid", timestamp(…))`.
 */
function nullable(
  p: number | ((row: Readonly<Record<string, unknown>>, ctx: RowContext) => boolean),
  generator: Generator,
): Generator {
  const inner = specOf(generator);
  const problems: string[] = [];
  if (typeof p !== "function" && !isProbability(p))
    problems.push(
      `nullable: p must be a probability from 0 to 1 or a function (row, ctx) => boolean (got ${show(p)})`,
    );
  if (inner === undefined) problems.push("nullable: the second argument must be a generator");
  return make({
    kind: "nullable",
    p,
    inner: inner ?? constantSpec(null),
    problems,
    keyDerived: inner?.keyDerived ?? false,
  });
}

/**
 * A JSON document (for a json/jsonb column) shaped like `shape`: generators in it are drawn for
 * each row, other values are kept: `json({ channel: choice(["app", "web"]), v: 2 })`.
 */
function json(shape: Readonly<Record<string, unknown>> | readonly unknown[]): Generator {
  const problems =
    typeof shape === "object" && shape !== null ? none : ["json: expects an object or an array"];
  return make({ kind: "json", shape, problems, keyDerived: false });
}

/** A PostgreSQL array (for a `text[]`, `int[]` … column) of min…max values of `generator`. */
function array(generator: Generator, size: { readonly min: number; readonly max: number }): Generator {
  const inner = specOf(generator);
  const problems: string[] = [];
  if (inner === undefined) problems.push("array: the first argument must be a generator");
  else if (inner.kind === "array") problems.push("array: arrays of arrays are not supported");
  checkRange("array", size?.min, size?.max, true, problems);
  if (isInt(size?.min) && size.min < 0) problems.push("array: min must be ≥ 0");
  return make({
    kind: "array",
    inner: inner ?? constantSpec(null),
    min: size?.min,
    max: size?.max,
    problems,
    keyDerived: false,
  });
}

/**
 * How many rows this row has in its child table `table` (`member_count: childCount("members")`):
 * the count is drawn before the row, so it always matches the rows generated.
 */
function childCount(table: string): Generator {
  const problems =
    typeof table === "string" && table !== "" ? none : ["childCount: expects a child table name"];
  return make({ kind: "childCount", table, problems, keyDerived: false });
}

/**
 * The sum of a numeric column over this row's children (`total: sum("order_items.line_total")`):
 * the children are generated first, so the two always agree. Children can `ref` only the columns
 * before it. `decimals` defaults to the summed column's (0 for integers).
 */
function sum(path: string, options: { readonly decimals?: number } = {}): Generator {
  const problems: string[] = [];
  if (typeof path !== "string" || !path.includes("."))
    problems.push(`sum: expects "childTable.column" (got ${show(path)})`);
  const d = options.decimals;
  if (d !== undefined && (!isInt(d) || d < 0 || d > 9))
    problems.push("sum: decimals must be an integer from 0 to 9");
  return make({ kind: "sum", path, decimals: d, problems, keyDerived: false });
}

function constantSpec(value: unknown): ConstantSpec {
  return { kind: "constant", value, problems: none, keyDerived: false };
}

/**
 * The column generators of `defineDataset`, one builder per kind of value. Destructure what you
 * use: `const { uuid, ref, choice, int } = gen;`.
 */
export const gen = {
  choice,
  int,
  real,
  date,
  timestamp,
  bool,
  uuid,
  sequence,
  pattern,
  firstName,
  lastName,
  fullName,
  phone,
  email,
  ref,
  derive,
  constant,
  nullable,
  json,
  array,
  childCount,
  sum,
} as const;
