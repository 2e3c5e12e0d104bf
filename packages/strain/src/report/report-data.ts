import { downsampleMinMax, type SeriesTable } from "./downsample.js";
import type { CollectedSeries, LatencyGroupSeries, MonitorMetricSeries } from "./interval-series.js";
import { round4 } from "./interval-series.js";

/**
 * The charts of a report as JSON embedded in the page (`<script type="application/json">`): the
 * page's script reads it and draws with uPlot. Every time chart is already downsampled.
 */
export interface ReportData {
  v: 1;
  charts: TimeChartSpec[];
  /** Latency p50 / p95 / p99 over time; the page offers one group at a time. */
  latency: LatencyChartSpec | null;
  distribution: DistributionSpec | null;
  monitors: MonitorSectionSpec[];
  /** Charts the page replaces with a sentence (no data to draw): id → sentence. */
  empty: Record<string, string>;
}

export interface ChartSeriesSpec {
  label: string;
  color: string;
  values: (number | null)[];
  dash?: boolean;
}

export interface TimeChartSpec {
  id: string;
  title: string;
  /** Unit for axis and legend: "req/s", "ms", "%", "B", "B/s", "" … */
  unit: string;
  /** Seconds since the run's start. */
  x: number[];
  series: ChartSeriesSpec[];
  /** Under the chart ("6 more series not shown"). */
  note?: string;
}

export interface LatencyChartSpec {
  x: number[];
  groups: { key: string; label: string; kind: LatencyGroupSeries["kind"]; p50: V; p95: V; p99: V }[];
}
type V = (number | null)[];

export interface DistributionSpec {
  /** Geometric centre of each bin, ms (log x axis). */
  x: number[];
  lowMs: number[];
  highMs: number[];
  counts: number[];
  total: number;
}

export interface MonitorSectionSpec {
  title: string;
  charts: TimeChartSpec[];
}

export interface ReportDataOptions {
  /** Most x values per time chart (default 1,000: enough for a wide screen, keeps an hour's report small). */
  maxPoints?: number;
  /** Most lines in one monitor chart (default 8). */
  maxSeriesPerChart?: number;
}

export const PALETTE = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#393b79",
];
const OK_COLOR = "#2ca02c";
const ERR_COLOR = "#d62728";

const SECTIONS: readonly { title: string; prefixes: readonly string[] }[] = [
  { title: "System", prefixes: ["system_"] },
  { title: "Load generator", prefixes: ["generator_"] },
  { title: "PostgreSQL", prefixes: ["pg_", "db_"] },
  { title: "Prometheus", prefixes: ["prom_"] },
];

/** Downsample for display, then round to 4 significant digits (after: 4× fewer values to round). */
function shrink(table: SeriesTable, maxPoints: number): SeriesTable {
  const t = downsampleMinMax(table, maxPoints);
  return { x: t.x, ys: t.ys.map((y) => y.map((v) => (v === null ? null : round4(v)))) };
}

/** Turn full-resolution interval series into the page's chart data. */
export function buildReportData(c: CollectedSeries, opts: ReportDataOptions = {}): ReportData {
  const maxPoints = opts.maxPoints ?? 1000;
  const maxSeries = opts.maxSeriesPerChart ?? 8;
  const charts: TimeChartSpec[] = [];
  const empty: Record<string, string> = {};
  const chart = (id: string, title: string, unit: string, series: ChartSeriesSpec[], note?: string) => {
    const t = shrink({ x: c.x, ys: series.map((s) => s.values) }, maxPoints);
    charts.push({
      id,
      title,
      unit,
      x: t.x,
      series: series.map((s, i) => ({ ...s, values: t.ys[i]! })),
      ...(note !== undefined ? { note } : {}),
    });
  };

  if (c.x.length === 0) {
    empty.throughput = "No interval was recorded: the run ended before its first interval.";
  } else {
    chart("throughput", "Throughput", "req/s", [
      { label: "ok", color: OK_COLOR, values: c.okPerSecond },
      { label: "errors", color: ERR_COLOR, values: c.errorsPerSecond },
    ]);
  }

  if (c.vus.some((v) => v !== null)) {
    chart("vus", "Active VUs", "VUs", [
      { label: "active", color: PALETTE[0]!, values: c.vus },
      { label: "allocated", color: PALETTE[4]!, values: c.vusMax, dash: true },
    ]);
  }

  if (c.hasOpenModel) {
    chart("arrival", "Arrival rate: target vs achieved", "it/s", [
      { label: "target", color: PALETTE[4]!, values: c.targetRate, dash: true },
      { label: "achieved", color: PALETTE[0]!, values: c.achievedRate },
    ]);
  } else if (c.iterationsPerSecond.some((v) => v > 0)) {
    chart("arrival", "Iterations", "it/s", [
      { label: "completed", color: PALETTE[0]!, values: c.iterationsPerSecond },
    ]);
  }

  if (c.droppedPerSecond.some((v) => v > 0)) {
    chart("dropped", "Dropped iterations", "it/s", [
      { label: "dropped", color: ERR_COLOR, values: c.droppedPerSecond },
    ]);
  } else if (c.x.length > 0) {
    empty.dropped = c.hasOpenModel
      ? "No iteration was dropped: every scheduled iteration found a free VU."
      : "No dropped iterations (closed-model scenarios do not drop).";
  }

  const classes = [...c.errorClasses]
    .map(([label, values]) => ({ label, values, total: values.reduce<number>((n, v) => n + (v ?? 0), 0) }))
    .sort((a, b) => b.total - a.total);
  if (classes.length > 0) {
    const shown = classes.slice(0, maxSeries);
    chart(
      "errors",
      "Errors by class",
      "req/s",
      shown.map((s, i) => ({ label: s.label, color: PALETTE[(i + 1) % PALETTE.length]!, values: s.values })),
      classes.length > shown.length ? `${classes.length - shown.length} more classes not shown` : undefined,
    );
  } else if (c.x.length > 0) {
    empty.errors = "No request failed.";
  }

  let latency: LatencyChartSpec | null = null;
  if (c.latency.length > 0) {
    const order = { all: 0, name: 1, category: 2, transaction: 3 } as const;
    const groups = [...c.latency].sort(
      (a, b) => order[a.kind] - order[b.kind] || a.label.localeCompare(b.label),
    );
    const t = shrink({ x: c.x, ys: groups.flatMap((g) => [g.p50, g.p95, g.p99]) }, maxPoints);
    latency = {
      x: t.x,
      groups: groups.map((g, i) => ({
        key: g.key,
        label: g.label,
        kind: g.kind,
        p50: t.ys[i * 3]!,
        p95: t.ys[i * 3 + 1]!,
        p99: t.ys[i * 3 + 2]!,
      })),
    };
  } else {
    empty.latency = "No request completed: there is no latency to draw.";
  }

  return {
    v: 1,
    charts,
    latency,
    distribution: c.distribution === null ? null : distributionOf(c.distribution),
    monitors: monitorSections(c.monitors, maxPoints, maxSeries, c.x),
    empty,
  };
}

/** Log-spaced bins between the fastest and slowest request (at most 60). */
function distributionOf(d: NonNullable<CollectedSeries["distribution"]>): DistributionSpec {
  const lo = Math.max(0.001, d.min);
  const hi = Math.max(lo * 1.0001, d.max);
  const bins = Math.max(1, Math.min(60, Math.ceil(Math.log(hi / lo) / Math.log(1.08))));
  const ratio = (hi / lo) ** (1 / bins);
  const counts = new Array<number>(bins).fill(0);
  let total = 0;
  d.buckets.forEachBucket((lowUs, highUs, count) => {
    const mid = Math.min(hi, Math.max(lo, (lowUs + highUs) / 2000));
    const b = Math.min(bins - 1, Math.max(0, Math.floor(Math.log(mid / lo) / Math.log(ratio))));
    counts[b]! += count;
    total += count;
  });
  const lowMs: number[] = [];
  const highMs: number[] = [];
  const x: number[] = [];
  for (let b = 0; b < bins; b++) {
    const a = lo * ratio ** b;
    const z = lo * ratio ** (b + 1);
    lowMs.push(round4(a) ?? a);
    highMs.push(round4(z) ?? z);
    x.push(round4(Math.sqrt(a * z)) ?? a);
  }
  return { x, lowMs, highMs, counts, total };
}

function monitorSections(
  metrics: readonly MonitorMetricSeries[],
  maxPoints: number,
  maxSeries: number,
  x: number[],
): MonitorSectionSpec[] {
  const out: MonitorSectionSpec[] = [];
  for (const section of SECTIONS) {
    const charts: TimeChartSpec[] = [];
    for (const m of metrics) {
      if (!section.prefixes.some((p) => m.metric.startsWith(p))) continue;
      let all = [...m.series.values()].map((s) => ({ ...s, peak: peak(s.values) }));
      const total = all.length;
      // Per-core and per-mode series drown a chart: past the cap, the "total" rows say it all.
      if (all.length > maxSeries) {
        const totals = all.filter((s) => Object.values(s.tags).includes("total"));
        if (totals.length > 0) all = totals;
      }
      all.sort((a, b) => b.peak - a.peak || labelOf(a.tags).localeCompare(labelOf(b.tags)));
      const shown = all.slice(0, maxSeries);
      const t = shrink({ x, ys: shown.map((s) => s.values) }, maxPoints);
      charts.push({
        id: `monitor-${m.metric}`,
        title: m.metric,
        unit: unitOf(m),
        x: t.x,
        series: shown.map((s, i) => ({
          label: labelOf(s.tags) || m.metric,
          color: PALETTE[i % PALETTE.length]!,
          values: t.ys[i]!,
        })),
        ...(total > shown.length ? { note: `${total - shown.length} more series not shown` } : {}),
      });
    }
    if (charts.length > 0) out.push({ title: section.title, charts });
  }
  return out;
}

function peak(values: readonly (number | null)[]): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v !== null && v > m) m = v;
  return m;
}

function labelOf(tags: Readonly<Record<string, string>>): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join(" ");
}

function unitOf(m: MonitorMetricSeries): string {
  const name = m.metric;
  if (m.kind === "ratio") return "ratio";
  if (name.endsWith("_percent")) return "%";
  if (name.endsWith("_bytes_per_s")) return "B/s";
  if (m.kind === "per_second") return name.endsWith("_bytes") ? "B/s" : "/s";
  if (name.endsWith("_bytes")) return "B";
  if (name.endsWith("_ms")) return "ms";
  if (name.endsWith("_per_s")) return "/s";
  if (name.endsWith("_cores")) return "cores";
  return "";
}
