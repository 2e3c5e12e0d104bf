import type { CriterionDefinition, K6ThresholdObject } from "./definition.js";
import { parseStat } from "./stats.js";
import { parseCriterionValue } from "./values.js";
import { parseWhereAt, TextError } from "./where.js";

/**
 * k6's threshold syntax, accepted as it is so k6 scripts' thresholds move over unchanged:
 *
 *   thresholds: {
 *     "http_req_duration{category:login}": ["p(95)<2000", { threshold: "p(99)<3000", abortOnFail: true }],
 *     http_req_failed: ["rate<0.01"],
 *   }
 *
 * Each expression becomes a row with a threshold only (pass or fail, never warn) over the whole
 * run, labelled with the key and the expression. Values are k6's (ms for time trends, ratios for
 * rates); Strain's units (`2s`, `1%`) work too.
 */

export const K6_EXPRESSION_HINT = 'write "<stat><op><value>", e.g. "p(95)<2000", "rate<0.01", "count>=100"';

const EXPRESSION = /^\s*([A-Za-z_]+(?:\(\s*[\d.]+\s*\))?)\s*(===|==|!=|<=|>=|<|>)\s*(\S.*?)\s*$/;
const METRIC = /^[A-Za-z_][A-Za-z0-9_]*/;

export type K6Problem = { path: (string | number)[]; message: string; hint: string };

/** Parse `metric{tag:value}` (a thresholds key). */
export function parseThresholdKey(
  key: string,
): { ok: true; metric: string; where?: CriterionDefinition["where"] } | { ok: false; error: string } {
  const k = key.trim();
  const m = METRIC.exec(k);
  if (m === null) return { ok: false, error: `"${key}" does not start with a metric name` };
  const metric = m[0];
  if (k.length === metric.length) return { ok: true, metric };
  if (k[metric.length] !== "{") return { ok: false, error: `"${key}": expected "{" after the metric name` };
  try {
    const { where, end } = parseWhereAt(k, metric.length);
    if (end !== k.length) return { ok: false, error: `"${key}": unexpected text after "}"` };
    return Object.keys(where).length > 0 ? { ok: true, metric, where } : { ok: true, metric };
  } catch (err) {
    if (err instanceof TextError) return { ok: false, error: `"${key}": ${err.message}` };
    throw err;
  }
}

/** Parse one expression: `p(95)<2000` → stat and threshold value (comparison included). */
export function parseThresholdExpression(
  expr: string,
): { ok: true; stat: string; threshold: string } | { ok: false; error: string; hint: string } {
  const m = EXPRESSION.exec(expr);
  if (m === null)
    return { ok: false, error: `"${expr}" is not a threshold expression`, hint: K6_EXPRESSION_HINT };
  const stat = parseStat(m[1]);
  if (!stat.ok) return { ok: false, error: `"${expr}": ${stat.error}`, hint: stat.hint };
  const op = m[2] === "===" ? "==" : m[2]!;
  const value = parseCriterionValue(`${op}${m[3]}`);
  if (!value.ok) return { ok: false, error: `"${expr}": ${value.error}`, hint: K6_EXPRESSION_HINT };
  if (value.unit === "multiplier") {
    return { ok: false, error: `"${expr}": a multiple needs a row to multiply`, hint: K6_EXPRESSION_HINT };
  }
  return { ok: true, stat: stat.canonical, threshold: `${op}${m[3]}` };
}

/**
 * Every expression of a thresholds object as a row (with the path of its source), and every
 * problem found. Guarded: anything of the wrong shape is reported, never thrown.
 */
export function thresholdsToRows(thresholds: unknown): {
  rows: { row: CriterionDefinition; path: (string | number)[] }[];
  problems: K6Problem[];
} {
  const rows: { row: CriterionDefinition; path: (string | number)[] }[] = [];
  const problems: K6Problem[] = [];
  if (typeof thresholds !== "object" || thresholds === null || Array.isArray(thresholds)) {
    return { rows, problems };
  }
  for (const [key, list] of Object.entries(thresholds)) {
    const parsedKey = parseThresholdKey(key);
    if (!parsedKey.ok) {
      problems.push({
        path: ["thresholds", key],
        message: parsedKey.error,
        hint: 'a key is "metric" or "metric{tag:value,...}"',
      });
      continue;
    }
    if (!Array.isArray(list)) continue;
    list.forEach((item: unknown, i) => {
      const path = ["thresholds", key, i];
      const obj =
        typeof item === "object" && item !== null && !Array.isArray(item)
          ? (item as Partial<K6ThresholdObject>)
          : undefined;
      const expr = typeof item === "string" ? item : obj?.threshold;
      if (typeof expr !== "string") return;
      const parsed = parseThresholdExpression(expr);
      if (!parsed.ok) {
        problems.push({
          path: typeof item === "string" ? path : [...path, "threshold"],
          message: parsed.error,
          hint: parsed.hint,
        });
        return;
      }
      const row: CriterionDefinition = {
        label: `${key.trim()} ${expr.trim()}`,
        metric: parsedKey.metric,
        stat: parsed.stat,
        threshold: parsed.threshold,
      };
      if (parsedKey.where !== undefined) row.where = parsedKey.where;
      if (obj?.abortOnFail === true) row.abortOnFail = true;
      if (obj?.delayAbortEval !== undefined) row.delayAbortEval = obj.delayAbortEval;
      rows.push({ row, path });
    });
  }
  return { rows, problems };
}
