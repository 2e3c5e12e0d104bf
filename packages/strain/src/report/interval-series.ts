import type { RunTimeline } from "../criteria/timeline.js";
import type { IntervalSnapshot, SnapshotEntry } from "../metrics/types.js";
import { BucketCounts, DenseCounts } from "./bucket-counts.js";

/**
 * Per-interval series for the report's charts, collected from merged interval snapshots one at
 * a time (full resolution: one value per interval; downsampling happens later, for display).
 *
 *   interval k ─▶ throughput ok / errors per s, latency p50/p95/p99 per group, VUs, arrival
 *                 target vs achieved, dropped per s, error classes per s, monitor series
 */

/** Latency percentiles per interval of one group of requests (null: no sample that interval). */
export interface LatencyGroupSeries {
  key: string;
  label: string;
  kind: "all" | "name" | "category" | "transaction";
  p50: (number | null)[];
  p95: (number | null)[];
  p99: (number | null)[];
}

/** One tag set of a monitor metric. */
export interface MonitorSeries {
  tags: Readonly<Record<string, string>>;
  values: (number | null)[];
}

export interface MonitorMetricSeries {
  metric: string;
  /** What a value is: a level or gauge as written, a counter per second, a rate as a ratio. */
  kind: "level" | "gauge" | "per_second" | "ratio";
  series: Map<string, MonitorSeries>;
}

export interface CollectedSeries {
  /** Interval start, seconds since the run's start. */
  x: number[];
  okPerSecond: number[];
  errorsPerSecond: number[];
  vus: (number | null)[];
  vusMax: (number | null)[];
  /** Open-model scenarios only: iterations completed per second, and the plan's rate (null: none planned). */
  achievedRate: (number | null)[];
  targetRate: (number | null)[];
  hasOpenModel: boolean;
  iterationsPerSecond: number[];
  droppedPerSecond: number[];
  /** Label ("HTTP 500", "network: timeout", "in flight at stop") → per second. */
  errorClasses: Map<string, (number | null)[]>;
  latency: LatencyGroupSeries[];
  monitors: MonitorMetricSeries[];
  /** Every http_req_duration value of the run, bucketed; null when there was none. */
  distribution: { buckets: BucketCounts; min: number; max: number } | null;
}

/** Series name prefixes of monitors (monitors/*), which get their own charts. */
export const MONITOR_PREFIXES = ["system_", "generator_", "pg_", "db_", "prom_"] as const;

export function isMonitorMetric(metric: string): boolean {
  return MONITOR_PREFIXES.some((p) => metric.startsWith(p));
}

const PS = [50, 95, 99] as const;

/** Built-in metrics the collector reads (besides monitor series): all a report parses of a series. */
export const COLLECTED_METRICS: ReadonlySet<string> = new Set([
  "http_reqs",
  "http_req_duration",
  "transaction_duration",
  "vus",
  "vus_max",
  "iterations",
  "dropped_iterations",
]);

interface GroupState {
  series: LatencyGroupSeries;
  /** Dense for groups that merge many tag sets every interval (all, category). */
  buckets: BucketCounts | DenseCounts;
  min: number;
  max: number;
  touched: boolean;
}

/** Folds snapshots, in interval order, into per-interval series. */
export class IntervalCollector {
  private n = 0;
  private readonly x: number[] = [];
  private readonly ok: number[] = [];
  private readonly errors: number[] = [];
  private readonly vus: (number | null)[] = [];
  private readonly vusMax: (number | null)[] = [];
  private readonly achieved: (number | null)[] = [];
  private readonly target: (number | null)[] = [];
  private readonly iterations: number[] = [];
  private readonly dropped: number[] = [];
  private readonly errorClasses = new Map<string, (number | null)[]>();
  /** Every group in creation order; and by kind, keyed by the tag value (no string building per entry). */
  private readonly groups: GroupState[] = [];
  private readonly byKind = {
    all: new Map<string, GroupState>(),
    name: new Map<string, GroupState>(),
    category: new Map<string, GroupState>(),
    transaction: new Map<string, GroupState>(),
  };
  private readonly monitors = new Map<string, MonitorMetricSeries>();
  private readonly entryBuckets = new BucketCounts();
  private readonly ps: number[] = [...PS];
  private readonly allDurations = new DenseCounts();
  private durCount = 0;
  private durMin = Number.POSITIVE_INFINITY;
  private durMax = Number.NEGATIVE_INFINITY;
  private readonly openScenarios: Set<string>;
  private t0: number | null;

  /**
   * @param t0 epoch ms of interval 0 (run.json's runStartEpoch); derived from the first interval when null.
   * @param timeline the plan's load over time, for arrival-rate targets (null: unknown).
   */
  constructor(
    t0: number | null,
    private readonly timeline: RunTimeline | null,
  ) {
    this.t0 = t0;
    this.openScenarios = new Set(
      (timeline?.scenarios ?? []).filter((s) => s.model === "open").map((s) => s.name),
    );
  }

  add(snap: IntervalSnapshot): void {
    const i = this.n++;
    if (this.t0 === null) this.t0 = snap.start - snap.index * (snap.end - snap.start);
    const dt = Math.max(0.001, (snap.end - snap.start) / 1000);
    this.x.push(round3((snap.start - this.t0) / 1000));
    let ok = 0;
    let errors = 0;
    let vus: number | null = null;
    let vusMax: number | null = null;
    let achieved = 0;
    let iterations = 0;
    let dropped = 0;
    const classes = new Map<string, number>();
    for (const g of this.groups) g.touched = false;
    for (const e of snap.entries) {
      switch (e.metric) {
        case "http_reqs":
          if (e.type !== "counter") break;
          if (e.tags.error_class === "ok") ok += e.value;
          else {
            errors += e.value;
            const label = errorLabel(e);
            classes.set(label, (classes.get(label) ?? 0) + e.value);
          }
          break;
        case "http_req_duration":
          if (e.type !== "trend") break;
          this.entryBuckets.clear().addEncoded(e.hist);
          this.entryBuckets.addTo(this.allDurations);
          this.durCount += e.count;
          if (e.min < this.durMin) this.durMin = e.min;
          if (e.max > this.durMax) this.durMax = e.max;
          this.toGroup("all", "", e.min, e.max);
          if (e.tags.name !== undefined) this.toGroup("name", e.tags.name, e.min, e.max);
          if (e.tags.category !== undefined) this.toGroup("category", e.tags.category, e.min, e.max);
          break;
        case "transaction_duration":
          if (e.type !== "trend" || e.tags.transaction === undefined) break;
          this.entryBuckets.clear().addEncoded(e.hist);
          this.toGroup("transaction", e.tags.transaction, e.min, e.max);
          break;
        case "vus":
          if (e.type === "gauge") vus = (vus ?? 0) + e.value;
          break;
        case "vus_max":
          if (e.type === "gauge") vusMax = (vusMax ?? 0) + e.value;
          break;
        case "iterations":
          if (e.type !== "counter") break;
          iterations += e.value;
          if (e.tags.scenario !== undefined && this.openScenarios.has(e.tags.scenario)) achieved += e.value;
          break;
        case "dropped_iterations":
          if (e.type === "counter") dropped += e.value;
          break;
        default:
          if (isMonitorMetric(e.metric)) this.monitorEntry(e, i, dt);
      }
    }
    this.ok.push(ok / dt);
    this.errors.push(errors / dt);
    this.vus.push(vus);
    this.vusMax.push(vusMax);
    this.iterations.push(iterations / dt);
    this.dropped.push(dropped / dt);
    this.achieved.push(this.openScenarios.size > 0 ? achieved / dt : null);
    this.target.push(this.targetAt((snap.start + snap.end) / 2 - this.t0));
    for (const [label, v] of classes) series(this.errorClasses, label, i).push(v / dt);
    // A class not seen this interval had zero errors (the interval happened): 0, not a gap.
    for (const s of this.errorClasses.values()) if (s.length === i) s.push(0);
    for (const g of this.groups) {
      const s = g.series;
      pad(s.p50, i);
      pad(s.p95, i);
      pad(s.p99, i);
      if (!g.touched) {
        s.p50.push(null);
        s.p95.push(null);
        s.p99.push(null);
        continue;
      }
      const [p50, p95, p99] = g.buckets.percentiles(this.ps, g.min, g.max);
      s.p50.push(p50!);
      s.p95.push(p95!);
      s.p99.push(p99!);
    }
    for (const m of this.monitors.values())
      for (const s of m.series.values()) if (s.values.length === i) s.values.push(null);
  }

  /** Add the entry's buckets (already in `entryBuckets`) to a group for this interval. */
  private toGroup(kind: LatencyGroupSeries["kind"], value: string, min: number, max: number): void {
    const map = this.byKind[kind];
    let g = map.get(value);
    if (g === undefined) {
      const label = kind === "all" ? "all requests" : kind === "name" ? value : `${kind} ${value}`;
      g = {
        series: { key: kind === "all" ? "all" : `${kind}:${value}`, label, kind, p50: [], p95: [], p99: [] },
        buckets: kind === "all" || kind === "category" ? new DenseCounts() : new BucketCounts(),
        min,
        max,
        touched: false,
      };
      map.set(value, g);
      this.groups.push(g);
    }
    if (!g.touched) {
      g.touched = true;
      g.buckets.clear();
      g.min = min;
      g.max = max;
    } else {
      if (min < g.min) g.min = min;
      if (max > g.max) g.max = max;
    }
    if (g.buckets instanceof DenseCounts) this.entryBuckets.addTo(g.buckets);
    else g.buckets.addAll(this.entryBuckets);
  }

  private monitorEntry(e: SnapshotEntry, i: number, dt: number): void {
    let m = this.monitors.get(e.metric);
    if (m === undefined) {
      const kind =
        e.type === "counter"
          ? "per_second"
          : e.type === "rate"
            ? "ratio"
            : e.type === "gauge"
              ? "gauge"
              : "level";
      m = { metric: e.metric, kind, series: new Map() };
      this.monitors.set(e.metric, m);
    }
    const key = tagKey(e.tags);
    let s = m.series.get(key);
    if (s === undefined) {
      s = { tags: e.tags, values: [] };
      m.series.set(key, s);
    }
    pad(s.values, i);
    const v =
      e.type === "counter"
        ? e.value / dt
        : e.type === "gauge"
          ? e.value
          : e.type === "rate"
            ? e.total > 0
              ? e.passes / e.total
              : null
            : e.count > 0
              ? e.sum / e.count
              : null;
    if (s.values.length === i) s.values.push(v);
    else if (v !== null) s.values[i] = (s.values[i] ?? 0) + v;
  }

  /** The plan's arrival rate (iterations/s) summed over open-model scenarios at `ms` after the start. */
  private targetAt(ms: number): number | null {
    if (this.timeline === null || this.openScenarios.size === 0) return null;
    let rate = 0;
    for (const s of this.timeline.scenarios) {
      if (s.model !== "open") continue;
      for (const seg of s.segments) {
        if (ms < seg.startMs || ms >= seg.endMs) continue;
        const f = seg.endMs > seg.startMs ? (ms - seg.startMs) / (seg.endMs - seg.startMs) : 0;
        rate += seg.from + (seg.to - seg.from) * f;
        break;
      }
    }
    return rate;
  }

  /** The whole run's series (one collector saw every interval). */
  result(): CollectedSeries {
    return mergeParts([this.part()]);
  }

  /**
   * What this collector saw, as plain data (it crosses a worker boundary): series a later
   * interval range continues. Intervals missing from a keyed series are not padded here.
   */
  part(): CollectedPart {
    return {
      n: this.n,
      x: this.x,
      okPerSecond: this.ok,
      errorsPerSecond: this.errors,
      vus: this.vus,
      vusMax: this.vusMax,
      achievedRate: this.achieved,
      targetRate: this.target,
      hasOpenModel: this.openScenarios.size > 0,
      iterationsPerSecond: this.iterations,
      droppedPerSecond: this.dropped,
      errorClasses: [...this.errorClasses],
      latency: this.groups.map((g) => g.series),
      monitors: [...this.monitors.values()].map((m) => ({
        metric: m.metric,
        kind: m.kind,
        series: [...m.series],
      })),
      distribution: {
        counts: this.allDurations.toArray(),
        count: this.durCount,
        min: this.durMin,
        max: this.durMax,
      },
    };
  }
}

/** A collector's output for a range of consecutive intervals (see `IntervalCollector.part`). */
export interface CollectedPart {
  n: number;
  x: number[];
  okPerSecond: number[];
  errorsPerSecond: number[];
  vus: (number | null)[];
  vusMax: (number | null)[];
  achievedRate: (number | null)[];
  targetRate: (number | null)[];
  hasOpenModel: boolean;
  iterationsPerSecond: number[];
  droppedPerSecond: number[];
  /** In order of first appearance; values from the class's first interval in this part. */
  errorClasses: [string, (number | null)[]][];
  latency: LatencyGroupSeries[];
  monitors: { metric: string; kind: MonitorMetricSeries["kind"]; series: [string, MonitorSeries][] }[];
  distribution: { counts: Float64Array; count: number; min: number; max: number };
}

/**
 * Join parts of consecutive interval ranges, in order, into the run's series: the same result
 * one collector over every interval gives (keyed series in order of first appearance; a series
 * absent from a range is null there — error classes already seen are 0, like a quiet interval).
 */
export function mergeParts(parts: readonly CollectedPart[]): CollectedSeries {
  const n = parts.reduce((t, p) => t + p.n, 0);
  const cat = <T>(pick: (p: CollectedPart) => readonly T[]): T[] => parts.flatMap((p) => pick(p));
  const offsets: number[] = [];
  parts.reduce((off, p) => {
    offsets.push(off);
    return off + p.n;
  }, 0);

  const errorClasses = new Map<string, (number | null)[]>();
  parts.forEach((p, pi) => {
    const off = offsets[pi]!;
    for (const [label, values] of p.errorClasses) {
      let all = errorClasses.get(label);
      if (all === undefined) {
        all = [];
        errorClasses.set(label, all);
      }
      // Intervals before the class first appeared are null; once seen, a quiet interval is 0
      // (this part pads with null before the class's first interval in it).
      const seen = all.some((v) => v !== null);
      const first = off + (p.n - values.length);
      while (all.length < first) all.push(seen ? 0 : null);
      for (const v of values) all.push(v === null && seen ? 0 : v);
    }
    for (const all of errorClasses.values()) {
      const fill = all.some((v) => v !== null) ? 0 : null;
      while (all.length < off + p.n) all.push(fill);
    }
  });

  const latency = new Map<string, LatencyGroupSeries>();
  parts.forEach((p, pi) => {
    const off = offsets[pi]!;
    for (const g of p.latency) {
      let all = latency.get(g.key);
      if (all === undefined) {
        all = { key: g.key, label: g.label, kind: g.kind, p50: [], p95: [], p99: [] };
        latency.set(g.key, all);
      }
      for (const k of ["p50", "p95", "p99"] as const) {
        const first = off + (p.n - g[k].length);
        pad(all[k], first);
        all[k].push(...g[k]);
      }
    }
    for (const all of latency.values())
      for (const k of ["p50", "p95", "p99"] as const) pad(all[k], off + p.n);
  });

  const monitors = new Map<string, MonitorMetricSeries>();
  parts.forEach((p, pi) => {
    const off = offsets[pi]!;
    for (const m of p.monitors) {
      let all = monitors.get(m.metric);
      if (all === undefined) {
        all = { metric: m.metric, kind: m.kind, series: new Map() };
        monitors.set(m.metric, all);
      }
      for (const [key, s] of m.series) {
        let t = all.series.get(key);
        if (t === undefined) {
          t = { tags: s.tags, values: [] };
          all.series.set(key, t);
        }
        pad(t.values, off + (p.n - s.values.length));
        t.values.push(...s.values);
      }
    }
    for (const m of monitors.values()) for (const s of m.series.values()) pad(s.values, off + p.n);
  });

  const dist = new DenseCounts();
  let count = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of parts) {
    dist.addArray(p.distribution.counts);
    count += p.distribution.count;
    if (p.distribution.min < min) min = p.distribution.min;
    if (p.distribution.max > max) max = p.distribution.max;
  }
  return {
    x: cat((p) => p.x),
    okPerSecond: cat((p) => p.okPerSecond),
    errorsPerSecond: cat((p) => p.errorsPerSecond),
    vus: cat((p) => p.vus),
    vusMax: cat((p) => p.vusMax),
    achievedRate: cat((p) => p.achievedRate),
    targetRate: cat((p) => p.targetRate),
    hasOpenModel: parts.some((p) => p.hasOpenModel),
    iterationsPerSecond: cat((p) => p.iterationsPerSecond),
    droppedPerSecond: cat((p) => p.droppedPerSecond),
    errorClasses,
    latency: [...latency.values()],
    monitors: [...monitors.values()].sort((a, b) => a.metric.localeCompare(b.metric)),
    distribution: count > 0 && n > 0 ? { buckets: dist.toBuckets(), min, max } : null,
  };
}

function errorLabel(e: SnapshotEntry): string {
  switch (e.tags.error_class) {
    case "http_error":
      return `HTTP ${e.tags.status ?? "?"}`;
    case "net_error":
      return `network: ${e.tags.net_error ?? "unknown"}`;
    case "in_flight_at_stop":
      return "in flight at stop";
    default:
      return e.tags.error_class ?? "unknown";
  }
}

function series(map: Map<string, (number | null)[]>, key: string, i: number): (number | null)[] {
  let s = map.get(key);
  if (s === undefined) {
    s = [];
    map.set(key, s);
  }
  pad(s, i);
  return s;
}

/** Fill with nulls up to length `n` (a series that first appears late). */
function pad(a: (number | null)[], n: number): void {
  while (a.length < n) a.push(null);
}

function tagKey(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(",");
}

/** 4 significant digits: what a chart can show, and a smaller file. NaN and infinities become null. */
export function round4(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  if (v === 0) return 0;
  return Number(v.toPrecision(4));
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
