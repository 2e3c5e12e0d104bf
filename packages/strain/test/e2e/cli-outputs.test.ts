import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

describe("strain run --out and the report, end to end", () => {
  const ctx = useGroundTruthServer();

  it("csv has one JTL row per request from every worker, json one line per interval, report.html is written", async () => {
    const dir = ctx.dir;
    const plan = writePlan(
      dir,
      "outs.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "outs",
  baseUrl: "${ctx.server.url}",
  scenarios: { s: { executor: "constant-arrival-rate", rate: 40, duration: "3s", preAllocatedVUs: 5,
    flow: async (vu) => { await vu.http.get("/delay?ms=3", { name: "page" }); await vu.http.get("/status?code=503", { name: "bad" }); } } },
});`,
    );
    const csv = join(dir, "raw.jtl");
    const json = join(dir, "intervals.ndjson");
    const runs = join(dir, "runs");
    // Asynchronously: the ground-truth server answers from this very process.
    const child = spawn(
      process.execPath,
      [CLI, "run", plan, "-o", runs, "-w", "2", "-q", "--out", `csv=${csv}`, "--out", `json=${json}`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const p = { stdout: "", stderr: "", status: null as number | null };
    child.stdout.on("data", (d) => {
      p.stdout += d;
    });
    child.stderr.on("data", (d) => {
      p.stderr += d;
    });
    p.status = await new Promise((resolve) => child.on("exit", resolve));
    expect(p.status, p.stderr).toBe(0);
    const [run] = readdirSync(runs).map((d) => join(runs, d));
    const summary = JSON.parse(readFileSync(join(run!, "summary.json"), "utf8"));
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toMatch(/^timeStamp,elapsed,label,responseCode,responseMessage,threadName/);
    expect(rows.length - 1).toBe(summary.requests.started);
    expect(rows.filter((r) => r.includes(",bad,503,")).length).toBe(summary.requests.http_error.total);
    const lines = readFileSync(json, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === "interval").length).toBe(summary.intervals);
    expect(lines[0]!.type).toBe("start");
    expect(lines.at(-1)!.type).toBe("end");
    expect(existsSync(join(run!, "report.html"))).toBe(true);
    expect(p.stdout).toMatch(/report: .*report\.html/);
  });
});
