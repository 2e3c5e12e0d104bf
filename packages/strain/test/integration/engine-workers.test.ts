import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan, tempDir, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

describe("segments over worker processes", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;

  const closedPlan = (url: string) => `import { definePlan } from "strain";
export default definePlan({
  name: "closed",
  baseUrl: "${url}",
  scenarios: {
    pervu: {
      executor: "per-vu-iterations", vus: 10, iterations: 7,
      flow: async (vu) => { await vu.http.get("/ok", { name: "a" }); await vu.http.get("/delay?ms=1", { name: "b" }); },
    },
    shared: {
      executor: "shared-iterations", vus: 6, iterations: 53,
      flow: async (vu) => { await vu.http.get("/ok", { name: "c" }); },
    },
  },
});`;

  it("1 worker and 4 workers run the same closed-model plan with identical request counts", async () => {
    const plan = writePlan(dir, "closed.ts", closedPlan(ctx.server.url));
    const counts: Record<string, number>[] = [];
    for (const workers of [1, 4]) {
      ctx.server.reset();
      const { result } = await runPlan(plan, { workers, runsDir: dir });
      expect(result.status).toBe("completed");
      const byName = Object.fromEntries(result.summary.requestsByName.map((r) => [r.name, r.count]));
      expect(ctx.server.count).toBe(result.summary.requests.ok);
      counts.push(byName);
    }
    expect(counts[0]).toEqual({ a: 70, b: 70, c: 53 });
    expect(counts[1]).toEqual(counts[0]);
  });
});

describe("unique feeder across workers", () => {
  let server: Server;
  let url = "";
  const seen: string[] = [];
  const dir = tempDir();
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(new URL(req.url ?? "/", "http://x").searchParams.get("id") ?? "");
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it("hands every row exactly once over 4 workers when iterations = rows", async () => {
    const rows = 120;
    writeFileSync(
      join(dir, "people.csv"),
      `id,name\n${Array.from({ length: rows }, (_, i) => `p${i},Person ${i}`).join("\n")}\n`,
    );
    const plan = writePlan(
      dir,
      "unique.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "unique",
  baseUrl: "${url}",
  feeders: { people: { file: "people.csv", mode: "unique" } },
  scenarios: {
    s: {
      executor: "shared-iterations", vus: 8, iterations: ${rows},
      flow: async (vu) => {
        const row = await vu.feeder("people").next();
        await vu.http.get("/person", { query: { id: row.id }, name: "person" });
      },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 4, runsDir: dir });
    expect(result.status).toBe("completed");
    expect(seen).toHaveLength(rows);
    expect(new Set(seen).size).toBe(rows);
    expect([...seen].sort()).toEqual(Array.from({ length: rows }, (_, i) => `p${i}`).sort());
  });

  it("stops the scenario with a warning when unique rows run out, never reusing one", async () => {
    seen.length = 0;
    writeFileSync(join(dir, "few.csv"), "id\nA\nB\nC\nD\nE\n");
    const plan = writePlan(
      dir,
      "few.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "few",
  baseUrl: "${url}",
  feeders: { few: { file: "few.csv", mode: "unique" } },
  scenarios: {
    s: {
      executor: "constant-vus", vus: 4, duration: "2s",
      flow: async (vu) => {
        const row = await vu.feeder("few").next();
        await vu.http.get("/person", { query: { id: row.id } });
      },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir });
    expect([...seen].sort()).toEqual(["A", "B", "C", "D", "E"]);
    expect(result.summary.warnings.join("\n")).toMatch(/feeder 'few' has no unused rows left/);
  });
});
