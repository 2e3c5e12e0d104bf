/**
 * Values a plan gets when it leaves a field out. docs/plans.md lists the same table; a test
 * keeps the two in step.
 */
export const PLAN_DEFAULTS = {
  gracefulStopMs: 30_000,
  gracefulRampDownMs: 30_000,
  timeUnitMs: 1_000,
  startTimeMs: 0,
  /** per-vu-iterations and shared-iterations stop after this long even when iterations remain. */
  maxDurationMs: 600_000,
  /** ramping-vus, as in k6. */
  startVUs: 1,
  /** ramping-arrival-rate, as in k6. */
  startRate: 0,
  intervalMs: 1_000,
  maxTagSets: 1_000,
  setupTimeoutMs: 60_000,
  teardownTimeoutMs: 60_000,
  connections: 100,
  connectTimeoutMs: 10_000,
  headersTimeoutMs: 30_000,
  bodyTimeoutMs: 30_000,
  totalTimeoutMs: 60_000,
  /** "10MB". */
  maxBodySize: 10_000_000,
  maxRedirects: 5,
  responseType: "none",
  httpDriver: "auto",
  pipelining: 1,
  feederMode: "sequential",
} as const;
