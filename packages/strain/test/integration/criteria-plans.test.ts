import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPlan } from "../../src/plan/load.js";
import { tempDir } from "../helpers/run-plan.js";

const PLANS = fileURLToPath(new URL("../../../../plans/", import.meta.url));

/** The example plans of the criteria presets, and the preset each one uses. */
const EXAMPLES: Record<string, { preset: string; rows: number }> = {
  "openimis-load.ts": { preset: "openimis", rows: 11 },
  "smartpos-kpi.ts": { preset: "smartpos-kpi", rows: 5 },
  "smartpos-latency.ts": { preset: "smartpos-latency", rows: 21 },
};

describe("example plans of the criteria presets", () => {
  it("there is one per preset", () => {
    const files = readdirSync(PLANS).filter((f) => /^(openimis|smartpos)-.*\.ts$/.test(f));
    expect(files.sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(Object.entries(EXAMPLES))("%s loads and validates, with its preset's rows", async (file, {
    rows,
  }) => {
    const { plan } = await loadPlan(join(PLANS, file), tempDir("strain-plans-"));
    expect(plan.criteria).toHaveLength(rows);
    expect(plan.hosts).toEqual(expect.arrayContaining([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]));
  });

  it("TARGET_URL chooses the target", async () => {
    const before = process.env.TARGET_URL;
    process.env.TARGET_URL = "http://127.0.0.1:9123";
    try {
      const { plan } = await loadPlan(join(PLANS, "smartpos-kpi.ts"), tempDir("strain-plans-"));
      expect(plan.baseUrl).toBe("http://127.0.0.1:9123");
    } finally {
      if (before === undefined) delete process.env.TARGET_URL;
      else process.env.TARGET_URL = before;
    }
  });

  it("YAML plans take the same rows: presets with overrides, text rows, objects, k6 thresholds", async () => {
    const dir = tempDir("strain-plans-");
    const file = join(dir, "pos.yaml");
    writeFileSync(
      file,
      `name: pos
baseUrl: http://127.0.0.1:8080
scenarios:
  s:
    executor: constant-vus
    vus: 1
    duration: 10s
    flow:
      - request: { url: /ok }
criteria:
  - preset: smartpos-kpi
    overrides:
      throughput: { target: ">=500/s", threshold: ">=400/s" }
      p99: false
  - http_req_duration{category:search} p(99) target 3s threshold 5s window every 1m
  - { label: Checks, metric: checks, stat: rate, target: ">=99.9%", threshold: ">=99%" }
thresholds:
  "http_req_duration{name:x}": ["p(95)<200"]
`,
    );
    const { plan } = await loadPlan(file, dir);
    expect(
      plan.criteria!.map((r) => [r.label, r.target?.text ?? "-", r.threshold?.text ?? "-", r.source]),
    ).toEqual([
      ["API latency (P50)", "<200ms", "<=300ms", "criteria"],
      ["API latency (P95)", "<500ms", "<=800ms", "criteria"],
      ["Error rate", "<0.5%", "<=1%", "criteria"],
      ["Throughput", ">=500/s", ">=400/s", "criteria"],
      [
        "http_req_duration{category:search} p(99) target 3s threshold 5s window every 1m",
        "<=3s",
        "<=5s",
        "criteria",
      ],
      ["Checks", ">=99.9%", ">=99%", "criteria"],
      ["http_req_duration{name:x} p(95)<200", "-", "<200", "thresholds"],
    ]);
  });
});
