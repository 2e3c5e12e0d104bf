import type { ResolvedScenarioOf } from "../../plan/resolved.js";
import type { ExecutionHost, Segment } from "../executor-types.js";
import { ArrivalSchedule } from "./arrival-schedule.js";
import { OpenModelExecutor } from "./open-model.js";

/**
 * ramping-arrival-rate: the rate (per `timeUnit`) moves linearly from `startRate` through the
 * stages; global iteration j is due when the integral of the rate reaches j (the exact inverse,
 * see {@link ArrivalSchedule}). This segment starts j ≡ i (mod N).
 */
export class RampingArrivalRateExecutor extends OpenModelExecutor {
  constructor(scenario: ResolvedScenarioOf<"ramping-arrival-rate">, segment: Segment, host: ExecutionHost) {
    super(
      scenario,
      segment,
      host,
      new ArrivalSchedule(scenario.startRate, scenario.stages, scenario.timeUnitMs),
      scenario,
    );
  }
}

/** Create the ramping-arrival-rate executor for one segment. */
export function createRampingArrivalRate(
  scenario: ResolvedScenarioOf<"ramping-arrival-rate">,
  segment: Segment,
  host: ExecutionHost,
): RampingArrivalRateExecutor {
  return new RampingArrivalRateExecutor(scenario, segment, host);
}
