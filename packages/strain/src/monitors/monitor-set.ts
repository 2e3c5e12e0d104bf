import { ErrorCodes, StrainError } from "../errors.js";
import type { IntervalSnapshot, SnapshotEntry } from "../metrics/types.js";
import { PostgresMonitor } from "./postgres.js";
import { PrometheusMonitor } from "./prometheus.js";
import type { ResolvedMonitors } from "./schema.js";
import { SystemMonitor } from "./system.js";
import type { Monitor, MonitorContext, MonitorExtras } from "./types.js";

/**
 * Error code of a required monitor that cannot start. The run has not sent anything yet, like a
 * failed setup(), so it shares setup's code and exit code (100).
 */
const REQUIRED_MONITOR_CODE = ErrorCodes.SETUP_FAILED;

/** The coordinator-side monitors a resolved `monitors` section asks for (the generator runs in workers). */
export function createMonitors(config: ResolvedMonitors): Monitor[] {
  const out: Monitor[] = [];
  if (config.system !== null) out.push(new SystemMonitor(config.system));
  if (config.postgres !== null) out.push(new PostgresMonitor(config.postgres));
  if (config.prometheus !== null) out.push(new PrometheusMonitor(config.prometheus));
  return out;
}

interface Slot {
  monitor: Monitor;
  /** A sample still running past its deadline; the next interval skips this monitor until it settles. */
  late: Promise<SnapshotEntry[]> | null;
  /** Counter entries of a late sample, added to the next interval so no event is lost. */
  carry: SnapshotEntry[];
  slowWarned: boolean;
}

/**
 * The monitors of one run on the run's interval clock. The coordinator:
 *
 *   const set = await MonitorSet.start(createMonitors(plan.monitors), ctx);  // before any load; throws if a required one is down
 *   set.startClock(runStartEpoch, (snap) => …);   // one snapshot per interval, same index as the workers'
 *   …
 *   const extras = await set.finish(Date.now());  // last (partial) interval through the callback, then stop
 *
 * Each interval all monitors are sampled concurrently, with a deadline of 80% of the interval: a
 * monitor slower than that gives nothing for the interval (its counters go into the next one).
 */
export class MonitorSet {
  private readonly slots: Slot[];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private runStartEpoch = 0;
  private index = 0;
  private onSnapshot: ((snap: IntervalSnapshot) => void) | null = null;
  private chain: Promise<void> = Promise.resolve();
  private finished = false;

  private constructor(
    monitors: readonly Monitor[],
    private readonly ctx: MonitorContext,
  ) {
    this.slots = monitors.map((monitor) => ({ monitor, late: null, carry: [], slowWarned: false }));
  }

  /**
   * Start every monitor. One that is unavailable is reported once through `ctx.warn` and left
   * out; when a `required` one is unavailable the others are stopped and a StrainError
   * (STRAIN_ERR_SETUP_FAILED) names every required monitor that failed.
   */
  static async start(monitors: readonly Monitor[], ctx: MonitorContext): Promise<MonitorSet> {
    const results = await Promise.all(
      monitors.map(async (m) => {
        try {
          return await m.start(ctx);
        } catch (err) {
          return `${m.name} monitor failed to start: ${(err as Error).message}`;
        }
      }),
    );
    const ok: Monitor[] = [];
    const requiredDown: string[] = [];
    results.forEach((warning, i) => {
      const m = monitors[i]!;
      if (warning === undefined) ok.push(m);
      else if (m.required) requiredDown.push(warning);
      else ctx.warn(`${warning}; the run goes on without it`);
    });
    if (requiredDown.length > 0) {
      await Promise.all(ok.map((m) => m.stop().catch(() => undefined)));
      throw new StrainError(
        REQUIRED_MONITOR_CODE,
        requiredDown.length === 1 ? `required ${requiredDown[0]}` : "required monitors are unavailable",
        {
          details: requiredDown.length === 1 ? [] : requiredDown,
          hint: "fix the connection, or mark the monitor required: false to run without it",
        },
      );
    }
    return new MonitorSet(ok, ctx);
  }

  /** Names of the monitors running. */
  get names(): string[] {
    return this.slots.map((s) => s.monitor.name);
  }

  /**
   * Sample every monitor for one interval; entries of all monitors in one snapshot. Never
   * rejects. Not reentrant: the clock (or the caller) awaits one before the next.
   */
  async sample(index: number, start: number, end: number): Promise<IntervalSnapshot> {
    const deadline = Math.max(100, this.ctx.intervalMs * 0.8);
    const parts = await Promise.all(
      this.slots.map((slot) => this.sampleOne(slot, index, start, end, deadline)),
    );
    return { v: 1, index, start, end, entries: parts.flat() };
  }

  private async sampleOne(
    slot: Slot,
    index: number,
    start: number,
    end: number,
    deadline: number,
  ): Promise<SnapshotEntry[]> {
    const carried = slot.carry;
    slot.carry = [];
    if (slot.late !== null) return carried;
    const run = Promise.resolve()
      .then(() => slot.monitor.sample(index, start, end))
      .catch((err: unknown) => {
        this.ctx.warn(`${slot.monitor.name} monitor failed: ${(err as Error).message}`);
        return [] as SnapshotEntry[];
      });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = Symbol("timeout");
    const first = await Promise.race([
      run,
      new Promise<typeof timedOut>((r) => {
        timer = setTimeout(() => r(timedOut), deadline);
      }),
    ]);
    clearTimeout(timer);
    if (first !== timedOut) return [...carried, ...first];
    if (!slot.slowWarned) {
      slot.slowWarned = true;
      this.ctx.warn(
        `${slot.monitor.name} monitor takes longer than ${Math.round(deadline)} ms to sample; its late intervals are left empty`,
      );
    }
    slot.late = run.then((entries) => {
      slot.late = null;
      // Levels and gauges describe the moment they were read; only events carry over.
      slot.carry.push(...entries.filter((e) => e.type === "counter"));
      return entries;
    });
    return carried;
  }

  /**
   * Sample at every interval boundary of the run (`runStartEpoch + (k+1)·intervalMs` for interval
   * k). At `runStartEpoch` the monitors take a fresh baseline, so interval 0 does not include
   * the time spent starting workers.
   */
  startClock(runStartEpoch: number, onSnapshot: (snap: IntervalSnapshot) => void): void {
    this.runStartEpoch = runStartEpoch;
    this.onSnapshot = onSnapshot;
    this.index = 0;
    const atStart = runStartEpoch - Date.now();
    this.timer = setTimeout(
      () => {
        this.chain = this.chain.then(async () => {
          if (this.finished) return;
          await this.sample(-1, runStartEpoch, runStartEpoch);
          for (const s of this.slots) s.carry = [];
        });
        this.schedule();
      },
      Math.max(0, atStart),
    );
    this.timer.unref?.();
  }

  private schedule(): void {
    const k = this.index;
    const start = this.runStartEpoch + k * this.ctx.intervalMs;
    const end = start + this.ctx.intervalMs;
    this.timer = setTimeout(
      () => {
        this.index = k + 1;
        this.emit(k, start, end);
        this.schedule();
      },
      Math.max(0, end - Date.now()),
    );
    this.timer.unref?.();
  }

  private emit(index: number, start: number, end: number): void {
    this.chain = this.chain.then(async () => {
      if (this.finished) return;
      const snap = await this.sample(index, start, end);
      this.onSnapshot?.(snap);
    });
  }

  /**
   * End of the run: sample the last (partial) interval, ending at `endEpoch`, deliver it through
   * the clock's callback, and stop every monitor. Returns each monitor's end-of-run extras.
   */
  async finish(endEpoch: number): Promise<MonitorExtras[]> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    if (this.onSnapshot !== null && !this.finished) {
      const start = this.runStartEpoch + this.index * this.ctx.intervalMs;
      if (endEpoch > start) this.onSnapshot(await this.sample(this.index, start, endEpoch));
    }
    this.finished = true;
    await Promise.all(this.slots.map((s) => s.late));
    const extras = await Promise.all(
      this.slots.map(async (s) => {
        try {
          return await s.monitor.stop();
        } catch (err) {
          return { monitor: s.monitor.name, notes: [`stop failed: ${(err as Error).message}`], data: {} };
        }
      }),
    );
    return extras.filter((e): e is MonitorExtras => e !== undefined);
  }
}
