import { readFileSync } from "node:fs";
import { join } from "node:path";
import { evaluateCriteria } from "../criteria/evaluate.js";
import type { CriteriaAbort, CriteriaReport } from "../criteria/verdict.js";
import { Aggregator, type MetricStats, type TagFilter, type TrendStats } from "../metrics/aggregate.js";
import type { IntervalSnapshot } from "../metrics/types.js";
import { monitorMetric } from "../monitors/monitor-metrics.js";
import type { MonitorExtras } from "../monitors/types.js";
import { evaluateRunValidity, type RunValidity } from "../monitors/validity.js";
import type { NetErrorKind } from "../plan/types.js";
import { type RunInfo, type RunStatus, readRunInfo, readSeries, writeJsonAtomic } from "./run-dir.js";

export const SUMMARY_FORMAT = "strain-summary/1";

const NET_ERROR_KINDS: readonly NetErrorKind[] = [
  "refused",
  "reset",
  "timeout",
  "dns",
  "tls",
  "protocol",
  "body_too_large",
  "host_not_allowed",
];

export interface LatencyRow {
  /** Request name or transaction name. */
  name: string;
  count: number;
  /** Completed per second over the run's measured duration. */
  perSecond: number;
  avg: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  "p99.9": number;
  min: number;
  max: number;
  errors: { http_error: number; net_error: number; in_flight_at_stop: number };
  /** Transactions only: how many failed (a request or check inside failed, or the flow threw). */
  failed?: number;
}

export interface RequestClasses {
  scheduled: number;
  started: number;
  ok: number;
  http_error: { total: number; byStatus: Record<string, number> };
  net_error: { total: number; byKind: Record<string, number> };
  dropped: number;
  in_flight_at_stop: number;
  invariant: { expression: string; holds: boolean };
}

export interface Summary {
  format: typeof SUMMARY_FORMAT;
  plan: string;
  status: RunStatus;
  reason?: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number;
  intervals: number;
  requests: RequestClasses;
  iterations: { completed: number; failed: number; dropped: number };
  checks: { passes: number; fails: number } | null;
  requestsByName: LatencyRow[];
  transactions: LatencyRow[];
  metrics: Record<string, SerializedStats>;
  warnings: string[];
  errors: { sampled: number; notSampled: number };
  /** Verdict per criteria row (null when the plan has no criteria). */
  criteria: CriteriaReport | null;
  /** Whether the generator could apply the planned load (docs/monitors.md): shown beside the verdict, never instead of it. */
  validity: RunValidity;
  /** End-of-run results of the monitors (top SQL, range queries, notes). */
  monitors: MonitorExtras[];
  /** Every monitor series (per tag set; per-core CPU left out, the total kept) over the whole run. */
  monitorSeries: { metric: string; tags: Readonly<Record<string, string>>; stats: SerializedStats }[];
}

export type SerializedStats = Omit<TrendStats, "p"> | Exclude<MetricStats, TrendStats>;

export interface SummaryInput {
  info: RunInfo | null;
  snapshots: readonly IntervalSnapshot[];
  warnings: readonly string[];
  status: RunStatus;
  reason?: string;
  endedAt?: number;
  errorsSampled: number;
  errorsDropped: number;
  /** The `abortOnFail` criterion that stopped the run. */
  criteriaAbort?: CriteriaAbort;
  monitors?: readonly MonitorExtras[];
}

function count(agg: Aggregator, metric: string, filter?: TagFilter): number {
  const s = agg.stats(metric, filter);
  if (s === undefined) return 0;
  if (s.type === "counter") return s.count;
  if (s.type === "rate") return s.total;
  if (s.type === "trend") return s.count;
  return s.value;
}

function latencyRow(
  agg: Aggregator,
  metric: string,
  filter: TagFilter,
  name: string,
  seconds: number,
): LatencyRow | null {
  const s = agg.stats(metric, filter);
  if (s === undefined || s.type !== "trend") return null;
  return {
    name,
    count: s.count,
    perSecond: seconds > 0 ? s.count / seconds : 0,
    avg: s.avg,
    p50: s.med,
    p90: s.p90,
    p95: s.p95,
    p99: s.p99,
    "p99.9": s.p(99.9),
    min: s.min,
    max: s.max,
    errors: { http_error: 0, net_error: 0, in_flight_at_stop: 0 },
  };
}

function serializeStats(s: MetricStats): SerializedStats {
  if (s.type !== "trend") return s;
  const { p: _p, ...rest } = s;
  return { ...rest };
}

/** Build the summary from merged interval snapshots: the same function at run end and in `strain report`. */
export function buildSummary(input: SummaryInput): Summary {
  const agg = new Aggregator().addAll(input.snapshots);
  const seconds = agg.durationMs / 1000;

  // Request classes. A request that never finished before the workers were killed has no class:
  // the invariant then does not hold, and says so.
  const byStatus: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  let ok = 0;
  let httpErr = 0;
  let netErr = 0;
  let inFlight = 0;
  for (const e of agg.entries()) {
    if (e.metric !== "http_reqs" || e.stats.type !== "counter") continue;
    const n = e.stats.count;
    switch (e.tags.error_class) {
      case "ok":
        ok += n;
        break;
      case "http_error": {
        httpErr += n;
        const st = e.tags.status ?? "0";
        byStatus[st] = (byStatus[st] ?? 0) + n;
        break;
      }
      case "net_error": {
        netErr += n;
        const k = e.tags.net_error ?? "unknown";
        byKind[k] = (byKind[k] ?? 0) + n;
        break;
      }
      case "in_flight_at_stop":
        inFlight += n;
        break;
    }
  }
  for (const k of NET_ERROR_KINDS) byKind[k] ??= 0;
  const started = count(agg, "http_req_started");
  const dropped = count(agg, "dropped_iterations");
  const scheduled = started + dropped;
  const requests: RequestClasses = {
    scheduled,
    started,
    ok,
    http_error: { total: httpErr, byStatus },
    net_error: { total: netErr, byKind },
    dropped,
    in_flight_at_stop: inFlight,
    invariant: {
      expression: `scheduled ${scheduled} = ok ${ok} + http_error ${httpErr} + net_error ${netErr} + dropped ${dropped} + in_flight_at_stop ${inFlight}`,
      holds: scheduled === ok + httpErr + netErr + dropped + inFlight,
    },
  };

  // Table rows per request name and per transaction.
  const names = new Set<string>();
  const transactions = new Set<string>();
  for (const e of agg.entries()) {
    if (e.metric === "http_reqs" && e.tags.name !== undefined) names.add(e.tags.name);
    if (e.metric === "transaction_duration" && e.tags.transaction !== undefined)
      transactions.add(e.tags.transaction);
  }
  const requestsByName: LatencyRow[] = [];
  for (const name of [...names].sort()) {
    const row =
      latencyRow(agg, "http_req_duration", { name }, name, seconds) ??
      emptyRow(name, count(agg, "http_reqs", { name }), seconds);
    row.errors = {
      http_error: count(agg, "http_reqs", { name, error_class: "http_error" }),
      net_error: count(agg, "http_reqs", { name, error_class: "net_error" }),
      in_flight_at_stop: count(agg, "http_reqs", { name, error_class: "in_flight_at_stop" }),
    };
    requestsByName.push(row);
  }
  const txRows: LatencyRow[] = [];
  for (const name of [...transactions].sort()) {
    const row = latencyRow(agg, "transaction_duration", { transaction: name }, name, seconds);
    if (row === null) continue;
    const f = agg.stats("transaction_failed", { transaction: name });
    if (f?.type === "rate") row.failed = f.passes;
    row.errors = {
      http_error: count(agg, "http_reqs", { transaction: name, error_class: "http_error" }),
      net_error: count(agg, "http_reqs", { transaction: name, error_class: "net_error" }),
      in_flight_at_stop: count(agg, "http_reqs", { transaction: name, error_class: "in_flight_at_stop" }),
    };
    txRows.push(row);
  }

  const metrics: Record<string, SerializedStats> = {};
  for (const m of agg.metrics()) {
    const s = agg.stats(m);
    if (s !== undefined) metrics[m] = serializeStats(s);
  }
  const checks = agg.stats("checks");
  const first = input.snapshots[0];
  const last = input.snapshots[input.snapshots.length - 1];
  const endedAt = input.endedAt ?? last?.end;
  return {
    format: SUMMARY_FORMAT,
    plan: input.info?.plan.name ?? "unknown",
    status: input.status,
    ...(input.reason !== undefined ? { reason: input.reason } : {}),
    startedAt: first !== undefined ? new Date(first.start).toISOString() : (input.info?.startedAt ?? null),
    endedAt: endedAt !== undefined ? new Date(endedAt).toISOString() : null,
    durationMs: agg.durationMs,
    intervals: input.snapshots.length,
    requests,
    iterations: {
      completed: count(agg, "iterations"),
      failed: count(agg, "iteration_errors"),
      dropped,
    },
    checks: checks?.type === "rate" ? { passes: checks.passes, fails: checks.fails } : null,
    requestsByName,
    transactions: txRows,
    metrics,
    warnings: [...input.warnings],
    errors: { sampled: input.errorsSampled, notSampled: input.errorsDropped },
    criteria:
      input.info?.criteria !== undefined && input.info.criteria.length > 0
        ? evaluateCriteria(
            input.info.criteria,
            input.info.timeline ?? null,
            input.snapshots,
            input.criteriaAbort,
          )
        : null,
    validity: evaluateRunValidity(input.snapshots, {
      ...(input.info?.runStartEpoch != null ? { runStartEpoch: input.info.runStartEpoch } : {}),
      ...(input.info?.validityRules !== undefined ? { rules: input.info.validityRules } : {}),
    }),
    monitors: [...(input.monitors ?? [])],
    monitorSeries: agg
      .entries()
      .filter(
        (e) =>
          monitorMetric(e.metric) !== undefined &&
          !(e.metric === "system_cpu_percent" && e.tags.cpu !== "total"),
      )
      .map((e) => ({ metric: e.metric, tags: e.tags, stats: serializeStats(e.stats) })),
  };
}

function emptyRow(name: string, n: number, seconds: number): LatencyRow {
  return {
    name,
    count: n,
    perSecond: seconds > 0 ? n / seconds : 0,
    avg: 0,
    p50: 0,
    p90: 0,
    p95: 0,
    p99: 0,
    "p99.9": 0,
    min: 0,
    max: 0,
    errors: { http_error: 0, net_error: 0, in_flight_at_stop: 0 },
  };
}

/**
 * Rebuild summary.json of a run directory from series.ndjson alone (plus run.json when present).
 * Tolerates a truncated last line; a series without an `end` line gives status `incomplete`.
 */
export function rebuildSummary(dir: string): { summary: Summary; truncated: boolean } {
  const { lines, truncated } = readSeries(dir);
  const snapshots: IntervalSnapshot[] = [];
  const warnings: string[] = [];
  let status: RunStatus = "incomplete";
  let reason: string | undefined;
  let endedAt: number | undefined;
  let errorsDropped = 0;
  let criteriaAbort: CriteriaAbort | undefined;
  let monitors: MonitorExtras[] = [];
  for (const l of lines) {
    if (l.type === "interval") {
      const { type: _t, ...snap } = l;
      snapshots.push(snap);
    } else if (l.type === "warning") warnings.push(l.message);
    else if (l.type === "monitors") monitors = l.extras;
    else if (l.type === "end") {
      status = l.status;
      reason = l.reason;
      endedAt = l.time;
      errorsDropped = l.errorsNotSampled ?? 0;
      criteriaAbort = l.abortedBy;
    }
  }
  if (status === "incomplete")
    reason =
      "the run ended without writing its end line (killed or crashed); the summary holds every complete interval";
  let errorsSampled = 0;
  try {
    errorsSampled = countLines(join(dir, "errors.ndjson"));
  } catch {
    errorsSampled = 0;
  }
  const summary = buildSummary({
    info: readRunInfo(dir),
    snapshots,
    warnings,
    status,
    ...(reason !== undefined ? { reason } : {}),
    ...(endedAt !== undefined ? { endedAt } : {}),
    ...(criteriaAbort !== undefined ? { criteriaAbort } : {}),
    errorsSampled,
    errorsDropped,
    monitors,
  });
  writeJsonAtomic(join(dir, "summary.json"), summary);
  return { summary, truncated };
}

function countLines(path: string): number {
  // errors.ndjson is small (capped at 10,000 lines).
  let n = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) if (line.trim() !== "") n++;
  return n;
}
