import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, truncateSync } from "node:fs";
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

function strain(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
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

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}

function runDirs(runs: string): string[] {
  return existsSync(runs) ? readdirSync(runs).map((d) => join(runs, d)) : [];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Worker process pids of a coordinator, from /proc. */
function workersOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      if (ppid === pid && cmdline.includes("worker-main")) out.push(Number(entry));
    } catch {
      // process went away
    }
  }
  return out;
}

describe("strain CLI end to end", () => {
  let server: GroundTruthServer;
  const dir = tempDir();
  beforeAll(async () => {
    expect(existsSync(CLI), "run `npm run build` first (npm test does)").toBe(true);
    server = await startGroundTruthServer({ recordArrivals: false });
  });
  afterAll(async () => {
    await server.close();
  });

  const longPlan = () =>
    writePlan(
      dir,
      `long-${Date.now()}.ts`,
      `import { definePlan } from "strain";
export default definePlan({
  name: "long",
  baseUrl: "${server.url}",
  scenarios: {
    s: {
      executor: "constant-arrival-rate", rate: 100, duration: "60s", preAllocatedVUs: 10, maxVUs: 100,
      gracefulStop: "2s",
      flow: async (vu) => { await vu.http.get("/delay?ms=5", { name: "d" }); },
    },
  },
});`,
    );

  it("an invalid plan exits 104 with one message per problem and sends nothing", async () => {
    server.reset();
    const plan = writePlan(
      dir,
      "bad.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "bad",
  baseUrl: "${server.url}",
  scenarios: {
    s: { executor: "constant-arrival-rate", rate: 0, duration: "10x", preAllocatedVUs: 5, maxVUs: 2,
         flow: async (vu) => { await vu.http.get("/ok"); } },
  },
} as never);`,
    );
    const runs = join(dir, "runs-bad");
    const p = strain(["run", plan, "-o", runs]);
    expect(await p.exit).toBe(104);
    expect(p.stderr).toMatch(/scenarios\.s\.rate/);
    expect(p.stderr).toMatch(/scenarios\.s\.duration/);
    expect(p.stderr).toMatch(/maxVUs/);
    expect(server.count).toBe(0);
    expect(runDirs(runs)).toHaveLength(0);
  });

  it("SIGINT mid-run: summary marked aborted with the reason, exit 105", async () => {
    const runs = join(dir, "runs-int");
    const p = strain(["run", longPlan(), "-o", runs, "--workers", "2"]);
    await until(() => p.stderr.includes("running long"), 20_000);
    await new Promise((r) => setTimeout(r, 2500));
    p.child.kill("SIGINT");
    expect(await p.exit).toBe(105);
    const [run] = runDirs(runs);
    const summary = JSON.parse(readFileSync(join(run!, "summary.json"), "utf8"));
    expect(summary.status).toBe("aborted");
    expect(summary.reason).toMatch(/SIGINT/);
    expect(summary.requests.invariant.holds).toBe(true);
    expect(summary.requests.ok).toBeGreaterThan(100);
  });

  it("a second SIGINT exits within 1 s and leaves no worker behind", async () => {
    const runs = join(dir, "runs-int2");
    const plan = writePlan(
      dir,
      "hang.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "hang",
  baseUrl: "${server.url}",
  scenarios: {
    s: { executor: "constant-vus", vus: 4, duration: "60s", gracefulStop: "60s",
         flow: async (vu) => { await vu.http.get("/hang"); } },
  },
});`,
    );
    const p = strain(["run", plan, "-o", runs, "--workers", "2"]);
    await until(() => p.stderr.includes("running hang"), 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    const workers = workersOf(p.child.pid!);
    expect(workers.length).toBe(2);
    p.child.kill("SIGINT");
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    p.child.kill("SIGINT");
    expect(await p.exit).toBe(105);
    expect(Date.now() - t0).toBeLessThan(1000);
    await until(() => workers.every((w) => !alive(w)), 2000);
    const [run] = runDirs(runs);
    expect(JSON.parse(readFileSync(join(run!, "summary.json"), "utf8")).status).toBe("aborted");
  });

  it("kill -9 of the coordinator: workers exit, `strain report` rebuilds the summary from complete intervals", async () => {
    const runs = join(dir, "runs-kill");
    const p = strain(["run", longPlan(), "-o", runs, "--workers", "2"]);
    await until(() => p.stderr.includes("running long"), 20_000);
    await new Promise((r) => setTimeout(r, 3500));
    const workers = workersOf(p.child.pid!);
    p.child.kill("SIGKILL");
    await p.exit;
    await until(() => workers.every((w) => !alive(w)), 3000);
    const [run] = runDirs(runs);
    const seriesPath = join(run!, "series.ndjson");
    const lines = readFileSync(seriesPath, "utf8").trim().split("\n");
    const complete = lines.filter((l) => l.includes('"type":"interval"')).length;
    expect(complete).toBeGreaterThanOrEqual(2);
    expect(existsSync(join(run!, "summary.json"))).toBe(false);
    // Cut the file mid-line, as a crash during a write would.
    truncateSync(seriesPath, statSync(seriesPath).size - 10);
    const r = strain(["report", run!]);
    expect(await r.exit).toBe(0);
    expect(r.stderr).toMatch(/cut short/);
    const summary = JSON.parse(readFileSync(join(run!, "summary.json"), "utf8"));
    expect(summary.status).toBe("incomplete");
    expect(summary.intervals).toBe(complete - 1);
    expect(summary.requests.ok).toBeGreaterThan(100);
  });

  it("`strain report` on a folder without a series exits 2 with a clear message", async () => {
    const r = strain(["report", dir]);
    expect(await r.exit).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*series\.ndjson/);
  });

  it("`strain demo` (npm start) runs the quickstart plan and writes a run directory", async () => {
    const runs = join(dir, "runs-demo");
    const p = strain(["demo", "-o", runs], { STRAIN_DEMO_DURATION: "3s" });
    expect(await p.exit).toBe(0);
    expect(p.stdout).toMatch(/quickstart: completed/);
    const [run] = runDirs(runs);
    const summary = JSON.parse(readFileSync(join(run!, "summary.json"), "utf8"));
    expect(summary.requests.invariant.holds).toBe(true);
    expect(summary.requestsByName.map((r: { name: string }) => r.name)).toContain("search");
  });
});
