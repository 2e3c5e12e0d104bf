import type { CriterionDefinition, PresetName, PresetReference } from "./definition.js";

/**
 * Criteria presets: the seeds' tables with their numbers exactly. Plain data (plans bundle this
 * file through the package entry, so it imports nothing at run time).
 *
 * openimis (seed 001, Table 1) keys on the `transaction` tag: name the user actions `login`,
 * `search` and `online` (creating an insuree, a claim...), or override `where` of those rows.
 *
 * smartpos-kpi (seed 002, Key Performance Indicators) judges every request together; the
 * throughput row is judged over the `steady` window ("15,000 RPS sustained").
 *
 * smartpos-latency (seed 002, Latency Breakdown by Endpoint Category) keys on the `category` tag
 * (`vu.http.post(url, { category: "order-creation" })`); the seed gives targets only, so each row
 * passes or fails at its target.
 *
 * The seeds give no percentile for openIMIS' response times: its rows use p(95) (override `stat`).
 */

type PresetRow = CriterionDefinition & { readonly id: string; readonly label: string };

const OPENIMIS = [
  {
    id: "login",
    label: "User authentication (login)",
    metric: "transaction_duration",
    where: { transaction: "login" },
    stat: "p(95)",
    target: "2s",
    threshold: "5s",
  },
  {
    id: "search",
    label: "User search actions",
    metric: "transaction_duration",
    where: { transaction: "search" },
    stat: "p(95)",
    target: "5s",
    threshold: "7s",
  },
  {
    id: "online",
    label: "User online transactions",
    metric: "transaction_duration",
    where: { transaction: "online" },
    stat: "p(95)",
    target: "3s",
    threshold: "5s",
  },
  {
    id: "http-4xx",
    label: "HTTP errors 4xx",
    metric: "http_4xx_rate",
    stat: "rate",
    target: "0.5%",
    threshold: "1%",
  },
  {
    id: "http-5xx",
    label: "HTTP errors 5xx",
    metric: "http_5xx_rate",
    stat: "rate",
    target: "0.1%",
    threshold: "0.2%",
  },
  {
    id: "login-failures",
    label: "Transaction failures (login)",
    metric: "transaction_failed",
    where: { transaction: "login" },
    stat: "rate",
    target: "0.2%",
    threshold: "0.3%",
  },
  {
    id: "search-failures",
    label: "Transaction failures (search)",
    metric: "transaction_failed",
    where: { transaction: "search" },
    stat: "rate",
    target: "0.5%",
    threshold: "0.7%",
  },
  {
    id: "peak-login-failures",
    label: "Peak-load errors (login)",
    of: "login-failures",
    window: "peak",
    target: "2x",
    threshold: "4x",
  },
  {
    id: "peak-search-failures",
    label: "Peak-load errors (search)",
    of: "search-failures",
    window: "peak",
    target: "2x",
    threshold: "4x",
  },
  {
    // Read from the Postgres monitor; until a run has one, this row has no data and fails.
    id: "database-deadlocks",
    label: "Database deadlocks",
    metric: "pg_deadlocks",
    stat: "count",
    target: 0,
    threshold: 0,
  },
] as const satisfies readonly PresetRow[];

const SMARTPOS_KPI = [
  {
    id: "p50",
    label: "API latency (P50)",
    metric: "http_req_duration",
    stat: "p(50)",
    target: "<200ms",
    threshold: "<=300ms",
  },
  {
    id: "p95",
    label: "API latency (P95)",
    metric: "http_req_duration",
    stat: "p(95)",
    target: "<500ms",
    threshold: "<=800ms",
  },
  {
    id: "p99",
    label: "API latency (P99)",
    metric: "http_req_duration",
    stat: "p(99)",
    target: "<1000ms",
    threshold: "<=1500ms",
  },
  {
    id: "error-rate",
    label: "Error rate",
    metric: "http_req_failed",
    stat: "rate",
    target: "<0.5%",
    threshold: "<=1%",
  },
  {
    id: "throughput",
    label: "Throughput",
    metric: "http_reqs",
    stat: "per_second",
    target: ">=15000/s",
    threshold: ">=12000/s",
    window: "steady",
  },
] as const satisfies readonly PresetRow[];

/** Seed 002's latency breakdown: category tag → [title, P50, P95, P99 targets]. */
const CATEGORIES = [
  ["authentication", "Authentication (JWT issue)", "100ms", "200ms", "500ms"],
  ["device-token", "Device token request", "150ms", "300ms", "600ms"],
  ["order-creation", "Order creation", "200ms", "500ms", "1000ms"],
  ["payment-intent", "Payment intent creation", "150ms", "300ms", "800ms"],
  ["payment-confirmation", "Payment confirmation", "200ms", "400ms", "1000ms"],
  ["report-sync", "Report generation (sync)", "500ms", "2000ms", "5000ms"],
  ["report-async", "Report generation (async, queue time)", "50ms", "100ms", "200ms"],
] as const;

type Category = (typeof CATEGORIES)[number][0];
type LatencyId = `${Category}-${"p50" | "p95" | "p99"}`;

const SMARTPOS_LATENCY: readonly (PresetRow & { id: LatencyId })[] = CATEGORIES.flatMap(
  ([category, title, p50, p95, p99]) =>
    (
      [
        ["p50", "p(50)", p50],
        ["p95", "p(95)", p95],
        ["p99", "p(99)", p99],
      ] as const
    ).map(([key, stat, value]) => ({
      id: `${category}-${key}` as LatencyId,
      label: `${title} ${key.toUpperCase()}`,
      metric: "http_req_duration",
      where: { category },
      stat,
      target: `<${value}`,
    })),
);

/** Every preset's rows, by preset name. */
export const presets = {
  openimis: OPENIMIS,
  "smartpos-kpi": SMARTPOS_KPI,
  "smartpos-latency": SMARTPOS_LATENCY,
} as const satisfies Readonly<Record<PresetName, readonly PresetRow[]>>;

/** The row ids of a preset: the keys its overrides take. */
export type PresetRowId<N extends PresetName> = (typeof presets)[N][number]["id"];

/** Row id → fields to change, or `false` to drop the row. */
export type TypedPresetOverrides<N extends PresetName> = Partial<
  Record<PresetRowId<N>, Partial<CriterionDefinition> | false>
>;

/**
 * A preset as an entry of `criteria`, with rows overridden by id (fields replace the preset's;
 * `false` drops the row). Unknown ids are reported with the plan's other problems.
 *
 * @example
 * criteria: [
 *   preset("openimis", { search: { threshold: "8s" }, "database-deadlocks": false }),
 *   { label: "Checks", metric: "checks", stat: "rate", target: ">=99.9%", threshold: ">=99%" },
 * ]
 */
export function preset<N extends PresetName>(name: N, overrides?: TypedPresetOverrides<N>): PresetReference {
  return overrides === undefined
    ? { preset: name }
    : { preset: name, overrides: overrides as PresetReference["overrides"] & object };
}

/** The rows of a preset with its overrides applied (unknown ids are left to validation). */
export function presetRows(ref: PresetReference): PresetRow[] {
  const rows: readonly PresetRow[] = presets[ref.preset];
  const out: PresetRow[] = [];
  for (const row of rows) {
    const o = ref.overrides?.[row.id];
    if (o === false) continue;
    out.push(o === undefined ? { ...row } : { ...row, ...o, id: row.id, label: o.label ?? row.label });
  }
  return out;
}
