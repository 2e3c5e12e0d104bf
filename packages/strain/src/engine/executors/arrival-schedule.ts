/** One stage of an arrival schedule: the rate moves linearly to `target` (per timeUnit) over `durationMs`. */
export interface ArrivalStage {
  durationMs: number;
  target: number;
}

/**
 * The open-model schedule: when each global iteration is due, as a pure function of its number.
 *
 * The rate r(t) (iterations per timeUnit) is piecewise linear from `startRate` through the stages.
 * With C(t) = ∫₀ᵗ r/timeUnit, iteration j is due at the first instant C passes j: the exact inverse
 * of C (a linear equation in a flat stage, a quadratic in a ramp). Iterations are due while
 * C(t) < C(end), so the scenario starts exactly ⌈C(end)⌉ of them; a stretch at rate 0 starts none.
 *
 *   rate ▲        ___            C(t) = area under the rate; iteration j starts where C = j:
 *        │      /     \           0→500/s over 10 s: C(end) = 2,500, t_j = 200·√j ms
 *        │_____/       \
 *        └──────────────▶ t
 *
 * Because `timeOf` depends on nothing but `j` and the plan, N segments that take j ≡ i (mod N)
 * compute bit-identical times and together replay the single-process schedule exactly.
 */
export class ArrivalSchedule {
  /** Global number of iterations the schedule starts. */
  readonly count: number;
  /** Sum of the stage durations, ms. */
  readonly durationMs: number;
  private readonly starts: Float64Array;
  private readonly durations: Float64Array;
  /** C at the start of each stage; `cumEnd[s]` = C at its end. */
  private readonly cumStart: Float64Array;
  private readonly cumEnd: Float64Array;
  private readonly fromRate: Float64Array;
  private readonly toRate: Float64Array;
  private readonly timeUnitMs: number;
  private hint = 0;

  constructor(startRate: number, stages: readonly ArrivalStage[], timeUnitMs: number) {
    const n = stages.length;
    this.timeUnitMs = timeUnitMs;
    this.starts = new Float64Array(n);
    this.durations = new Float64Array(n);
    this.cumStart = new Float64Array(n);
    this.cumEnd = new Float64Array(n);
    this.fromRate = new Float64Array(n);
    this.toRate = new Float64Array(n);
    let t = 0;
    let c = 0;
    let rate = Math.max(0, startRate);
    for (let s = 0; s < n; s++) {
      const stage = stages[s]!;
      const d = Math.max(0, stage.durationMs);
      const to = Math.max(0, stage.target);
      this.starts[s] = t;
      this.durations[s] = d;
      this.fromRate[s] = rate;
      this.toRate[s] = to;
      this.cumStart[s] = c;
      // (r0 + r1)·d is exact for integer rates and ms, so only the division can round.
      c = snapToInteger(c + ((rate + to) * d) / (2 * timeUnitMs));
      this.cumEnd[s] = c;
      t += d;
      rate = to;
    }
    this.durationMs = t;
    this.count = c > 0 ? Math.ceil(c) : 0;
  }

  /** Offset (ms from the scenario's start) at which global iteration `j` (0 <= j < count) is due. */
  timeOf(j: number): number {
    const s = this.stageOf(j);
    const x = j - this.cumStart[s]!;
    const r0 = this.fromRate[s]!;
    const r1 = this.toRate[s]!;
    const d = this.durations[s]!;
    let tau: number;
    if (x <= 0) tau = 0;
    else if (r0 === r1) tau = (x * this.timeUnitMs) / r0;
    else {
      // C(τ) = a·τ + b·τ²/2 = x, solved as 2x / (a + √(a² + 2bx)): no cancellation, valid for b < 0.
      const a = r0 / this.timeUnitMs;
      const b = (r1 - r0) / (this.timeUnitMs * d);
      tau = (2 * x) / (a + Math.sqrt(Math.max(0, a * a + 2 * b * x)));
    }
    return this.starts[s]! + Math.min(tau, d);
  }

  /** The stage in which C passes `j`: the first with cumEnd > j (stages with no area are skipped). */
  private stageOf(j: number): number {
    const h = this.hint;
    if (this.cumStart[h]! <= j && j < this.cumEnd[h]!) return h;
    let lo = 0;
    let hi = this.cumEnd.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumEnd[mid]! > j) hi = mid;
      else lo = mid + 1;
    }
    this.hint = lo;
    return lo;
  }
}

/** Absorb the rounding of a sum that should be an integer, so the iteration count is exact. */
function snapToInteger(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-12 * Math.max(1, Math.abs(x)) ? r : x;
}
