import type { CounterEntry, RateEntry } from "../metrics/types.js";

/**
 * Metrics the seeds' tables use that no sample records directly; criteria compute them from the
 * interval snapshots:
 *
 *   http_4xx_rate   rate: requests answered 400–499 / requests (from `http_reqs`' `status` tag)
 *   http_5xx_rate   rate: requests answered 500–599 / requests
 *   arrival_rate    open-model scenarios: iterations completed vs. the plan's arrival rate over
 *                   the window (`rate`: achieved / target; `per_second`: achieved per second)
 *
 * Requests still in flight when the run stopped (`error_class=in_flight_at_stop`) have no status
 * and are left out of the HTTP rates. Transaction failures per name are the built-in
 * `transaction_failed` rate with `where: { transaction: ... }`; the checks pass rate is `checks`
 * with `rate`; dropped iterations are the built-in `dropped_iterations` counter.
 */
export const DERIVED_METRICS = {
  http_4xx_rate: { kind: "rate", description: "share of requests answered with a 4xx status" },
  http_5xx_rate: { kind: "rate", description: "share of requests answered with a 5xx status" },
  arrival_rate: {
    kind: "arrival",
    description: "open-model iterations completed vs. the planned arrival rate",
  },
} as const;

export type DerivedMetricName = keyof typeof DERIVED_METRICS;

const STATUS_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  http_4xx_rate: [400, 499],
  http_5xx_rate: [500, 599],
};

/** True for the derived HTTP status rates. */
export function isStatusRate(metric: string): boolean {
  return Object.hasOwn(STATUS_RANGES, metric);
}

/**
 * One `http_reqs` counter entry as a sample of a status rate: `passes` are the requests whose
 * status falls in the metric's range. Null for requests without a status (in flight at stop).
 */
export function statusRateEntry(metric: string, e: CounterEntry): RateEntry | null {
  if (e.tags.error_class === "in_flight_at_stop") return null;
  const [lo, hi] = STATUS_RANGES[metric]!;
  const status = Number(e.tags.status);
  const hit = status >= lo && status <= hi;
  return { metric, type: "rate", tags: e.tags, passes: hit ? e.value : 0, total: e.value };
}
