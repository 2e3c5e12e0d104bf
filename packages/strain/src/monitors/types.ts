import type { SnapshotEntry } from "../metrics/types.js";

/**
 * The monitor contract. A monitor runs in the coordinator beside the load and is sampled once per
 * interval on the run's interval clock; its entries merge into that interval's snapshot, so
 * criteria, the terminal and `series.ndjson` see monitor series like any other metric.
 *
 *   start(ctx) ── baseline (counters read, connection made) ── warning if unavailable
 *   sample(0, start, end) → entries for interval 0   (deltas since the previous sample)
 *   sample(1, …) …
 *   stop() → end-of-run extras (top SQL, range queries) and closes connections
 *
 * `sample` is never called concurrently with itself, and never before `start` resolved without a
 * warning. It must not throw: a failed read is a warning (once) and no entries for that interval.
 */
export interface Monitor {
  /** "system", "postgres", "prometheus": the prefix of the monitor's series and of its messages. */
  readonly name: string;
  /** A required monitor that cannot start fails the run before any load is sent. */
  readonly required: boolean;
  /**
   * Connect and take the baseline. Resolves to undefined when ready, or to one clear sentence
   * saying why the monitor is unavailable (the run goes on without it unless `required`).
   */
  start(ctx: MonitorContext): Promise<string | undefined>;
  /**
   * The interval's entries: deltas since the previous sample, levels at `end`. A negative index
   * is a re-baseline (at the run's start, after workers started): the entries are discarded, and
   * side outputs such as system.csv leave it out.
   */
  sample(intervalIndex: number, start: number, end: number): SnapshotEntry[] | Promise<SnapshotEntry[]>;
  /** Release connections; return what only the end of a run can say. */
  stop(): Promise<MonitorExtras | undefined>;
}

export interface MonitorContext {
  /** The run's interval, ms. */
  intervalMs: number;
  /** The run's variables (`--env`), for `${env.NAME}` in URLs and headers. */
  env: Readonly<Record<string, string>>;
  /** The run directory; monitors that write files (system.csv) put them under `<runDir>/monitors/`. */
  runDir?: string;
  /** Say something once during the run (a lost connection); never called for every interval. */
  warn(message: string): void;
}

/** End-of-run results of one monitor, for summary.json and the report. */
export interface MonitorExtras {
  monitor: string;
  /** Plain-language lines for the terminal ("pg_stat_statements is not installed: …"). */
  notes: string[];
  /** Structured results, JSON-serialisable (top queries, range series, file paths). */
  data: Record<string, unknown>;
}
