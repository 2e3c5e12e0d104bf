import { ErrorCodes, StrainError } from "../errors.js";
import { Histogram } from "./histogram.js";
import { tagSetKey } from "./tag-set.js";
import type { IntervalSnapshot, MetricType, SnapshotEntry, Tags } from "./types.js";

/** Tag-equality filter: a series matches when every listed tag has exactly this value. */
export type TagFilter = Readonly<Record<string, string>>;

/** Trend statistics in ms. Percentiles come from the merged HDR histogram, clamped to [min, max]. */
export interface TrendStats {
  type: "trend";
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
  med: number;
  p90: number;
  p95: number;
  p99: number;
  /** Any percentile, 0–100 (99.9, 99.99 …). */
  p(n: number): number;
}

/** Counter total, and its rate per second over the aggregator's duration. */
export interface CounterStats {
  type: "counter";
  count: number;
  rate: number;
}

export interface RateStats {
  type: "rate";
  passes: number;
  fails: number;
  total: number;
  /** passes / total. */
  rate: number;
}

/** Last value, and the lowest and highest seen (tag sets summed per interval). */
export interface GaugeStats {
  type: "gauge";
  value: number;
  min: number;
  max: number;
}

export type MetricStats = TrendStats | CounterStats | RateStats | GaugeStats;

export interface AggregateEntry {
  metric: string;
  tags: Tags;
  /** Canonical tag key (`tagSetKey`). */
  key: string;
  stats: MetricStats;
}

export interface AggregatorOptions {
  /** Duration counters' per-second rates are computed over; default: span of the snapshots added. */
  durationMs?: number;
}

interface TrendSeries {
  type: "trend";
  tags: Tags;
  hist: Histogram;
  count: number;
  sum: number;
  min: number;
  max: number;
}
interface CounterSeries {
  type: "counter";
  tags: Tags;
  value: number;
}
interface RateSeries {
  type: "rate";
  tags: Tags;
  passes: number;
  total: number;
}
interface GaugePoint {
  value: number;
  min: number;
  max: number;
}
interface GaugeSeries {
  type: "gauge";
  tags: Tags;
  /** Interval index → point; the same interval seen twice (unmerged workers) is summed. */
  points: Map<number, GaugePoint>;
}
type Series = TrendSeries | CounterSeries | RateSeries | GaugeSeries;

interface MetricData {
  type: MetricType;
  series: Map<string, Series>;
}

/**
 * Folds interval snapshots (a whole run, or any subset such as a criteria window) into totals per
 * (metric, tag set) and answers statistics over any tag filter by merging the matching series:
 *
 *   agg.add(snapshot) …
 *   agg.stats("http_req_duration", { name: "login" })?.p(99.9)
 *
 * Per-worker snapshots of the same interval may be added unmerged: every type adds up exactly as
 * `mergeSnapshots` would.
 */
export class Aggregator {
  private readonly metricsByName = new Map<string, MetricData>();
  private readonly fixedDurationMs: number | undefined;
  private minStart = Number.POSITIVE_INFINITY;
  private maxEnd = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(options: AggregatorOptions = {}) {
    this.fixedDurationMs = options.durationMs;
  }

  /** Fold one snapshot in. Throws STRAIN_ERR_INTERNAL if a metric changes type. */
  add(snapshot: IntervalSnapshot): void {
    this.count++;
    if (snapshot.start < this.minStart) this.minStart = snapshot.start;
    if (snapshot.end > this.maxEnd) this.maxEnd = snapshot.end;
    for (const e of snapshot.entries) this.addEntry(e, snapshot.index);
  }

  /** Fold several snapshots in; returns this. */
  addAll(snapshots: Iterable<IntervalSnapshot>): this {
    for (const s of snapshots) this.add(s);
    return this;
  }

  /** Number of snapshots folded in. */
  get snapshots(): number {
    return this.count;
  }

  /** Duration rates are computed over: the constructor's, else last end − first start (0 when empty). */
  get durationMs(): number {
    if (this.fixedDurationMs !== undefined) return this.fixedDurationMs;
    return this.count === 0 ? 0 : Math.max(0, this.maxEnd - this.minStart);
  }

  /** Names of every metric seen, sorted. */
  metrics(): string[] {
    return [...this.metricsByName.keys()].sort();
  }

  typeOf(metric: string): MetricType | undefined {
    return this.metricsByName.get(metric)?.type;
  }

  /**
   * Statistics of `metric` over every tag set matching `filter` (all tag sets when omitted).
   * Undefined when nothing matches: no data is not a zero.
   */
  stats(metric: string, filter?: TagFilter): MetricStats | undefined {
    const data = this.metricsByName.get(metric);
    if (data === undefined) return undefined;
    const matching: Series[] = [];
    for (const s of data.series.values())
      if (filter === undefined || matches(s.tags, filter)) matching.push(s);
    if (matching.length === 0) return undefined;
    return this.statsOf(data.type, matching);
  }

  /** Every (metric, tag set) with its statistics, sorted by metric then tag key: the end-of-run table. */
  entries(): AggregateEntry[] {
    const out: AggregateEntry[] = [];
    for (const metric of this.metrics()) {
      const data = this.metricsByName.get(metric)!;
      const keys = [...data.series.keys()].sort();
      for (const key of keys) {
        const s = data.series.get(key)!;
        out.push({ metric, tags: s.tags, key, stats: this.statsOf(data.type, [s]) });
      }
    }
    return out;
  }

  private addEntry(e: SnapshotEntry, index: number): void {
    let data = this.metricsByName.get(e.metric);
    if (data === undefined) {
      data = { type: e.type, series: new Map() };
      this.metricsByName.set(e.metric, data);
    } else if (data.type !== e.type) {
      throw new StrainError(ErrorCodes.INTERNAL, `metric '${e.metric}' is a ${data.type} and a ${e.type}`);
    }
    const key = tagSetKey(e.tags);
    const s = data.series.get(key);
    switch (e.type) {
      case "trend": {
        if (s === undefined) {
          const hist = Histogram.decode(e.hist);
          data.series.set(key, {
            type: "trend",
            tags: e.tags,
            hist,
            count: e.count,
            sum: e.sum,
            min: e.min,
            max: e.max,
          });
        } else {
          const t = s as TrendSeries;
          t.hist.addEncoded(e.hist);
          t.count += e.count;
          t.sum += e.sum;
          if (e.min < t.min) t.min = e.min;
          if (e.max > t.max) t.max = e.max;
        }
        return;
      }
      case "counter":
        if (s === undefined) data.series.set(key, { type: "counter", tags: e.tags, value: e.value });
        else (s as CounterSeries).value += e.value;
        return;
      case "rate":
        if (s === undefined)
          data.series.set(key, { type: "rate", tags: e.tags, passes: e.passes, total: e.total });
        else {
          (s as RateSeries).passes += e.passes;
          (s as RateSeries).total += e.total;
        }
        return;
      case "gauge": {
        let g = s as GaugeSeries | undefined;
        if (g === undefined) {
          g = { type: "gauge", tags: e.tags, points: new Map() };
          data.series.set(key, g);
        }
        addPoint(g.points, index, e);
        return;
      }
    }
  }

  private statsOf(type: MetricType, series: readonly Series[]): MetricStats {
    switch (type) {
      case "trend":
        return trendStats(series as TrendSeries[]);
      case "counter": {
        let count = 0;
        for (const s of series as CounterSeries[]) count += s.value;
        const ms = this.durationMs;
        return { type: "counter", count, rate: ms > 0 ? count / (ms / 1000) : 0 };
      }
      case "rate": {
        let passes = 0;
        let total = 0;
        for (const s of series as RateSeries[]) {
          passes += s.passes;
          total += s.total;
        }
        return { type: "rate", passes, fails: total - passes, total, rate: total > 0 ? passes / total : 0 };
      }
      case "gauge":
        return gaugeStats(series as GaugeSeries[]);
    }
  }
}

function matches(tags: Tags, filter: TagFilter): boolean {
  for (const k in filter) if (tags[k] !== filter[k]) return false;
  return true;
}

function trendStats(series: readonly TrendSeries[]): TrendStats {
  let hist: Histogram;
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  if (series.length === 1) hist = series[0]!.hist;
  else {
    hist = new Histogram();
    for (const s of series) hist.add(s.hist);
  }
  for (const s of series) {
    count += s.count;
    sum += s.sum;
    if (s.min < min) min = s.min;
    if (s.max > max) max = s.max;
  }
  // HDR reports a bucket's highest equivalent value; clamping keeps p100 ≤ max and p0 ≥ min.
  const p = (n: number): number => Math.min(max, Math.max(min, hist.percentile(n)));
  return {
    type: "trend",
    count,
    sum,
    min,
    max,
    avg: count > 0 ? sum / count : Number.NaN,
    med: p(50),
    p90: p(90),
    p95: p(95),
    p99: p(99),
    p,
  };
}

function addPoint(points: Map<number, GaugePoint>, index: number, e: GaugePoint): void {
  const known = points.get(index);
  if (known === undefined) points.set(index, { value: e.value, min: e.min, max: e.max });
  else {
    known.value += e.value;
    known.min += e.min;
    known.max += e.max;
  }
}

/** Tag sets are summed interval by interval (like workers), then: last value, lowest min, highest max. */
function gaugeStats(series: readonly GaugeSeries[]): GaugeStats {
  let points: Map<number, GaugePoint>;
  if (series.length === 1) points = series[0]!.points;
  else {
    points = new Map();
    for (const s of series) for (const [i, pt] of s.points) addPoint(points, i, pt);
  }
  let last = Number.NEGATIVE_INFINITY;
  let value = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [i, pt] of points) {
    if (i > last) {
      last = i;
      value = pt.value;
    }
    if (pt.min < min) min = pt.min;
    if (pt.max > max) max = pt.max;
  }
  return { type: "gauge", value, min, max };
}
