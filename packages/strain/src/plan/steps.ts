import { ErrorCodes, StrainError } from "../errors.js";
import { parseDuration } from "./duration.js";
import { compileTemplate, type Template } from "./template.js";
import type {
  FlowFunction,
  FlowStep,
  RequestOptions,
  Response,
  StepRequest,
  ThinkTime,
  VU,
} from "./types.js";

/**
 * Declarative steps (YAML plans, also allowed in TS) compiled into a flow function that uses only
 * the `VU` API. Everything that does not change per iteration (templates, request options, check
 * functions, think times) is built here once; per request the flow only fills placeholders.
 */

type Env = Readonly<Record<string, string>>;
type Run = (vu: VU) => Promise<void>;
type CheckFns = Readonly<Record<string, (r: Response) => boolean>>;

/** Compile `steps` (already validated by the plan schema) into a flow function. */
export function compileSteps(steps: readonly FlowStep[]): FlowFunction {
  const run = compileList(steps);
  return (vu) => run(vu);
}

function compileList(steps: readonly FlowStep[]): Run {
  const runs = steps.map(compileStep);
  if (runs.length === 1) return runs[0]!;
  return async (vu) => {
    for (const run of runs) await run(vu);
  };
}

function compileStep(step: FlowStep): Run {
  if ("request" in step && step.request !== undefined) return compileRequest(step.request);
  if ("sleep" in step && step.sleep !== undefined) {
    const t = thinkTimeMs(step.sleep);
    return (vu) => vu.sleep(t);
  }
  if ("transaction" in step && step.transaction !== undefined) {
    const name = step.transaction;
    const inner = compileList(step.steps);
    return (vu) => vu.transaction(name, () => inner(vu));
  }
  throw new StrainError(ErrorCodes.PLAN_INVALID, "a step needs one of request, sleep or transaction", {
    hint: '{ request: { url: "/" } }, { sleep: "1s" } or { transaction: "login", steps: [...] }',
  });
}

/** Think time with durations in ms, so the runtime does no parsing per iteration. */
function thinkTimeMs(t: ThinkTime): ThinkTime {
  if (typeof t === "string" || typeof t === "number") return parseDuration(t);
  if ("uniform" in t) return { uniform: [parseDuration(t.uniform[0]), parseDuration(t.uniform[1])] };
  return { gaussian: { mean: parseDuration(t.gaussian.mean), stddev: parseDuration(t.gaussian.stddev) } };
}

/** A value fixed at compile time, or rendered per request from the VU's env. */
type Part<T> = { fixed: T } | { render: (env: Env) => T };

function compileRequest(r: StepRequest): Run {
  const method = r.method ?? "GET";
  const url = compileTemplate(r.url);
  const checks = compileChecks(r.check);

  const fixed: RequestOptions = {};
  if (r.name !== undefined) fixed.name = r.name;
  if (r.tags !== undefined) fixed.tags = r.tags;
  if (r.timeout !== undefined) fixed.timeout = parseDuration(r.timeout);
  // bodyIncludes reads the body, which the runtime discards unless asked to keep it.
  if (r.check?.bodyIncludes !== undefined) fixed.responseType = "text";
  // A status the user checks for is the expected one: a checked 404 is not also an http_error.
  if (r.check?.status !== undefined) fixed.expectedStatuses = statusList(r.check.status);

  const dynamic: Array<(opts: RequestOptions, env: Env) => void> = [];
  const bind = <K extends "headers" | "query" | "json" | "body">(
    key: K,
    part: Part<RequestOptions[K]> | undefined,
  ) => {
    if (part === undefined) return;
    if ("fixed" in part) fixed[key] = part.fixed;
    else
      dynamic.push((opts, env) => {
        opts[key] = part.render(env);
      });
  };
  bind("headers", r.headers === undefined ? undefined : compileRecord(r.headers));
  bind("query", r.query === undefined ? undefined : compileRecord(r.query));
  bind("json", r.json === undefined ? undefined : compileJson(r.json));
  bind("body", r.body === undefined ? undefined : fromTemplate(compileTemplate(r.body)));

  const options =
    dynamic.length === 0
      ? () => fixed
      : (env: Env) => {
          const opts: RequestOptions = { ...fixed };
          for (const fill of dynamic) fill(opts, env);
          return opts;
        };
  const checkTags = r.tags;

  return async (vu) => {
    const target = typeof url === "string" ? url : url(vu.env);
    const res = await vu.http.request(method, target, options(vu.env));
    if (checks !== undefined) vu.check(res, checks, checkTags);
  };
}

function statusList(status: number | readonly number[]): readonly number[] {
  return typeof status === "number" ? [status] : status;
}

/** Checks named as a person reads them: `status is 200`, `status is 200 or 201`, `body includes "ok"`. */
function compileChecks(check: StepRequest["check"]): CheckFns | undefined {
  if (check === undefined) return undefined;
  const fns: Record<string, (r: Response) => boolean> = {};
  if (check.status !== undefined) {
    const list = statusList(check.status);
    fns[`status is ${list.join(" or ")}`] = (res) => list.includes(res.status);
  }
  const needle = check.bodyIncludes;
  if (needle !== undefined) {
    fns[`body includes ${JSON.stringify(needle)}`] = (res) => {
      try {
        return res.text().includes(needle);
      } catch {
        // No body (network error): the check fails, it does not end the iteration.
        return false;
      }
    };
  }
  return fns;
}

function fromTemplate(t: string | Template): Part<string> {
  return typeof t === "string" ? { fixed: t } : { render: t };
}

function compileRecord<V>(record: Readonly<Record<string, V>>): Part<Record<string, V | string>> {
  const entries = Object.entries(record).map(
    ([k, v]) => [k, typeof v === "string" ? compileTemplate(v) : v] as const,
  );
  if (entries.every(([, v]) => typeof v !== "function")) return { fixed: { ...record } };
  return {
    render: (env) => {
      const out: Record<string, V | string> = {};
      for (const [k, v] of entries) out[k] = typeof v === "function" ? (v as Template)(env) : v;
      return out;
    },
  };
}

/** A JSON body; only string values holding placeholders are rendered, the rest is shared. */
function compileJson(value: unknown): Part<unknown> {
  if (typeof value === "string") return fromTemplate(compileTemplate(value));
  if (Array.isArray(value)) {
    const parts = value.map(compileJson);
    if (parts.every((p) => "fixed" in p)) return { fixed: value };
    return { render: (env) => parts.map((p) => ("fixed" in p ? p.fixed : p.render(env))) };
  }
  if (typeof value === "object" && value !== null) {
    const parts = Object.entries(value).map(([k, v]) => [k, compileJson(v)] as const);
    if (parts.every(([, p]) => "fixed" in p)) return { fixed: value };
    return {
      render: (env) => {
        const out: Record<string, unknown> = {};
        for (const [k, p] of parts) out[k] = "fixed" in p ? p.fixed : p.render(env);
        return out;
      },
    };
  }
  return { fixed: value };
}
