import type { ResolvedScenarioOf } from "../../plan/resolved.js";
import type { ExecutionHost, Segment } from "../executor-types.js";
import { segmentOffset, segmentShare } from "../segment.js";
import { ClosedModelExecutor } from "./closed-model.js";
import type { VUSlot } from "./vu-pool.js";

/**
 * per-vu-iterations: each VU runs exactly `iterations` iterations, within `maxDuration`.
 * Iteration m of the VU at global position g (0-based over all segments) is global iteration
 * m·vus + g, so the segments together number 0..vus·iterations−1 and the iterations running at one
 * time carry consecutive numbers (which keeps a mix even at every moment).
 */
export class PerVUIterationsExecutor extends ClosedModelExecutor {
  readonly plannedDuration: number;
  private readonly done: number[] = [];
  private readonly firstVU: number;

  constructor(
    private readonly config: ResolvedScenarioOf<"per-vu-iterations">,
    segment: Segment,
    host: ExecutionHost,
  ) {
    super(config, segment, host);
    this.plannedDuration = config.startTimeMs + config.maxDurationMs;
    this.firstVU = segmentOffset(config.vus, segment);
  }

  protected begin(): void {
    const vus = segmentShare(this.config.vus, this.segment);
    if (this.config.maxDurationMs <= 0 || vus === 0 || this.config.iterations <= 0) {
      this.end(0);
      return;
    }
    this.endAfter(this.config.maxDurationMs);
    for (let v = 0; v < vus; v++) this.done.push(0);
    this.startVUs(vus);
  }

  protected nextIteration(slot: VUSlot): number {
    const m = this.done[slot.index]!;
    if (m >= this.config.iterations) return -1;
    this.done[slot.index] = m + 1;
    return m * this.config.vus + this.firstVU + slot.index;
  }

  protected override onAllLoopsExited(): void {
    this.end(0);
  }
}

/** Create the per-vu-iterations executor for one segment. */
export function createPerVUIterations(
  scenario: ResolvedScenarioOf<"per-vu-iterations">,
  segment: Segment,
  host: ExecutionHost,
): PerVUIterationsExecutor {
  return new PerVUIterationsExecutor(scenario, segment, host);
}
