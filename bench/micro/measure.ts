/**
 * A micro-benchmark timer: warm up, then time `batches` batches of `ops` operations each and keep the
 * median ns per operation (the spread is min–max over batches). Batches, not single calls, so
 * the timer's own cost (~40 ns for performance.now) stays out of the figure.
 */

export interface MicroResult {
  name: string;
  /** Median ns per operation over the batches. */
  nsPerOp: number;
  minNs: number;
  maxNs: number;
  /** What one operation is. */
  unit: string;
}

/** Keeps results alive so the optimiser cannot drop the measured work. */
export let sink: unknown;
export function consume(v: unknown): void {
  sink = v;
}

export interface MicroCase {
  name: string;
  unit: string;
  /** Operations per batch. */
  ops: number;
  /** Run `ops` operations (synchronously or not). */
  run(ops: number): void | Promise<void>;
}

export async function timeCase(c: MicroCase, batches = 9): Promise<MicroResult> {
  // Warm-up: let the JIT settle on the hot functions.
  for (let i = 0; i < 3; i++) await c.run(c.ops);
  const per: number[] = [];
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    await c.run(c.ops);
    per.push(Number(process.hrtime.bigint() - t0) / c.ops);
  }
  per.sort((a, b) => a - b);
  return {
    name: c.name,
    unit: c.unit,
    nsPerOp: per[Math.floor(per.length / 2)]!,
    minNs: per[0]!,
    maxNs: per[per.length - 1]!,
  };
}

/** Latencies in ms shaped like a real run's (log-normal around ~1 ms, a tail to ~200 ms), fixed seed. */
export function latencySamples(n: number, seed = 42): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  const rnd = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    const u = Math.max(1e-12, rnd());
    const v = rnd();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    out[i] = Math.min(200, Math.exp(z * 0.8));
  }
  return out;
}
