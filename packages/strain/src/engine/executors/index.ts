import type { ResolvedScenario, ResolvedScenarioOf } from "../../plan/resolved.js";
import type { ExecutorName } from "../../plan/types.js";
import type { ExecutionHost, Executor, Segment } from "../executor-types.js";
import { createConstantArrivalRate } from "./constant-arrival-rate.js";
import { createConstantVUs } from "./constant-vus.js";
import { createPerVUIterations } from "./per-vu-iterations.js";
import { createRampingArrivalRate } from "./ramping-arrival-rate.js";
import { createRampingVUs } from "./ramping-vus.js";
import { createSharedIterations } from "./shared-iterations.js";

/** Builds one executor for one segment of a scenario. */
export type ExecutorFactory<E extends ExecutorName> = (
  scenario: ResolvedScenarioOf<E>,
  segment: Segment,
  host: ExecutionHost,
) => Executor;

/** Every executor, by its type string (k6's names). */
export const executors = {
  "constant-vus": createConstantVUs,
  "ramping-vus": createRampingVUs,
  "per-vu-iterations": createPerVUIterations,
  "shared-iterations": createSharedIterations,
  "constant-arrival-rate": createConstantArrivalRate,
  "ramping-arrival-rate": createRampingArrivalRate,
} as const satisfies { [E in ExecutorName]: ExecutorFactory<E> };

/** The executor of `scenario` for `segment` (i/N); `host` is the worker's VU runtime. */
export function createExecutor(scenario: ResolvedScenario, segment: Segment, host: ExecutionHost): Executor {
  // The registry is keyed by the discriminant, so the factory always matches the scenario's shape.
  const factory = executors[scenario.executor] as ExecutorFactory<ExecutorName>;
  return factory(scenario as ResolvedScenarioOf<ExecutorName>, segment, host);
}

export { ArrivalSchedule, type ArrivalStage } from "./arrival-schedule.js";
export { planVUTimeline, type VUStep, type VUTimeline } from "./ramping-vus.js";

/**
 * Planned length of a scenario from the run's start, ms: startTime plus its duration, its stages,
 * or (iteration-bounded executors) its maxDuration, the upper bound. The same figure as
 * `Executor.plannedDuration`, without building an executor (coordinator, progress display).
 */
export function plannedDurationMs(s: ResolvedScenario): number {
  switch (s.executor) {
    case "constant-vus":
    case "constant-arrival-rate":
      return s.startTimeMs + s.durationMs;
    case "ramping-vus":
    case "ramping-arrival-rate":
      return s.startTimeMs + s.stages.reduce((a, st) => a + st.durationMs, 0);
    case "per-vu-iterations":
    case "shared-iterations":
      return s.startTimeMs + s.maxDurationMs;
  }
}
