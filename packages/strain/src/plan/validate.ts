import { dirname, resolve } from "node:path";
import { analyzeCriteria, criteriaContextOf } from "../criteria/analyze.js";
import { ErrorCodes, StrainError } from "../errors.js";
import { resolveMonitors } from "../monitors/schema.js";
import { PLAN_DEFAULTS } from "./defaults.js";
import { parseDuration, parseSize } from "./duration.js";
import { hostEntryOf, parseHostEntry } from "./hosts.js";
import { formatProblem } from "./problem.js";
import type { ResolvedFlow, ResolvedPlan, ResolvedScenario, ResolvedStage } from "./resolved.js";
import { planSchema } from "./schema.js";
import { checkSemantics } from "./semantics.js";
import { compileSteps } from "./steps.js";
import type { Duration, Flow, MixEntry, PlanDefinition, ScenarioConfig, Stage } from "./types.js";
import { problemsFromZod } from "./zod-issues.js";

/** Where the plan came from: feeder files are resolved relative to it, and errors name it. */
export interface ValidateContext {
  planPath: string;
}

/**
 * Validate a plan (from a TS bundle or parsed YAML) and resolve it: durations in ms, defaults
 * filled, step lists compiled to flow functions, `hosts` lower-cased (default: the host of
 * `baseUrl`), a single `flow` turned into a one-entry `flows` list.
 *
 * Collects every problem (schema and cross-field) and throws one `STRAIN_ERR_PLAN_INVALID`
 * whose `details` hold one line per problem, each with its path and a hint.
 */
export function validatePlan(input: unknown, ctx: ValidateContext): ResolvedPlan {
  const planDir = dirname(resolve(ctx.planPath));
  const parsed = planSchema.safeParse(input, { reportInput: true });
  const problems = [
    ...(parsed.success ? [] : problemsFromZod(parsed.error.issues, input)),
    ...checkSemantics(input, planDir),
  ];
  if (problems.length > 0) {
    const lines = [...new Set(problems.map(formatProblem))];
    throw new StrainError(
      ErrorCodes.PLAN_INVALID,
      `plan ${ctx.planPath} is invalid: ${lines.length} problem${lines.length === 1 ? "" : "s"}`,
      { details: lines, hint: "fix each line above; docs/plans.md describes every plan field" },
    );
  }
  // The schema checks the shape of PlanDefinition and does not transform it.
  return resolvePlan(parsed.data as unknown as PlanDefinition, planDir);
}

const ms = (d: Duration | undefined, fallback: number): number =>
  d === undefined ? fallback : parseDuration(d);

function resolvePlan(p: PlanDefinition, planDir: string): ResolvedPlan {
  const http = p.http ?? {};
  const timeouts = http.timeouts ?? {};
  const options = p.options ?? {};
  const hosts =
    p.hosts !== undefined
      ? p.hosts.map((h) => {
          const r = parseHostEntry(h);
          return r.ok ? r.host : h.toLowerCase();
        })
      : p.baseUrl !== undefined
        ? [hostEntryOf(new URL(p.baseUrl))]
        : [];

  const intervalMs = ms(options.interval, PLAN_DEFAULTS.intervalMs);
  const plan: ResolvedPlan = {
    name: p.name,
    hosts: [...new Set(hosts)],
    http: {
      connections: http.connections ?? PLAN_DEFAULTS.connections,
      timeouts: {
        connectMs: ms(timeouts.connect, PLAN_DEFAULTS.connectTimeoutMs),
        headersMs: ms(timeouts.headers, PLAN_DEFAULTS.headersTimeoutMs),
        bodyMs: ms(timeouts.body, PLAN_DEFAULTS.bodyTimeoutMs),
        totalMs: ms(timeouts.total, PLAN_DEFAULTS.totalTimeoutMs),
      },
      maxBodySize: http.maxBodySize === undefined ? PLAN_DEFAULTS.maxBodySize : parseSize(http.maxBodySize),
      maxRedirects: http.maxRedirects ?? PLAN_DEFAULTS.maxRedirects,
      headers: { ...http.headers },
      responseType: http.responseType ?? PLAN_DEFAULTS.responseType,
      driver: http.driver ?? PLAN_DEFAULTS.httpDriver,
      pipelining: http.pipelining ?? PLAN_DEFAULTS.pipelining,
    },
    intervalMs,
    maxTagSets: options.maxTagSets ?? PLAN_DEFAULTS.maxTagSets,
    secrets: [...(options.secrets ?? [])],
    setupTimeoutMs: ms(options.setupTimeout, PLAN_DEFAULTS.setupTimeoutMs),
    teardownTimeoutMs: ms(options.teardownTimeout, PLAN_DEFAULTS.teardownTimeoutMs),
    feeders: Object.fromEntries(
      Object.entries(p.feeders ?? {}).map(([name, f]) => [
        name,
        { file: f.file, mode: f.mode ?? PLAN_DEFAULTS.feederMode, path: resolve(planDir, f.file) },
      ]),
    ),
    metrics: { ...p.metrics },
    scenarios: Object.entries(p.scenarios).map(([name, sc]) => resolveScenario(name, sc)),
    monitors: resolveMonitors(p.monitors, intervalMs),
  };
  const criteria = analyzeCriteria(p, criteriaContextOf(p as unknown as Record<string, unknown>)).rows;
  if (criteria.length > 0) plan.criteria = criteria;
  if (p.description !== undefined) plan.description = p.description;
  if (p.baseUrl !== undefined) plan.baseUrl = p.baseUrl;
  if (p.setup !== undefined) plan.setup = p.setup;
  if (p.teardown !== undefined) plan.teardown = p.teardown;
  return plan;
}

function resolveScenario(name: string, sc: ScenarioConfig): ResolvedScenario {
  const base = {
    name,
    startTimeMs: ms(sc.startTime, PLAN_DEFAULTS.startTimeMs),
    gracefulStopMs: ms(sc.gracefulStop, PLAN_DEFAULTS.gracefulStopMs),
    tags: { ...sc.tags },
    flows: resolveFlows(name, sc.flow, sc.mix),
  };
  switch (sc.executor) {
    case "constant-vus":
      return { ...base, executor: sc.executor, vus: sc.vus, durationMs: parseDuration(sc.duration) };
    case "ramping-vus":
      return {
        ...base,
        executor: sc.executor,
        startVUs: sc.startVUs ?? PLAN_DEFAULTS.startVUs,
        stages: sc.stages.map(resolveStage),
        gracefulRampDownMs: ms(sc.gracefulRampDown, PLAN_DEFAULTS.gracefulRampDownMs),
      };
    case "per-vu-iterations":
    case "shared-iterations":
      return {
        ...base,
        executor: sc.executor,
        vus: sc.vus,
        iterations: sc.iterations,
        maxDurationMs: ms(sc.maxDuration, PLAN_DEFAULTS.maxDurationMs),
      };
    case "constant-arrival-rate":
      return {
        ...base,
        executor: sc.executor,
        rate: sc.rate,
        timeUnitMs: ms(sc.timeUnit, PLAN_DEFAULTS.timeUnitMs),
        durationMs: parseDuration(sc.duration),
        preAllocatedVUs: sc.preAllocatedVUs,
        maxVUs: sc.maxVUs ?? sc.preAllocatedVUs,
      };
    case "ramping-arrival-rate":
      return {
        ...base,
        executor: sc.executor,
        startRate: sc.startRate ?? PLAN_DEFAULTS.startRate,
        timeUnitMs: ms(sc.timeUnit, PLAN_DEFAULTS.timeUnitMs),
        stages: sc.stages.map(resolveStage),
        preAllocatedVUs: sc.preAllocatedVUs,
        maxVUs: sc.maxVUs ?? sc.preAllocatedVUs,
      };
  }
}

function resolveStage(s: Stage): ResolvedStage {
  const stage: ResolvedStage = { durationMs: parseDuration(s.duration), target: s.target };
  if (s.name !== undefined) stage.name = s.name;
  return stage;
}

function resolveFlows(
  scenario: string,
  flow: Flow | undefined,
  mix: readonly MixEntry[] | undefined,
): ResolvedFlow[] {
  if (flow !== undefined) return [{ name: scenario, weight: 1, fn: toFunction(flow), tags: {} }];
  return (mix ?? []).map((m) => ({
    name: m.name,
    weight: m.weight,
    fn: toFunction(m.flow),
    tags: { ...m.tags },
  }));
}

function toFunction(flow: Flow) {
  return typeof flow === "function" ? flow : compileSteps(flow);
}
