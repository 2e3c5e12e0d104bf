import type { ValueUnit } from "./resolved.js";

/**
 * Verdicts: what summary.json's `criteria` section holds, and what the terminal table and JUnit
 * render.
 *
 *   pass  the observed value meets the target
 *   warn  it misses the target but meets the threshold
 *   fail  it misses the threshold — or no sample matched (`reason: "no data"`): no evidence is never a pass
 */
export type Verdict = "pass" | "warn" | "fail";

export const NO_DATA = "no data";

/** The part of the run a verdict was judged over. */
export interface VerdictWindow {
  kind: "run" | "steady" | "peak" | "every" | "stage" | "scenario";
  /** "whole run", "stage ramp (0s–30s)", "every 10s, worst 20s–30s" ... */
  text: string;
  /** Offsets from the run's start, ms (for `every`: the worst window's); null when no interval fell in it. */
  startMs: number | null;
  endMs: number | null;
  /** `every` windows: how many windows were judged, and how many had no data (those are skipped). */
  windows?: number;
  windowsWithoutData?: number;
}

export interface CriterionResult {
  label: string;
  id?: string;
  /** The row in text form. */
  text: string;
  metric: string;
  /** The tag filter in text form (`{transaction:login}`), "" when none. */
  where: string;
  stat: string;
  target?: string;
  threshold?: string;
  verdict: Verdict;
  /** Why, for warn and fail: `no data`, `misses threshold <=5s`, `misses target <=2s` ... */
  reason?: string;
  /** In the statistic's unit (`unit`); null when there was no data. */
  observed: number | null;
  /** The observed value for people: `812ms`, `0.41%`, `14,980/s`. */
  observedText: string;
  unit: ValueUnit | "count";
  /** Values for trends, outcomes for rates, interval reports for counters and gauges. */
  samples: number;
  window: VerdictWindow;
  abortOnFail: boolean;
}

/** Which row stopped the run, and with what value. */
export interface CriteriaAbort {
  label: string;
  observedText: string;
  threshold: string;
  window: string;
  /** Offset from the run's start when the stop was decided, ms. */
  atMs: number;
  /** One sentence, also the run's `reason`. */
  message: string;
}

export interface CriteriaReport {
  /** The worst verdict of all rows (pass when there are no rows). */
  verdict: Verdict;
  counts: { pass: number; warn: number; fail: number };
  rows: CriterionResult[];
  abortedBy?: CriteriaAbort;
}

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

/** The worse of two verdicts. */
export function worse(a: Verdict, b: Verdict): Verdict {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Fold row results into a report. */
export function reportOf(rows: CriterionResult[], abortedBy?: CriteriaAbort): CriteriaReport {
  const counts = { pass: 0, warn: 0, fail: 0 };
  let verdict: Verdict = "pass";
  for (const r of rows) {
    counts[r.verdict]++;
    verdict = worse(verdict, r.verdict);
  }
  return { verdict, counts, rows, ...(abortedBy !== undefined ? { abortedBy } : {}) };
}
