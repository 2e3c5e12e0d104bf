import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrendStats } from "../../src/metrics/aggregate.js";
import { PrometheusOutput } from "../../src/results/outputs/prometheus-output.js";
import { runPlan, useGroundTruthServer, writePlan } from "../helpers/run-plan.js";

// `--out prometheus=<url>` against a real Prometheus (Debian's package) started here on loopback
// as a remote-write receiver: a real run is written to it, then read back with PromQL and held
// against the run's summary.json.

const INSTALL = "apt-get install -y --no-install-recommends prometheus";
let dir = "";
let prom: ChildProcess | undefined;
let promLog = "";
let promUrl = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

async function query(
  q: string,
  time: number,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}&time=${time}`);
  const body = (await res.json()) as { status: string; error?: string; data: { result: never[] } };
  if (body.status !== "success") throw new Error(`${q}: ${body.error}`);
  return body.data.result;
}

beforeAll(async () => {
  try {
    execFileSync("prometheus", ["--version"], { stdio: "ignore" });
  } catch {
    throw new Error(`the prometheus binary is not installed; install it with: ${INSTALL}`);
  }
  dir = mkdtempSync(join(tmpdir(), "strain-rw-"));
  writeFileSync(join(dir, "prometheus.yml"), "global: { scrape_interval: 15s }\nscrape_configs: []\n");
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prom = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--web.enable-remote-write-receiver",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  prom.stderr?.on("data", (d: Buffer) => {
    promLog += d.toString();
  });
  const until = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${promUrl}/-/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error(`prometheus did not start:\n${promLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}, 60_000);

afterAll(async () => {
  if (prom !== undefined && prom.exitCode === null) {
    const exited = new Promise((r) => prom!.once("exit", r));
    prom.kill("SIGTERM");
    await exited;
  }
  if (dir !== "") rmSync(dir, { recursive: true, force: true });
});

describe("--out prometheus against a real Prometheus", () => {
  const gt = useGroundTruthServer();

  it("the request counter and the latency series read back with PromQL match the run's summary", async () => {
    const plan = writePlan(
      gt.dir,
      "rw.ts",
      `import { definePlan } from "strain";
export default definePlan({
  name: "remote-write",
  baseUrl: "${gt.server.url}",
  scenarios: {
    s: { executor: "constant-arrival-rate", rate: 40, duration: "4s", preAllocatedVUs: 4, maxVUs: 20,
         flow: async (vu) => {
           await vu.http.get("/delay?ms=15", { name: "slow" });
           if (vu.iteration % 4 === 0) await vu.http.get("/status?code=503", { name: "down" });
         } },
  },
});`,
    );
    const warnings: string[] = [];
    const output = new PrometheusOutput(`${promUrl}/api/v1/write`, (w) => warnings.push(w));
    const { result, intervals } = await runPlan(plan, {
      runsDir: join(gt.dir, "runs"),
      workers: 2,
      observer: output,
    });
    await output.close();
    expect(warnings).toEqual([]);
    expect(output.stats).toEqual({ sent: intervals.length, dropped: 0 });

    const run = basename(result.runDir);
    const at = intervals.at(-1)!.end / 1000;
    const s = result.summary;
    const total =
      s.requests.ok + s.requests.http_error.total + s.requests.net_error.total + s.requests.in_flight_at_stop;
    expect(total).toBeGreaterThan(150);

    const counter = await query(`sum(strain_http_reqs_total{run="${run}"})`, at);
    expect(Number(counter[0]!.value[1])).toBe(total);
    const byName = await query(`sum by (name, status) (strain_http_reqs_total{run="${run}"})`, at);
    const down = byName.find((r) => r.metric.name === "down");
    expect(down?.metric.status).toBe("503");
    expect(Number(down!.value[1])).toBe(s.requests.http_error.byStatus["503"]);

    const slow = s.requestsByName.find((r) => r.name === "slow")!;
    const count = await query(`sum(strain_http_req_duration_seconds_count{run="${run}",name="slow"})`, at);
    expect(Number(count[0]!.value[1])).toBe(slow.count);
    const sum = await query(`sum(strain_http_req_duration_seconds_sum{run="${run}",name="slow"})`, at);
    expect(Number(sum[0]!.value[1])).toBeCloseTo((slow.avg * slow.count) / 1000, 6);
    // quantile="1" is each interval's exact max; the largest over the run is the run's max.
    const max = await query(
      `max(max_over_time(strain_http_req_duration_seconds{run="${run}",name="slow",quantile="1"}[10m]))`,
      at,
    );
    expect(Number(max[0]!.value[1])).toBeCloseTo(slow.max / 1000, 9);
    const p99 = await query(`strain_http_req_duration_seconds{run="${run}",name="slow",quantile="0.99"}`, at);
    expect(p99.length).toBeGreaterThan(0);
    const p99Seconds = Number(p99[0]!.value[1]);
    expect(p99Seconds).toBeGreaterThan(0.015);
    expect(p99Seconds).toBeLessThanOrEqual(slow.max / 1000);
    const stats = s.metrics.http_req_duration as Omit<TrendStats, "p">;
    expect(stats.count).toBe(slow.count + (s.requestsByName.find((r) => r.name === "down")?.count ?? 0));
  });
});
