import { describe, expect, it } from "vitest";
import type { IntervalSnapshot } from "../metrics/types.js";
import { counterEntry } from "./entries.js";
import { generatorEntries } from "./generator.js";
import {
  clock,
  evaluateRunValidity,
  evaluateValidity,
  type IntervalDrops,
  type WorkerIntervalSample,
} from "./validity.js";

const T0 = 1_700_000_000_000;

/** Samples of one worker over 1 s intervals: cpu[i] and loop[i] for interval i. */
function worker(name: string, cpu: number[], loop: number[] = cpu.map(() => 1)): WorkerIntervalSample[] {
  return cpu.map((c, i) => ({
    worker: name,
    index: i,
    start: T0 + i * 1000,
    end: T0 + (i + 1) * 1000,
    cpuPercent: c,
    eventLoopP99Ms: loop[i]!,
  }));
}

const rep = (n: number, v: number) => Array.from({ length: n }, () => v);

describe("evaluateValidity", () => {
  const cases: {
    name: string;
    samples: WorkerIntervalSample[];
    dropped?: number;
    scheduled?: number;
    drops?: IntervalDrops[];
    status: string;
    windows: { kind: string; from: number; to: number; worker?: string }[];
    message: RegExp | "";
  }[] = [
    {
      name: "valid: busy but under every threshold",
      samples: [...worker("0", rep(60, 89.9), rep(60, 49)), ...worker("1", rep(60, 50))],
      dropped: 100,
      scheduled: 10_000,
      status: "valid",
      windows: [],
      message: "",
    },
    {
      name: "valid: above 90% for 4 s only (needs 5 s)",
      samples: worker("0", [...rep(10, 20), ...rep(4, 99), ...rep(10, 20)]),
      status: "valid",
      windows: [],
      message: "",
    },
    {
      name: "saturated by CPU from 00:42 to the end",
      samples: [...worker("0", [...rep(42, 40), ...rep(18, 97)]), ...worker("1", rep(60, 40))],
      status: "generator_saturated",
      windows: [{ kind: "saturated", worker: "0", from: 42_000, to: 60_000 }],
      message:
        /^latencies after 00:42 understate the target's capacity: the load generator was saturated \(worker 0: CPU above 90% \(peak 97%\) from 00:42 to 01:00\)$/,
    },
    {
      name: "saturated by event-loop delay in the middle: a window with both bounds",
      samples: worker("3", rep(30, 60), [...rep(10, 5), ...rep(6, 120), ...rep(14, 5)]),
      status: "generator_saturated",
      windows: [{ kind: "saturated", worker: "3", from: 10_000, to: 16_000 }],
      message: /^latencies from 00:10 to 00:16 .*worker 3: event-loop delay p99 above 50 ms \(peak 120 ms\)/,
    },
    {
      name: "a gap in the intervals splits a window",
      samples: worker("0", rep(11, 95)).filter((s) => s.index !== 6),
      status: "generator_saturated",
      windows: [{ kind: "saturated", worker: "0", from: 0, to: 6000 }],
      message: /from 00:00 to 00:06/,
    },
    {
      name: "limited: 2% of scheduled iterations dropped, placed in time",
      samples: worker("0", rep(20, 30)),
      dropped: 200,
      scheduled: 10_000,
      drops: [
        ...Array.from({ length: 10 }, (_, i) => ({
          index: i,
          start: T0 + i * 1000,
          end: T0 + i * 1000 + 1000,
          dropped: 0,
          scheduled: 500,
        })),
        ...Array.from({ length: 4 }, (_, i) => ({
          index: 10 + i,
          start: T0 + (10 + i) * 1000,
          end: T0 + (11 + i) * 1000,
          dropped: 50,
          scheduled: 500,
        })),
        ...Array.from({ length: 6 }, (_, i) => ({
          index: 14 + i,
          start: T0 + (14 + i) * 1000,
          end: T0 + (15 + i) * 1000,
          dropped: 0,
          scheduled: 500,
        })),
      ],
      status: "generator_limited",
      windows: [{ kind: "limited", from: 10_000, to: 14_000 }],
      message:
        /^the target received less load than planned: 200 of 10,000 scheduled iterations \(2\.0%, 00:10–00:14\) were dropped/,
    },
    {
      name: "exactly 1% dropped is still valid",
      samples: worker("0", rep(10, 30)),
      dropped: 100,
      scheduled: 10_000,
      status: "valid",
      windows: [],
      message: "",
    },
    {
      name: "saturated and limited: saturated wins, both said",
      samples: worker("0", rep(10, 99)),
      dropped: 50,
      scheduled: 1000,
      status: "generator_saturated",
      windows: [{ kind: "saturated", worker: "0", from: 0, to: 10_000 }],
      message: /saturated .*\. the target received less load than planned: 50 of 1,000/,
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const v = evaluateValidity({
        runStartEpoch: T0,
        samples: c.samples,
        dropped: c.dropped ?? 0,
        scheduled: c.scheduled ?? 0,
        ...(c.drops !== undefined ? { drops: c.drops } : {}),
      });
      expect(v.status).toBe(c.status);
      expect(v.windows.map(({ reason: _, ...w }) => w)).toEqual(c.windows);
      if (c.message === "") expect(v.message).toBe("");
      else expect(v.message).toMatch(c.message);
    });
  }

  it("takes thresholds from the rules", () => {
    const samples = worker("0", rep(10, 75));
    const base = { runStartEpoch: T0, samples, dropped: 0, scheduled: 0 };
    expect(evaluateValidity(base).status).toBe("valid");
    expect(evaluateValidity({ ...base, rules: { cpuPercent: 70 } }).status).toBe("generator_saturated");
    expect(evaluateValidity({ ...base, rules: { cpuPercent: 70, minDurationMs: 11_000 } }).status).toBe(
      "valid",
    );
  });

  it("formats run time as mm:ss, and h:mm:ss past an hour", () => {
    expect([clock(0), clock(42_999), clock(725_000), clock(3_723_000)]).toEqual([
      "00:00",
      "00:42",
      "12:05",
      "1:02:03",
    ]);
  });
});

describe("evaluateRunValidity (from merged snapshots, as series.ndjson holds them)", () => {
  it("finds the saturated worker and the drops", () => {
    const snaps: IntervalSnapshot[] = [];
    for (let i = 0; i < 12; i++) {
      const loaded = i >= 4;
      snaps.push({
        v: 1,
        index: i,
        start: T0 + i * 1000,
        end: T0 + (i + 1) * 1000,
        entries: [
          ...generatorEntries(sample(loaded ? 96 : 30), 0),
          ...generatorEntries(sample(20), 1),
          counterEntry("iterations", { scenario: "s" }, 100),
          counterEntry("dropped_iterations", { scenario: "s" }, loaded ? 5 : 0),
        ],
      });
    }
    const v = evaluateRunValidity(snaps, { runStartEpoch: T0 });
    expect(v.status).toBe("generator_saturated");
    expect(v.windows.filter((w) => w.kind === "saturated")).toMatchObject([
      { worker: "0", from: 4000, to: 12_000 },
    ]);
    // 40 dropped of 1,240 scheduled (3.2%), in 00:04–00:12.
    expect(v.dropped).toBe(40);
    expect(v.scheduled).toBe(1240);
    expect(v.windows.filter((w) => w.kind === "limited")).toMatchObject([{ from: 4000, to: 12_000 }]);
    expect(v.message).toMatch(/^latencies after 00:04 understate/);
  });
});

function sample(cpu: number) {
  return {
    cpuPercent: cpu,
    eventLoopDelayMs: { p50: 1, p99: 2, max: 3 },
    heapUsedBytes: 1e7,
    rssBytes: 5e7,
    openSockets: 10,
    vusBusy: 5,
    vusAllocated: 10,
  };
}
