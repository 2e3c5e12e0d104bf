import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeReport } from "../../src/report/render-report.js";
import type { Summary } from "../../src/results/summary.js";
import { formatMs } from "../../src/results/text-summary.js";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";
import { tempDir, writePlan } from "../helpers/run-plan.js";
import { colouredPixels, launchChromium, openOffline } from "./report-chromium.js";

// The HTML report of a REAL run (the built CLI against the ground-truth server), opened from
// file:// in Debian's Chromium without network: no console error, every chart drew, the tables
// show that run's numbers and verdicts, sorting works. A screenshot is kept in test-results/.

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const ARTEFACTS = fileURLToPath(new URL("../../test-results/", import.meta.url));
/** The part of a table row these tests read (the package compiles without lib.dom). */
interface RowLike {
  cells: ArrayLike<{ textContent: string | null }>;
  querySelector(selector: string): { textContent: string | null } | null;
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("report.html of a real run, in Chromium from file://", () => {
  let server: GroundTruthServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  const dir = tempDir("strain-report-e2e-");
  let runDir = "";
  let summary: Summary;
  let page: Page;
  let problems: string[] = [];

  beforeAll(async () => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
    server = await startGroundTruthServer({ recordArrivals: false });
    const plan = writePlan(
      dir,
      "report.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "report-e2e",
  baseUrl: "${server.url}",
  scenarios: {
    shop: {
      executor: "constant-arrival-rate", rate: 40, duration: "5s", preAllocatedVUs: 6, maxVUs: 30,
      flow: async (vu) => {
        await vu.http.get("/delay?ms=10", { name: "fast", category: "browse" });
        await vu.transaction("checkout", async () => {
          await vu.http.get("/delay?ms=60", { name: "slow", category: "buy" });
        });
        if (vu.iteration % 5 === 0) await vu.http.get("/status?code=500", { name: "broken", category: "buy" });
      },
    },
    // Too few VUs for this rate: iterations are dropped, and the report must say so.
    starved: {
      executor: "constant-arrival-rate", rate: 20, duration: "5s", preAllocatedVUs: 2, maxVUs: 2,
      flow: async (vu) => { await vu.http.get("/delay?ms=300", { name: "starved" }); },
    },
  },
  criteria: [
    { label: "fast p95", metric: "http_req_duration", where: { name: "fast" }, stat: "p(95)", target: "100ms", threshold: "200ms" },
    { label: "slow p99", metric: "http_req_duration", where: { name: "slow" }, stat: "p(99)", target: "50ms", threshold: "1s" },
    { label: "failed requests", metric: "http_req_failed", stat: "rate", target: "1%", threshold: "2%" },
  ],
});`,
    );
    const runs = join(dir, "runs");
    const r = await runCli(["run", plan, "-o", runs, "-w", "2", "-q"]);
    // Criteria fail (the failing route): exit 99, and the run directory is complete.
    expect(r.code, r.stderr).toBe(99);
    runDir = join(runs, readdirSync(runs)[0]!);
    summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8")) as Summary;
    const file = writeReport(runDir);
    browser = await launchChromium();
    ({ page, problems } = await openOffline(browser.context, file));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("opens without console errors or network requests, and keeps a screenshot", async () => {
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTEFACTS, "report-e2e.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("every chart drew a non-empty canvas", async () => {
    const charts = await colouredPixels(page);
    expect(charts.map(([id]) => id)).toEqual(
      expect.arrayContaining([
        "throughput",
        "latency",
        "vus",
        "arrival",
        "dropped",
        "errors",
        "distribution",
      ]),
    );
    for (const [id, n] of charts) expect(n, `chart ${id}`).toBeGreaterThan(30);
  });

  it("the requests table shows this run's numbers", async () => {
    const rows = await page.$$eval("#requests-table tbody tr", (trs) =>
      (trs as unknown as RowLike[]).map((tr) => Array.from(tr.cells).map((c) => c.textContent ?? "")),
    );
    const expected = [...summary.requestsByName, ...summary.transactions];
    expect(rows.length).toBe(expected.length);
    for (const r of expected) {
      const row = rows.find((x) => x[0] === r.name)!;
      expect(row, r.name).toBeDefined();
      expect(row[2]).toBe(r.count.toLocaleString("en-US"));
      expect(row[3]).toBe(r.perSecond.toFixed(1));
      expect(row[4]).toBe(formatMs(r.p50));
      expect(row[6]).toBe(formatMs(r.p95));
      expect(row[9]).toBe(formatMs(r.max));
    }
    const broken = rows.find((x) => x[0] === "broken")!;
    expect(broken[10]).toBe(`100.00% (${summary.requestsByName.find((r) => r.name === "broken")!.count})`);
  });

  it("the criteria table shows this run's verdicts; the banner says fail and that load was dropped", async () => {
    const rows = await page.$$eval("#criteria-table tbody tr", (trs) =>
      (trs as unknown as RowLike[]).map((tr) => [
        tr.cells[0]!.textContent,
        tr.querySelector(".pill")!.textContent,
      ]),
    );
    expect(rows).toEqual(summary.criteria!.rows.map((r) => [r.label, r.verdict]));
    expect(rows).toEqual([
      ["fast p95", "pass"],
      ["slow p99", "warn"],
      ["failed requests", "fail"],
    ]);
    expect(await page.getAttribute("#verdict", "data-level")).toBe("fail");
    expect(await page.textContent('[data-sentence="validity"]')).toContain("less load than planned");
  });

  it("sorting works: Count descending, then ascending", async () => {
    const counts = () =>
      page.$$eval("#requests-table tbody tr td:nth-child(3)", (tds) =>
        tds.map((td) => Number(td.getAttribute("data-v"))),
      );
    await page.click("#requests-table thead th:nth-child(3)");
    const desc = await counts();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    await page.click("#requests-table thead th:nth-child(3)");
    const asc = await counts();
    expect(asc).toEqual([...desc].sort((a, b) => a - b));
    await page.click("#requests-table thead th:nth-child(1)");
    const names = await page.$$eval("#requests-table tbody tr td:nth-child(1)", (tds) =>
      tds.map((t) => t.textContent),
    );
    expect(names).toEqual([...names].sort().reverse());
  });

  it("the latency chart switches to one request name and redraws", async () => {
    await page.selectOption("#latency-group", "name:slow");
    expect(await page.textContent('[data-chart="latency"] .u-title')).toBe("Latency: slow");
    const charts = await colouredPixels(page);
    expect(charts.find(([id]) => id === "latency")![1]).toBeGreaterThan(30);
  });
});
