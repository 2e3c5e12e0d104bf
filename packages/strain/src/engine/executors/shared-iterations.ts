import type { ResolvedScenarioOf } from "../../plan/resolved.js";
import type { ExecutionHost, Segment } from "../executor-types.js";
import { type IterationBlock, segmentShare, sharedIterationBlock } from "../segment.js";
import { ClosedModelExecutor } from "./closed-model.js";

/**
 * shared-iterations: VUs take iterations from a shared counter until `iterations` have started,
 * within `maxDuration`. Each segment owns a contiguous block of the global iteration numbers, in
 * proportion to its share of the VUs ({@link sharedIterationBlock}); the blocks tile
 * 0..iterations−1 exactly.
 */
export class SharedIterationsExecutor extends ClosedModelExecutor {
  readonly plannedDuration: number;
  private readonly block: IterationBlock;
  private taken = 0;

  constructor(
    private readonly config: ResolvedScenarioOf<"shared-iterations">,
    segment: Segment,
    host: ExecutionHost,
  ) {
    super(config, segment, host);
    this.plannedDuration = config.startTimeMs + config.maxDurationMs;
    this.block = sharedIterationBlock(Math.max(0, config.iterations), config.vus, segment);
  }

  protected begin(): void {
    const vus = segmentShare(this.config.vus, this.segment);
    if (this.config.maxDurationMs <= 0 || vus === 0 || this.block.count === 0) {
      this.end(0);
      return;
    }
    this.endAfter(this.config.maxDurationMs);
    this.startVUs(vus);
  }

  protected nextIteration(): number {
    if (this.taken >= this.block.count) return -1;
    return this.block.start + this.taken++;
  }

  protected override onAllLoopsExited(): void {
    this.end(0);
  }
}

/** Create the shared-iterations executor for one segment. */
export function createSharedIterations(
  scenario: ResolvedScenarioOf<"shared-iterations">,
  segment: Segment,
  host: ExecutionHost,
): SharedIterationsExecutor {
  return new SharedIterationsExecutor(scenario, segment, host);
}
