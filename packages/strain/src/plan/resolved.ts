import type { ResolvedCriterion } from "../criteria/resolved.js";
import type { ResolvedMonitors } from "../monitors/schema.js";
import type {
  ExecutorName,
  FeederConfig,
  FlowFunction,
  HttpDriver,
  PlanDefinition,
  ResponseType,
  ThinkTime,
} from "./types.js";

/**
 * A plan after validation: durations in milliseconds, defaults filled, flows compiled to functions.
 * Executors and the runtime consume only this shape.
 */
export interface ResolvedStage {
  durationMs: number;
  target: number;
  name?: string;
}

export interface ResolvedFlow {
  /** Mix entry name, or the scenario name when the scenario has a single flow. */
  name: string;
  weight: number;
  fn: FlowFunction;
  tags: Readonly<Record<string, string>>;
}

interface ResolvedScenarioBase {
  name: string;
  startTimeMs: number;
  gracefulStopMs: number;
  tags: Readonly<Record<string, string>>;
  flows: readonly ResolvedFlow[];
}

export type ResolvedScenario = ResolvedScenarioBase &
  (
    | { executor: "constant-vus"; vus: number; durationMs: number }
    | {
        executor: "ramping-vus";
        startVUs: number;
        stages: readonly ResolvedStage[];
        gracefulRampDownMs: number;
      }
    | { executor: "per-vu-iterations"; vus: number; iterations: number; maxDurationMs: number }
    | { executor: "shared-iterations"; vus: number; iterations: number; maxDurationMs: number }
    | {
        executor: "constant-arrival-rate";
        rate: number;
        timeUnitMs: number;
        durationMs: number;
        preAllocatedVUs: number;
        maxVUs: number;
      }
    | {
        executor: "ramping-arrival-rate";
        startRate: number;
        timeUnitMs: number;
        stages: readonly ResolvedStage[];
        preAllocatedVUs: number;
        maxVUs: number;
      }
  );

export type ResolvedScenarioOf<E extends ExecutorName> = Extract<ResolvedScenario, { executor: E }>;

export interface ResolvedHttpOptions {
  connections: number;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number; totalMs: number };
  maxBodySize: number;
  maxRedirects: number;
  headers: Readonly<Record<string, string>>;
  responseType: ResponseType;
  driver: HttpDriver;
  pipelining: number;
}

export interface ResolvedPlan {
  name: string;
  description?: string;
  baseUrl?: string;
  /** Lower-cased allowed hosts: "name" (any port) or "name:port". */
  hosts: readonly string[];
  http: ResolvedHttpOptions;
  intervalMs: number;
  maxTagSets: number;
  secrets: readonly string[];
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  feeders: Readonly<Record<string, Required<FeederConfig> & { path: string }>>;
  metrics: Readonly<Record<string, "counter" | "trend" | "rate" | "gauge">>;
  scenarios: readonly ResolvedScenario[];
  /** Criteria rows from `criteria` and `thresholds`, presets expanded (criteria/resolved.ts); absent when none. */
  criteria?: readonly ResolvedCriterion[];
  /** Monitors to run in the coordinator, and the run-validity rules. */
  monitors: ResolvedMonitors;
  setup?: PlanDefinition["setup"];
  teardown?: PlanDefinition["teardown"];
}

export type { ThinkTime };
