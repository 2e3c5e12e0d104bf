import { ErrorCodes, StrainError } from "../errors.js";
import { describeValue } from "./describe-value.js";
import type { Duration } from "./types.js";

/**
 * Durations ("250ms", "2s", "1m30s", "1h", "1.5s"; a number is milliseconds) and sizes ("10MB",
 * "512KB", "1GiB"; a number is bytes), as written in plans.
 */

/** Either the parsed value or a sentence saying what is wrong with the input. */
export type ParseResult = { ok: true; value: number } | { ok: false; error: string };

const DURATION_HINT =
  'write a number with a unit: "500ms", "2s", "1m30s", "1h" (a bare number is milliseconds)';
const SIZE_HINT = 'write a number with a unit: "512KB", "10MB", "1GiB" (a bare number is bytes)';

/** Units in the order they must appear ("1h30m", never "30m1h"). */
const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

// One "<number><unit>" part; "ms" before "m" so "5ms" is not read as "5m" + "s".
const DURATION_PART = /(\d+(?:\.\d+)?|\.\d+)(ms|h|m|s)/y;

/** Parse a duration without throwing. Fractions below a microsecond are rounded away. */
export function tryParseDuration(input: unknown): ParseResult {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return { ok: false, error: `${input} is not a duration` };
    if (input < 0) return { ok: false, error: `must not be negative (got ${input})` };
    return { ok: true, value: roundMicros(input) };
  }
  if (typeof input !== "string")
    return { ok: false, error: `must be a duration (got ${describeValue(input)})` };
  const text = input;
  if (text === "0") return { ok: true, value: 0 };
  if (/^-/.test(text)) return { ok: false, error: `must not be negative (got "${text}")` };
  if (/^\d+(\.\d+)?$/.test(text))
    return { ok: false, error: `"${text}" has no unit (did you mean "${text}ms"?)` };
  if (text.length === 0) return { ok: false, error: "must not be empty" };

  let total = 0;
  let pos = 0;
  let lastRank = -1;
  DURATION_PART.lastIndex = 0;
  while (pos < text.length) {
    DURATION_PART.lastIndex = pos;
    const m = DURATION_PART.exec(text);
    if (m === null) return { ok: false, error: `"${text}" is not a duration` };
    const unit = m[2]!;
    const rank = DURATION_UNITS.findIndex(([u]) => u === unit);
    if (rank <= lastRank) {
      return { ok: false, error: `"${text}" repeats a unit or puts a smaller unit first (write "1m30s")` };
    }
    lastRank = rank;
    total += Number(m[1]) * DURATION_UNITS[rank]![1];
    pos = DURATION_PART.lastIndex;
  }
  return { ok: true, value: roundMicros(total) };
}

/**
 * Parse a duration to milliseconds. Throws `STRAIN_ERR_PLAN_INVALID` with a hint when the input
 * is not a duration.
 */
export function parseDuration(input: Duration): number {
  const r = tryParseDuration(input);
  if (!r.ok)
    throw new StrainError(ErrorCodes.PLAN_INVALID, `invalid duration: ${r.error}`, { hint: DURATION_HINT });
  return r.value;
}

/**
 * Format milliseconds as the shortest duration string `parseDuration` reads back to the same
 * value (to the microsecond): 90000 → "1m30s", 1.5 → "1.5ms", 0 → "0ms".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format duration ${ms}`);
  // Integer microseconds, so the parts add up exactly and parse back to the same double.
  let us = Math.round(ms * 1000);
  if (us === 0) return "0ms";
  let out = "";
  for (const [unit, unitMs] of DURATION_UNITS) {
    const unitUs = unitMs * 1000;
    if (unit === "ms") {
      if (us > 0) out += `${us / 1000}ms`;
      break;
    }
    const n = Math.floor(us / unitUs);
    if (n > 0) {
      out += `${n}${unit}`;
      us -= n * unitUs;
    }
  }
  return out;
}

/** Human hint for a bad duration, shared with the plan schema. */
export const durationHint = DURATION_HINT;

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parse a size without throwing. KB/MB/GB are powers of 1000, KiB/MiB/GiB powers of 1024; units are case-insensitive. */
export function tryParseSize(input: unknown): ParseResult {
  if (typeof input === "number") {
    if (!Number.isInteger(input) || input < 0) {
      return { ok: false, error: `must be a whole, non-negative number of bytes (got ${input})` };
    }
    return { ok: true, value: input };
  }
  if (typeof input !== "string") return { ok: false, error: `must be a size (got ${describeValue(input)})` };
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z]*)$/.exec(input);
  if (m === null) return { ok: false, error: `"${input}" is not a size` };
  const factor = SIZE_UNITS[m[2]!.toLowerCase()];
  if (factor === undefined) return { ok: false, error: `"${input}" has an unknown unit "${m[2]}"` };
  const value = Math.round(Number(m[1]) * factor);
  if (!Number.isSafeInteger(value)) return { ok: false, error: `"${input}" is too large` };
  return { ok: true, value };
}

/** Parse a size to bytes. Throws `STRAIN_ERR_PLAN_INVALID` with a hint when the input is not a size. */
export function parseSize(input: string | number): number {
  const r = tryParseSize(input);
  if (!r.ok) throw new StrainError(ErrorCodes.PLAN_INVALID, `invalid size: ${r.error}`, { hint: SIZE_HINT });
  return r.value;
}

/** Human hint for a bad size, shared with the plan schema. */
export const sizeHint = SIZE_HINT;

function roundMicros(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
