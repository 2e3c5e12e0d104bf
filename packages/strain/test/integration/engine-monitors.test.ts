import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

describe("monitors wired into a run", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;

  it("every interval carries system and generator series; system.csv is written; the run is valid", async () => {
    const plan = writePlan(
      dir,
      "plain.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "monitored",
  baseUrl: "${ctx.server.url}",
  scenarios: { s: { executor: "constant-arrival-rate", rate: 50, duration: "3s", preAllocatedVUs: 5,
    flow: async (vu) => { await vu.http.get("/delay?ms=2"); } } },
});`,
    );
    const { result, intervals } = await runPlan(plan, { workers: 2, runsDir: dir });
    const metricsIn = (k: number) => new Set(intervals[k]!.entries.map((e) => e.metric));
    for (const k of [0, 1, 2]) {
      expect(metricsIn(k)).toContain("system_cpu_percent");
      expect(metricsIn(k)).toContain("generator_cpu_percent");
      expect(metricsIn(k)).toContain("http_reqs");
    }
    // Each interval is written once, with both workers' generator samples merged into it.
    expect(new Set(intervals.map((s) => s.index)).size).toBe(intervals.length);
    const workersIn1 = new Set(
      intervals[1]!.entries.filter((e) => e.metric === "generator_cpu_percent").map((e) => e.tags.worker),
    );
    expect(workersIn1).toEqual(new Set(["0", "1"]));
    expect(existsSync(join(result.runDir, "monitors", "system.csv"))).toBe(true);
    expect(result.summary.validity.status).toBe("valid");
  });

  it("a worker burning its CPU marks the run generator_saturated with the window, and --strict exits 97", async () => {
    const plan = writePlan(
      dir,
      "burn.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "burn",
  baseUrl: "${ctx.server.url}",
  scenarios: { s: { executor: "constant-vus", vus: 1, duration: "8s",
    flow: async (vu) => {
      const end = performance.now() + 100;
      while (performance.now() < end) {} // blocks the worker's event loop: a saturated generator
      await vu.http.get("/ok");
    } } },
});`,
    );
    const c = await import("../../src/engine/coordinator.js");
    const coordinator = new c.Coordinator({ planPath: plan, workers: 1, runsDir: dir, strict: true });
    const result = await coordinator.run();
    expect(result.summary.validity.status).toBe("generator_saturated");
    expect(result.summary.validity.windows.length).toBeGreaterThan(0);
    expect(result.summary.validity.message).toMatch(/saturated/);
    expect(result.exitCode).toBe(97);
  });
});

describe("postgres monitor through a run, read by a criteria row", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;
  let db: EmbeddedPostgres;
  beforeAll(async () => {
    db = await startEmbeddedPostgres({ settings: { shared_preload_libraries: "pg_stat_statements" } });
  });
  afterAll(async () => {
    await db?.stop();
  });

  it("counts a deadlock induced during the run: `pg_deadlocks count = 0` fails with 1", async () => {
    const plan = writePlan(
      dir,
      "pg.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "pg",
  baseUrl: "${ctx.server.url}",
  monitors: { postgres: "${db.url}" },
  criteria: [{ label: "database deadlocks", metric: "pg_deadlocks", stat: "count", target: 0, threshold: 0 }],
  scenarios: { s: { executor: "constant-vus", vus: 1, duration: "5s",
    flow: async (vu) => { await vu.http.get("/ok"); await vu.sleep("100ms"); } } },
});`,
    );
    const deadlock = async () => {
      await new Promise((r) => setTimeout(r, 1500));
      const a = new pg.Client({ connectionString: db.url });
      const b = new pg.Client({ connectionString: db.url });
      await a.connect();
      await b.connect();
      await a.query(
        "CREATE TABLE IF NOT EXISTS dl (id int primary key, v int); INSERT INTO dl VALUES (1,0),(2,0) ON CONFLICT DO NOTHING",
      );
      await a.query("BEGIN");
      await b.query("BEGIN");
      await a.query("UPDATE dl SET v = v + 1 WHERE id = 1");
      await b.query("UPDATE dl SET v = v + 1 WHERE id = 2");
      const results = await Promise.allSettled([
        a.query("UPDATE dl SET v = v + 1 WHERE id = 2"),
        b.query("UPDATE dl SET v = v + 1 WHERE id = 1"),
      ]);
      await a.query("ROLLBACK").catch(() => undefined);
      await b.query("ROLLBACK").catch(() => undefined);
      await a.end();
      await b.end();
      return results.filter((r) => r.status === "rejected").length;
    };
    const [run, failedQueries] = await Promise.all([runPlan(plan, { workers: 1, runsDir: dir }), deadlock()]);
    expect(failedQueries).toBe(1);
    const row = run.result.summary.criteria!.rows[0]!;
    expect(row.verdict).toBe("fail");
    expect(row.observed).toBe(1);
    expect(run.result.exitCode).toBe(99);
    const series = readFileSync(join(run.result.runDir, "series.ndjson"), "utf8");
    expect(series).toContain('"metric":"pg_commits_per_s"');
  });
});
