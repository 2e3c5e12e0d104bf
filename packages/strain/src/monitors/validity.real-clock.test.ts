import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { IntervalSnapshot, SnapshotEntry } from "../metrics/types.js";
import { evaluateRunValidity } from "./validity.js";

// Generator saturation end to end, short of the coordinator: a separate process samples itself
// with the generator sampler every second, as a worker does, while it idles, then burns CPU for
// 6 s, then idles; the snapshots it sends are judged by evaluateRunValidity. Real clock: "timed".

const GENERATOR = pathToFileURL(join(import.meta.dirname, "generator.ts")).href;

/** A worker-like child: intervals of 1 s from `t0`; in the intervals listed in `busy` it spins. */
function childSource(busy: readonly number[], intervals: number): string {
  return `
const { createGeneratorSampler, generatorEntries } = await import(${JSON.stringify(GENERATOR)});
const busy = new Set(${JSON.stringify(busy)});
const sampler = createGeneratorSampler();
const t0 = Date.now() + 200;
await new Promise((r) => setTimeout(r, 200));
sampler.sample();
for (let k = 0; k < ${intervals}; k++) {
  const end = t0 + (k + 1) * 1000;
  if (busy.has(k)) {
    // Blocks of 100 ms, as a saturated worker's loop sees them; the event-loop timer records each.
    while (Date.now() < end - 30) {
      const until = Math.min(Date.now() + 100, end - 30);
      while (Date.now() < until);
      await new Promise((r) => setTimeout(r, 0));
    }
  }
  await new Promise((r) => setTimeout(r, Math.max(0, end - Date.now())));
  const entries = generatorEntries(sampler.sample(), 0);
  process.send({ v: 1, index: k, start: t0 + k * 1000, end, entries });
}
sampler.stop();
process.disconnect();
`;
}

function runChild(
  busy: readonly number[],
  intervals: number,
): Promise<{ snaps: IntervalSnapshot[]; t0: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", childSource(busy, intervals)],
      {
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      },
    );
    const snaps: IntervalSnapshot[] = [];
    child.on("message", (m) => snaps.push(m as IntervalSnapshot));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`child exited with ${code}`));
      else resolve({ snaps, t0: snaps[0]!.start });
    });
  });
}

function levelOf(entries: SnapshotEntry[], metric: string): number {
  const e = entries.find((x) => x.metric === metric);
  return e?.type === "trend" ? e.max : Number.NaN;
}

describe("run validity from a real process's generator samples", () => {
  it("6 s of a spinning worker marks the run saturated, with the window where it spun", async () => {
    const { snaps, t0 } = await runChild([2, 3, 4, 5, 6, 7], 10);
    expect(snaps).toHaveLength(10);
    // What the sampler saw: spinning intervals blocked the loop in 100 ms stretches (and used the
    // CPU the machine gave them: near 100% on a quiet machine), idle ones neither.
    for (const s of snaps) {
      if (s.index >= 2 && s.index <= 7) {
        expect(levelOf(s.entries, "generator_event_loop_delay_p99_ms")).toBeGreaterThan(50);
        expect(levelOf(s.entries, "generator_cpu_percent")).toBeGreaterThan(40);
      } else {
        expect(levelOf(s.entries, "generator_event_loop_delay_p99_ms")).toBeLessThan(50);
        expect(levelOf(s.entries, "generator_cpu_percent")).toBeLessThan(30);
      }
    }
    const v = evaluateRunValidity(snaps, { runStartEpoch: t0 });
    expect(v.status).toBe("generator_saturated");
    expect(v.windows).toEqual([
      expect.objectContaining({ kind: "saturated", worker: "0", from: 2000, to: 8000 }),
    ]);
    expect(v.message).toMatch(
      /^latencies from 00:02 to 00:08 understate the target's capacity: the load generator was saturated \(worker 0: .*event-loop delay p99 above 50 ms/,
    );
  }, 30_000);

  it("4 s of spinning stays valid (the rule needs 5 s)", async () => {
    const { snaps, t0 } = await runChild([1, 2, 3, 4], 6);
    const v = evaluateRunValidity(snaps, { runStartEpoch: t0 });
    expect(v.status).toBe("valid");
    expect(v.message).toBe("");
  }, 30_000);
});
