import { ErrorCodes, StrainError } from "../errors.js";

/** (√5 − 1) / 2: the golden-ratio step gives the most even low-discrepancy sequence frac(j·g). */
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/**
 * Picks the flow of a scenario's mix for a global iteration number.
 *
 * The choice is a pure function of `globalIteration` (u = frac(j·g), g = golden ratio, looked up in
 * the cumulative normalised weights), so N segments that own interleaved iteration numbers together
 * reproduce exactly the single-process mix. The sequence frac(j·g) is equidistributed with the
 * lowest discrepancy of any Kronecker sequence: over any 1,000 consecutive iterations every flow's
 * share is within a few tenths of a percent of its weight, and exact in the limit.
 *
 *   weights 40/30/20/10 → bounds [0.4, 0.7, 0.9, 1]
 *   j:     0     1     2     3     4     5  ...
 *   u:   0.000 0.618 0.236 0.854 0.472 0.090
 *   flow:  0     1     0     2     1     0
 *
 * Throws STRAIN_ERR_PLAN_INVALID for an empty list, a negative or non-finite weight, or weights
 * that sum to 0. A weight of 0 is allowed and never picked.
 */
export function createMixPicker(weights: readonly number[]): (globalIteration: number) => number {
  if (weights.length === 0) throw new StrainError(ErrorCodes.PLAN_INVALID, "a mix needs at least one flow");
  let sum = 0;
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) {
      throw new StrainError(ErrorCodes.PLAN_INVALID, `mix weight ${w} is not a finite number >= 0`);
    }
    sum += w;
  }
  if (sum <= 0) throw new StrainError(ErrorCodes.PLAN_INVALID, "mix weights sum to 0");
  if (weights.length === 1) return pickOnly;

  const last = lastPositive(weights);
  const bounds = new Float64Array(weights.length);
  let acc = 0;
  for (let k = 0; k < weights.length; k++) {
    acc += weights[k]!;
    // The last positive flow's bound is exactly 1 so rounding in the sum never leaves a gap at the top.
    bounds[k] = k >= last ? 1 : acc / sum;
  }
  const n = weights.length;
  return (j: number): number => {
    const x = j * GOLDEN;
    const u = x - Math.floor(x);
    // Smallest k with u < bounds[k]; zero-weight flows have empty intervals and are never chosen.
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < bounds[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

function pickOnly(): number {
  return 0;
}

function lastPositive(weights: readonly number[]): number {
  for (let k = weights.length - 1; k >= 0; k--) if (weights[k]! > 0) return k;
  return weights.length - 1;
}
