import type { ResolvedScenarioOf } from "../../plan/resolved.js";
import type { TimerHandle } from "../clock.js";
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
  private endTimer: TimerHandle | null = null;

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
    this.endTimer = this.clock.setTimeout(() => {
      this.endTimer = null;
      this.end(this.config.gracefulStopMs);
    }, this.config.maxDurationMs);
    for (let v = 0; v < vus; v++) this.pool.allocate();
    for (const slot of this.pool.slots) this.startLoop(slot);
    this.reportVUs();
  }

  protected halt(): void {
    if (this.endTimer !== null) this.clock.clearTimeout(this.endTimer);
    this.endTimer = null;
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
