import { parseDuration } from "../plan/duration.js";
import type { ThinkTime } from "../plan/types.js";

/**
 * Draw one think time in ms. Fixed, uniform in [min, max], or gaussian (Box–Muller), never
 * negative. `random` is injectable so tests are deterministic.
 */
export function drawThinkTime(t: ThinkTime, random: () => number = Math.random): number {
  if (typeof t === "string" || typeof t === "number") return parseDuration(t);
  if ("uniform" in t) {
    const lo = parseDuration(t.uniform[0]);
    const hi = parseDuration(t.uniform[1]);
    return lo + (hi - lo) * random();
  }
  const mean = parseDuration(t.gaussian.mean);
  const sd = parseDuration(t.gaussian.stddev);
  const u1 = Math.max(random(), Number.EPSILON);
  const u2 = random();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.max(0, mean + sd * z);
}
