import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCodes, hasCode, type StrainError } from "../../src/errors.js";
import type { IntervalSnapshot } from "../../src/metrics/types.js";
import { createMonitors, MonitorSet } from "../../src/monitors/monitor-set.js";
import { resolveMonitors } from "../../src/monitors/schema.js";

// The monitors of a run together: unavailable ones reported once (or failing the run when
// required), the interval clock, a monitor slower than the interval, the end of the run.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
    s.on("error", reject);
  });
}

/** A Prometheus HTTP API answering every query with 1 after `delayMs`. */
let slowApi: Server;
let slowUrl = "";
let delayMs = 0;
let queries = 0;

beforeAll(async () => {
  slowApi = createHttpServer((_req, res) => {
    queries++;
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"job":"x"},"value":[0,"1"]}]}}',
      );
    }, delayMs);
  });
  await new Promise<void>((r) => slowApi.listen(0, "127.0.0.1", r));
  slowUrl = `http://127.0.0.1:${(slowApi.address() as { port: number }).port}`;
});
afterAll(async () => {
  slowApi.closeAllConnections();
  await new Promise((r) => slowApi.close(r));
});

describe("MonitorSet", () => {
  it("goes on without a monitor that cannot connect, saying so once", async () => {
    const warnings: string[] = [];
    const closed = await freePort();
    const config = resolveMonitors(
      { system: { csv: false }, postgres: `postgres://u:pw@127.0.0.1:${closed}/db` },
      1000,
    );
    const set = await MonitorSet.start(createMonitors(config), {
      intervalMs: 1000,
      env: {},
      warn: (w) => warnings.push(w),
    });
    expect(set.names).toEqual(["system"]);
    expect(warnings).toEqual([
      expect.stringMatching(
        new RegExp(
          `^postgres monitor cannot connect to postgres://u:\\*\\*\\*@127\\.0\\.0\\.1:${closed}/db: .*; the run goes on without it$`,
        ),
      ),
    ]);
    await set.finish(Date.now());
  });

  it("fails before any load when a required monitor cannot connect, and stops the others", async () => {
    const closed = await freePort();
    const config = resolveMonitors(
      {
        system: { csv: false },
        prometheus: { url: `http://127.0.0.1:${closed}`, required: true, queries: { up: "up" } },
      },
      1000,
    );
    const monitors = createMonitors(config);
    const err = await MonitorSet.start(monitors, { intervalMs: 1000, env: {}, warn: () => {} }).catch(
      (e: StrainError) => e,
    );
    expect(hasCode(err, ErrorCodes.SETUP_FAILED)).toBe(true);
    expect((err as StrainError).message).toMatch(
      /^required prometheus monitor cannot query http:\/\/127\.0\.0\.1:\d+\/: ECONNREFUSED/,
    );
    expect((err as StrainError).hint).toMatch(/required: false/);
  });

  it("samples on the run's interval clock: indices in order, bounds on the boundaries, a last partial interval", async () => {
    const runDir = mkdtempSync(join(tmpdir(), "strain-monset-"));
    try {
      delayMs = 0;
      const config = resolveMonitors({ prometheus: { url: slowUrl, queries: { one: "1" } } }, 200);
      const set = await MonitorSet.start(createMonitors(config), {
        intervalMs: 200,
        env: {},
        runDir,
        warn: () => {},
      });
      const snaps: IntervalSnapshot[] = [];
      const runStart = Date.now() + 100;
      set.startClock(runStart, (s) => snaps.push(s));
      // However late the timers run on a loaded machine, the indices and bounds must hold.
      while (snaps.length < 5) await new Promise((r) => setTimeout(r, 10));
      const end = Date.now();
      const extras = await set.finish(end);
      const n = snaps.length;
      expect(n).toBeGreaterThanOrEqual(6);
      expect(snaps.map((s) => s.index)).toEqual([...Array(n).keys()]);
      snaps.slice(0, n - 1).forEach((s, k) => {
        expect(s.start).toBe(runStart + k * 200);
        expect(s.end).toBe(runStart + (k + 1) * 200);
        expect(s.entries.some((e) => e.metric === "system_cpu_percent")).toBe(true);
        expect(s.entries.some((e) => e.metric === "prom_one")).toBe(true);
      });
      expect(snaps[n - 1]).toMatchObject({ start: runStart + (n - 1) * 200, end });
      const csv = extras.find((e) => e.monitor === "system")?.data.csv as string;
      expect(csv).toBe(join(runDir, "monitors", "system.csv"));
      // Two header rows, one row per interval.
      expect(readFileSync(csv, "utf8").trim().split("\n")).toHaveLength(2 + n);
    } finally {
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it("a monitor slower than the interval is skipped while it is late, with one warning", async () => {
    const warnings: string[] = [];
    delayMs = 0;
    const config = resolveMonitors(
      { system: false, prometheus: { url: slowUrl, queries: { one: "1" } } },
      250,
    );
    const set = await MonitorSet.start(createMonitors(config), {
      intervalMs: 250,
      env: {},
      warn: (w) => warnings.push(w),
    });
    delayMs = 450; // > the 200 ms deadline (80% of 250 ms)
    queries = 0;
    const snaps: IntervalSnapshot[] = [];
    const runStart = Date.now();
    set.startClock(runStart, (s) => snaps.push(s));
    while (snaps.length < 6) await new Promise((r) => setTimeout(r, 10));
    await set.finish(Date.now());
    delayMs = 0;
    // Every interval is delivered, empty; a new query starts only once the late one is back
    // (about every other interval), never one per interval stacking up behind it.
    const n = snaps.length;
    expect(snaps.map((s) => s.index)).toEqual([...Array(n).keys()]);
    expect(snaps.every((s) => s.entries.length === 0)).toBe(true);
    expect(queries).toBeLessThanOrEqual(Math.ceil(n / 2) + 1);
    expect(warnings).toEqual([
      "prometheus monitor takes longer than 200 ms to sample; its late intervals are left empty",
    ]);
  });
});
