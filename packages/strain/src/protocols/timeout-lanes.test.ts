import { describe, expect, it } from "vitest";
import { type Lane, type TimedEntry, TimeoutLanes } from "./timeout-lanes.js";

class Entry implements TimedEntry {
  deadline = 0;
  prevTimed: TimedEntry | null = null;
  nextTimed: TimedEntry | null = null;
  lane: Lane | null = null;
  firedAt: number | null = null;
  onTimeout(): void {
    this.firedAt = performance.now();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("TimeoutLanes", () => {
  it("fires entries at their deadline, never before, and not removed ones", async () => {
    const lanes = new TimeoutLanes();
    const t0 = performance.now();
    const a = new Entry();
    const b = new Entry();
    const c = new Entry();
    const d = new Entry();
    lanes.add(a, 30, t0);
    lanes.add(b, 30, t0);
    lanes.add(c, 60, t0);
    lanes.add(d, 30, t0);
    lanes.remove(b);
    expect(lanes.size).toBe(3);
    await sleep(100);
    expect(a.firedAt).not.toBeNull();
    expect(b.firedAt).toBeNull();
    expect(d.firedAt).not.toBeNull();
    expect(a.firedAt! - t0).toBeGreaterThanOrEqual(29);
    expect(c.firedAt! - t0).toBeGreaterThanOrEqual(59);
    expect(lanes.size).toBe(0);
    lanes.close();
  });

  it("re-arms for a later head after the earlier one completed", async () => {
    const lanes = new TimeoutLanes();
    const first = new Entry();
    lanes.add(first, 40, performance.now());
    await sleep(20);
    const second = new Entry();
    const t1 = performance.now();
    lanes.add(second, 40, t1);
    lanes.remove(first); // the lane timer is still armed for `first`'s deadline
    await sleep(100);
    expect(first.firedAt).toBeNull();
    expect(second.firedAt).not.toBeNull();
    expect(second.firedAt! - t1).toBeGreaterThanOrEqual(39);
    lanes.close();
  });

  it("ignores non-positive timeouts and stops after close()", async () => {
    const lanes = new TimeoutLanes();
    const zero = new Entry();
    lanes.add(zero, 0, performance.now());
    expect(zero.lane).toBeNull();
    const e = new Entry();
    lanes.add(e, 10, performance.now());
    lanes.close();
    await sleep(30);
    expect(e.firedAt).toBeNull();
  });
});
