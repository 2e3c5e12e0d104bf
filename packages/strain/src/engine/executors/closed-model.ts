import type { TimerHandle } from "../clock.js";
import { ExecutorBase } from "./executor-base.js";
import type { VUSlot } from "./vu-pool.js";

/**
 * Closed model: each VU runs iterations back to back, so the load waits on the system under test.
 * A VU loop asks {@link ClosedModelExecutor.nextIteration} for the global number of its next
 * iteration and stops when it answers -1, when the VU is no longer wanted (ramp-down) or when the
 * scenario ends.
 */
export abstract class ClosedModelExecutor extends ExecutorBase {
  /** VU loops currently running (includes VUs finishing an iteration while ramping down). */
  protected loops = 0;
  private readonly looping: boolean[] = [];
  private endTimer: TimerHandle | null = null;

  /** Global iteration number of the next iteration of `slot`, or -1 when this VU has no more work. */
  protected abstract nextIteration(slot: VUSlot): number;

  /** False when `slot` should finish its current iteration and park (ramping-vus surplus VUs). */
  protected wants(_slot: VUSlot): boolean {
    return true;
  }

  /** Every loop exited while the scenario was still running (iteration-bounded executors). */
  protected onAllLoopsExited(): void {}

  protected override activeVUs(): number {
    return this.loops;
  }

  protected override quiescent(): boolean {
    return this.loops === 0;
  }

  /**
   * Bounded scenarios: end `ms` from now (duration or maxDuration), giving in-flight iterations
   * gracefulStop; `halt()` cancels it when the scenario ends earlier.
   */
  protected endAfter(ms: number): void {
    this.endTimer = this.clock.setTimeout(() => {
      this.endTimer = null;
      this.end(this.scenario.gracefulStopMs);
    }, ms);
  }

  protected halt(): void {
    if (this.endTimer !== null) this.clock.clearTimeout(this.endTimer);
    this.endTimer = null;
  }

  /** Allocate `vus` VUs, start each one's loop, and report the VU count. */
  protected startVUs(vus: number): void {
    for (let v = 0; v < vus; v++) this.pool.allocate();
    for (const slot of this.pool.slots) this.startLoop(slot);
    this.reportVUs();
  }

  /** Start the loop of `slot` unless it is already running. Callers report VU counts afterwards. */
  protected startLoop(slot: VUSlot): void {
    if (this.looping[slot.index] === true) return;
    this.looping[slot.index] = true;
    this.loops++;
    void this.loop(slot);
  }

  private async loop(slot: VUSlot): Promise<void> {
    let streak = 0;
    while (this.phase === "running" && this.wants(slot)) {
      const iteration = this.nextIteration(slot);
      if (iteration < 0) break;
      const tick = currentTick();
      await this.pool.run(slot, null, iteration);
      // An iteration that settles without leaving the microtask queue (an empty flow) would starve
      // timers, the end of the scenario among them: give the event loop a turn now and then.
      if (tick === currentTick() && ++streak >= SAME_TICK_LIMIT) {
        streak = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.looping[slot.index] = false;
    this.loops--;
    this.reportVUs();
    if (this.phase === "ending") this.checkDone();
    else if (this.phase === "running" && this.loops === 0) this.onAllLoopsExited();
  }
}

/** Iterations a VU may complete within one event-loop turn before it yields. */
const SAME_TICK_LIMIT = 64;

// An event-loop turn counter, bumped by one shared setImmediate per turn and only while someone asks.
let tick = 0;
let tickPending = false;
function bumpTick(): void {
  tick++;
  tickPending = false;
}
function currentTick(): number {
  if (!tickPending) {
    tickPending = true;
    setImmediate(bumpTick);
  }
  return tick;
}
