import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeSyntheticRun } from "../../test/integration/report-fixture.js";
import type { CriteriaReport } from "../criteria/verdict.js";
import type { Summary } from "../results/summary.js";
import { renderReport, writeReport } from "./render-report.js";
import type { ReportData } from "./report-data.js";

const root = mkdtempSync(join(tmpdir(), "strain-report-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
function run(opts: Partial<Parameters<typeof writeSyntheticRun>[1]> = {}): string {
  const dir = join(root, `run-${n++}`);
  writeSyntheticRun(dir, { intervals: 30, tagSets: 4, perInterval: 10, ...opts });
  return dir;
}

function dataOf(html: string): ReportData {
  const m = /<script type="application\/json" id="strain-data">(.*?)<\/script>/s.exec(html);
  return JSON.parse(m![1]!) as ReportData;
}

function editSummary(dir: string, edit: (s: Summary & Record<string, unknown>) => void): void {
  const path = join(dir, "summary.json");
  const s = JSON.parse(readFileSync(path, "utf8")) as Summary & Record<string, unknown>;
  edit(s);
  writeFileSync(path, JSON.stringify(s));
}

describe("renderReport", () => {
  it("shows the run's table numbers, its charts' data, and escapes what the run wrote", () => {
    const dir = run({ tagSets: 10, spike: { interval: 7, ms: 900 } });
    const html = renderReport(dir);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as Summary;
    for (const r of summary.requestsByName) {
      const row = new RegExp(`<tr data-name="${r.name}" data-kind="request">.*?</tr>`).exec(html)?.[0];
      expect(row, r.name).toBeDefined();
      expect(row).toContain(`data-v="${r.count}"`);
      expect(row).toContain(`data-v="${r.p95}"`);
    }
    expect(html).toContain("synthetic warning &lt;b&gt;escaped&lt;/b&gt;");
    expect(html).not.toContain("<b>escaped</b>");
    const data = dataOf(html);
    expect(data.charts.map((c) => c.id)).toEqual(["throughput", "vus", "arrival", "errors"]);
    expect(data.latency?.groups[0]?.key).toBe("all");
    // The spike on route 0 in interval 7 shows in that interval's p99 of all requests.
    const all = data.latency!.groups[0]!;
    expect(Math.max(...all.p99.filter((v): v is number => v !== null))).toBeGreaterThan(890);
    expect(data.monitors.map((s) => s.title)).toEqual(["System", "Load generator"]);
    // Whole-run monitor statistics from summary.json's monitorSeries.
    const stats = /<table class="sortable" id="monitor-stats">.*?<\/table>/s.exec(html)?.[0] ?? "";
    const cpu = summary.monitorSeries.find(
      (m) => m.metric === "system_cpu_percent" && m.tags.mode === "user",
    )!;
    expect(stats).toContain("<td>system_cpu_percent</td><td>cpu=total mode=user</td>");
    expect(stats).toContain(`data-v="${(cpu.stats as { max: number }).max}"`);
    expect(html).toContain('data-sentence="criteria"');
    expect(html).not.toContain("http://");
    expect(html).not.toContain("https://cdn");
  });

  it("downsamples long runs for display and keeps the spike", () => {
    const dir = run({ intervals: 600, spike: { interval: 433, ms: 700 } });
    const data = dataOf(renderReport(dir, { maxPoints: 100 }));
    expect(data.latency!.x.length).toBeLessThanOrEqual(100);
    const p99 = data.latency!.groups.find((g) => g.key === "name:/api/route-0")!.p99;
    expect(Math.max(...p99.filter((v): v is number => v !== null))).toBeGreaterThanOrEqual(699);
  });

  it("renders the criteria table, validity, and top SQL when summary.json has them", () => {
    const dir = run();
    const criteria: CriteriaReport = {
      verdict: "fail",
      counts: { pass: 1, warn: 0, fail: 1 },
      rows: [
        {
          label: "Login p95",
          text: "transaction_duration{transaction:login} p(95) target 2s threshold 5s",
          metric: "transaction_duration",
          where: "{transaction:login}",
          stat: "p(95)",
          target: "<=2s",
          threshold: "<=5s",
          verdict: "pass",
          observed: 812,
          observedText: "812ms",
          unit: "ms",
          samples: 40,
          window: { kind: "run", text: "whole run", startMs: 0, endMs: 30000 },
          abortOnFail: false,
        },
        {
          label: "Deadlocks",
          text: "pg_deadlocks count target 0",
          metric: "pg_deadlocks",
          where: "",
          stat: "count",
          target: "<=0",
          verdict: "fail",
          reason: "no data",
          observed: null,
          observedText: "-",
          unit: "count",
          samples: 0,
          window: { kind: "run", text: "whole run", startMs: null, endMs: null },
          abortOnFail: false,
        },
      ],
    };
    editSummary(dir, (s) => {
      s.criteria = criteria;
      s.validity = {
        status: "generator_saturated",
        windows: [],
        message: "Latencies after 00:12 understate the target's capacity: the load generator was saturated",
        dropped: 0,
        scheduled: 10,
      };
      s.monitors = [
        {
          monitor: "postgres",
          notes: ["pg_stat_statements <is> installed"],
          data: {
            topQueries: [
              {
                query: "SELECT * FROM farmers WHERE id = $1",
                database: "reg",
                calls: 120,
                totalMs: 340.5,
                meanMs: 2.8,
                rows: 120,
                percent: 61.2,
              },
            ],
          },
        },
      ];
    });
    const html = renderReport(dir);
    expect(html).toMatch(/<section id="verdict" class="banner fail"/);
    expect(html).toContain("Criteria FAIL: of 2 rows, 1 passed, 0 warned, 1 failed.");
    expect(html).toContain("Run validity: latencies after 00:12 understate");
    const table = /<table class="sortable" id="criteria-table">.*?<\/table>/s.exec(html)![0];
    expect(table).toContain("Login p95");
    expect(table).toContain("<td>&lt;=2s</td><td>&lt;=5s</td>");
    expect(table).toContain('<span class="pill pass">pass</span>');
    expect(table).toContain('<span class="pill fail">fail</span> <span class="reason">no data</span>');
    expect(html).toContain("SELECT * FROM farmers WHERE id = $1");
    expect(html).toContain("postgres: pg_stat_statements &lt;is&gt; installed");
  });

  it("computes validity from the series when the summary has none (older runs; drops over 1%)", () => {
    const dir = run();
    editSummary(dir, (s) => {
      delete (s as Record<string, unknown>).validity;
    });
    // Append one interval where half the scheduled iterations were dropped.
    const t = Date.UTC(2025, 0, 1, 12, 0, 30);
    const lines = readFileSync(join(dir, "series.ndjson"), "utf8").trimEnd().split("\n");
    const end = lines.pop()!;
    lines.push(
      JSON.stringify({
        type: "interval",
        v: 1,
        index: 30,
        start: t,
        end: t + 1000,
        entries: [
          { metric: "iterations", type: "counter", tags: { scenario: "s" }, value: 100 },
          { metric: "dropped_iterations", type: "counter", tags: { scenario: "s" }, value: 1000 },
        ],
      }),
      end,
    );
    writeFileSync(join(dir, "series.ndjson"), `${lines.join("\n")}\n`);
    const html = renderReport(dir);
    expect(html).toMatch(/data-sentence="validity">Run validity: the target received less load than planned/);
    expect(dataOf(html).charts.map((c) => c.id)).toContain("dropped");
  });

  it("rebuilds the tables from series.ndjson when summary.json is missing, and says so", () => {
    const dir = run({ summary: false });
    expect(existsSync(join(dir, "summary.json"))).toBe(false);
    const html = renderReport(dir);
    expect(html).toContain("summary.json was missing");
    expect(html).toMatch(
      /<tr data-name="\/api\/route-0" data-kind="request"><td>\/api\/route-0<\/td><td>request<\/td><td class="n" data-v="300">/,
    );
    expect(existsSync(join(dir, "summary.json"))).toBe(false);
  });

  it("tolerates a run killed mid-write: truncated last line, no end line, no run.json", () => {
    const dir = run();
    const lines = readFileSync(join(dir, "series.ndjson"), "utf8").trimEnd().split("\n");
    lines.pop(); // the end line
    writeFileSync(join(dir, "series.ndjson"), `${lines.join("\n")}\n`);
    appendFileSync(join(dir, "series.ndjson"), '{"type":"interval","v":1,"index":30,"sta');
    rmSync(join(dir, "summary.json"));
    rmSync(join(dir, "run.json"));
    const html = renderReport(dir);
    expect(html).toContain("The run never wrote its end");
    expect(html).toContain("The last line of series.ndjson was cut short");
  });

  it("renders a run that recorded no interval", () => {
    const dir = join(root, "empty");
    writeSyntheticRun(dir, { intervals: 0, tagSets: 1, perInterval: 1 });
    const html = renderReport(dir);
    expect(html).toContain("No interval was recorded");
    expect(html).toContain("No request was made.");
  });

  it("writeReport writes report.html atomically and throws STRAIN_ERR_RUN_DIR_READ for a non-run", () => {
    const dir = run();
    const path = writeReport(dir);
    expect(path).toBe(join(dir, "report.html"));
    expect(readFileSync(path, "utf8")).toMatch(/^<!doctype html>/);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(() => renderReport(join(root, "nope"))).toThrow(
      expect.objectContaining({ code: "STRAIN_ERR_RUN_DIR_READ" }),
    );
  });
});
