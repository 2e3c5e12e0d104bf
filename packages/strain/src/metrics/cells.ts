import { Histogram } from "./histogram.js";
import type { TagSet } from "./tag-set.js";
import type { CounterEntry, GaugeEntry, RateEntry, SnapshotEntry, TrendEntry } from "./types.js";

/**
 * Metric cells: one per (metric, tag set) in a worker's registry, resolved once and then fed on
 * the hot path with plain numeric fields only. `flush` turns the interval's data into a snapshot
 * entry and clears it; a cell is reused for every interval of the run.
 */
interface CellBase {
  readonly metric: string;
  readonly tagSet: TagSet;
  /** The interval's entry, or null when the cell saw no data; resets interval state. */
  flush(): SnapshotEntry | null;
}

/** Trend: values in ms into an HDR histogram, with exact count/sum/min/max beside it. */
export class TrendCell implements CellBase {
  private readonly hist = new Histogram();
  private count = 0;
  private sum = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  constructor(
    readonly metric: string,
    readonly tagSet: TagSet,
  ) {}

  /**
   * Record a value in ms. Values are clamped to [0, 1 h] (exact stats and histogram alike, so they
   * agree); NaN is ignored. Never throws.
   */
  add(ms: number): void {
    if (!(ms >= 0)) {
      if (Number.isNaN(ms)) return;
      ms = 0;
    } else if (ms > Histogram.MAX_MS) ms = Histogram.MAX_MS;
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    this.hist.recordMs(ms);
  }

  flush(): TrendEntry | null {
    if (this.count === 0) return null;
    const entry: TrendEntry = {
      metric: this.metric,
      tags: this.tagSet.tags,
      type: "trend",
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      hist: this.hist.encode(),
    };
    this.hist.reset();
    this.count = 0;
    this.sum = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    return entry;
  }
}

/** Counter: a sum of added values (NaN ignored). */
export class CounterCell implements CellBase {
  private value = 0;
  private dirty = false;

  constructor(
    readonly metric: string,
    readonly tagSet: TagSet,
  ) {}

  add(n: number): void {
    if (Number.isNaN(n)) return;
    this.value += n;
    this.dirty = true;
  }

  flush(): CounterEntry | null {
    if (!this.dirty) return null;
    const entry: CounterEntry = {
      metric: this.metric,
      tags: this.tagSet.tags,
      type: "counter",
      value: this.value,
    };
    this.value = 0;
    this.dirty = false;
    return entry;
  }
}

/** Rate: how many of the recorded booleans were true. */
export class RateCell implements CellBase {
  private passes = 0;
  private total = 0;

  constructor(
    readonly metric: string,
    readonly tagSet: TagSet,
  ) {}

  add(pass: boolean): void {
    this.total++;
    if (pass) this.passes++;
  }

  flush(): RateEntry | null {
    if (this.total === 0) return null;
    const entry: RateEntry = {
      metric: this.metric,
      tags: this.tagSet.tags,
      type: "rate",
      passes: this.passes,
      total: this.total,
    };
    this.passes = 0;
    this.total = 0;
    return entry;
  }
}

/**
 * Gauge: the last value set, with the interval's min and max. Once set, it is emitted every
 * interval (a gauge has a value whether or not it moved); an interval without `set` reports the
 * carried value as value, min and max.
 */
export class GaugeCell implements CellBase {
  private value = 0;
  private min = 0;
  private max = 0;
  private isSet = false;

  constructor(
    readonly metric: string,
    readonly tagSet: TagSet,
  ) {}

  set(v: number): void {
    if (Number.isNaN(v)) return;
    if (!this.isSet) {
      this.isSet = true;
      this.min = v;
      this.max = v;
    } else {
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    }
    this.value = v;
  }

  flush(): GaugeEntry | null {
    if (!this.isSet) return null;
    const entry: GaugeEntry = {
      metric: this.metric,
      tags: this.tagSet.tags,
      type: "gauge",
      value: this.value,
      min: this.min,
      max: this.max,
    };
    this.min = this.value;
    this.max = this.value;
    return entry;
  }
}

export type Cell = TrendCell | CounterCell | RateCell | GaugeCell;
