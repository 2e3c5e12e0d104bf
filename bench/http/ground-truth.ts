/**
 * The latencies a perfect open-model load generator must report in the stall test, computed from the
 * schedule alone: request i is due at i / rate s; the server holds every request that arrives in
 * [holdFrom, holdUntil) until holdUntil, and answers the others after its base latency.
 *
 *   latency ▲
 *      2 s  │        |\            400 requests (2 s × 200/s) wait for 7 s:
 *           │        | \           latency = 7 s − scheduled time
 *           │        |  \
 *     base  │________|   \_________  the other 2,000 take the base latency
 *           └──────────────────────▶ scheduled time
 *           0        5 s  7 s     12 s
 */

export interface StallSchedule {
  /** Requests per second. */
  rate: number;
  seconds: number;
  /** Hold window, seconds after the first request. */
  holdFrom: number;
  holdUntil: number;
  /** The server's answer time for a request it does not hold, as measured from a bare client, ms. */
  baseMs: number;
  /**
   * When the server actually wrote each held response, oldest first, ms after holdUntil (the stall
   * server reports them). Absent: every held response at exactly holdUntil, the schedule's ideal.
   */
  releaseOffsetsMs?: readonly number[];
}

export interface GroundTruth {
  count: number;
  held: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Value at rank ⌈p/100 · n⌉ of an ascending array (the nearest-rank percentile, HdrHistogram's choice). */
export function nearestRank(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** p50/p95/p99/max in ms of the latencies the schedule implies. */
export function stallGroundTruth(s: StallSchedule): GroundTruth {
  const count = Math.round(s.rate * s.seconds);
  const latencies: number[] = new Array(count);
  let held = 0;
  const offsets = s.releaseOffsetsMs ?? [];
  // In ms, so the usual rates give exact values (i · 1000/200 = 5i).
  const fromMs = s.holdFrom * 1000;
  const untilMs = s.holdUntil * 1000;
  for (let i = 0; i < count; i++) {
    const at = (i * 1000) / s.rate;
    if (at >= fromMs && at < untilMs) {
      // The k-th request due in the window is the k-th the server releases (it answers oldest first).
      latencies[i] = untilMs + (offsets[held] ?? 0) - at;
      held++;
    } else {
      latencies[i] = s.baseMs;
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    count,
    held,
    p50: nearestRank(latencies, 50)!,
    p95: nearestRank(latencies, 95)!,
    p99: nearestRank(latencies, 99)!,
    max: latencies[count - 1]!,
  };
}
