import type { IntervalSnapshot } from "../metrics/types.js";
import type { ResolvedCriterion } from "./resolved.js";
import { RowEvaluator } from "./row-evaluator.js";
import type { RunTimeline } from "./timeline.js";
import { type CriteriaAbort, type CriteriaReport, reportOf } from "./verdict.js";

/**
 * Judge every row over a run's merged interval snapshots (end of run, and `strain report` from
 * run.json + series.ndjson). `abortedBy` is carried into the report when a row stopped the run.
 */
export function evaluateCriteria(
  rows: readonly ResolvedCriterion[],
  timeline: RunTimeline | null,
  snapshots: readonly IntervalSnapshot[],
  abortedBy?: CriteriaAbort,
): CriteriaReport {
  const ordered = [...snapshots].sort((a, b) => a.index - b.index);
  const results = rows.map((row) => {
    const ev = new RowEvaluator(row, timeline);
    for (const s of ordered) ev.add(s);
    return ev.result(true)!;
  });
  return reportOf(results, abortedBy);
}
