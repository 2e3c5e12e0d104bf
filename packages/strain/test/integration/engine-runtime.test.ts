import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

describe("VU runtime through the engine", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;

  it("setup and teardown run once per run (not per worker); every VU gets setup's data", async () => {
    ctx.server.reset();
    const plan = writePlan(
      dir,
      "setup.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "setup-once",
  baseUrl: "${ctx.server.url}",
  setup: async (ctx) => {
    const res = await ctx.http.get("/echo?phase=setup", { responseType: "json" });
    return { token: "t-" + (res.json() as { query: { phase: string } }).query.phase };
  },
  teardown: async (ctx, data) => { await ctx.http.get("/delay?ms=1&from=" + (data as { token: string }).token); },
  scenarios: {
    s: {
      executor: "per-vu-iterations", vus: 4, iterations: 5,
      flow: async (vu) => {
        const data = vu.setupData as { token: string };
        await vu.http.get("/ok", { name: data.token === "t-setup" ? "has-data" : "no-data" });
      },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 3, runsDir: dir });
    expect(result.status).toBe("completed");
    expect(ctx.server.countOf("/echo")).toBe(1);
    expect(ctx.server.countOf("/delay")).toBe(1);
    expect(result.summary.requestsByName.map((r) => [r.name, r.count])).toEqual([["has-data", 20]]);
    // setup's and teardown's own requests are not part of the load's numbers
    expect(result.summary.requests.scheduled).toBe(20);
  });

  it("a failing setup stops the run before any load, with the setup exit code", async () => {
    ctx.server.reset();
    const plan = writePlan(
      dir,
      "badsetup.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "bad-setup",
  baseUrl: "${ctx.server.url}",
  setup: () => { throw new Error("no admin user"); },
  scenarios: { s: { executor: "constant-vus", vus: 1, duration: "1s", flow: async (vu) => { await vu.http.get("/ok"); } } },
});`,
    );
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir });
    expect(result.exitCode).toBe(100);
    expect(result.status).toBe("failed");
    expect(result.reason).toMatch(/setup\(\) failed: no admin user/);
    expect(ctx.server.count).toBe(0);
  });

  it("transactions, checks and transaction failures are counted exactly", async () => {
    const plan = writePlan(
      dir,
      "tx.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "tx",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    s: {
      executor: "per-vu-iterations", vus: 2, iterations: 10,
      flow: async (vu) => {
        await vu.transaction("login", async () => {
          const r = await vu.http.get("/delay?ms=5", { name: "login" });
          vu.check(r, { "is 200": (x) => x.status === 200 });
        });
        await vu.transaction("search", async () => {
          // every 5th search fails (a 500), failing its transaction
          const code = vu.iteration % 5 === 4 ? 500 : 200;
          await vu.http.get("/status?code=" + code, { name: "search" });
        });
      },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir });
    const tx = Object.fromEntries(result.summary.transactions.map((t) => [t.name, t]));
    expect(tx.login!.count).toBe(20);
    expect(tx.login!.failed).toBe(0);
    expect(tx.login!.min).toBeGreaterThanOrEqual(5);
    expect(tx.search!.count).toBe(20);
    expect(tx.search!.failed).toBe(4);
    expect(tx.search!.errors.http_error).toBe(4);
    expect(result.summary.checks).toEqual({ passes: 20, fails: 0 });
  });

  it("folds tag sets past the cap into name=__other__ and warns once, naming the URL", async () => {
    const plan = writePlan(
      dir,
      "cap.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "cap",
  baseUrl: "${ctx.server.url}",
  options: { maxTagSets: 20 },
  scenarios: {
    s: {
      executor: "per-vu-iterations", vus: 1, iterations: 60,
      flow: async (vu) => { await vu.http.get("/ok?item=" + vu.iteration, { name: "item-" + vu.iteration }); },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 1, runsDir: dir });
    const names = result.summary.requestsByName.map((r) => r.name);
    expect(names).toContain("__other__");
    expect(names.length).toBeLessThanOrEqual(20);
    const total = result.summary.requestsByName.reduce((a, r) => a + r.count, 0);
    expect(total).toBe(60);
    const capWarnings = result.summary.warnings.filter((w) => /tag set/i.test(w));
    expect(capWarnings).toHaveLength(1);
    expect(capWarnings[0]).toMatch(/\/ok/);
  });

  it("keeps every distinct combination of name, tags, transaction, category and status in its own series", async () => {
    ctx.server.reset();
    // Pairs a naive joined cache key would merge: "a=1 b" vs a=1,b; name "x t1:y" vs name x in transaction y.
    const plan = writePlan(
      dir,
      "keys.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "keys",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    s: {
      executor: "per-vu-iterations", vus: 1, iterations: 3,
      flow: async (vu) => {
        await vu.http.get("/ok", { name: "n", tags: { a: "1 b" } });
        await vu.http.get("/ok", { name: "n", tags: { a: "1", b: "" } });
        await vu.http.get("/ok", { name: "x t1:y" });
        await vu.transaction("y", async () => { await vu.http.get("/ok", { name: "x" }); });
        await vu.http.get("/ok", { name: "x", category: "read" });
        await vu.http.get("/status?code=" + (vu.iteration === 1 ? 503 : 200), { name: "s" });
      },
    },
  },
});`,
    );
    const { intervals } = await runPlan(plan, { workers: 1, runsDir: dir });
    const counts = new Map<string, number>();
    for (const snap of intervals)
      for (const e of snap.entries) {
        if (e.metric !== "http_reqs") continue;
        const { name, a, b, transaction, category, status } = e.tags;
        const key = JSON.stringify({ name, a, b, transaction, category, status });
        counts.set(key, (counts.get(key) ?? 0) + (e.type === "counter" ? e.value : 0));
      }
    const k = (o: Record<string, string>) =>
      JSON.stringify({
        name: o.name,
        a: o.a,
        b: o.b,
        transaction: o.transaction,
        category: o.category,
        status: o.status,
      });
    expect(Object.fromEntries(counts)).toEqual({
      [k({ name: "n", a: "1 b", status: "200" })]: 3,
      [k({ name: "n", a: "1", b: "", status: "200" })]: 3,
      [k({ name: "x t1:y", status: "200" })]: 3,
      [k({ name: "x", transaction: "y", status: "200" })]: 3,
      [k({ name: "x", category: "read", status: "200" })]: 3,
      [k({ name: "s", status: "200" })]: 2,
      [k({ name: "s", status: "503" })]: 1,
    });
  });

  it("tags a request with the flow that sent it, even when its response comes back during another flow", async () => {
    ctx.server.reset();
    const plan = writePlan(
      dir,
      "late.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "late",
  baseUrl: "${ctx.server.url}",
  scenarios: {
    s: {
      executor: "per-vu-iterations", vus: 1, iterations: 6,
      mix: [
        // Not awaited: the response arrives while the VU runs flow b.
        { name: "a", weight: 1, flow: async (vu) => { void vu.http.get("/delay?ms=40", { name: "slow" }); } },
        { name: "b", weight: 1, flow: async (vu) => { await vu.http.get("/delay?ms=120", { name: "b-req" }); } },
      ],
    },
  },
});`,
    );
    const { intervals } = await runPlan(plan, { workers: 1, runsDir: dir });
    const byName = new Map<string, Set<string>>();
    for (const snap of intervals)
      for (const e of snap.entries) {
        if (e.metric !== "http_reqs" || e.type !== "counter") continue;
        const flows = byName.get(e.tags.name!) ?? new Set<string>();
        flows.add(e.tags.flow!);
        byName.set(e.tags.name!, flows);
      }
    expect([...(byName.get("slow") ?? [])]).toEqual(["a"]);
    expect([...(byName.get("b-req") ?? [])]).toEqual(["b"]);
  });

  it("runs a YAML plan with declarative steps", async () => {
    ctx.server.reset();
    const yamlPath = join(dir, "steps.yaml");
    writeFileSync(
      yamlPath,
      `name: yaml-steps
baseUrl: ${ctx.server.url}
scenarios:
  browse:
    executor: shared-iterations
    vus: 2
    iterations: 6
    flow:
      - request: { url: /ok, name: home, check: { status: 200 } }
      - sleep: 10ms
      - transaction: create
        steps:
          - request: { method: POST, url: /echo, json: { a: 1 }, name: create, check: { status: 200, bodyIncludes: '"method":"POST"' } }
`,
    );
    const { result } = await runPlan(yamlPath, { workers: 2, runsDir: dir });
    expect(result.status).toBe("completed");
    expect(result.summary.requestsByName.map((r) => [r.name, r.count])).toEqual([
      ["create", 6],
      ["home", 6],
    ]);
    expect(result.summary.checks).toEqual({ passes: 18, fails: 0 });
    expect(result.summary.transactions.map((t) => t.name)).toEqual(["create"]);
  });
});
