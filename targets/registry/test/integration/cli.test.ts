/**
 * The `strain-registry` command as a real process tree: `--replicas 2` API processes on one port,
 * `--job-workers 1`, on a database given by DATABASE_URL. Metrics are aggregated over replicas, a
 * killed job worker is replaced, and SIGTERM stops everything with exit code 0.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "../../src/db/embedded.js";
import { TEST_PG_SETTINGS } from "../support/registry-fixture.js";

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

let db: EmbeddedPostgres;
let cli: ChildProcess;
let url: string;
let output = "";

beforeAll(async () => {
  db = await startEmbeddedPostgres({ database: "registry", settings: TEST_PG_SETTINGS });
  cli = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      CLI,
      "--port",
      "0",
      "--replicas",
      "2",
      "--job-workers",
      "1",
      "--seed-farmers",
      "120",
      "--log-level",
      "warn",
    ],
    { env: { ...process.env, DATABASE_URL: db.url }, stdio: ["ignore", "pipe", "pipe", "ipc"] },
  );
  cli.stdout!.setEncoding("utf8").on("data", (s: string) => {
    output += s;
  });
  cli.stderr!.setEncoding("utf8").on("data", (s: string) => {
    output += s;
  });
  url = await new Promise<string>((resolve, reject) => {
    cli.once("exit", (code) => reject(new Error(`registry exited (${code}):\n${output}`)));
    cli.on("message", (m: { type?: string; url?: string }) => {
      if (m?.type === "registry:ready" && m.url !== undefined) resolve(m.url);
    });
  });
}, 120_000);

afterAll(async () => {
  if (cli !== undefined && cli.exitCode === null && cli.signalCode === null) {
    cli.kill("SIGKILL");
  }
  await db?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it("serves from two replicas on one port and aggregates their metrics", async () => {
  expect((await fetch(`${url}/health/ready`)).status).toBe(200);
  for (let i = 0; i < 20; i++) expect((await fetch(`${url}/health/live`)).status).toBe(200);
  const text = await (await fetch(`${url}/metrics`)).text();
  // 20 requests split between the replicas, summed back into one count.
  expect(text).toMatch(
    /registry_http_request_duration_seconds_count\{method="GET",route="\/health\/live",status_code="200"\} 20\b/,
  );
  // Whichever replica answers, /metrics is the aggregate.
  const statuses = await Promise.all(
    Array.from({ length: 6 }, async () => (await fetch(`${url}/metrics`)).status),
  );
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
});

it("seeds, logs in and runs jobs end to end", async () => {
  const login = await fetch(`${url}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "staff", password: "staff-password" }),
  });
  expect(login.status).toBe(200);
  const token = ((await login.json()) as { access_token: string }).access_token;
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const list = (await (await fetch(`${url}/farmers?limit=100`, { headers: auth })).json()) as {
    items: unknown[];
    has_more: boolean;
  };
  expect(list.items).toHaveLength(100);
  expect(list.has_more).toBe(true);
  const enq = (await (
    await fetch(`${url}/jobs/score`, { method: "POST", headers: auth, body: JSON.stringify({ count: 10 }) })
  ).json()) as {
    batch_id: string;
  };
  for (let i = 0; ; i++) {
    const s = (await (await fetch(`${url}/jobs?batch=${enq.batch_id}`, { headers: auth })).json()) as {
      done: boolean;
      completed: number;
    };
    if (s.done) {
      expect(s.completed).toBe(10);
      break;
    }
    if (i > 200) throw new Error("jobs did not finish");
    await sleep(50);
  }
});

it("replaces a job worker that dies", async () => {
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: db.url });
  await client.connect();
  try {
    const before = (await client.query<{ pid: number }>("SELECT pid FROM job_workers")).rows.map(
      (r) => r.pid,
    );
    expect(before).toHaveLength(1);
    process.kill(before[0]!, "SIGKILL");
    for (let i = 0; ; i++) {
      const now = (await client.query<{ pid: number }>("SELECT pid FROM job_workers")).rows.map((r) => r.pid);
      if (now.length === 1 && now[0] !== before[0]) break;
      if (i > 200) throw new Error(`no replacement worker: ${JSON.stringify(now)}`);
      await sleep(50);
    }
  } finally {
    await client.end();
  }
});

it("stops every process on SIGTERM and exits 0", async () => {
  const pg = await import("pg");
  const client = new pg.default.Client({ connectionString: db.url });
  await client.connect();
  const workerPids = (await client.query<{ pid: number }>("SELECT pid FROM job_workers")).rows.map(
    (r) => r.pid,
  );
  await client.end();
  const exit = new Promise<number | null>((resolve) => cli.once("exit", (code) => resolve(code)));
  cli.kill("SIGTERM");
  expect(await exit).toBe(0);
  for (const pid of workerPids) expect(alive(pid)).toBe(false);
  await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  expect(output).not.toMatch(/unhandled rejection|registry failed|shutdown failed/);
}, 60_000);
