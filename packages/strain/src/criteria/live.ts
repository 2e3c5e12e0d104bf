import type { IntervalSnapshot } from "../metrics/types.js";
import type { ResolvedCriterion } from "./resolved.js";
import { RowEvaluator } from "./row-evaluator.js";
import type { RunTimeline } from "./timeline.js";
import { type CriteriaAbort, type CriterionResult, NO_DATA } from "./verdict.js";

/** How often rows are judged live, besides every merged interval (style: a 2 s timer). */
export const LIVE_EVAL_MS = 2000;

export interface LiveCriteriaOptions {
  rows: readonly ResolvedCriterion[];
  timeline: RunTimeline;
  /** Called once, when an `abortOnFail` row fails; the run should stop. */
  onAbort(abort: CriteriaAbort): void;
  /** Epoch ms (injectable for tests). */
  now?: () => number;
}

/**
 * Live judgement of the `abortOnFail` rows, fed the coordinator's merged interval snapshots.
 * Rows are judged when an interval arrives and every 2 s (so a `delayAbortEval` that ends between
 * long intervals is honoured); a row is not judged before the run has lasted its
 * `delayAbortEval`, and `no data` never stops a run (the evidence may still be on its way).
 * Only the first failing row stops the run. Hooks must not block: each interval is folded once
 * into per-row aggregators (row-evaluator.ts), never re-read.
 */
export class LiveCriteria {
  private readonly evaluators: RowEvaluator[];
  private readonly now: () => number;
  private runStartEpoch: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private fired = false;

  private constructor(private readonly options: LiveCriteriaOptions) {
    this.evaluators = options.rows
      .filter((r) => r.abortOnFail)
      .map((r) => new RowEvaluator(r, options.timeline));
    this.now = options.now ?? Date.now;
  }

  /** A live evaluator, or undefined when no row has `abortOnFail`. */
  static create(options: LiveCriteriaOptions): LiveCriteria | undefined {
    return options.rows.some((r) => r.abortOnFail) ? new LiveCriteria(options) : undefined;
  }

  /** The load starts at `runStartEpoch` (interval 0's start). */
  start(runStartEpoch: number): void {
    this.runStartEpoch = runStartEpoch;
    this.timer = setInterval(() => this.check(), LIVE_EVAL_MS);
    this.timer.unref();
  }

  /** The next merged interval. */
  add(snapshot: IntervalSnapshot): void {
    for (const ev of this.evaluators) ev.add(snapshot);
    this.check();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Judge the rows whose delay has passed; stop the run on the first failure. */
  check(): void {
    if (this.fired || this.runStartEpoch === undefined) return;
    const elapsed = this.now() - this.runStartEpoch;
    for (const ev of this.evaluators) {
      if (elapsed < ev.row.delayAbortEvalMs) continue;
      const r = ev.result(false);
      if (r === null || r.verdict !== "fail" || r.reason === NO_DATA) continue;
      this.fired = true;
      this.stop();
      this.options.onAbort(abortOf(ev.row, r, elapsed));
      return;
    }
  }
}

function abortOf(row: ResolvedCriterion, r: CriterionResult, atMs: number): CriteriaAbort {
  const threshold = (row.threshold ?? row.target)!.text;
  const what = `${r.stat} of ${r.metric}${r.where}`;
  return {
    label: row.label,
    observedText: r.observedText,
    threshold,
    window: r.window.text,
    atMs: Math.max(0, Math.round(atMs)),
    message: `criterion "${row.label}" failed (abortOnFail): ${what} = ${r.observedText}, threshold ${threshold}, over ${r.window.text}, ${r.samples} samples`,
  };
}
