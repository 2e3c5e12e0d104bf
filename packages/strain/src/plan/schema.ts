import { z } from "zod";
import { criteriaSchema, thresholdsSchema } from "../criteria/schema.js";
import { monitorsSchema } from "../monitors/schema.js";
import { describeValue } from "./describe-value.js";
import { suggest } from "./did-you-mean.js";
import { durationHint, sizeHint, tryParseDuration, tryParseSize } from "./duration.js";
import { parseHostEntry } from "./hosts.js";
import { isRecord, strictObject } from "./strict-object.js";
import { hasPlaceholder, unsupportedPlaceholders } from "./template.js";
import type { Duration, FlowFunction, FlowStep } from "./types.js";

/**
 * The one schema for plans, TS and YAML alike. It checks each field on its own (types, ranges,
 * durations, unknown keys); checks that relate fields to each other or to files live in
 * `semantics.ts`. Both run on every plan and their problems are reported together.
 *
 * Objects are "strict": an unknown key is a problem with a did-you-mean hint. zod's own strict
 * objects report unknown keys as one issue without the allowed keys, so `strictObject` below
 * reports them itself, one issue per key.
 *
 * The schema does not transform: its output has the input's shape (`PlanDefinition`);
 * `validate.ts` converts durations and fills defaults.
 */

/** Executor names, in the order the docs list them. */
export const EXECUTOR_NAMES = [
  "constant-vus",
  "ramping-vus",
  "per-vu-iterations",
  "shared-iterations",
  "constant-arrival-rate",
  "ramping-arrival-rate",
] as const;

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;
export const RESPONSE_TYPES = ["none", "text", "json", "binary"] as const;
export const HTTP_DRIVERS = ["auto", "fast", "undici"] as const;
export const FEEDER_MODES = ["sequential", "random", "unique"] as const;
export const METRIC_TYPES = ["counter", "trend", "rate", "gauge"] as const;

/** The keys a step may have; exactly one of the first three. */
const STEP_KINDS = ["request", "sleep", "transaction"] as const;

const SLEEP_HINT =
  'think time: "1s", { uniform: ["1s", "3s"] } or { gaussian: { mean: "2s", stddev: "500ms" } }';

const PLACEHOLDER_HINT = `only \${env.NAME} is substituted (in step url, headers, query, body and json); use a TS flow for feeder rows or setup data`;

/**
 * Marks an issue as "the value has the wrong kind altogether" (like zod's invalid_type), so that
 * union branches can be ranked when reporting (see zod-issues.ts). Its value is the expected kind.
 */
export const TYPE_MISMATCH = "typeMismatch";

/**
 * Report a wrong kind of value the way zod reports invalid_type. `ctx.addIssue` would mark the
 * issue "continuable", and a union whose other branch failed on a type (not continuable) then
 * takes this branch as the answer: `sleep: { uniform: ["1s"] }` would read "must be a duration".
 */
function addTypeMismatch(ctx: z.core.ParsePayload, expected: string, message: string, hint?: string): void {
  ctx.issues.push({
    code: "custom",
    message,
    input: ctx.value,
    path: [],
    params: { [TYPE_MISMATCH]: expected, ...(hint === undefined ? {} : { hint }) },
  });
}

/** A duration ("2s" or ms); `positive` rejects zero. */
function duration(min: "positive" | "nonnegative") {
  return z
    .custom<Duration>(() => true)
    .superRefine((v, ctx) => {
      if (v === undefined) return addTypeMismatch(ctx, "duration", "is required");
      if (typeof v !== "string" && typeof v !== "number") {
        return addTypeMismatch(ctx, "duration", `must be a duration (got ${describeValue(v)})`, durationHint);
      }
      const r = tryParseDuration(v);
      if (!r.ok) ctx.addIssue({ code: "custom", message: r.error, params: { hint: durationHint } });
      else if (min === "positive" && r.value <= 0) {
        ctx.addIssue({ code: "custom", message: `must be > 0 (got ${describeValue(v)})` });
      }
    });
}

/**
 * A whole number in [min, max]. Not zod's `.int()`: its issue aborts every enclosing check, which
 * would hide the unknown-key and cross-field problems of the objects around it.
 */
function wholeNumber(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z.number().superRefine((n, ctx) => {
    if (!Number.isInteger(n)) ctx.addIssue({ code: "custom", message: `must be a whole number (got ${n})` });
    else if (n < min) ctx.addIssue({ code: "custom", message: `must be ≥ ${min} (got ${n})` });
    else if (n > max) ctx.addIssue({ code: "custom", message: `must be ≤ ${max} (got ${n})` });
  });
}

const size = z
  .custom<string | number>(() => true)
  .superRefine((v, ctx) => {
    const r = tryParseSize(v);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.error, params: { hint: sizeHint } });
  });

/** A string in which only `${env.NAME}` placeholders may appear. */
function templated() {
  return z.string().superRefine((s, ctx) => {
    for (const p of unsupportedPlaceholders(s)) {
      ctx.addIssue({
        code: "custom",
        message: `unsupported placeholder ${p}`,
        params: { hint: PLACEHOLDER_HINT },
      });
    }
  });
}

/** A string taken literally (placeholders there would never be substituted). */
function literal(where: string) {
  return z.string().superRefine((s, ctx) => {
    if (hasPlaceholder(s)) {
      ctx.addIssue({
        code: "custom",
        message: `placeholders are not substituted in ${where}`,
        params: { hint: "put the value in each step's headers, or read vu.env in a TS flow" },
      });
    }
  });
}

const fn = <F>() =>
  z
    .custom<F>(() => true)
    .superRefine((v, ctx) => {
      if (typeof v !== "function")
        addTypeMismatch(ctx, "function", `must be a function (got ${describeValue(v)})`);
    });

const tags = z.record(z.string(), z.string());

/** Why `url` cannot be a step URL, or undefined. Placeholders hide what they stand for, so only the literal prefix is checked. */
function stepUrlProblem(url: string): { message: string; hint: string } | undefined {
  const prefix = url.split(`\${`)[0]!;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(prefix)?.[1]?.toLowerCase();
  if (url.length === 0)
    return { message: "must not be empty", hint: "a path like /users, or an absolute URL" };
  if (prefix.startsWith("//")) {
    return {
      message: `"${url}" has no scheme`,
      hint: 'write "https://host/path", or a path relative to baseUrl',
    };
  }
  if (scheme === undefined) return undefined;
  if (scheme !== "http" && scheme !== "https") {
    return {
      message: `"${url}" is not an http(s) URL`,
      hint: "use http:// or https://, or a path relative to baseUrl",
    };
  }
  if (!hasPlaceholder(url) && !URL.canParse(url)) {
    return { message: `"${url}" is not a valid URL`, hint: 'write "https://host/path"' };
  }
  return undefined;
}

const stepUrl = templated().superRefine((url, ctx) => {
  const p = stepUrlProblem(url);
  if (p !== undefined) ctx.addIssue({ code: "custom", message: p.message, params: { hint: p.hint } });
});

/** Every unsupported placeholder in string values nested inside a JSON body. */
const jsonBody = z.unknown().superRefine((value, ctx) => {
  const walk = (v: unknown, path: PropertyKey[]): void => {
    if (typeof v === "string") {
      for (const p of unsupportedPlaceholders(v)) {
        ctx.addIssue({
          code: "custom",
          path,
          message: `unsupported placeholder ${p}`,
          params: { hint: PLACEHOLDER_HINT },
        });
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], [...path, i]);
    } else if (isRecord(v)) for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, []);
});

const httpStatus = wholeNumber(100, 599);

const stepRequest = strictObject({
  method: z.enum(HTTP_METHODS).optional(),
  url: stepUrl,
  name: z.string().min(1).optional(),
  headers: z.record(z.string(), templated()).optional(),
  query: z.record(z.string(), z.union([templated(), z.number(), z.boolean()])).optional(),
  json: jsonBody.optional(),
  body: templated().optional(),
  tags: tags.optional(),
  timeout: duration("positive").optional(),
  check: strictObject({
    status: z.union([httpStatus, z.array(httpStatus).min(1)]).optional(),
    bodyIncludes: z.string().min(1).optional(),
  })
    .superRefine(
      (c, ctx) => {
        if (c.status === undefined && c.bodyIncludes === undefined) {
          ctx.addIssue({
            code: "custom",
            message: "is empty",
            params: { hint: 'give a status ({ status: 200 }) and/or a body text ({ bodyIncludes: "ok" })' },
          });
        }
      },
      { when: (p) => isRecord(p.value) },
    )
    .optional(),
}).superRefine(
  (r, ctx) => {
    if (r.json !== undefined && r.body !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["body"],
        message: "a request has either json or body, not both",
        params: { hint: "keep json for a JSON body, body for text" },
      });
    }
  },
  { when: (p) => isRecord(p.value) },
);

const thinkTime = z.union([
  duration("nonnegative"),
  strictObject({
    uniform: z.tuple([duration("nonnegative"), duration("nonnegative")]).optional(),
    gaussian: strictObject({ mean: duration("nonnegative"), stddev: duration("nonnegative") }).optional(),
  }).superRefine(
    (t, ctx) => {
      const kinds = ["uniform", "gaussian"].filter((k) => t[k] !== undefined);
      if (kinds.length !== 1) {
        ctx.addIssue({
          code: "custom",
          message: kinds.length === 0 ? "needs uniform or gaussian" : "has both uniform and gaussian",
          params: { hint: SLEEP_HINT },
        });
        return;
      }
      const u = t.uniform;
      if (u !== undefined) {
        const lo = tryParseDuration(u[0]);
        const hi = tryParseDuration(u[1]);
        if (lo.ok && hi.ok && lo.value > hi.value) {
          ctx.addIssue({
            code: "custom",
            path: ["uniform"],
            message: `min is above max (${describeValue(u[0])} > ${describeValue(u[1])})`,
            params: { hint: "write [min, max]" },
          });
        }
      }
    },
    { when: (p) => isRecord(p.value) },
  ),
]);

/** One declarative step. Written as one object with optional keys (not a union) so a bad step gets a precise message. */
export const stepSchema: z.ZodType<FlowStep> = z.lazy(() =>
  strictObject({
    request: stepRequest.optional(),
    sleep: thinkTime.optional(),
    transaction: z.string().min(1).optional(),
    steps: z.array(stepSchema).min(1).optional(),
  }).superRefine(
    (step, ctx) => {
      // An unknown key ("reqest") already says what is wrong; "needs one of" would repeat it.
      if (Object.keys(step).some((k) => !(STEP_KINDS as readonly string[]).includes(k) && k !== "steps"))
        return;
      const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
      if (kinds.length === 0) {
        ctx.addIssue({
          code: "custom",
          message: "a step needs one of request, sleep or transaction",
          params: {
            hint: '{ request: { url: "/" } }, { sleep: "1s" } or { transaction: "login", steps: [...] }',
          },
        });
      } else if (kinds.length > 1) {
        ctx.addIssue({
          code: "custom",
          message: `a step has both ${kinds.join(" and ")}`,
          params: { hint: "split it into one step each" },
        });
      }
      if (step.transaction !== undefined && step.steps === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["steps"],
          message: "is required for a transaction",
          params: { hint: "the transaction's requests go in `steps`" },
        });
      }
      if (step.transaction === undefined && step.steps !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["steps"],
          message: "only a transaction step has steps",
          params: { hint: 'add transaction: "<name>" to this step' },
        });
      }
    },
    { when: (p) => isRecord(p.value) },
  ),
) as unknown as z.ZodType<FlowStep>;

const flowSchema = z.union([fn<FlowFunction>(), z.array(stepSchema).min(1)], {
  error: (iss) => `must be a flow function or a list of steps (got ${describeValue(iss.input)})`,
});

const mixEntry = strictObject({
  name: z.string(),
  weight: z.number().positive(),
  flow: flowSchema,
  tags: tags.optional(),
});

const stage = strictObject({
  duration: duration("positive"),
  target: z.number().min(0),
  name: z.string().optional(),
});

const scenarioCommon = {
  startTime: duration("nonnegative").optional(),
  gracefulStop: duration("nonnegative").optional(),
  tags: tags.optional(),
  flow: flowSchema.optional(),
  mix: z.array(mixEntry).min(1).optional(),
};

const scenarioShapes = {
  "constant-vus": {
    executor: z.literal("constant-vus"),
    vus: wholeNumber(1),
    duration: duration("positive"),
    ...scenarioCommon,
  },
  "ramping-vus": {
    executor: z.literal("ramping-vus"),
    startVUs: wholeNumber(0).optional(),
    stages: z.array(stage).min(1),
    gracefulRampDown: duration("nonnegative").optional(),
    ...scenarioCommon,
  },
  "per-vu-iterations": {
    executor: z.literal("per-vu-iterations"),
    vus: wholeNumber(1),
    iterations: wholeNumber(1),
    maxDuration: duration("positive").optional(),
    ...scenarioCommon,
  },
  "shared-iterations": {
    executor: z.literal("shared-iterations"),
    vus: wholeNumber(1),
    iterations: wholeNumber(1),
    maxDuration: duration("positive").optional(),
    ...scenarioCommon,
  },
  "constant-arrival-rate": {
    executor: z.literal("constant-arrival-rate"),
    rate: z.number().positive(),
    timeUnit: duration("positive").optional(),
    duration: duration("positive"),
    preAllocatedVUs: wholeNumber(1),
    maxVUs: wholeNumber(1).optional(),
    ...scenarioCommon,
  },
  "ramping-arrival-rate": {
    executor: z.literal("ramping-arrival-rate"),
    startRate: z.number().min(0).optional(),
    timeUnit: duration("positive").optional(),
    stages: z.array(stage).min(1),
    preAllocatedVUs: wholeNumber(1),
    maxVUs: wholeNumber(1).optional(),
    ...scenarioCommon,
  },
} as const;

/** For an unknown scenario key that another executor has ("rate" on constant-vus), say which. */
function scenarioKeyHint(executor: string) {
  return (key: string, known: readonly string[]): string => {
    const owners = EXECUTOR_NAMES.filter((e) => Object.hasOwn(scenarioShapes[e], key));
    if (owners.length > 0) return `"${key}" is not a ${executor} setting; it belongs to ${owners.join(", ")}`;
    return suggest(key, known);
  };
}

const scenario = (e: (typeof EXECUTOR_NAMES)[number]) => strictObject(scenarioShapes[e], scenarioKeyHint(e));

const scenarioSchema = z.discriminatedUnion("executor", [
  scenario("constant-vus"),
  scenario("ramping-vus"),
  scenario("per-vu-iterations"),
  scenario("shared-iterations"),
  scenario("constant-arrival-rate"),
  scenario("ramping-arrival-rate"),
]);

const baseUrl = z.string().superRefine((s, ctx) => {
  if (hasPlaceholder(s)) {
    ctx.addIssue({
      code: "custom",
      message: "placeholders are not substituted in baseUrl",
      params: { hint: "write the URL itself; a TS plan can read process.env" },
    });
    return;
  }
  const url = URL.canParse(s) ? new URL(s) : undefined;
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    ctx.addIssue({
      code: "custom",
      message: `"${s}" is not an absolute http(s) URL`,
      params: { hint: 'write it like "https://api.example.com" or "http://127.0.0.1:8080/api"' },
    });
  }
});

const hostEntry = z.string().superRefine((s, ctx) => {
  const r = parseHostEntry(s);
  if (!r.ok) ctx.addIssue({ code: "custom", message: r.error, params: { hint: r.hint } });
});

const positiveDuration = duration("positive");

/** The plan schema. Its output has the shape of `PlanDefinition` (validate.ts casts it so). */
export const planSchema = strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  baseUrl: baseUrl.optional(),
  hosts: z.array(hostEntry).optional(),
  http: strictObject({
    connections: wholeNumber(1).optional(),
    timeouts: strictObject({
      connect: positiveDuration.optional(),
      headers: positiveDuration.optional(),
      body: positiveDuration.optional(),
      total: positiveDuration.optional(),
    }).optional(),
    maxBodySize: size.optional(),
    maxRedirects: wholeNumber(0).optional(),
    headers: z.record(z.string(), literal("plan-level headers")).optional(),
    responseType: z.enum(RESPONSE_TYPES).optional(),
    driver: z.enum(HTTP_DRIVERS).optional(),
    pipelining: wholeNumber(1).optional(),
  }).optional(),
  options: strictObject({
    interval: positiveDuration.optional(),
    maxTagSets: wholeNumber(1).optional(),
    secrets: z.array(z.string().min(1)).optional(),
    setupTimeout: positiveDuration.optional(),
    teardownTimeout: positiveDuration.optional(),
  }).optional(),
  feeders: z
    .record(z.string(), strictObject({ file: z.string().min(1), mode: z.enum(FEEDER_MODES).optional() }))
    .optional(),
  metrics: z.record(z.string(), z.enum(METRIC_TYPES)).optional(),
  scenarios: z.record(z.string(), scenarioSchema),
  criteria: criteriaSchema.optional(),
  monitors: monitorsSchema.optional(),
  thresholds: thresholdsSchema.optional(),
  setup: fn<(...args: never[]) => unknown>().optional(),
  teardown: fn<(...args: never[]) => unknown>().optional(),
});
