import type { MetricStats, TrendStats } from "../metrics/aggregate.js";
import { Histogram } from "../metrics/histogram.js";
import type { MetricType, SnapshotEntry } from "../metrics/types.js";

/**
 * Running totals over the last N intervals of one row's entries, for `every <duration>` windows:
 * each interval enters once and leaves once, instead of every window re-aggregating its N
 * intervals. Measured on a 1 h run (3,600 intervals, 5 tag sets × 200 samples per interval), one
 * `every 1m` p(95) row: 8.9 s with a fresh Aggregator per window, 1.1–1.5 s with these totals
 * (half of it decoding each interval's histograms once, as any evaluation must). The statistics
 * are the Aggregator's (same buckets and percentile rule, clamped to the exact min/max); a
 * property test holds the two equal.
 *
 *   interval parts:  [k-N] [k-N+1] … [k]      window = Σ parts (buckets: µs → count)
 *                      ▲ leaves      enters ▲
 */

/** One interval of a row, summed over its matching tag sets. */
export interface IntervalPart {
  type: MetricType | undefined;
  /** trend: count, sum, min, max, and histogram buckets (lowest µs of each, count). */
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Histogram buckets: lowest and highest equivalent value (µs) and count, in value order. */
  bucketsLowUs: number[];
  bucketsHighUs: number[];
  bucketCounts: number[];
  /** counter: total; gauge: summed value; rate: passes. */
  value: number;
  /** rate: total; gauge: summed min/max. */
  total: number;
  gaugeMin: number;
  gaugeMax: number;
}

/** Sum a row's matching entries of one interval. Throws when one metric comes with two types. */
export function partOf(entries: readonly SnapshotEntry[]): IntervalPart {
  const part: IntervalPart = {
    type: undefined,
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
    bucketsLowUs: [],
    bucketsHighUs: [],
    bucketCounts: [],
    value: 0,
    total: 0,
    gaugeMin: 0,
    gaugeMax: 0,
  };
  let hist: Histogram | undefined;
  for (const e of entries) {
    if (part.type !== undefined && part.type !== e.type) throw new TypeError(`${e.metric} has two types`);
    part.type = e.type;
    switch (e.type) {
      case "trend":
        if (hist === undefined) hist = Histogram.decode(e.hist);
        else hist.addEncoded(e.hist);
        part.count += e.count;
        part.sum += e.sum;
        part.min = Math.min(part.min, e.min);
        part.max = Math.max(part.max, e.max);
        break;
      case "counter":
        part.value += e.value;
        break;
      case "rate":
        part.value += e.passes;
        part.total += e.total;
        break;
      case "gauge":
        part.value += e.value;
        part.gaugeMin += e.min;
        part.gaugeMax += e.max;
        break;
    }
  }
  hist?.forEachBucket((lowUs, highUs, n) => {
    part.bucketsLowUs.push(lowUs);
    part.bucketsHighUs.push(highUs);
    part.bucketCounts.push(n);
  });
  return part;
}

/**
 * The totals of the parts currently in the window. Bucket counts live in slots (one per distinct
 * bucket seen in the run), kept in value order, so a percentile is one scan of the slots.
 */
export class SlidingTotals {
  private readonly parts: IntervalPart[] = [];
  private readonly slotOf = new Map<number, number>();
  private lowUs: number[] = [];
  private highUs: number[] = [];
  private counts = new Float64Array(256);
  /** Slots in increasing value order (a new bucket is inserted where it belongs). */
  private readonly order: number[] = [];
  private count = 0;
  private sum = 0;
  private value = 0;
  private total = 0;

  get size(): number {
    return this.parts.length;
  }

  push(p: IntervalPart): void {
    this.parts.push(p);
    this.apply(p, 1);
  }

  shift(): void {
    const p = this.parts.shift();
    if (p !== undefined) this.apply(p, -1);
  }

  private apply(p: IntervalPart, sign: 1 | -1): void {
    this.count += sign * p.count;
    this.sum += sign * p.sum;
    this.value += sign * p.value;
    this.total += sign * p.total;
    for (let i = 0; i < p.bucketsLowUs.length; i++) {
      const low = p.bucketsLowUs[i]!;
      let slot = this.slotOf.get(low);
      if (slot === undefined) {
        slot = this.lowUs.length;
        this.slotOf.set(low, slot);
        this.lowUs.push(low);
        this.highUs.push(p.bucketsHighUs[i]!);
        if (slot === this.counts.length) {
          const grown = new Float64Array(slot * 2);
          grown.set(this.counts);
          this.counts = grown;
        }
        this.insertInOrder(slot);
      }
      this.counts[slot]! += sign * p.bucketCounts[i]!;
    }
  }

  private insertInOrder(slot: number): void {
    const low = this.lowUs[slot]!;
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lowUs[this.order[mid]!]! < low) lo = mid + 1;
      else hi = mid;
    }
    this.order.splice(lo, 0, slot);
  }

  /** The window's metric type, from the parts that had data. Throws when they disagree. */
  typeOf(): MetricType | undefined {
    let type: MetricType | undefined;
    for (const p of this.parts) {
      if (p.type === undefined) continue;
      if (type !== undefined && type !== p.type) throw new TypeError("a metric with two types");
      type = p.type;
    }
    return type;
  }

  /** Statistics as the Aggregator computes them; undefined when no part had data. */
  stats(durationMs: number): MetricStats | undefined {
    const type = this.typeOf();
    switch (type) {
      case undefined:
        return undefined;
      case "trend":
        return this.trend();
      case "counter":
        return { type, count: this.value, rate: durationMs > 0 ? this.value / (durationMs / 1000) : 0 };
      case "rate":
        return {
          type,
          passes: this.value,
          fails: this.total - this.value,
          total: this.total,
          rate: this.total > 0 ? this.value / this.total : 0,
        };
      case "gauge": {
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        let last = 0;
        for (const p of this.parts) {
          if (p.type !== "gauge") continue;
          min = Math.min(min, p.gaugeMin);
          max = Math.max(max, p.gaugeMax);
          last = p.value;
        }
        return { type, value: last, min, max };
      }
    }
  }

  private trend(): TrendStats {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const p of this.parts) {
      if (p.count === 0) continue;
      min = Math.min(min, p.min);
      max = Math.max(max, p.max);
    }
    const order = this.order;
    const counts = this.counts;
    const lowUs = this.lowUs;
    const highUs = this.highUs;
    const total = this.count;
    // Histogram.percentile's semantics: the highest equivalent value of the sample at rank
    // ceil(p% × count) (p = 0: the lowest equivalent value of the smallest), clamped to [min, max].
    const p = (n: number): number => {
      if (total === 0) return Number.NaN;
      const pc = Math.min(100, Math.max(0, n));
      const x = (pc / 100) * total;
      const rank = Math.max(1, Math.ceil(x - x * Number.EPSILON));
      let seen = 0;
      let slot = order[order.length - 1]!;
      for (const s of order) {
        const c = counts[s]!;
        if (c <= 0) continue;
        seen += c;
        slot = s;
        if (seen >= rank) break;
      }
      const v = (pc === 0 ? lowUs[slot]! : highUs[slot]!) / 1000;
      return Math.min(max, Math.max(min, v));
    };
    // Percentile fields are getters: a row reads one statistic, and each percentile is a scan.
    return {
      type: "trend",
      count: total,
      sum: this.sum,
      min,
      max,
      avg: total > 0 ? this.sum / total : Number.NaN,
      get med() {
        return p(50);
      },
      get p90() {
        return p(90);
      },
      get p95() {
        return p(95);
      },
      get p99() {
        return p(99);
      },
      p,
    };
  }
}
