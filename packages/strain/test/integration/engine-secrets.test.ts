import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

describe("secrets never reach the run directory", () => {
  const ctx = useGroundTruthServer();
  const dir = ctx.dir;

  it("env secrets, Authorization and Cookie values are absent from every file, even when a flow throws them", async () => {
    const token = "tok_9f8e7d6c5b4a";
    const cookie = "session=c00k1e-v4lue-123";
    const runtime = "jwt-obtained-at-runtime-777";
    const plan = writePlan(
      dir,
      "secrets.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "secrets",
  baseUrl: "${ctx.server.url}",
  options: { secrets: ["API_TOKEN"] },
  scenarios: {
    s: {
      executor: "per-vu-iterations", vus: 2, iterations: 3,
      flow: async (vu) => {
        await vu.http.get("/status?code=500", { headers: { authorization: "Bearer " + vu.env.API_TOKEN, cookie: "${cookie}" } });
        await vu.http.get("/hang", { timeout: "100ms", headers: { Authorization: "Bearer ${runtime}" } });
        throw new Error("flow leaked " + vu.env.API_TOKEN + " and ${runtime} and ${cookie}");
      },
    },
  },
});`,
    );
    const { result } = await runPlan(plan, { workers: 2, runsDir: dir, env: { API_TOKEN: token } });
    expect(result.summary.iterations.failed).toBe(6);
    let errorsText = "";
    const files = readdirSync(result.runDir, { recursive: true, withFileTypes: true }).filter((e) =>
      e.isFile(),
    );
    expect(files.map((e) => e.name)).toContain("system.csv");
    for (const entry of files) {
      const f = entry.name;
      const text = readFileSync(join(entry.parentPath, f), "utf8");
      if (f === "errors.ndjson") errorsText = text;
      if (f === "plan.bundle.mjs") continue; // the user's own source, as written
      expect(text, f).not.toContain(token);
      expect(text, f).not.toContain(runtime);
      expect(text, f).not.toContain("c00k1e-v4lue-123");
    }
    expect(errorsText).toContain("flow leaked [secret]");
  });
});
