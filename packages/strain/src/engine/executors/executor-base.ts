import type { ResolvedScenario } from "../../plan/resolved.js";
import type { Clock, TimerHandle } from "../clock.js";
import type { ExecutionHost, Executor, Segment } from "../executor-types.js";
import { createMixPicker } from "../mix.js";
import { validateSegment } from "../segment.js";
import { VUPool, type VUSlot } from "./vu-pool.js";

/**
 * An event is due when its time is at most this far ahead of the clock. Without it, a timer armed
 * for `at − now` can land a rounding error short of `at` and re-arm for a delay the clock cannot
 * represent; 1 ns is far below any timer's resolution.
 */
export const DUE_TOLERANCE_MS = 1e-6;

/** Where an executor is in its life (see {@link ExecutorBase}). */
export type Phase = "idle" | "waiting" | "running" | "ending" | "done";

/**
 * The life of one executor in one segment, shared by all of them:
 *
 *   idle ──run()──▶ waiting ──startTime──▶ running ──end──▶ ending ──nothing in flight──▶ done
 *                      │                                     (grace, then              ▲
 *                      │                                      signals abort)           │
 *                      └──────────────────────── stop() ───────────────────────────────┘
 *
 * `end` is the scenario's end time, its work being done, or stop() once running.
 * `ending` lasts until nothing is in flight (and, for closed models, every VU loop has exited);
 * the hard-stop deadline is the earliest of every grace asked for.
 */
export abstract class ExecutorBase implements Executor {
  abstract readonly plannedDuration: number | null;
  protected readonly clock: Clock;
  protected readonly pool: VUPool;
  protected phase: Phase = "idle";
  /** Clock time (ms) at which the scenario's load starts: run() time + startTime. */
  protected base = 0;
  private runPromise: Promise<void> | null = null;
  private resolveRun: (() => void) | null = null;
  private startTimer: TimerHandle | null = null;
  private hardStopTimer: TimerHandle | null = null;
  private hardStopAt = Number.POSITIVE_INFINITY;

  constructor(
    protected readonly scenario: ResolvedScenario,
    protected readonly segment: Segment,
    protected readonly host: ExecutionHost,
  ) {
    validateSegment(segment);
    this.clock = host.clock;
    this.pool = new VUPool(
      host,
      createMixPicker(scenario.flows.length === 0 ? [1] : scenario.flows.map((f) => f.weight)),
      (slot) => this.onSettled(slot),
    );
  }

  run(): Promise<void> {
    if (this.runPromise !== null) return this.runPromise;
    if (this.phase === "done") {
      this.runPromise = Promise.resolve();
      return this.runPromise;
    }
    this.runPromise = new Promise((resolve) => {
      this.resolveRun = resolve;
    });
    const delay = Math.max(0, this.scenario.startTimeMs);
    this.base = this.clock.now() + delay;
    this.phase = "waiting";
    if (delay === 0) this.startLoad();
    else
      this.startTimer = this.clock.setTimeout(() => {
        this.startTimer = null;
        this.startLoad();
      }, delay);
    return this.runPromise;
  }

  stop(gracefulMs: number): void {
    switch (this.phase) {
      case "idle":
      case "waiting":
        this.finish();
        return;
      case "running":
      case "ending":
        this.end(gracefulMs);
        return;
      case "done":
        return;
    }
  }

  /** Apply the load; called once when startTime has passed. */
  protected abstract begin(): void;

  /** Cancel this executor's own timers: no new iterations or VU changes from here on. */
  protected abstract halt(): void;

  /** Release whatever the executor still holds when it is done (timers kept through `ending`). */
  protected dispose(): void {}

  /** VUs currently part of the load, for `host.onVUs`. */
  protected abstract activeVUs(): number;

  /** Closed models: also wait for every VU loop to exit before finishing. */
  protected quiescent(): boolean {
    return this.pool.busy === 0;
  }

  /** An iteration settled on `slot` (its slot is idle again). */
  protected onSettled(_slot: VUSlot): void {
    if (this.phase === "ending") this.checkDone();
  }

  /**
   * The scenario's load is over (its end time, its work done, or stop()): start no new iteration
   * and hard-stop what is still in flight after `graceMs`.
   */
  protected end(graceMs: number): void {
    if (this.phase === "done") return;
    if (this.phase === "running") {
      this.phase = "ending";
      this.halt();
    }
    const now = this.clock.now();
    const at = now + Math.max(0, graceMs);
    if (at < this.hardStopAt) {
      this.hardStopAt = at;
      if (this.hardStopTimer !== null) this.clock.clearTimeout(this.hardStopTimer);
      this.hardStopTimer = null;
      if (at <= now) this.pool.abortBusy();
      else
        this.hardStopTimer = this.clock.setTimeout(() => {
          this.hardStopTimer = null;
          this.pool.abortBusy();
        }, at - now);
    }
    this.checkDone();
  }

  /** Finish once ending and nothing is left in flight. */
  protected checkDone(): void {
    if (this.phase === "ending" && this.quiescent()) this.finish();
  }

  protected reportVUs(): void {
    if (this.phase === "running" || this.phase === "ending") this.pool.reportVUs(this.activeVUs());
  }

  private startLoad(): void {
    if (this.phase !== "waiting") return;
    this.phase = "running";
    this.begin();
  }

  private finish(): void {
    const wasStarted = this.phase === "running" || this.phase === "ending";
    if (this.phase === "running") this.halt();
    this.phase = "done";
    if (this.startTimer !== null) this.clock.clearTimeout(this.startTimer);
    if (this.hardStopTimer !== null) this.clock.clearTimeout(this.hardStopTimer);
    this.startTimer = null;
    this.hardStopTimer = null;
    this.dispose();
    if (wasStarted) this.pool.reportVUs(0);
    const resolve = this.resolveRun;
    this.resolveRun = null;
    resolve?.();
  }
}
