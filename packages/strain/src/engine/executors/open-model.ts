import type { ResolvedScenario } from "../../plan/resolved.js";
import type { TimerHandle } from "../clock.js";
import type { ExecutionHost, Segment } from "../executor-types.js";
import { segmentShare } from "../segment.js";
import type { ArrivalSchedule } from "./arrival-schedule.js";
import { DUE_TOLERANCE_MS, ExecutorBase } from "./executor-base.js";
import type { VUSlot } from "./vu-pool.js";

/** VU limits of an arrival-rate scenario (whole plan; split per segment here). */
export interface ArrivalVUs {
  preAllocatedVUs: number;
  maxVUs: number;
}

/**
 * Open model: iterations start on the {@link ArrivalSchedule}, whatever the response times.
 * This segment owns global iterations j ≡ i (mod N) and starts each on an idle VU, on a new VU
 * while fewer than its share of maxVUs exist, or counts it dropped.
 *
 * One timer, armed for the next due iteration. When it fires, every iteration already due starts,
 * each with its own `scheduledAt`: a late event loop delays iterations but never loses them, and
 * their latency still counts from when they were due.
 */
export abstract class OpenModelExecutor extends ExecutorBase {
  readonly plannedDuration: number;
  private readonly idle: VUSlot[] = [];
  private readonly preAllocated: number;
  private readonly maxVUs: number;
  private next: number;
  private nextDue = 0;
  private timer: TimerHandle | null = null;
  private readonly onTimer = (): void => this.fire();

  constructor(
    scenario: ResolvedScenario,
    segment: Segment,
    host: ExecutionHost,
    private readonly schedule: ArrivalSchedule,
    vus: ArrivalVUs,
  ) {
    super(scenario, segment, host);
    this.plannedDuration = scenario.startTimeMs + schedule.durationMs;
    this.preAllocated = segmentShare(vus.preAllocatedVUs, segment);
    // A share is not monotonic in the total (5 segments: 2 of 3 → 1 VU, 2 of 4 → 0), hence the max.
    this.maxVUs = Math.max(
      this.preAllocated,
      segmentShare(Math.max(vus.maxVUs, vus.preAllocatedVUs), segment),
    );
    this.next = segment.index;
  }

  protected begin(): void {
    for (let v = 0; v < this.preAllocated; v++) this.idle.push(this.pool.allocate());
    this.reportVUs();
    if (this.next < this.schedule.count) this.nextDue = this.base + this.schedule.timeOf(this.next);
    this.fire();
  }

  protected halt(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  protected activeVUs(): number {
    return this.pool.allocated;
  }

  protected override onSettled(slot: VUSlot): void {
    if (this.phase === "running") this.idle.push(slot);
    else super.onSettled(slot);
  }

  /** Start every iteration already due, then wait for the next one (or the scenario's end). */
  private fire(): void {
    this.timer = null;
    const now = this.clock.now() + DUE_TOLERANCE_MS;
    const count = this.schedule.count;
    const stride = this.segment.count;
    const allocated = this.pool.allocated;
    let dropped = 0;
    // The phase check: a host may stop the executor from inside runIteration (a feeder ran dry).
    while (this.next < count && this.nextDue <= now && this.phase === "running") {
      let slot = this.idle.pop();
      if (slot === undefined && this.pool.allocated < this.maxVUs) slot = this.pool.allocate();
      if (slot === undefined) dropped++;
      else void this.pool.run(slot, this.nextDue, this.next);
      this.next += stride;
      if (this.next < count) this.nextDue = this.base + this.schedule.timeOf(this.next);
    }
    if (dropped > 0) this.host.onDropped(dropped);
    if (this.pool.allocated !== allocated) this.reportVUs();
    if (this.phase !== "running") return;
    const endAt = this.base + this.schedule.durationMs;
    if (this.next >= count && now >= endAt) {
      this.end(this.scenario.gracefulStopMs);
      return;
    }
    const at = this.next < count ? this.nextDue : endAt;
    this.timer = this.clock.setTimeout(this.onTimer, at - this.clock.now());
  }
}
