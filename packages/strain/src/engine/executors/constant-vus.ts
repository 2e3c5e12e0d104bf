import type { ResolvedScenarioOf } from "../../plan/resolved.js";
import type { ExecutionHost, Segment } from "../executor-types.js";
import { segmentShare, stripeIteration } from "../segment.js";
import { ClosedModelExecutor } from "./closed-model.js";

/**
 * constant-vus: a fixed number of VUs loop iterations for `duration`. This segment runs its share
 * of the VUs; its k-th iteration is global iteration k·N + i (striped over segments).
 */
export class ConstantVUsExecutor extends ClosedModelExecutor {
  readonly plannedDuration: number;
  private started = 0;

  constructor(
    private readonly config: ResolvedScenarioOf<"constant-vus">,
    segment: Segment,
    host: ExecutionHost,
  ) {
    super(config, segment, host);
    this.plannedDuration = config.startTimeMs + config.durationMs;
  }

  protected begin(): void {
    if (this.config.durationMs <= 0) {
      this.end(0);
      return;
    }
    this.endAfter(this.config.durationMs);
    const vus = segmentShare(this.config.vus, this.segment);
    this.startVUs(vus);
  }

  protected nextIteration(): number {
    return stripeIteration(this.started++, this.segment);
  }
}

/** Create the constant-vus executor for one segment. */
export function createConstantVUs(
  scenario: ResolvedScenarioOf<"constant-vus">,
  segment: Segment,
  host: ExecutionHost,
): ConstantVUsExecutor {
  return new ConstantVUsExecutor(scenario, segment, host);
}
