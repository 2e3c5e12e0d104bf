import type { Clock } from "./clock.js";

/**
 * A segment is the fraction i/N of every scenario that one worker runs. N segments together run
 * exactly the plan: VU counts, iteration counts and arrival schedules are split so their sum over
 * segments equals the whole (striped, k6 execution-segment style).
 */
export interface Segment {
  /** 0-based index of this segment. */
  index: number;
  /** Number of segments (workers). */
  count: number;
}

/** A VU slot owned by an executor. The runtime attaches its own VU state to it. */
export interface VUHandle {
  /** Run-unique VU id (1-based), stable across the VU's life. */
  readonly id: number;
}

export interface IterationRequest {
  /**
   * Open model: the time (clock ms) the iteration was scheduled to start; latency of its first
   * request is measured from here. Closed model: null.
   */
  scheduledAt: number | null;
  /** Global iteration number in this scenario across all segments (0-based). */
  iteration: number;
  /** Index into the scenario's mix (0 when the scenario has a single flow). */
  flow: number;
  /** Aborted when the executor hard-stops the iteration (gracefulStop / gracefulRampDown exceeded). */
  signal: AbortSignal;
}

/**
 * What an executor needs from the runtime. Implemented by the worker's VU runtime, and by fakes
 * in virtual-time tests.
 */
export interface ExecutionHost {
  readonly clock: Clock;
  /** Allocate a new VU. Cheap and synchronous (VU init is per-VU state only). */
  createVU(): VUHandle;
  /**
   * Run one iteration on `vu`. Must never reject: flow errors are recorded by the runtime.
   * When `signal` aborts, the runtime abandons the iteration promptly (in-flight requests are
   * counted `in_flight_at_stop`).
   */
  runIteration(vu: VUHandle, it: IterationRequest): Promise<void>;
  /** Open model: `count` iterations could not start because every VU was busy and maxVUs was reached. */
  onDropped(count: number): void;
  /** The number of active (running or available) and allocated VUs changed. */
  onVUs(active: number, allocated: number): void;
}

/** One scenario's executor in one segment. */
export interface Executor {
  /**
   * Run the scenario: wait `startTime`, apply the load, then wait for in-flight iterations up
   * to `gracefulStop`. Resolves when this segment's part of the scenario is over.
   */
  run(): Promise<void>;
  /**
   * Stop early (run aborted). New iterations stop at once; in-flight ones get up to
   * `gracefulMs` to finish before their signals abort.
   */
  stop(gracefulMs: number): void;
  /** Planned duration of the scenario including startTime (without gracefulStop), ms; null when unbounded by time. */
  readonly plannedDuration: number | null;
}
