import type { MetricType } from "../metrics/types.js";

/**
 * What a monitor series' values measure. Levels are stored as trends (one sample per interval),
 * but their values are not durations: criteria and reports need the unit to read `75%` against
 * `db_cpu_percent` (0–100) or to print `42 connections` rather than `42ms`.
 */
export type MonitorUnit =
  /** 0–100. A criterion's "75%" compares as 75. */
  | "percent"
  | "ms"
  | "count"
  | "bytes"
  | "bytes_per_second"
  | "per_second"
  /** Load average, cores, a PromQL value: a plain number. */
  | "number";

export interface MonitorMetric {
  readonly type: MetricType;
  readonly unit: MonitorUnit;
  readonly monitor: "system" | "generator" | "postgres" | "prometheus";
  readonly description: string;
}

/**
 * Every series the monitors emit with a fixed name (docs/monitors.md lists the same), plus
 * `monitorMetric` for `prom_<name>`. Names use the prefixes `system_`, `generator_`, `pg_`,
 * `db_` and `prom_`: user metrics should not.
 */
export const MONITOR_METRICS = {
  system_cpu_percent: {
    type: "trend",
    unit: "percent",
    monitor: "system",
    description: "CPU time by core and mode",
  },
  system_load1: { type: "trend", unit: "number", monitor: "system", description: "load average, 1 min" },
  system_load5: { type: "trend", unit: "number", monitor: "system", description: "load average, 5 min" },
  system_load15: { type: "trend", unit: "number", monitor: "system", description: "load average, 15 min" },
  system_memory_used_percent: {
    type: "trend",
    unit: "percent",
    monitor: "system",
    description: "memory used",
  },
  system_memory_used_bytes: {
    type: "gauge",
    unit: "bytes",
    monitor: "system",
    description: "MemTotal − MemAvailable",
  },
  system_memory_available_bytes: {
    type: "gauge",
    unit: "bytes",
    monitor: "system",
    description: "MemAvailable",
  },
  system_swap_used_bytes: { type: "gauge", unit: "bytes", monitor: "system", description: "swap in use" },
  system_net_bytes: {
    type: "counter",
    unit: "bytes",
    monitor: "system",
    description: "bytes per interface and direction",
  },
  system_net_bytes_per_s: {
    type: "gauge",
    unit: "bytes_per_second",
    monitor: "system",
    description: "network throughput",
  },
  system_disk_bytes: {
    type: "counter",
    unit: "bytes",
    monitor: "system",
    description: "bytes read and written per disk",
  },
  system_disk_bytes_per_s: {
    type: "gauge",
    unit: "bytes_per_second",
    monitor: "system",
    description: "disk throughput",
  },
  system_disk_util_percent: {
    type: "trend",
    unit: "percent",
    monitor: "system",
    description: "time with I/O in flight",
  },
  system_process_cpu_percent: {
    type: "trend",
    unit: "percent",
    monitor: "system",
    description: "watched processes, % of one core",
  },
  system_process_rss_bytes: {
    type: "gauge",
    unit: "bytes",
    monitor: "system",
    description: "watched processes' resident memory",
  },
  system_process_count: {
    type: "trend",
    unit: "count",
    monitor: "system",
    description: "watched processes alive",
  },
  generator_cpu_percent: {
    type: "trend",
    unit: "percent",
    monitor: "generator",
    description: "worker CPU, % of one core",
  },
  generator_event_loop_delay_p50_ms: {
    type: "trend",
    unit: "ms",
    monitor: "generator",
    description: "event-loop delay p50",
  },
  generator_event_loop_delay_p99_ms: {
    type: "trend",
    unit: "ms",
    monitor: "generator",
    description: "event-loop delay p99",
  },
  generator_event_loop_delay_max_ms: {
    type: "trend",
    unit: "ms",
    monitor: "generator",
    description: "event-loop delay max",
  },
  generator_heap_used_bytes: {
    type: "gauge",
    unit: "bytes",
    monitor: "generator",
    description: "V8 heap used",
  },
  generator_rss_bytes: {
    type: "gauge",
    unit: "bytes",
    monitor: "generator",
    description: "worker resident memory",
  },
  generator_open_sockets: { type: "trend", unit: "count", monitor: "generator", description: "open sockets" },
  generator_vus_busy: {
    type: "gauge",
    unit: "count",
    monitor: "generator",
    description: "VUs running an iteration",
  },
  generator_vus_allocated: {
    type: "gauge",
    unit: "count",
    monitor: "generator",
    description: "VUs allocated",
  },
  pg_commits_per_s: {
    type: "trend",
    unit: "per_second",
    monitor: "postgres",
    description: "transactions committed",
  },
  pg_rollbacks_per_s: {
    type: "trend",
    unit: "per_second",
    monitor: "postgres",
    description: "transactions rolled back",
  },
  pg_deadlocks: { type: "counter", unit: "count", monitor: "postgres", description: "deadlocks detected" },
  pg_conflicts: {
    type: "counter",
    unit: "count",
    monitor: "postgres",
    description: "queries cancelled by recovery conflicts",
  },
  pg_temp_files: {
    type: "counter",
    unit: "count",
    monitor: "postgres",
    description: "temporary files created",
  },
  pg_temp_bytes: {
    type: "counter",
    unit: "bytes",
    monitor: "postgres",
    description: "bytes written to temporary files",
  },
  pg_cache_hit_percent: {
    type: "trend",
    unit: "percent",
    monitor: "postgres",
    description: "block reads from shared buffers",
  },
  pg_backends: { type: "trend", unit: "count", monitor: "postgres", description: "client backends by state" },
  pg_backends_waiting: {
    type: "trend",
    unit: "count",
    monitor: "postgres",
    description: "active backends waiting, by wait event type",
  },
  pg_lock_waits: { type: "trend", unit: "count", monitor: "postgres", description: "ungranted locks" },
  pg_connections: { type: "trend", unit: "count", monitor: "postgres", description: "client connections" },
  pg_connections_used_percent: {
    type: "trend",
    unit: "percent",
    monitor: "postgres",
    description: "% of max_connections",
  },
  pg_connections_max: { type: "gauge", unit: "count", monitor: "postgres", description: "max_connections" },
  db_cpu_percent: {
    type: "trend",
    unit: "percent",
    monitor: "postgres",
    description: "server CPU, % of its CPUs",
  },
  db_cpu_cores: { type: "trend", unit: "number", monitor: "postgres", description: "server CPU, cores busy" },
} as const satisfies Readonly<Record<string, MonitorMetric>>;

export type MonitorMetricName = keyof typeof MONITOR_METRICS;

/** Prefixes of monitor series; a user metric with one of these could clash with a monitor's. */
export const MONITOR_PREFIXES = ["system_", "generator_", "pg_", "db_", "prom_"] as const;

/**
 * The description of a monitor series, or undefined when `name` is none. A `prom_<name>` series
 * is a plain number; `type` says how it is stored ("trend" for a level, "gauge" when configured so).
 */
export function monitorMetric(
  name: string,
  promType: "trend" | "gauge" = "trend",
): MonitorMetric | undefined {
  if (Object.hasOwn(MONITOR_METRICS, name)) return MONITOR_METRICS[name as MonitorMetricName];
  if (name.startsWith("prom_") && name.length > 5)
    return { type: promType, unit: "number", monitor: "prometheus", description: "PromQL query result" };
  return undefined;
}
