/**
 * Prometheus metrics of an API replica (prom-client): request duration by route, connection-pool
 * usage, queue depth by task, jobs by task and status, and the process defaults (CPU, heap, event
 * loop lag). Under `--replicas N` the primary aggregates every replica's registry (prom-client's
 * AggregatorRegistry); values read from the database are aggregated with `first`, not summed,
 * since every replica reads the same rows.
 */

import type pg from "pg";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { jobCounts } from "../jobs/queue.js";
import { TASKS } from "../jobs/settings.js";

export interface ApiMetrics {
  readonly registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** Create this replica's registry. `pool` is sampled at scrape time. */
export function createApiMetrics(pool: pg.Pool): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "registry_" });

  const duration = new Histogram({
    name: "registry_http_request_duration_seconds",
    help: "HTTP request duration by route pattern, method and status",
    labelNames: ["method", "route", "status_code"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  new Gauge({
    name: "registry_db_pool_connections",
    help: "Database connections of the API pool by state (total, idle, waiting clients)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
    },
  });

  // Both job gauges come from one query per scrape.
  let counts: Promise<Awaited<ReturnType<typeof jobCounts>>> | undefined;
  const readCounts = () => {
    counts ??= jobCounts(pool).finally(() => {
      setImmediate(() => {
        counts = undefined;
      });
    });
    return counts;
  };
  new Gauge({
    name: "registry_job_queue_depth",
    help: "Jobs waiting to run (QUEUED), by task",
    labelNames: ["task"] as const,
    aggregator: "first",
    registers: [registry],
    async collect() {
      const rows = await readCounts().catch(() => []);
      for (const task of TASKS) {
        this.set(
          { task },
          rows.filter((r) => r.task === task && r.status === "QUEUED").reduce((s, r) => s + r.n, 0),
        );
      }
    },
  });
  new Gauge({
    name: "registry_jobs",
    help: "Jobs by task and status (COMPLETED and FAILED only grow)",
    labelNames: ["task", "status"] as const,
    aggregator: "first",
    registers: [registry],
    async collect() {
      const rows = await readCounts().catch(() => []);
      this.reset();
      for (const task of TASKS) {
        for (const status of ["QUEUED", "RUNNING", "COMPLETED", "FAILED"]) {
          this.set({ task, status }, rows.find((r) => r.task === task && r.status === status)?.n ?? 0);
        }
      }
    },
  });

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      duration.observe({ method, route, status_code: String(status) }, seconds);
    },
  };
}
