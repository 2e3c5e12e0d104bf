import { ErrorCodes, StrainError } from "../errors.js";
import type { Segment } from "./executor-types.js";

/**
 * Deterministic splitting of a scenario over N segments (workers, processes or pods).
 *
 *   total = 10, N = 4      floor((i+1)·10/4) − floor(i·10/4)
 *   segment:   0    1    2    3
 *   share:     2    3    2    3      sum = 10 exactly, shares differ by at most 1
 *   offset:    0    2    5    7      first unit of each segment in the global numbering
 *
 * Counts (VUs, ramping targets, iterations) are split by {@link segmentShare}; open-model iteration
 * numbers are striped (global j belongs to segment j mod N) so that the N arrival schedules
 * interleave into exactly the single-process schedule.
 */

/** The whole scenario in one process. */
export const WHOLE: Segment = { index: 0, count: 1 };

/** Throws on a segment that is not `0 <= index < count` with integer values (a programming error). */
export function validateSegment(segment: Segment): void {
  const { index, count } = segment;
  if (
    !Number.isSafeInteger(count) ||
    count < 1 ||
    !Number.isSafeInteger(index) ||
    index < 0 ||
    index >= count
  ) {
    throw new StrainError(ErrorCodes.INTERNAL, `invalid segment ${index}/${count}`);
  }
}

/** First unit of `segment` in the global numbering of `total` units: floor(i·total/N). */
export function segmentOffset(total: number, segment: Segment): number {
  return Math.floor((segment.index * total) / segment.count);
}

/**
 * This segment's share of an integer `total`: floor((i+1)·total/N) − floor(i·total/N).
 * The shares of the N segments sum exactly to `total` and differ from each other by at most 1.
 */
export function segmentShare(total: number, segment: Segment): number {
  return (
    Math.floor(((segment.index + 1) * total) / segment.count) -
    Math.floor((segment.index * total) / segment.count)
  );
}

/** True when global open-model iteration `j` belongs to `segment` (striping: j mod N = i). */
export function ownsIteration(j: number, segment: Segment): boolean {
  return j % segment.count === segment.index;
}

/** Global number of this segment's `k`-th (0-based) iteration under striping: k·N + i. */
export function stripeIteration(k: number, segment: Segment): number {
  return k * segment.count + segment.index;
}

/** A contiguous block of global iteration numbers: `[start, start + count)`. */
export interface IterationBlock {
  start: number;
  count: number;
}

/**
 * shared-iterations: this segment's block of the scenario's `iterations`, in proportion to its
 * share of `vus`. With c_i = floor(i·vus/N) VUs before segment i, the block is
 * [floor(c_i·iterations/vus), floor(c_{i+1}·iterations/vus)): blocks tile 0..iterations-1 exactly,
 * and a segment with no VUs gets no iterations.
 */
export function sharedIterationBlock(iterations: number, vus: number, segment: Segment): IterationBlock {
  if (vus <= 0) return { start: 0, count: 0 };
  const before = segmentOffset(vus, segment);
  const through = before + segmentShare(vus, segment);
  const start = Math.floor((before * iterations) / vus);
  return { start, count: Math.floor((through * iterations) / vus) - start };
}
