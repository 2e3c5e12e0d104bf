/**
 * The ground-truth fixture itself: every measuring test trusts it, so its behaviours are checked
 * here (through HttpClient, which the rest of this folder checks against it).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/protocols/http.js";
import {
  distTable,
  type GroundTruthServer,
  startGroundTruthServer,
} from "../fixtures/ground-truth-server.js";
import { DRIVERS, httpTestConfig } from "../helpers/http-config.js";

describe.each(DRIVERS)("%s driver", (driver) => {
  let gt: GroundTruthServer;
  let client: HttpClient;

  beforeAll(async () => {
    gt = await startGroundTruthServer();
    client = new HttpClient(
      httpTestConfig(driver, { baseUrl: gt.url, connections: 50, responseType: "text" }),
    );
  });
  afterAll(async () => {
    await client.close();
    await gt.close();
  });
  beforeEach(() => gt.reset());

  const get = (path: string) => client.send("GET", path, undefined, null, null);

  describe("ground-truth server", () => {
    it("counts requests per path and records arrivals in order", async () => {
      await get("/ok");
      await get("/ok?x=1");
      await get("/status?code=201");
      expect(gt.count).toBe(3);
      expect(gt.countOf("/ok")).toBe(2);
      expect(gt.countOf("/status")).toBe(1);
      expect(gt.arrivals).toHaveLength(3);
      expect(gt.arrivals[0]!).toBeLessThanOrEqual(gt.arrivals[1]!);
    });

    it("/dist?values= cycles through the listed delays in order, per distinct query", async () => {
      const durations: number[] = [];
      for (let i = 0; i < 6; i++) durations.push((await get("/dist?values=0,150,60")).duration);
      // 0, 150, 60, 0, 150, 60 — far enough apart that a loaded machine cannot blur them.
      for (const i of [1, 4]) expect(durations[i]!).toBeGreaterThanOrEqual(149);
      for (const i of [2, 5]) {
        expect(durations[i]!).toBeGreaterThanOrEqual(59);
        expect(durations[i]!).toBeLessThan(140);
      }
      for (const i of [0, 3]) expect(durations[i]!).toBeLessThan(50);
    });

    it("distTable(p50, p99) has exactly that nearest-rank p50 and p99", () => {
      const table = distTable(10, 100);
      expect(table).toHaveLength(100);
      const sorted = [...table].sort((a, b) => a - b);
      const rank = (p: number) => sorted[Math.ceil((p / 100) * sorted.length) - 1];
      expect(rank(50)).toBe(10);
      expect(rank(99)).toBe(100);
      expect(sorted[99]).toBe(100);
      // Slow values are spread out: no run of 10 consecutive emissions is all slow.
      for (let i = 0; i + 10 <= 100; i++) expect(table.slice(i, i + 10).some((v) => v === 10)).toBe(true);
    });

    it("holds every response that falls in the stall window until it ends", async () => {
      gt.markStart();
      gt.stallAt(60, 150);
      const t0 = performance.now();
      const before = await get("/ok");
      expect(before.duration).toBeLessThan(50);
      await new Promise((r) => setTimeout(r, 80 - (performance.now() - t0)));
      const inside = await get("/ok");
      const insideEnd = performance.now() - t0;
      expect(insideEnd).toBeGreaterThanOrEqual(209);
      expect(inside.duration).toBeGreaterThan(100);
      const after = await get("/ok");
      expect(after.duration).toBeLessThan(50);
    });

    it("holds a delayed response whose send time lands in the window, not its arrival", async () => {
      gt.markStart();
      gt.stallAt(30, 100);
      const t0 = performance.now();
      // Arrives before the window, would be sent at ~60 ms: inside, so held until ~130 ms.
      const res = await get("/delay?ms=60");
      expect(performance.now() - t0).toBeGreaterThanOrEqual(129);
      expect(res.duration).toBeGreaterThanOrEqual(125);
    });

    it("serves /echo, /bytes and a 404 for unknown paths", async () => {
      const echo = await client.send("POST", "/echo?a=1", { body: "hi" }, null, null);
      expect(echo.json()).toMatchObject({ method: "POST", path: "/echo", query: { a: "1" }, body: "hi" });
      expect((await get("/bytes?n=12345")).text()).toHaveLength(12345);
      expect((await get("/nope")).status).toBe(404);
    });

    it("keeps up with a burst of 2,000 requests (well under a second on one core)", async () => {
      const t0 = performance.now();
      let inFlight: Promise<unknown>[] = [];
      for (let i = 0; i < 2000; i++) {
        inFlight.push(get("/ok"));
        if (inFlight.length === 50) {
          await Promise.all(inFlight);
          inFlight = [];
        }
      }
      await Promise.all(inFlight);
      expect(gt.countOf("/ok")).toBe(2000);
      expect(performance.now() - t0).toBeLessThan(2000);
    });
  });
});
