import { ErrorCodes, hasCode } from "../errors.js";
import { Aggregator, type MetricStats } from "../metrics/aggregate.js";
import type { IntervalSnapshot, SnapshotEntry } from "../metrics/types.js";
import { DERIVED_METRICS, isStatusRate, statusRateEntry } from "./derived-metrics.js";
import type { Comparison, ResolvedCriterion } from "./resolved.js";
import { type IntervalPart, partOf, SlidingTotals } from "./sliding-window.js";
import { type MetricKind, parseStat, type Stat, type StatUnit, statUnit } from "./stats.js";
import { plannedIterations, type RunTimeline, type TimelineScenario } from "./timeline.js";
import { directionOf, formatObserved, meets } from "./values.js";
import { type CriterionResult, NO_DATA, type Verdict, type VerdictWindow } from "./verdict.js";
import { formatWhere, matchesTags } from "./where.js";
import { describeWindow, type IntervalWindow, intervalWindow, scenariosFor } from "./windows.js";

/**
 * Judges one row over interval snapshots, fed one merged interval at a time (live) or all at once
 * (end of run, `strain report`). Each snapshot is reduced at once to the entries the row reads
 * (its metric, its filter; derived metrics computed), so nothing else is decoded.
 *
 *   add(snapshot) ─▶ in window? ─▶ reduce to the row's entries ─┬─▶ Aggregator (whole-range windows)
 *                                                               └─▶ SlidingTotals of the last N
 *                                                                   intervals (every N): worst window kept
 */

/** What a window's verdict needs besides the statistics. */
interface Span {
  startMs: number | null;
  endMs: number | null;
  /** Sum of the intervals' lengths (a steady window skips the ramps between). */
  durationMs: number;
  /** Entries that matched (interval reports, for counters and gauges). */
  reports: number;
  /** arrival_rate: iterations the plan scheduled in the window. */
  planned: number;
}

/** One interval's share of a span. */
interface IntervalSpan {
  startMs: number;
  endMs: number;
  reports: number;
  planned: number;
}

interface Judged {
  result: CriterionResult;
  /** How far the observed value is past the threshold, in its bad direction (ranks `every` windows). */
  badness: number;
}

export class RowEvaluator {
  private readonly window: IntervalWindow;
  private readonly stat: Stat;
  private readonly openScenarios: TimelineScenario[];
  private readonly intervalMs: number;
  /** Whole-range windows: the intervals folded so far. */
  private readonly agg = new Aggregator();
  private aggTypeError = false;
  private readonly span: Span = { startMs: null, endMs: null, durationMs: 0, reports: 0, planned: 0 };
  /** `every` windows: the last N intervals, and the worst complete window so far. */
  private readonly totals = new SlidingTotals();
  private readonly ring: IntervalSpan[] = [];
  private worst: Judged | undefined;
  private windowsJudged = 0;
  private windowsEmpty = 0;
  private lastIndex = -1;

  constructor(
    readonly row: ResolvedCriterion,
    timeline: RunTimeline | null,
  ) {
    this.window = intervalWindow(row.window, timeline, row.where);
    const parsed = parseStat(row.stat);
    this.stat = parsed.ok ? parsed.stat : { name: "count" };
    this.intervalMs = timeline?.intervalMs ?? 1000;
    this.openScenarios =
      timeline === null ? [] : scenariosFor(timeline, row.where).filter((s) => s.model === "open");
  }

  /** Fold in the next interval (snapshots arrive in index order; a repeated index is ignored). */
  add(snapshot: IntervalSnapshot): void {
    if (snapshot.index <= this.lastIndex) return;
    this.lastIndex = snapshot.index;
    if (!this.window.includes(snapshot.index)) return;
    const entries = this.entriesOf(snapshot);
    const startMs = snapshot.index * this.intervalMs;
    const one: IntervalSpan = {
      startMs,
      endMs: startMs + Math.max(0, snapshot.end - snapshot.start),
      reports: entries.length,
      planned: 0,
    };
    if (this.row.metric === "arrival_rate") {
      for (const s of this.openScenarios) one.planned += plannedIterations(s, one.startMs, one.endMs);
    }
    const every = this.window.everyIntervals;
    if (every === undefined) {
      try {
        this.agg.add({ ...snapshot, entries });
      } catch (err) {
        if (!hasCode(err, ErrorCodes.INTERNAL)) throw err;
        this.aggTypeError = true;
      }
      extend(this.span, one);
      return;
    }
    let part: IntervalPart;
    try {
      part = partOf(entries);
    } catch {
      part = partOf([]);
      this.aggTypeError = true;
    }
    this.totals.push(part);
    this.ring.push(one);
    if (this.ring.length > every) {
      this.totals.shift();
      this.ring.shift();
    }
    if (this.ring.length === every) this.judgeWindow();
  }

  /**
   * The verdict so far. Live (`final` false), an `every` row has a verdict only once a whole
   * window has been seen; at the end a run shorter than one window is judged as one window.
   */
  result(final: boolean): CriterionResult | null {
    if (this.window.everyIntervals === undefined) {
      let stats: MetricStats | undefined;
      if (!this.aggTypeError) stats = this.agg.stats(this.row.metric);
      return this.judge(this.span, stats, this.agg.typeOf(this.row.metric), "run").result;
    }
    if (final && this.windowsJudged === 0 && this.ring.length > 0) this.judgeWindow();
    if (this.worst === undefined) {
      if (!final) return null;
      const r = this.judge(spanOf([]), undefined, undefined, "every").result;
      r.window = { ...r.window, text: `${this.window.words} (no interval)`, windows: 0 };
      return r;
    }
    const r = this.worst.result;
    return {
      ...r,
      window: { ...r.window, windows: this.windowsJudged, windowsWithoutData: this.windowsEmpty },
    };
  }

  private judgeWindow(): void {
    this.windowsJudged++;
    const span = spanOf(this.ring);
    let stats: MetricStats | undefined;
    let type: MetricKind | undefined;
    try {
      type = this.totals.typeOf();
      if (!this.aggTypeError) stats = this.totals.stats(span.durationMs);
    } catch {
      this.aggTypeError = true;
    }
    const judged = this.judge(span, stats, type, "every");
    if (judged.result.reason === NO_DATA) {
      this.windowsEmpty++;
      if (this.worst === undefined || this.worst.result.reason === NO_DATA) this.worst = judged;
      return;
    }
    const w = this.worst;
    if (w === undefined || w.result.reason === NO_DATA || isWorse(judged, w)) this.worst = judged;
  }

  /** The snapshot's entries the row reads; derived metrics computed from theirs. */
  private entriesOf(snapshot: IntervalSnapshot): SnapshotEntry[] {
    const row = this.row;
    const entries: SnapshotEntry[] = [];
    if (row.metric === "arrival_rate") {
      const names = new Set(this.openScenarios.map((s) => s.name));
      for (const e of snapshot.entries) {
        if (e.metric !== "iterations" || e.type !== "counter") continue;
        if (!names.has(e.tags.scenario ?? "") || !matchesTags(e.tags, row.where)) continue;
        entries.push({ ...e, metric: row.metric });
      }
    } else if (isStatusRate(row.metric)) {
      for (const e of snapshot.entries) {
        if (e.metric !== "http_reqs" || e.type !== "counter" || !matchesTags(e.tags, row.where)) continue;
        const r = statusRateEntry(row.metric, e);
        if (r !== null) entries.push(r);
      }
    } else {
      for (const e of snapshot.entries)
        if (e.metric === row.metric && matchesTags(e.tags, row.where)) entries.push(e);
    }
    return entries;
  }

  private judge(
    span: Span,
    stats: MetricStats | undefined,
    dataKind: MetricKind | undefined,
    kind: "run" | "every",
  ): Judged {
    const row = this.row;
    const windowKind: VerdictWindow["kind"] = kind === "every" ? "every" : row.window.kind;
    const words = kind === "every" ? `${this.window.words}, worst` : this.window.words;
    const window = describeWindow(windowKind, words, span.startMs, span.endMs);
    if (this.aggTypeError) return this.failed(window, `${row.metric} is recorded with two different types`);
    const kind0: MetricKind | undefined = Object.hasOwn(DERIVED_METRICS, row.metric)
      ? DERIVED_METRICS[row.metric as keyof typeof DERIVED_METRICS].kind
      : dataKind;
    const unitOf = kind0 === undefined ? undefined : statUnit(kind0, this.stat, row.metric);
    if (unitOf !== undefined && !unitOf.ok) return this.failed(window, unitOf.error);
    const unit: StatUnit = unitOf?.unit ?? "number";
    const seconds = span.durationMs / 1000;

    let observed: number | null = null;
    let samples = 0;
    if (row.metric === "arrival_rate") {
      const achieved = stats?.type === "counter" ? stats.count : 0;
      samples = achieved;
      if (span.planned > 0) {
        const n = this.stat.name;
        observed =
          n === "rate"
            ? achieved / span.planned
            : n === "per_second"
              ? perSecond(achieved, seconds)
              : achieved;
      }
    } else if (stats !== undefined) {
      ({ observed, samples } = observe(stats, this.stat, seconds, span.reports));
    }
    if (observed === null || Number.isNaN(observed)) {
      return {
        result: this.resultOf("fail", NO_DATA, null, unit, 0, window),
        badness: Number.NEGATIVE_INFINITY,
      };
    }
    const target = (row.target ?? row.threshold)!;
    const threshold = (row.threshold ?? row.target)!;
    let verdict: Verdict;
    let reason: string | undefined;
    if (meets(observed, target)) verdict = "pass";
    else if (meets(observed, threshold)) {
      verdict = "warn";
      reason = `misses target ${target.text}`;
    } else {
      verdict = "fail";
      reason = `misses threshold ${threshold.text}`;
    }
    return {
      result: this.resultOf(verdict, reason, observed, unit, samples, window),
      badness: badnessOf(observed, threshold),
    };
  }

  private failed(window: VerdictWindow, reason: string): Judged {
    return {
      result: this.resultOf("fail", reason, null, "number", 0, window),
      badness: Number.POSITIVE_INFINITY,
    };
  }

  private resultOf(
    verdict: Verdict,
    reason: string | undefined,
    observed: number | null,
    unit: StatUnit,
    samples: number,
    window: VerdictWindow,
  ): CriterionResult {
    const row = this.row;
    return {
      label: row.label,
      ...(row.id !== undefined ? { id: row.id } : {}),
      text: row.text,
      metric: row.metric,
      where: formatWhere(row.where),
      stat: row.stat,
      ...(row.target !== undefined ? { target: row.target.text } : {}),
      ...(row.threshold !== undefined ? { threshold: row.threshold.text } : {}),
      verdict,
      ...(reason !== undefined ? { reason } : {}),
      observed,
      observedText: observed === null ? "-" : formatObserved(observed, unit),
      unit,
      samples,
      window,
      abortOnFail: row.abortOnFail,
    };
  }
}

function extend(span: Span, one: IntervalSpan): void {
  span.startMs = span.startMs === null ? one.startMs : Math.min(span.startMs, one.startMs);
  span.endMs = span.endMs === null ? one.endMs : Math.max(span.endMs, one.endMs);
  span.durationMs += one.endMs - one.startMs;
  span.reports += one.reports;
  span.planned += one.planned;
}

function spanOf(intervals: readonly IntervalSpan[]): Span {
  const span: Span = { startMs: null, endMs: null, durationMs: 0, reports: 0, planned: 0 };
  for (const one of intervals) extend(span, one);
  return span;
}

function perSecond(n: number, seconds: number): number {
  return seconds > 0 ? n / seconds : Number.NaN;
}

/** The statistic's value and the number of samples behind it. */
function observe(
  s: MetricStats,
  stat: Stat,
  seconds: number,
  reports: number,
): { observed: number | null; samples: number } {
  const n = stat.name;
  switch (s.type) {
    case "trend": {
      const v =
        n === "p"
          ? s.p(stat.percentile!)
          : n === "avg"
            ? s.avg
            : n === "min"
              ? s.min
              : n === "max"
                ? s.max
                : n === "med"
                  ? s.med
                  : n === "count"
                    ? s.count
                    : perSecond(s.count, seconds);
      return { observed: s.count > 0 ? v : null, samples: s.count };
    }
    case "counter":
      return { observed: n === "count" ? s.count : perSecond(s.count, seconds), samples: reports };
    case "rate":
      if (s.total === 0) return { observed: null, samples: 0 };
      return {
        observed: n === "rate" ? s.rate : n === "count" ? s.passes : perSecond(s.passes, seconds),
        samples: s.total,
      };
    case "gauge":
      return { observed: n === "min" ? s.min : n === "max" ? s.max : s.value, samples: reports };
  }
}

/** Signed distance past the threshold in its bad direction (positive: worse than the threshold). */
function badnessOf(observed: number, threshold: Comparison): number {
  const d = directionOf(threshold.op);
  if (d === "max") return observed - threshold.value;
  if (d === "min") return threshold.value - observed;
  return meets(observed, threshold) ? 0 : 1;
}

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

function isWorse(a: Judged, b: Judged): boolean {
  const ra = RANK[a.result.verdict];
  const rb = RANK[b.result.verdict];
  return ra !== rb ? ra > rb : a.badness > b.badness;
}
