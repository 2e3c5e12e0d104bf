import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generatorEntries } from "./generator.js";
import { MONITOR_METRICS, monitorMetric } from "./monitor-metrics.js";
import { SystemMonitor } from "./system.js";

const DOCS = readFileSync(join(import.meta.dirname, "..", "..", "..", "..", "docs", "monitors.md"), "utf8");

describe("MONITOR_METRICS", () => {
  it("docs/monitors.md names every monitor series", () => {
    const missing = Object.keys(MONITOR_METRICS).filter((name) => {
      // The docs may group names: generator_event_loop_delay_p50_ms, `_p99_ms`, `_max_ms`.
      const tail = name.replace(/^generator_event_loop_delay/, "");
      return !DOCS.includes(`\`${name}`) && !DOCS.includes(`\`${tail}\``);
    });
    expect(missing).toEqual([]);
  });

  it("matches what the system and generator monitors emit, name and type", async () => {
    const system = new SystemMonitor({
      required: false,
      perCore: true,
      interfaces: null,
      disks: null,
      processes: [{ name: "self", pid: process.pid }],
      csv: false,
    });
    expect(await system.start({ intervalMs: 1000, env: {}, warn: () => {} })).toBeUndefined();
    await new Promise((r) => setTimeout(r, 50));
    const entries = [
      ...system.sample(0, 0, 50),
      ...generatorEntries(
        {
          cpuPercent: 1,
          eventLoopDelayMs: { p50: 1, p99: 1, max: 1 },
          heapUsedBytes: 1,
          rssBytes: 1,
          openSockets: 1,
          vusBusy: 1,
          vusAllocated: 1,
        },
        0,
      ),
    ];
    await system.stop();
    const seen = new Map(entries.map((e) => [e.metric, e.type]));
    for (const [metric, type] of seen)
      expect({ metric, type }).toEqual({ metric, type: monitorMetric(metric)?.type });
    const expected = Object.entries(MONITOR_METRICS)
      .filter(([, m]) => m.monitor === "system" || m.monitor === "generator")
      .map(([name]) => name)
      // Disk series need a whole disk; a container may have none.
      .filter(
        (name) =>
          !name.startsWith("system_disk_") || [...seen.keys()].some((k) => k.startsWith("system_disk_")),
      );
    expect([...seen.keys()].sort()).toEqual(expected.sort());
  });

  it("knows prom_<name> series as plain numbers", () => {
    expect(monitorMetric("prom_api_cpu")).toMatchObject({
      type: "trend",
      unit: "number",
      monitor: "prometheus",
    });
    expect(monitorMetric("prom_mem", "gauge")?.type).toBe("gauge");
    expect(monitorMetric("prom_")).toBeUndefined();
    expect(monitorMetric("http_req_duration")).toBeUndefined();
  });
});
