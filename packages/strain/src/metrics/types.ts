/**
 * Interval snapshots: what a worker hands the coordinator every interval, what `series.ndjson`
 * stores one per line, and what outputs consume. Plain JSON so it crosses IPC and files unchanged.
 *
 *   worker ──(IntervalSnapshot per interval)──▶ coordinator ──merge──▶ series.ndjson / terminal / criteria
 */
export type MetricType = "counter" | "trend" | "rate" | "gauge";

export type Tags = Readonly<Record<string, string>>;

interface EntryBase {
  metric: string;
  tags: Tags;
}

/** A counter: `value` is the sum added during the interval. */
export interface CounterEntry extends EntryBase {
  type: "counter";
  value: number;
}

/**
 * A trend: values in ms (fractional allowed) recorded into an HDR histogram in integer
 * microseconds with 3 significant digits. `hist` is the histogram in HdrHistogram's compressed
 * base64 encoding; `count`, `sum`, `min`, `max` are exact (ms).
 */
export interface TrendEntry extends EntryBase {
  type: "trend";
  count: number;
  sum: number;
  min: number;
  max: number;
  hist: string;
}

/** A rate: how many of `total` samples were true (`passes`). */
export interface RateEntry extends EntryBase {
  type: "rate";
  passes: number;
  total: number;
}

/**
 * A gauge: last value set in the interval, with min and max. Across workers in one interval the
 * values are summed (each worker owns a part: its VUs, its sockets); across intervals the last wins.
 */
export interface GaugeEntry extends EntryBase {
  type: "gauge";
  value: number;
  min: number;
  max: number;
}

export type SnapshotEntry = CounterEntry | TrendEntry | RateEntry | GaugeEntry;

export interface IntervalSnapshot {
  v: 1;
  /** Interval number counted from the run's start (0-based). */
  index: number;
  /** Interval bounds, epoch milliseconds. */
  start: number;
  end: number;
  entries: SnapshotEntry[];
}
