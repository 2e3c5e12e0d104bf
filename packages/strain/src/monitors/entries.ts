import { Histogram } from "../metrics/histogram.js";
import type { CounterEntry, GaugeEntry, SnapshotEntry, Tags, TrendEntry } from "../metrics/types.js";

/**
 * Snapshot entries for monitor series. Monitors use three shapes, chosen so that criteria read
 * them through `metrics/aggregate.ts` without special cases:
 *
 * - **level** (a one-sample trend per interval): percentages, ms, per-second rates, counts of
 *   things (connections). The Aggregator merges trend histograms exactly, so over a run a level
 *   has every trend statistic across intervals: `db_cpu_percent p(95) < 75` is "95% of the
 *   intervals were under 75%". A gauge could not do that: it keeps only last / min / max.
 * - **counter**: things that happened during the interval (deadlocks, bytes moved). Emitted every
 *   interval, 0 included, so `pg_deadlocks count = 0` has evidence rather than no data.
 * - **gauge**: byte sizes (memory, RSS, heap) and bytes/s. Trends clamp at 3,600,000 (1 h in ms),
 *   which bytes exceed; a gauge keeps exact last / min / max.
 */

const scratch = new Histogram();

/** A level: one sample of `value` in the interval (a trend entry with count 1). NaN → null. */
export function levelEntry(metric: string, tags: Tags, value: number): TrendEntry | null {
  if (Number.isNaN(value)) return null;
  // Same clamping as TrendCell.add, so the exact stats and the histogram agree.
  const v = value < 0 ? 0 : value > Histogram.MAX_MS ? Histogram.MAX_MS : value;
  scratch.reset();
  scratch.recordMs(v);
  return { metric, tags, type: "trend", count: 1, sum: v, min: v, max: v, hist: scratch.encode() };
}

/** A counter: `value` happened during the interval. */
export function counterEntry(metric: string, tags: Tags, value: number): CounterEntry {
  return { metric, tags, type: "counter", value };
}

/** A gauge holding one value for the interval. */
export function gaugeEntry(metric: string, tags: Tags, value: number): GaugeEntry {
  return { metric, tags, type: "gauge", value, min: value, max: value };
}

/** Collects one interval's entries; NaN levels and gauges (nothing measured) are left out. */
export class EntryList {
  readonly entries: SnapshotEntry[] = [];

  level(metric: string, tags: Tags, value: number): void {
    const e = levelEntry(metric, tags, value);
    if (e !== null) this.entries.push(e);
  }

  counter(metric: string, tags: Tags, value: number): void {
    if (!Number.isNaN(value)) this.entries.push(counterEntry(metric, tags, value));
  }

  gauge(metric: string, tags: Tags, value: number): void {
    if (!Number.isNaN(value)) this.entries.push(gaugeEntry(metric, tags, value));
  }
}
