import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compareCommand } from "../../src/cli/compare.js";
import type { CliIO } from "../../src/cli/io.js";
import { ExitCodes } from "../../src/errors.js";
import type { Summary } from "../../src/results/summary.js";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";
import { tempDir, writePlan } from "../helpers/run-plan.js";
import { colouredPixels, launchChromium, openOffline } from "./report-chromium.js";

// `strain compare` on REAL runs (the built CLI against the ground-truth server): the same plan
// with the checkout route answering in 50 ms (A, and A again) or 65 ms (B: +30%). The browse
// route does not change. 400 requests per route: p50 and p95 are judged, p99 is not (4 samples
// beyond it), so one scheduling hiccup of a shared machine cannot fake a regression.

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

function runCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("exit", (code) => resolve({ code, stderr }));
  });
}

function io(cwd: string): CliIO & { out: string; err: string } {
  const o = {
    out: "",
    err: "",
    stdout: {
      write: (s: string) => {
        o.out += s;
      },
    },
    stderr: {
      write: (s: string) => {
        o.err += s;
      },
    },
    isTTY: false,
    env: {},
    cwd,
    onSignal: () => () => {},
  };
  return o;
}

describe("strain compare on real runs", () => {
  let server: GroundTruthServer;
  const dir = tempDir("strain-compare-e2e-");
  const runs: Record<"a" | "a2" | "b", string> = { a: "", a2: "", b: "" };

  beforeAll(async () => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
    server = await startGroundTruthServer({ recordArrivals: false });
    const plan = writePlan(
      dir,
      "cmp.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "compare-e2e",
  baseUrl: "${server.url}",
  scenarios: {
    s: {
      executor: "constant-arrival-rate", rate: 80, duration: "5s", preAllocatedVUs: 16, maxVUs: 80,
      flow: async (vu) => {
        await vu.http.get("/delay?ms=80", { name: "browse" });
        await vu.http.get(\`/delay?ms=\${vu.env.CHECKOUT_MS}\`, { name: "checkout" });
      },
    },
  },
});`,
    );
    for (const [key, ms] of [
      ["a", 50],
      ["a2", 50],
      ["b", 65],
    ] as const) {
      const out = join(dir, key);
      const r = await runCli(["run", plan, "-o", out, "-w", "1", "-q", "--env", `CHECKOUT_MS=${ms}`]);
      expect(r.code, r.stderr).toBe(0);
      runs[key] = join(out, readdirSync(out)[0]!);
    }
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it("the checkout route's 30% slower p95 is flagged: exit 99, the route named, compare.html written", async () => {
    const c = io(dir);
    const code = await compareCommand(runs.a, runs.b, { failOnRegression: "10%", html: "regressed.html" }, c);
    const summaryOf = (d: string) => JSON.parse(readFileSync(join(d, "summary.json"), "utf8")) as Summary;
    const p95 = (s: Summary) => s.requestsByName.find((r) => r.name === "checkout")!.p95;
    // Ground truth first: the server really made B's checkout about 30% slower.
    expect(p95(summaryOf(runs.b)) / p95(summaryOf(runs.a))).toBeGreaterThan(1.2);
    expect(code, c.out).toBe(ExitCodes.CRITERIA_FAILED);
    expect(c.out).toMatch(/request checkout: p95 \S+ → \S+ \(\+\d+\.\d%\)/);
    expect(c.out).not.toMatch(/request browse: p95/);
    expect(readFileSync(join(dir, "regressed.html"), "utf8")).toContain("REGRESSED");
  });

  it("two runs of the same plan: no regression, exit 0", async () => {
    const c = io(dir);
    expect(
      await compareCommand(runs.a, runs.a2, { failOnRegression: "10%", html: "same.html" }, c),
      c.out,
    ).toBe(ExitCodes.OK);
    expect(c.out).toContain("no regression beyond 10%");
  });

  it("compare.html opens offline and draws both overlaid charts", async () => {
    const browser = await launchChromium();
    try {
      const { page, problems } = await openOffline(browser.context, join(dir, "regressed.html"));
      const charts = await colouredPixels(page);
      expect(charts.map(([id]) => id)).toEqual(["compare-latency", "compare-throughput"]);
      for (const [id, n] of charts) expect(n, id).toBeGreaterThan(30);
      await page.selectOption("#compare-group", "name:checkout");
      expect(await page.textContent('[data-chart="compare-latency"] .u-title')).toBe("Latency p95: checkout");
      const row = await page.$$eval('#diff-table tr[data-name="checkout"] td', (tds) =>
        tds.map((t) => t.className),
      );
      expect(row.some((cls) => cls.includes("delta-bad"))).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
