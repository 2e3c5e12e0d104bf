import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GroundTruthServer, startGroundTruthServer } from "../fixtures/ground-truth-server.js";
import { tempDir, writePlan } from "../helpers/run-plan.js";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

interface Spawned {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

function strain(args: string[]): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const s: Spawned = {
    child,
    stdout: "",
    stderr: "",
    exit: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
  };
  child.stdout!.on("data", (d) => {
    s.stdout += d;
  });
  child.stderr!.on("data", (d) => {
    s.stderr += d;
  });
  return s;
}

function runDirs(runs: string): string[] {
  return existsSync(runs) ? readdirSync(runs).map((d) => join(runs, d)) : [];
}

interface Row {
  label: string;
  id?: string;
  verdict: string;
  reason?: string;
  observed: number | null;
  samples: number;
}

/**
 * Three open-model scenarios, one per user action of the openimis preset, with known latencies:
 * login 100 ms (target 2 s: pass), search 6 s (target 5 s, threshold 7 s: warn), online as given.
 */
function openimisPlan(url: string, name: string, onlineMs: number, overrides: string): string {
  return `import { definePlan, preset } from "strain";
const action = (tx: string, ms: number, rate: number, vus: number) => ({
  executor: "constant-arrival-rate" as const, rate, duration: "3s", preAllocatedVUs: vus, gracefulStop: "10s",
  flow: async (vu) => { await vu.transaction(tx, () => vu.http.get("/delay?ms=" + ms, { name: tx })); },
});
export default definePlan({
  name: "${name}",
  baseUrl: "${url}",
  scenarios: {
    login: action("login", 100, 5, 5),
    search: action("search", 6000, 2, 14),
    online: action("online", ${onlineMs}, 2, 14),
  },
  criteria: [preset("openimis", ${overrides})],
});`;
}

describe("criteria end to end (strain run / strain report)", () => {
  let server: GroundTruthServer;
  const dir = tempDir("strain-criteria-e2e-");
  beforeAll(async () => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
    server = await startGroundTruthServer({ recordArrivals: false });
  });
  afterAll(async () => {
    await server.close();
  });

  let failedRun = "";

  it("openimis preset: login passes, search warns, online transactions fail → exactly those verdicts, exit 99", async () => {
    const plan = writePlan(dir, "openimis-fail.ts", openimisPlan(server.url, "openimis-fail", 5500, "{}"));
    const runs = join(dir, "runs-fail");
    const junit = join(dir, "fail.xml");
    const p = strain(["run", plan, "-o", runs, "-w", "2", "--junit", junit]);
    expect(await p.exit).toBe(99);
    [failedRun] = runDirs(runs) as [string];
    const summary = JSON.parse(readFileSync(join(failedRun, "summary.json"), "utf8"));
    const rows: Row[] = summary.criteria.rows;
    const verdicts = Object.fromEntries(rows.map((r) => [r.id, r.verdict]));
    expect(verdicts).toEqual({
      login: "pass",
      search: "warn",
      online: "fail",
      "http-4xx": "pass",
      "http-5xx": "pass",
      "login-failures": "pass",
      "search-failures": "pass",
      "peak-login-failures": "pass",
      "peak-search-failures": "pass",
      // No Postgres monitor in this run: no evidence, never a pass.
      "database-deadlocks": "fail",
    });
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId.login!.observed).toBeLessThan(2000);
    expect(byId.login!.samples).toBe(15);
    expect(byId.search).toMatchObject({ reason: "misses target <=5s", samples: 6 });
    expect(byId.search!.observed).toBeGreaterThan(5000);
    expect(byId.online).toMatchObject({ reason: "misses threshold <=5s", samples: 6 });
    expect(byId["database-deadlocks"]).toMatchObject({ reason: "no data", observed: null, samples: 0 });
    expect(summary.criteria.counts).toEqual({ pass: 7, warn: 1, fail: 2 });
    expect(summary.status).toBe("completed");

    // The terminal table (plain: not a TTY) and the JUnit file say the same.
    expect(p.stdout).toMatch(/User search actions\s+warn\s+6\.\d+s\s+<=5s\s+<=7s\s+6\s+whole run/);
    expect(p.stdout).toMatch(/User online transactions\s+fail\s+5\.\d+s\s+<=3s\s+<=5s/);
    expect(p.stdout).toMatch(/Database deadlocks\s+fail\s+-.*— no data/);
    expect(p.stdout).toContain("criteria: 7 pass, 1 warn, 2 fail → FAIL");
    expect(p.stdout).not.toContain("\u001b[");
    const xml = readFileSync(junit, "utf8");
    expect(xml.match(/<testcase /g)).toHaveLength(10);
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toMatch(
      /name="User online transactions" time="0">\s*<failure message="misses threshold &lt;=5s"/,
    );
    expect(xml).toMatch(/name="User search actions" time="0">\s*<system-out>WARN: misses target &lt;=5s/);
    expect(xml).toMatch(/name="Database deadlocks" time="0">\s*<failure message="no data"/);
  });

  it("`strain report <dir>` recomputes the verdicts from the run directory alone, exit 99", async () => {
    expect(failedRun).not.toBe("");
    const before = JSON.parse(readFileSync(join(failedRun, "summary.json"), "utf8"));
    rmSync(join(failedRun, "summary.json"));
    rmSync(join(failedRun, "plan.bundle.mjs"));
    const r = strain(["report", failedRun]);
    expect(await r.exit).toBe(99);
    const after = JSON.parse(readFileSync(join(failedRun, "summary.json"), "utf8"));
    expect(after.criteria.rows).toEqual(before.criteria.rows);
    expect(r.stdout).toContain("criteria: 7 pass, 1 warn, 2 fail → FAIL");
  });

  it("warnings only: exit 0, and with --strict the strict code (98)", async () => {
    // Online transactions now take 100 ms; the deadlock row is dropped (no Postgres monitor here).
    const plan = writePlan(
      dir,
      "openimis-warn.ts",
      openimisPlan(server.url, "openimis-warn", 100, `{ "database-deadlocks": false }`),
    );
    const runs = join(dir, "runs-warn");
    const p = strain(["run", plan, "-o", runs, "-w", "2", "--strict"]);
    expect(await p.exit).toBe(98);
    const [run] = runDirs(runs) as [string];
    const summary = JSON.parse(readFileSync(join(run, "summary.json"), "utf8"));
    expect(summary.criteria.counts).toEqual({ pass: 8, warn: 1, fail: 0 });
    expect(summary.criteria.rows.find((r: Row) => r.verdict === "warn").id).toBe("search");
    expect(p.stdout).toContain("criteria: 8 pass, 1 warn, 0 fail → WARN");
    const lenient = strain(["report", run]);
    expect(await lenient.exit).toBe(0);
    const strict = strain(["report", run, "--strict", "--junit", join(dir, "warn.xml")]);
    expect(await strict.exit).toBe(98);
    const xml = readFileSync(join(dir, "warn.xml"), "utf8");
    expect(xml).toContain('tests="9" failures="0"');
  });

  it("invalid criteria: every problem is named, exit 104, nothing is sent, no run directory", async () => {
    server.reset();
    const plan = writePlan(
      dir,
      "bad-criteria.ts",
      `import { definePlan, preset } from "strain";
export default definePlan({
  name: "bad-criteria",
  baseUrl: "${server.url}",
  scenarios: {
    s: { executor: "ramping-vus", stages: [{ duration: "2s", target: 2, name: "ramp" }],
         flow: async (vu) => { await vu.http.get("/ok"); } },
  },
  criteria: [
    { metric: "http_req_duration", stat: "p95", target: "2s" },
    { metric: "http_req_duration", stat: "p(95)", target: "2 parsecs" },
    { metric: "http_req_failed", stat: "rate", target: "1%", threshold: "0.5%" },
    { metric: "http_req_duration", stat: "p(99)", target: "1s", window: "stage:rampp" },
    "http_req_duration p(95) target",
    preset("openimis", { logn: false } as never),
  ],
  thresholds: { "http_req_duration{name:x}": ["p95<200"] },
});`,
    );
    const runs = join(dir, "runs-bad");
    const p = strain(["run", plan, "-o", runs]);
    expect(await p.exit).toBe(104);
    expect(p.stderr).toMatch(/is invalid: 7 problems/);
    expect(p.stderr).toContain('criteria[0].stat: unknown statistic "p95" — hint: did you mean "p(95)"?');
    expect(p.stderr).toContain('criteria[1].target: "2 parsecs" has an unknown unit "parsecs"');
    expect(p.stderr).toContain("criteria[2].threshold: is stricter than the target (<=0.5% vs <=1%)");
    expect(p.stderr).toContain('criteria[3].window: no stage named "rampp" — hint: did you mean "ramp"?');
    expect(p.stderr).toContain("criteria[4]: cannot read the row: at column 31: target needs a value");
    expect(p.stderr).toContain('criteria[5].overrides.logn: preset openimis has no row "logn"');
    expect(p.stderr).toContain(
      'thresholds["http_req_duration{name:x}"][0]: "p95<200" is not a threshold expression',
    );
    expect(server.count).toBe(0);
    expect(runDirs(runs)).toHaveLength(0);
  });
});
