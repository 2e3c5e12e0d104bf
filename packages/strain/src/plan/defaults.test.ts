import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PLAN_DEFAULTS } from "./defaults.js";
import { formatDuration } from "./duration.js";
import { planSchema } from "./schema.js";

const docs = readFileSync(new URL("../../../../docs/plans.md", import.meta.url), "utf8");

/** Every markdown table row of the page, as trimmed cells (the formatter pads columns). */
const tableRows = docs
  .split("\n")
  .filter((line) => line.startsWith("|"))
  .map((line) =>
    line
      .slice(1, -1)
      .split("|")
      .map((cell) => cell.trim()),
  );

/** Each default's row in docs/plans.md, derived from the code. */
const rows: Record<keyof typeof PLAN_DEFAULTS, [field: string, value: string]> = {
  startTimeMs: ["scenarios.*.startTime", formatDuration(PLAN_DEFAULTS.startTimeMs)],
  gracefulStopMs: ["scenarios.*.gracefulStop", formatDuration(PLAN_DEFAULTS.gracefulStopMs)],
  gracefulRampDownMs: ["scenarios.*.gracefulRampDown", formatDuration(PLAN_DEFAULTS.gracefulRampDownMs)],
  timeUnitMs: ["scenarios.*.timeUnit", formatDuration(PLAN_DEFAULTS.timeUnitMs)],
  maxDurationMs: ["scenarios.*.maxDuration", formatDuration(PLAN_DEFAULTS.maxDurationMs)],
  startVUs: ["scenarios.*.startVUs", String(PLAN_DEFAULTS.startVUs)],
  startRate: ["scenarios.*.startRate", String(PLAN_DEFAULTS.startRate)],
  intervalMs: ["options.interval", formatDuration(PLAN_DEFAULTS.intervalMs)],
  maxTagSets: ["options.maxTagSets", String(PLAN_DEFAULTS.maxTagSets)],
  setupTimeoutMs: ["options.setupTimeout", formatDuration(PLAN_DEFAULTS.setupTimeoutMs)],
  teardownTimeoutMs: ["options.teardownTimeout", formatDuration(PLAN_DEFAULTS.teardownTimeoutMs)],
  connections: ["http.connections", String(PLAN_DEFAULTS.connections)],
  connectTimeoutMs: ["http.timeouts.connect", formatDuration(PLAN_DEFAULTS.connectTimeoutMs)],
  headersTimeoutMs: ["http.timeouts.headers", formatDuration(PLAN_DEFAULTS.headersTimeoutMs)],
  bodyTimeoutMs: ["http.timeouts.body", formatDuration(PLAN_DEFAULTS.bodyTimeoutMs)],
  totalTimeoutMs: ["http.timeouts.total", formatDuration(PLAN_DEFAULTS.totalTimeoutMs)],
  maxBodySize: ["http.maxBodySize", String(PLAN_DEFAULTS.maxBodySize)],
  maxRedirects: ["http.maxRedirects", String(PLAN_DEFAULTS.maxRedirects)],
  responseType: ["http.responseType", PLAN_DEFAULTS.responseType],
  httpDriver: ["http.driver", PLAN_DEFAULTS.httpDriver],
  pipelining: ["http.pipelining", String(PLAN_DEFAULTS.pipelining)],
  feederMode: ["feeders.*.mode", PLAN_DEFAULTS.feederMode],
};

describe("docs/plans.md", () => {
  it.each(Object.values(rows))("lists the default of %s as %s", (field, value) => {
    expect(tableRows).toContainEqual([`\`${field}\``, `\`${value}\``]);
  });

  it.each(Object.keys(planSchema.shape))("describes the plan field %s", (key) => {
    expect(tableRows.some((cells) => cells[0] === `\`${key}\``)).toBe(true);
  });
});
