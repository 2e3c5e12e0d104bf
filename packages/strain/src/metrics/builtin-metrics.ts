import type { MetricType } from "./types.js";

/** What a metric's values measure; trends are always ms. */
export type MetricUnit = "ms" | "count" | "bytes" | "ratio";

export interface BuiltinMetric {
  readonly type: MetricType;
  readonly unit: MetricUnit;
  readonly description: string;
}

/**
 * Metrics Strain records itself. A user metric (`plan.metrics`) may not reuse one of these names
 * with another type. docs/metrics.md describes the same table.
 */
export const BUILTIN_METRICS = {
  http_reqs: { type: "counter", unit: "count", description: "HTTP requests completed (any outcome)" },
  http_req_started: { type: "counter", unit: "count", description: "HTTP requests started" },
  http_req_duration: {
    type: "trend",
    unit: "ms",
    description:
      "request start (scheduled start for the first request of an open-model iteration) to last body byte",
  },
  http_req_waiting: { type: "trend", unit: "ms", description: "time to first response byte" },
  http_req_failed: {
    type: "rate",
    unit: "ratio",
    description: "share of requests whose error_class is not ok",
  },
  iteration_duration: { type: "trend", unit: "ms", description: "one run of a flow" },
  iterations: { type: "counter", unit: "count", description: "iterations completed" },
  iteration_errors: { type: "counter", unit: "count", description: "iterations whose flow threw" },
  dropped_iterations: {
    type: "counter",
    unit: "count",
    description: "open model: iterations that could not start because every VU was busy",
  },
  transaction_duration: { type: "trend", unit: "ms", description: "a named group of requests, timed as one" },
  transaction_failed: {
    type: "rate",
    unit: "ratio",
    description: "share of transactions with a failed request",
  },
  checks: { type: "rate", unit: "ratio", description: "share of checks that passed" },
  vus: { type: "gauge", unit: "count", description: "active VUs" },
  vus_max: { type: "gauge", unit: "count", description: "allocated VUs" },
  data_sent: { type: "counter", unit: "bytes", description: "bytes sent" },
  data_received: { type: "counter", unit: "bytes", description: "bytes received" },
} as const satisfies Readonly<Record<string, BuiltinMetric>>;

export type BuiltinMetricName = keyof typeof BUILTIN_METRICS;
