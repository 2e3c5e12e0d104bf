import type { ResolvedScenarioOf, ResolvedStage } from "../../plan/resolved.js";
import type { TimerHandle } from "../clock.js";
import type { ExecutionHost, Segment } from "../executor-types.js";
import { segmentShare, stripeIteration } from "../segment.js";
import { ClosedModelExecutor } from "./closed-model.js";
import { DUE_TOLERANCE_MS } from "./executor-base.js";
import type { VUSlot } from "./vu-pool.js";

/** From `at` (ms after the scenario's start) this segment wants `vus` VUs. */
export interface VUStep {
  at: number;
  vus: number;
}

/** A segment's VU timeline for ramping-vus. */
export interface VUTimeline {
  /** This segment's VUs at the scenario's start. */
  initial: number;
  /** Changes in time order (several may share a time). */
  steps: VUStep[];
  /** Sum of the stage durations, ms. */
  durationMs: number;
}

/**
 * The VU timeline of ramping-vus for one segment. The global target moves linearly through the
 * stages from `startVUs`; it becomes the integer v at the exact time the line reaches v (so a ramp
 * up adds a VU as the line crosses each integer, a ramp down removes one as it crosses each
 * integer, and a 0-duration stage jumps). This segment wants segmentShare(global, segment) VUs,
 * so at every instant the segments' VUs sum exactly to the global target.
 *
 *   startVUs 0, stages [{10s, 5}, {5s, 5}, {5s, 0}]
 *   global:  0 ─2s─▶1 ─4s─▶2 … 10s─▶5 ────── 15s 16s─▶4 … 20s─▶0
 */
export function planVUTimeline(
  startVUs: number,
  stages: readonly ResolvedStage[],
  segment: Segment,
): VUTimeline {
  let global = Math.max(0, Math.round(startVUs));
  let local = segmentShare(global, segment);
  const initial = local;
  const steps: VUStep[] = [];
  const reach = (at: number, g: number): void => {
    const l = segmentShare(g, segment);
    if (l !== local) {
      steps.push({ at, vus: l });
      local = l;
    }
  };
  let t0 = 0;
  for (const stage of stages) {
    const to = Math.max(0, Math.round(stage.target));
    const d = Math.max(0, stage.durationMs);
    if (to !== global) {
      if (d === 0) reach(t0, to);
      else if (to > global)
        for (let v = global + 1; v <= to; v++) reach(t0 + ((v - global) * d) / (to - global), v);
      else for (let v = global - 1; v >= to; v--) reach(t0 + ((global - v) * d) / (global - to), v);
      global = to;
    }
    t0 += d;
  }
  return { initial, steps, durationMs: t0 };
}

interface RampDownEntry {
  slot: VUSlot;
  /** Clock ms at which the slot's in-flight iteration is hard-stopped. */
  at: number;
  /** The slot's epoch when it was removed; a re-added slot has a newer one and is left alone. */
  epoch: number;
}

/**
 * ramping-vus: the VU count follows the stages ({@link planVUTimeline}). VUs are kept in slots
 * 0..target−1; when the target drops, the highest slots finish their current iteration and park,
 * and an iteration still running `gracefulRampDown` after the drop has its signal aborted. Slots
 * are reused when the target rises again. The segment's k-th iteration is global k·N + i.
 */
export class RampingVUsExecutor extends ClosedModelExecutor {
  readonly plannedDuration: number;
  private readonly timeline: VUTimeline;
  private nextStep = 0;
  private target = 0;
  private started = 0;
  private readonly wanted: boolean[] = [];
  private readonly epochs: number[] = [];
  private timelineTimer: TimerHandle | null = null;
  // Drops happen in time order and share one grace, so deadlines are FIFO: one timer serves them all.
  private readonly rampDown: RampDownEntry[] = [];
  private rampDownHead = 0;
  private rampDownTimer: TimerHandle | null = null;

  constructor(
    private readonly config: ResolvedScenarioOf<"ramping-vus">,
    segment: Segment,
    host: ExecutionHost,
  ) {
    super(config, segment, host);
    this.timeline = planVUTimeline(config.startVUs, config.stages, segment);
    this.plannedDuration = config.startTimeMs + this.timeline.durationMs;
  }

  protected begin(): void {
    this.setTarget(this.timeline.initial, this.base);
    this.advance();
  }

  protected override halt(): void {
    if (this.timelineTimer !== null) this.clock.clearTimeout(this.timelineTimer);
    this.timelineTimer = null;
  }

  protected override dispose(): void {
    if (this.rampDownTimer !== null) this.clock.clearTimeout(this.rampDownTimer);
    this.rampDownTimer = null;
    this.rampDown.length = 0;
    this.rampDownHead = 0;
  }

  protected override wants(slot: VUSlot): boolean {
    return this.wanted[slot.index] === true;
  }

  protected nextIteration(): number {
    return stripeIteration(this.started++, this.segment);
  }

  /** Apply every step already due (late timers catch up), then wait for the next step or the end. */
  private advance(): void {
    this.timelineTimer = null;
    const now = this.clock.now() + DUE_TOLERANCE_MS;
    const steps = this.timeline.steps;
    while (this.nextStep < steps.length && this.phase === "running") {
      const step = steps[this.nextStep]!;
      const at = this.base + step.at;
      if (at > now) break;
      this.setTarget(step.vus, at);
      this.nextStep++;
    }
    this.reportVUs();
    // Starting a VU runs host code, which may have stopped the executor.
    if (this.phase !== "running") return;
    const endAt = this.base + this.timeline.durationMs;
    if (now >= endAt) {
      this.end(this.config.gracefulStopMs);
      return;
    }
    const next = this.nextStep < steps.length ? Math.min(this.base + steps[this.nextStep]!.at, endAt) : endAt;
    this.timelineTimer = this.clock.setTimeout(() => this.advance(), next - this.clock.now());
  }

  /** Move this segment's target to `n` VUs as of clock time `at`. */
  private setTarget(n: number, at: number): void {
    const slots = this.pool.slots;
    if (n > this.target) {
      for (let i = this.target; i < n; i++) {
        const slot = slots[i] ?? this.pool.allocate();
        this.wanted[i] = true;
        this.epochs[i] = (this.epochs[i] ?? 0) + 1;
        this.startLoop(slot);
      }
    } else {
      // Highest slots first: the most recently added VUs leave first.
      for (let i = this.target - 1; i >= n; i--) {
        const slot = slots[i]!;
        this.wanted[i] = false;
        const epoch = (this.epochs[i] ?? 0) + 1;
        this.epochs[i] = epoch;
        if (slot.busy) this.scheduleRampDown(slot, at + this.config.gracefulRampDownMs, epoch);
      }
    }
    this.target = n;
  }

  private scheduleRampDown(slot: VUSlot, at: number, epoch: number): void {
    if (at <= this.clock.now() + DUE_TOLERANCE_MS) {
      this.pool.abort(slot);
      return;
    }
    this.rampDown.push({ slot, at, epoch });
    if (this.rampDownTimer === null) this.armRampDown();
  }

  private armRampDown(): void {
    const head = this.rampDown[this.rampDownHead];
    if (head === undefined) {
      this.rampDown.length = 0;
      this.rampDownHead = 0;
      return;
    }
    if (this.rampDownHead >= 1024) {
      this.rampDown.splice(0, this.rampDownHead);
      this.rampDownHead = 0;
    }
    this.rampDownTimer = this.clock.setTimeout(() => this.fireRampDown(), head.at - this.clock.now());
  }

  private fireRampDown(): void {
    this.rampDownTimer = null;
    const now = this.clock.now() + DUE_TOLERANCE_MS;
    while (this.rampDownHead < this.rampDown.length) {
      const e = this.rampDown[this.rampDownHead]!;
      if (e.at > now) break;
      this.rampDownHead++;
      // Still parked since that drop (same epoch) and still running the iteration it had then.
      if (this.epochs[e.slot.index] === e.epoch) this.pool.abort(e.slot);
    }
    this.armRampDown();
  }
}

/** Create the ramping-vus executor for one segment. */
export function createRampingVUs(
  scenario: ResolvedScenarioOf<"ramping-vus">,
  segment: Segment,
  host: ExecutionHost,
): RampingVUsExecutor {
  return new RampingVUsExecutor(scenario, segment, host);
}
