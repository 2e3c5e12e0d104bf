/**
 * Time source for the scheduler and executors. Injected so rate and ramp logic runs in virtual time
 * in tests (k6 runs its executor tests under a simulated clock) and on the real clock in runs.
 *
 * `now()` is milliseconds (fractional) on a monotonic timeline; only differences are meaningful.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly __timer: unique symbol } | object;

/** The process clock: `performance.now()` and Node timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface VirtualTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that only moves when told to. Timers fire in time order (ties in creation order);
 * `advance()` drains microtasks between timers so async code scheduled by a timer runs before the
 * next timer fires, as it would on the real clock.
 */
export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: VirtualTimer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    (handle as VirtualTimer).cancelled = true;
  }

  /** Number of pending (not cancelled) timers. */
  get pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** Move time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.nextTimer();
      if (next === undefined || next.at > end) break;
      this.t = Math.max(this.t, next.at);
      next.cancelled = true;
      next.fn();
    }
    this.t = end;
    await flushMicrotasks();
  }

  /** Fire timers until none is left or `limitMs` of virtual time has passed. */
  async runAll(limitMs = 86_400_000): Promise<void> {
    const end = this.t + limitMs;
    for (;;) {
      await flushMicrotasks();
      const next = this.nextTimer();
      if (next === undefined || next.at > end) break;
      this.t = Math.max(this.t, next.at);
      next.cancelled = true;
      next.fn();
    }
    await flushMicrotasks();
  }

  private nextTimer(): VirtualTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: VirtualTimer | undefined;
    for (const t of this.timers) {
      if (best === undefined || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    return best;
  }
}

function flushMicrotasks(): Promise<void> {
  // A macrotask boundary drains every queued microtask, however long the promise chains are.
  return new Promise((resolve) => setImmediate(resolve));
}
