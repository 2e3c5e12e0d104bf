import { closeSync, openSync, writeSync } from "node:fs";
import type { RunResult } from "../../engine/coordinator.js";
import { ErrorCodes, StrainError } from "../../errors.js";
import type { IntervalSnapshot, SnapshotEntry, TrendEntry } from "../../metrics/types.js";
import { BucketCounts } from "../../report/bucket-counts.js";
import type { RunOutput } from "./output.js";

/**
 * `--out json=<file>`: the run as NDJSON, one line per event, written as it happens (docs/outputs.md):
 *
 *   {"type":"start","v":1,"run":…,"plan":…,"workers":2,"intervalMs":1000,"runStartEpoch":…}
 *   {"type":"interval","v":1,"index":0,"start":…,"end":…,"entries":[…]}   one per interval, merged
 *   {"type":"warning","time":…,"message":…}
 *   {"type":"end","v":1,"time":…,"status":"completed","exitCode":0}
 *
 * Interval entries are series.ndjson's (counters, trends with their HDR histogram, rates,
 * gauges) and each trend also carries `stats` — avg, p50, p90, p95, p99, p99.9 in ms — so a
 * consumer needs no HDR decoder.
 */
export class JsonOutput implements RunOutput {
  readonly name: string;
  private fd: number | null;
  private failed = false;
  private readonly buckets = new BucketCounts();

  /** Opens (truncates) `path` now, so a bad path fails before the run starts. */
  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void = () => {},
  ) {
    this.name = `json=${path}`;
    try {
      this.fd = openSync(path, "w");
    } catch (err) {
      throw new StrainError(
        ErrorCodes.RUN_DIR,
        `cannot open ${path} for --out json (${(err as NodeJS.ErrnoException).code ?? "error"})`,
        { cause: err },
      );
    }
  }

  onStart(info: {
    runDir: string;
    plan: { name: string; intervalMs: number };
    workers: number;
    runStartEpoch: number;
  }): void {
    this.write({
      type: "start",
      v: 1,
      run: info.runDir,
      plan: info.plan.name,
      workers: info.workers,
      intervalMs: info.plan.intervalMs,
      runStartEpoch: info.runStartEpoch,
    });
  }

  onSnapshot(snapshot: IntervalSnapshot): void {
    this.write({
      type: "interval",
      v: 1,
      index: snapshot.index,
      start: snapshot.start,
      end: snapshot.end,
      entries: snapshot.entries.map((e) => this.withStats(e)),
    });
  }

  onWarning(message: string): void {
    this.write({ type: "warning", time: Date.now(), message });
  }

  onEnd(result: RunResult): void {
    this.write({
      type: "end",
      v: 1,
      time: Date.now(),
      status: result.status,
      exitCode: result.exitCode,
      ...(result.reason !== undefined ? { reason: result.reason } : {}),
    });
  }

  async close(): Promise<void> {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = null;
  }

  private withStats(e: SnapshotEntry): SnapshotEntry | (TrendEntry & { stats: TrendStatsLine }) {
    if (e.type !== "trend") return e;
    this.buckets.clear().addEncoded(e.hist);
    const [p50, p90, p95, p99, p999] = this.buckets.percentiles(PS, e.min, e.max);
    return {
      ...e,
      stats: {
        avg: e.count > 0 ? e.sum / e.count : null,
        p50: p50!,
        p90: p90!,
        p95: p95!,
        p99: p99!,
        "p99.9": p999!,
      },
    };
  }

  private write(line: unknown): void {
    if (this.fd === null || this.failed) return;
    try {
      writeSync(this.fd, `${JSON.stringify(line)}\n`);
    } catch (err) {
      // A full disk must not stop the run: say it once and stop writing.
      this.failed = true;
      this.warn(
        `--out ${this.name}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)}); the file stops here`,
      );
    }
  }
}

const PS = [50, 90, 95, 99, 99.9];

/** Percentiles of one trend entry in one interval, ms. */
export interface TrendStatsLine {
  avg: number | null;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  "p99.9": number;
}
