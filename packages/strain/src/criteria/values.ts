import { formatDuration, tryParseDuration, tryParseSize } from "../plan/duration.js";
import type { Comparison, ComparisonOp, ValueUnit } from "./resolved.js";

/**
 * Values in criteria rows: an optional comparison, a number and a unit.
 *
 *   "2s" "500ms" "1m30s"   durations → ms          "0.5%"       → ratio 0.005
 *   "15000/s" "900/m"      → per second (15, 15)   "10MB"       → bytes
 *   "2x"                   → a multiple of the `of` row's value
 *   2000, "0.01"           plain numbers, in the statistic's own unit (ms, ratio 0–1, count …)
 *
 * A leading `<`, `<=`, `>`, `>=`, `==` (or `=`, `===`) or `!=` says how the observed value must
 * compare; without one the value is a ceiling (`<=`).
 */

export const VALUE_HINT =
  'write a number with a unit, optionally led by a comparison: "2s", "500ms", "<200ms", "0.5%", ">=15000/s", "2x" (with `of`), or a plain number';

export type ParsedValue =
  | {
      ok: true;
      op: ComparisonOp;
      /** False when the value had no comparison of its own (`<=` is then implied). */
      explicitOp: boolean;
      value: number;
      unit: ValueUnit | "multiplier";
      /** The value without its comparison, as written (trimmed): "2s", "0.5%". */
      body: string;
    }
  | { ok: false; error: string };

const OP = /^\s*(===|==|=|!=|<=|>=|<|>)?\s*/;
const PLAIN = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const NUMBER_THEN = /^((?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(.*)$/i;
const PER: Readonly<Record<string, number>> = { s: 1, sec: 1, m: 60, min: 60, h: 3600 };
const SIZE_UNIT = /^(?:b|kb|mb|gb|tb|kib|mib|gib|tib)$/i;

/** Parse a criterion value (see the module comment). Never throws. */
export function parseCriterionValue(input: unknown): ParsedValue {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, error: `${input} is not a value` };
    return { ok: true, op: "<=", explicitOp: false, value: input, unit: "number", body: String(input) };
  }
  if (typeof input !== "string") return { ok: false, error: "must be a string or a number" };
  const m = OP.exec(input)!;
  const rawOp = m[1];
  const op: ComparisonOp =
    rawOp === undefined ? "<=" : rawOp === "=" || rawOp === "===" ? "==" : (rawOp as ComparisonOp);
  const body = input.slice(m[0].length).trim();
  if (body === "") {
    return { ok: false, error: input.trim() === "" ? "must not be empty" : `"${input}" has no number` };
  }
  const parsed = parseBody(body);
  if (!parsed.ok) return { ok: false, error: `"${input}" ${parsed.error}` };
  return { ok: true, op, explicitOp: rawOp !== undefined, value: parsed.value, unit: parsed.unit, body };
}

function parseBody(
  body: string,
): { ok: true; value: number; unit: ValueUnit | "multiplier" } | { ok: false; error: string } {
  if (PLAIN.test(body)) return { ok: true, value: Number(body), unit: "number" };
  const nm = NUMBER_THEN.exec(body);
  if (nm === null) return { ok: false, error: "is not a number with a unit" };
  const n = Number(nm[1]);
  const unit = nm[2]!;
  if (unit === "%") return { ok: true, value: clean(n / 100), unit: "ratio" };
  if (unit === "x") return { ok: true, value: n, unit: "multiplier" };
  if (unit.startsWith("/")) {
    const per = PER[unit.slice(1)];
    if (per === undefined)
      return { ok: false, error: `has an unknown rate unit "${unit}" (use /s, /m or /h)` };
    return { ok: true, value: clean(n / per), unit: "per_second" };
  }
  if (SIZE_UNIT.test(unit)) {
    const s = tryParseSize(body.replace(/\s+/g, ""));
    return s.ok ? { ok: true, value: s.value, unit: "bytes" } : { ok: false, error: s.error };
  }
  const d = tryParseDuration(`${nm[1]}${unit}`);
  if (d.ok) return { ok: true, value: d.value, unit: "ms" };
  return { ok: false, error: `has an unknown unit "${unit}"` };
}

/**
 * Drop binary noise from a computed value (0.7 / 100 is 0.006999999999999999): a limit written as
 * 0.7% must be exactly the ratio 7 failures in 1000 requests produce.
 */
export function clean(n: number): number {
  return Number(n.toPrecision(12));
}

/** A number for people and for text forms: at most 12 significant digits, no trailing zeros. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return String(Number(n.toPrecision(12)));
}

/** A value in `unit` written back as a body `parseCriterionValue` reads to (about) the same value. */
export function formatValueBody(value: number, unit: ValueUnit): string {
  switch (unit) {
    case "ms":
      return value >= 0 ? formatDuration(value) : formatNumber(value);
    case "ratio":
      return `${formatNumber(value * 100)}%`;
    case "per_second":
      return `${formatNumber(value)}/s`;
    case "bytes":
    case "number":
      return formatNumber(value);
  }
}

/** The comparison's text: `<=2s`, `<200ms`, `>=15000/s`. */
export function comparisonText(op: ComparisonOp, body: string): string {
  return `${op}${body}`;
}

/** Build a comparison from a parsed (non-multiplier) value. */
export function toComparison(p: Extract<ParsedValue, { ok: true }>, unit: ValueUnit): Comparison {
  return { op: p.op, value: p.value, unit, text: comparisonText(p.op, p.body) };
}

/** Does `observed` meet the comparison? */
export function meets(observed: number, c: Comparison): boolean {
  switch (c.op) {
    case "<":
      return observed < c.value;
    case "<=":
      return observed <= c.value;
    case ">":
      return observed > c.value;
    case ">=":
      return observed >= c.value;
    case "==":
      return observed === c.value;
    case "!=":
      return observed !== c.value;
  }
}

/** Which way a comparison points: a ceiling, a floor, or neither. */
export function directionOf(op: ComparisonOp): "max" | "min" | "other" {
  if (op === "<" || op === "<=") return "max";
  if (op === ">" || op === ">=") return "min";
  return "other";
}

/**
 * An observed value for people: durations as 850µs / 12.3ms / 812ms / 1.24s, ratios as percent,
 * per-second values with /s, counts as integers with separators.
 */
export function formatObserved(value: number, unit: ValueUnit | "count"): string {
  if (!Number.isFinite(value)) return String(value);
  switch (unit) {
    case "ms":
      if (value < 1) return `${Math.round(value * 1000)}µs`;
      if (value < 100) return `${Number(value.toFixed(1))}ms`;
      if (value < 1000) return `${Math.round(value)}ms`;
      return `${Number((value / 1000).toFixed(3))}s`;
    case "ratio":
      return `${Number((value * 100).toPrecision(4))}%`;
    case "per_second":
      return `${Number(value.toPrecision(6))}/s`;
    case "count":
    case "bytes":
      return Number.isInteger(value) ? String(value) : formatNumber(value);
    case "number":
      return formatNumber(Number(value.toPrecision(6)));
  }
}
