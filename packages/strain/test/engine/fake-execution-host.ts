import { type Clock, VirtualClock } from "../../src/engine/clock.js";
import type {
  ExecutionHost,
  Executor,
  IterationRequest,
  Segment,
  VUHandle,
} from "../../src/engine/executor-types.js";
import { createExecutor } from "../../src/engine/executors/index.js";
import type { ResolvedScenario } from "../../src/plan/resolved.js";

/** What the fake host saw of one iteration. */
export interface IterationRecord {
  vu: number;
  iteration: number;
  flow: number;
  scheduledAt: number | null;
  startedAt: number;
  /** When it completed normally. */
  endedAt?: number;
  /** When its signal aborted it. */
  abortedAt?: number;
}

/** Iteration duration in clock ms, fixed or per iteration. */
export type IterationTime = number | ((it: IterationRequest, vu: VUHandle) => number);

/**
 * An ExecutionHost for executor tests: each iteration takes virtual (or real) time through
 * `clock.setTimeout` and gives up at once when its signal aborts. It records everything and
 * fails loudly when an executor breaks the contract (two iterations at once on one VU).
 */
export class FakeExecutionHost implements ExecutionHost {
  readonly iterations: IterationRecord[] = [];
  readonly vuEvents: { at: number; active: number; allocated: number }[] = [];
  readonly dropEvents: { at: number; count: number }[] = [];
  readonly violations: string[] = [];
  dropped = 0;
  private nextId: number;
  private readonly busy = new Set<number>();

  constructor(
    readonly clock: Clock,
    private readonly time: IterationTime = 0,
    firstVUId = 1,
  ) {
    this.nextId = firstVUId;
  }

  createVU(): VUHandle {
    return { id: this.nextId++ };
  }

  runIteration(vu: VUHandle, it: IterationRequest): Promise<void> {
    if (this.busy.has(vu.id))
      this.violations.push(`VU ${vu.id} started iteration ${it.iteration} while busy`);
    if (it.signal.aborted) this.violations.push(`iteration ${it.iteration} started with an aborted signal`);
    this.busy.add(vu.id);
    const rec: IterationRecord = {
      vu: vu.id,
      iteration: it.iteration,
      flow: it.flow,
      scheduledAt: it.scheduledAt,
      startedAt: this.clock.now(),
    };
    this.iterations.push(rec);
    const ms = typeof this.time === "number" ? this.time : this.time(it, vu);
    if (ms <= 0) {
      rec.endedAt = rec.startedAt;
      this.busy.delete(vu.id);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.clock.clearTimeout(timer);
        rec.abortedAt = this.clock.now();
        this.busy.delete(vu.id);
        resolve();
      };
      const timer = this.clock.setTimeout(() => {
        it.signal.removeEventListener("abort", onAbort);
        rec.endedAt = this.clock.now();
        this.busy.delete(vu.id);
        resolve();
      }, ms);
      it.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  onDropped(count: number): void {
    this.dropped += count;
    this.dropEvents.push({ at: this.clock.now(), count });
  }

  onVUs(active: number, allocated: number): void {
    this.vuEvents.push({ at: this.clock.now(), active, allocated });
  }

  /** Active VUs as last reported at or before `t`. */
  activeAt(t: number): number {
    let active = 0;
    for (const e of this.vuEvents) if (e.at <= t) active = e.active;
    return active;
  }
}

type Distribute<T> = T extends unknown
  ? Omit<T, "name" | "startTimeMs" | "gracefulStopMs" | "tags" | "flows">
  : never;

/** A resolved scenario for tests: one flow (or the given weights), no startTime, 30 s gracefulStop. */
export function makeScenario<S extends Distribute<ResolvedScenario>>(
  config: S,
  common: Partial<Pick<ResolvedScenario, "startTimeMs" | "gracefulStopMs">> & { weights?: number[] } = {},
): ResolvedScenario {
  const weights = common.weights ?? [1];
  return {
    name: "test",
    startTimeMs: common.startTimeMs ?? 0,
    gracefulStopMs: common.gracefulStopMs ?? 30_000,
    tags: {},
    flows: weights.map((weight, k) => ({ name: `flow${k}`, weight, fn: () => {}, tags: {} })),
    ...config,
  } as ResolvedScenario;
}

/** Outcome of {@link runInVirtualTime}. */
export interface VirtualRun {
  clock: VirtualClock;
  host: FakeExecutionHost;
  executor: Executor;
  /** Virtual time at which run() resolved; -1 when it never did (a hung executor). */
  endedAt: number;
}

/**
 * Run one executor to completion in virtual time. `during` may schedule things on the clock
 * (stop() at some time) before time starts moving.
 */
export async function runInVirtualTime(
  scenario: ResolvedScenario,
  options: {
    segment?: Segment;
    time?: IterationTime;
    during?: (executor: Executor, clock: VirtualClock) => void;
  } = {},
): Promise<VirtualRun> {
  const clock = new VirtualClock();
  const host = new FakeExecutionHost(clock, options.time ?? 0);
  const executor = createExecutor(scenario, options.segment ?? { index: 0, count: 1 }, host);
  const run: VirtualRun = { clock, host, executor, endedAt: -1 };
  options.during?.(executor, clock);
  void executor.run().then(() => {
    run.endedAt = clock.now();
  });
  await clock.runAll();
  return run;
}
