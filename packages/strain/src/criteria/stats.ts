import { BUILTIN_METRICS } from "../metrics/builtin-metrics.js";
import type { MetricType } from "../metrics/types.js";
import { type MonitorUnit, monitorMetric } from "../monitors/monitor-metrics.js";
import { DERIVED_METRICS } from "./derived-metrics.js";
import type { ValueUnit } from "./resolved.js";

/**
 * Statistics a row may ask for, and what each yields for each kind of metric:
 *
 *   stat              trend        counter       rate                  gauge   arrival_rate
 *   p(N) avg min      ms           -             -                     -       -
 *   max med           ms           -             -                     min/max -
 *   count             values       total         true samples          -       iterations
 *   rate              -            per second    true / all (ratio)    -       achieved / target
 *   per_second        values/s     per second    true samples/s        -       iterations/s
 *   value             -            -             -                     last    -
 */

export const STAT_NAMES = ["avg", "min", "max", "med", "count", "rate", "per_second", "value"] as const;
export type StatName = (typeof STAT_NAMES)[number];

export type MetricKind = MetricType | "arrival";

export interface Stat {
  name: StatName | "p";
  /** For `p(N)`: N, 0–100. */
  percentile?: number;
}

export const STAT_HINT = `p(N) (p(95), p(99.9) ...), ${STAT_NAMES.join(", ")}`;

/** What a statistic's value is measured in. */
export type StatUnit = ValueUnit | "count";

const PERCENTILE = /^p\(\s*(\d+(?:\.\d+)?)\s*\)$/;

/** Parse `p(99.9)`, `avg`, ... Returns the canonical text (`p(99.9)`). */
export function parseStat(
  text: unknown,
): { ok: true; stat: Stat; canonical: string } | { ok: false; error: string; hint: string } {
  if (typeof text !== "string") return { ok: false, error: "must be a string", hint: STAT_HINT };
  const t = text.trim();
  const p = PERCENTILE.exec(t);
  if (p !== null) {
    const n = Number(p[1]);
    if (n > 100) return { ok: false, error: `percentile ${n} is above 100`, hint: "p(N) takes 0 ≤ N ≤ 100" };
    return { ok: true, stat: { name: "p", percentile: n }, canonical: `p(${n})` };
  }
  if ((STAT_NAMES as readonly string[]).includes(t)) {
    return { ok: true, stat: { name: t as StatName }, canonical: t };
  }
  const short = /^p(\d+(?:\.\d+)?)$/.exec(t);
  if (short !== null)
    return { ok: false, error: `unknown statistic "${t}"`, hint: `did you mean "p(${short[1]})"?` };
  return { ok: false, error: `unknown statistic "${t}"`, hint: `one of: ${STAT_HINT}` };
}

/** The kind of a metric Strain knows before the run: built-in, derived, or declared in the plan. */
export function knownMetricKind(
  metric: string,
  userMetrics: Readonly<Record<string, string>> = {},
): MetricKind | undefined {
  if (Object.hasOwn(DERIVED_METRICS, metric))
    return DERIVED_METRICS[metric as keyof typeof DERIVED_METRICS].kind;
  if (Object.hasOwn(BUILTIN_METRICS, metric))
    return BUILTIN_METRICS[metric as keyof typeof BUILTIN_METRICS].type;
  const user = userMetrics[metric];
  if (user === "counter" || user === "trend" || user === "rate" || user === "gauge") return user;
  return monitorMetric(metric)?.type;
}

/**
 * The unit a latency-style statistic (p(N), avg, min, max, med) of a monitor level yields: the
 * monitor's own unit, not milliseconds. Percentages (0–100) compare as plain numbers; a row's
 * "75%" is turned into 75 by `percentValue` below.
 */
function monitorLevelUnit(unit: MonitorUnit): StatUnit {
  switch (unit) {
    case "ms":
      return "ms";
    case "bytes":
      return "bytes";
    case "per_second":
      return "per_second";
    default:
      return "number";
  }
}

/**
 * A value written as a percentage ("75%", parsed as the ratio 0.75) for a monitor series measured
 * in percent (0–100) becomes 75; anything else is unchanged.
 */
export function percentValue<V extends { value: number; unit: string }>(metric: string, v: V): V {
  if (monitorMetric(metric)?.unit !== "percent" || v.unit !== "ratio") return v;
  return { ...v, value: Math.round(v.value * 100 * 1e9) / 1e9, unit: "number" };
}

const LATENCY: ReadonlySet<string> = new Set(["p", "avg", "min", "max", "med"]);

/**
 * The unit `stat` yields on a metric of `kind`, or why it does not apply. Byte counters
 * (`data_sent`, `data_received`) count bytes.
 */
export function statUnit(
  kind: MetricKind,
  stat: Stat,
  metric: string,
): { ok: true; unit: StatUnit } | { ok: false; error: string; hint: string } {
  const name = stat.name;
  const shown = name === "p" ? `p(${stat.percentile})` : name;
  const no = (allowed: string) => ({
    ok: false as const,
    error: `${shown} does not apply to ${metric} (a ${kind === "arrival" ? "derived arrival rate" : kind})`,
    hint: `use one of: ${allowed}`,
  });
  switch (kind) {
    case "trend": {
      const monitor = monitorMetric(metric);
      if (LATENCY.has(name))
        return { ok: true, unit: monitor !== undefined ? monitorLevelUnit(monitor.unit) : "ms" };
      if (name === "count") return { ok: true, unit: "count" };
      if (name === "per_second") return { ok: true, unit: "per_second" };
      return no("p(N), avg, min, max, med, count, per_second");
    }
    case "counter": {
      const bytes =
        Object.hasOwn(BUILTIN_METRICS, metric) &&
        BUILTIN_METRICS[metric as keyof typeof BUILTIN_METRICS].unit === "bytes";
      if (name === "count") return { ok: true, unit: bytes ? "bytes" : "count" };
      if (name === "rate" || name === "per_second") return { ok: true, unit: "per_second" };
      return no("count, rate (per second), per_second");
    }
    case "rate":
      if (name === "rate") return { ok: true, unit: "ratio" };
      if (name === "count") return { ok: true, unit: "count" };
      if (name === "per_second") return { ok: true, unit: "per_second" };
      return no("rate, count, per_second");
    case "gauge":
      if (name === "min" || name === "max" || name === "value") return { ok: true, unit: "number" };
      return no("min, max, value");
    case "arrival":
      if (name === "rate") return { ok: true, unit: "ratio" };
      if (name === "count") return { ok: true, unit: "count" };
      if (name === "per_second") return { ok: true, unit: "per_second" };
      return no("rate (achieved / target), per_second, count");
  }
}

/** Can a value written in `valueUnit` be compared with a statistic measured in `statUnit`? */
export function acceptsUnit(statUnit: StatUnit, valueUnit: ValueUnit): boolean {
  if (valueUnit === "number") return true;
  switch (statUnit) {
    case "count":
      return false;
    case "number":
      return true;
    default:
      return statUnit === valueUnit;
  }
}

/** The unit a comparison is stored in for a statistic measured in `unit`. */
export function comparisonUnit(unit: StatUnit): ValueUnit {
  return unit === "count" ? "number" : unit;
}

/** Words for a unit, in messages: "a duration (2s, 500ms)". */
export function unitWords(unit: StatUnit | "multiplier"): string {
  switch (unit) {
    case "ms":
      return 'a duration ("2s", "500ms")';
    case "ratio":
      return 'a percentage ("0.5%") or a ratio 0–1';
    case "per_second":
      return 'a rate per second ("15000/s")';
    case "bytes":
      return 'a size ("10MB") or a number of bytes';
    case "count":
      return "a plain number";
    case "number":
      return "a plain number";
    case "multiplier":
      return 'a multiple ("2x")';
  }
}
