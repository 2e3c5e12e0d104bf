import type { ResolvedScenarioOf } from "../../plan/resolved.js";
import type { ExecutionHost, Segment } from "../executor-types.js";
import { ArrivalSchedule } from "./arrival-schedule.js";
import { OpenModelExecutor } from "./open-model.js";

/**
 * constant-arrival-rate: `rate` iterations per `timeUnit` for `duration`; global iteration j is due
 * at startTime + j·timeUnit/rate while that is before the end. This segment starts j ≡ i (mod N).
 */
export class ConstantArrivalRateExecutor extends OpenModelExecutor {
  constructor(scenario: ResolvedScenarioOf<"constant-arrival-rate">, segment: Segment, host: ExecutionHost) {
    super(
      scenario,
      segment,
      host,
      new ArrivalSchedule(
        scenario.rate,
        [{ durationMs: scenario.durationMs, target: scenario.rate }],
        scenario.timeUnitMs,
      ),
      scenario,
    );
  }
}

/** Create the constant-arrival-rate executor for one segment. */
export function createConstantArrivalRate(
  scenario: ResolvedScenarioOf<"constant-arrival-rate">,
  segment: Segment,
  host: ExecutionHost,
): ConstantArrivalRateExecutor {
  return new ConstantArrivalRateExecutor(scenario, segment, host);
}
