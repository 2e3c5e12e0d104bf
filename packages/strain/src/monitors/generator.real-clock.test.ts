import { connect, createServer, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { Aggregator, type GaugeStats, type TrendStats } from "../metrics/aggregate.js";
import { countOpenSockets, createGeneratorSampler, generatorEntries, vusFromEntries } from "./generator.js";

// The generator sampler in this very process, against load we make: busy loops and blocked event
// loops. Real clock: this file runs in the "timed" group.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe("generator sampler", () => {
  it("a busy loop reads ≥ 80% CPU and blocked stretches push event-loop delay p99 above 50 ms", async () => {
    const sampler = createGeneratorSampler();
    try {
      await sleep(50);
      sampler.sample();
      // ~1 s: six 150 ms blocks, each followed by one turn of the loop so its timer can record the delay.
      for (let i = 0; i < 6; i++) {
        block(150);
        await sleep(1);
      }
      const busy = sampler.sample({ busy: 7, allocated: 10 });
      expect(busy.cpuPercent).toBeGreaterThanOrEqual(80);
      expect(busy.eventLoopDelayMs.p99).toBeGreaterThan(50);
      expect(busy.eventLoopDelayMs.max).toBeGreaterThanOrEqual(busy.eventLoopDelayMs.p99);
      expect(busy.eventLoopDelayMs.max).toBeGreaterThan(100);
      expect(busy.vusBusy).toBe(7);
      expect(busy.vusAllocated).toBe(10);
      expect(busy.heapUsedBytes).toBeGreaterThan(0);
      expect(busy.rssBytes).toBeGreaterThan(busy.heapUsedBytes);

      // The same sampler on an idle second: the histogram was reset, the CPU delta restarted.
      await sleep(1000);
      const idle = sampler.sample();
      expect(idle.cpuPercent).toBeLessThan(30);
      expect(idle.eventLoopDelayMs.p99).toBeLessThan(30);
      expect(idle.eventLoopDelayMs.p50).toBeLessThan(5);
    } finally {
      sampler.stop();
    }
  });

  it("counts the sockets this process opens", async () => {
    const before = countOpenSockets();
    const accepted: Socket[] = [];
    const server: Server = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const clients = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<Socket>((r) => {
            const c = connect(port, "127.0.0.1", () => r(c));
          }),
      ),
    );
    while (accepted.length < 5) await sleep(5);
    try {
      // 1 listening + 5 client + 5 accepted sockets.
      const delta = countOpenSockets() - before;
      expect(delta).toBeGreaterThanOrEqual(11);
      expect(delta).toBeLessThanOrEqual(13);
    } finally {
      for (const c of [...clients, ...accepted]) c.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it("entries are tagged by worker and read back by criteria: generator_cpu_percent max", async () => {
    const sampler = createGeneratorSampler();
    try {
      await sleep(20);
      sampler.sample();
      block(300);
      const s = sampler.sample(
        vusFromEntries([
          { metric: "vus", tags: { scenario: "a" }, type: "gauge", value: 3, min: 3, max: 3 },
          { metric: "vus", tags: { scenario: "b" }, type: "gauge", value: 2, min: 2, max: 2 },
          { metric: "vus_max", tags: { scenario: "a" }, type: "gauge", value: 8, min: 8, max: 8 },
        ]),
      );
      const entries = generatorEntries(s, 2);
      expect(new Set(entries.map((e) => e.tags.worker))).toEqual(new Set(["2"]));
      const agg = new Aggregator().addAll([{ v: 1, index: 0, start: 0, end: 1000, entries }]);
      expect((agg.stats("generator_cpu_percent", { worker: "2" }) as TrendStats).max).toBeCloseTo(
        s.cpuPercent,
        1,
      );
      expect((agg.stats("generator_vus_busy") as GaugeStats).value).toBe(5);
      expect((agg.stats("generator_vus_allocated") as GaugeStats).value).toBe(8);
      expect(agg.metrics()).toEqual([
        "generator_cpu_percent",
        "generator_event_loop_delay_max_ms",
        "generator_event_loop_delay_p50_ms",
        "generator_event_loop_delay_p99_ms",
        "generator_heap_used_bytes",
        "generator_open_sockets",
        "generator_rss_bytes",
        "generator_vus_allocated",
        "generator_vus_busy",
      ]);
    } finally {
      sampler.stop();
    }
  });
});
