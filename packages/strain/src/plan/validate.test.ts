import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ErrorCodes, type StrainError } from "../errors.js";
import { resolveMonitors } from "../monitors/schema.js";
import type { PlanDefinition, ScenarioConfig } from "./types.js";
import { validatePlan } from "./validate.js";

const fixtures = fileURLToPath(new URL("../../test/fixtures/plans/", import.meta.url));
const planPath = join(fixtures, "inline-plan.yaml");

type Mutable = Record<string, unknown> & { scenarios: Record<string, Record<string, unknown>> };

/** A valid plan, as plain data (the way YAML would give it); each test breaks one thing. */
function basePlan(): Mutable {
  return {
    name: "shop",
    baseUrl: "http://127.0.0.1:8080",
    scenarios: {
      browse: {
        executor: "constant-arrival-rate",
        rate: 10,
        duration: "1m",
        preAllocatedVUs: 2,
        flow: [{ request: { url: "/items" } }],
      },
    },
  };
}

/** The problem lines of an invalid plan (fails the test when the plan is valid). */
function problems(input: unknown): string[] {
  try {
    validatePlan(input, { planPath });
  } catch (err) {
    expect((err as StrainError).code).toBe(ErrorCodes.PLAN_INVALID);
    return [...(err as StrainError).details];
  }
  throw new Error("expected the plan to be invalid");
}

describe("validatePlan: invalid plans", () => {
  it("unknown executor, with the nearest name", () => {
    const p = basePlan();
    p.scenarios.browse!.executor = "constant-arrival-rates";
    expect(problems(p)).toEqual([
      'scenarios.browse.executor: unknown executor "constant-arrival-rates" — hint: did you mean "constant-arrival-rate"? (executors: constant-vus, ramping-vus, per-vu-iterations, shared-iterations, constant-arrival-rate, ramping-arrival-rate)',
    ]);
  });

  it("missing executor", () => {
    const p = basePlan();
    delete p.scenarios.browse!.executor;
    expect(problems(p)).toEqual([
      "scenarios.browse.executor: is required — hint: one of: constant-vus, ramping-vus, per-vu-iterations, shared-iterations, constant-arrival-rate, ramping-arrival-rate",
    ]);
  });

  it("rate ≤ 0", () => {
    const p = basePlan();
    p.scenarios.browse!.rate = 0;
    expect(problems(p)).toEqual([
      "scenarios.browse.rate: must be > 0 (got 0) — hint: the number of iterations started per timeUnit",
    ]);
    p.scenarios.browse!.rate = -3;
    expect(problems(p)).toEqual([
      "scenarios.browse.rate: must be > 0 (got -3) — hint: the number of iterations started per timeUnit",
    ]);
  });

  it("maxVUs < preAllocatedVUs", () => {
    const p = basePlan();
    p.scenarios.browse!.preAllocatedVUs = 10;
    p.scenarios.browse!.maxVUs = 4;
    expect(problems(p)).toEqual([
      "scenarios.browse.maxVUs: must be ≥ preAllocatedVUs (got 4 < 10) — hint: raise maxVUs or lower preAllocatedVUs (maxVUs defaults to preAllocatedVUs)",
    ]);
  });

  it("bad duration string", () => {
    const p = basePlan();
    p.scenarios.browse!.duration = "5 minutes";
    p.scenarios.browse!.timeUnit = "0s";
    expect(problems(p)).toEqual([
      'scenarios.browse.timeUnit: must be > 0 (got "0s") — hint: the period `rate` is counted over, e.g. "1s" or "1m"',
      'scenarios.browse.duration: "5 minutes" is not a duration — hint: write a number with a unit: "500ms", "2s", "1m30s", "1h" (a bare number is milliseconds)',
    ]);
  });

  it("unknown key, with did-you-mean", () => {
    const p = basePlan();
    p.scenarios.browse!.durration = "1m";
    p.nmae = "x";
    expect(problems(p)).toEqual([
      'scenarios.browse.durration: unknown key "durration" — hint: did you mean "duration"?',
      'nmae: unknown key "nmae" — hint: did you mean "name"?',
    ]);
  });

  it("a key of another executor says which executors have it", () => {
    const p = basePlan();
    p.scenarios.browse!.vus = 5;
    expect(problems(p)).toEqual([
      'scenarios.browse.vus: unknown key "vus" — hint: "vus" is not a constant-arrival-rate setting; it belongs to constant-vus, per-vu-iterations, shared-iterations',
    ]);
  });

  it("both flow and mix", () => {
    const p = basePlan();
    p.scenarios.browse!.mix = [{ name: "a", weight: 1, flow: [{ sleep: "1s" }] }];
    expect(problems(p)).toEqual([
      "scenarios.browse: has both flow and mix — hint: keep one: flow for a single flow, mix for weighted flows",
    ]);
  });

  it("neither flow nor mix", () => {
    const p = basePlan();
    delete p.scenarios.browse!.flow;
    expect(problems(p)).toEqual([
      "scenarios.browse: needs a flow or a mix — hint: flow: a function (TS) or a list of steps; mix: a list of { name, weight, flow }",
    ]);
  });

  it("mix weight 0, and a repeated mix name", () => {
    const p = basePlan();
    delete p.scenarios.browse!.flow;
    p.scenarios.browse!.mix = [
      { name: "a", weight: 0, flow: [{ sleep: "1s" }] },
      { name: "a", weight: 1, flow: () => {} },
    ];
    expect(problems(p)).toEqual([
      "scenarios.browse.mix[0].weight: must be > 0 (got 0) — hint: the relative share of iterations for this flow (> 0)",
      'scenarios.browse.mix[1].name: "a" is used twice in this mix — hint: give each flow in a mix its own name',
    ]);
  });

  it("empty stages", () => {
    const p = basePlan();
    p.scenarios.browse = { executor: "ramping-vus", stages: [], flow: () => {} };
    expect(problems(p)).toEqual([
      "scenarios.browse.stages: must not be empty — hint: a list of { duration, target }: the load moves linearly to each target over the stage's duration",
    ]);
  });

  it("stage duration 0 and a fractional VU count", () => {
    const p = basePlan();
    p.scenarios.browse = {
      executor: "ramping-vus",
      startVUs: 1.5,
      stages: [{ duration: 0, target: 5 }],
      flow: () => {},
    };
    expect(problems(p)).toEqual([
      "scenarios.browse.startVUs: must be a whole number (got 1.5) — hint: VUs running when the first stage begins",
      'scenarios.browse.stages[0].duration: must be > 0 (got 0) — hint: how long, e.g. "30s", "5m" or "1h30m"',
    ]);
  });

  it("undeclared host in a step URL", () => {
    const p = basePlan();
    p.hosts = ["127.0.0.1:8080"];
    p.scenarios.browse!.flow = [
      { request: { url: "https://payments.example.com/pay" } },
      { transaction: "t", steps: [{ request: { url: "http://127.0.0.1:9090/x" } }] },
    ];
    expect(problems(p)).toEqual([
      'scenarios.browse.flow[0].request.url: host "payments.example.com" is not declared in hosts — hint: add "payments.example.com" to hosts (declared: 127.0.0.1:8080)',
      'scenarios.browse.flow[1].steps[0].request.url: host "127.0.0.1:9090" is not declared in hosts — hint: add "127.0.0.1:9090" to hosts (declared: 127.0.0.1:8080)',
    ]);
  });

  it("without hosts, only the baseUrl's host is allowed", () => {
    const p = basePlan();
    p.scenarios.browse!.flow = [{ request: { url: "http://127.0.0.1:8081/" } }];
    expect(problems(p)).toEqual([
      'scenarios.browse.flow[0].request.url: host "127.0.0.1:8081" is not declared in hosts — hint: declare it: hosts: ["127.0.0.1:8080", "127.0.0.1:8081"]',
    ]);
  });

  it("baseUrl host missing from hosts", () => {
    const p = basePlan();
    p.hosts = ["api.example.com"];
    expect(problems(p)).toEqual([
      'baseUrl: host "127.0.0.1:8080" is not in hosts — hint: add "127.0.0.1:8080" to hosts',
    ]);
  });

  it("neither hosts nor baseUrl", () => {
    const p = basePlan();
    delete p.baseUrl;
    p.scenarios.browse!.flow = () => {};
    expect(problems(p)).toEqual([
      'hosts: declare the hosts this plan may send traffic to — hint: add hosts: ["api.example.com"], or a baseUrl (its host is then the only one allowed)',
    ]);
  });

  it("a hosts entry that is a URL", () => {
    const p = basePlan();
    p.hosts = ["https://127.0.0.1:8080/"];
    expect(problems(p)).toContain(
      'hosts[0]: "https://127.0.0.1:8080/" is a URL, not a host — hint: write only the host: "127.0.0.1:8080"',
    );
  });

  it("a relative step URL needs a baseUrl; other schemes are refused", () => {
    const p = basePlan();
    delete p.baseUrl;
    p.hosts = ["api.example.com"];
    p.scenarios.browse!.flow = [
      { request: { url: "/items" } },
      { request: { url: "ftp://api.example.com/f" } },
    ];
    expect(problems(p)).toEqual([
      'scenarios.browse.flow[1].request.url: "ftp://api.example.com/f" is not an http(s) URL — hint: use http:// or https://, or a path relative to baseUrl',
      'scenarios.browse.flow[0].request.url: "/items" is relative but the plan has no baseUrl — hint: set baseUrl, or write an absolute URL',
    ]);
  });

  it("bad metric names: not snake_case, or a built-in", () => {
    const p = basePlan();
    p.metrics = {
      OrdersCreated: "counter",
      http_reqs: "counter",
      transaction_failed: "rate",
      ws_sessions: "gauge",
      orders: "histogram",
    };
    expect(problems(p)).toEqual([
      'metrics.orders: must be one of "counter", "trend", "rate", "gauge" (got "histogram") — hint: allowed: counter, trend, rate, gauge',
      'metrics.OrdersCreated: "OrdersCreated" is not a valid metric name — hint: use lower-case letters, digits and _, starting with a letter or _ (e.g. orders_created)',
      'metrics.http_reqs: "http_reqs" is a built-in metric — hint: choose another name, e.g. "app_http_reqs"',
      'metrics.transaction_failed: "transaction_failed" is a built-in metric — hint: choose another name, e.g. "app_transaction_failed"',
      'metrics.ws_sessions: "ws_sessions" is a built-in metric — hint: choose another name, e.g. "app_ws_sessions"',
    ]);
  });

  it("feeder file missing, or not .csv/.jsonl", () => {
    const p = basePlan();
    p.feeders = { users: { file: "data/nobody.csv" }, notes: { file: "data/greeting.txt" } };
    expect(problems(p)).toEqual([
      `feeders.users.file: file not found: ${join(fixtures, "data/nobody.csv")} — hint: feeder paths are relative to the plan file's folder (${fixtures.replace(/\/$/, "")})`,
      'feeders.notes.file: "data/greeting.txt" is not a .csv or .jsonl file — hint: feeders read CSV (with a header row) or JSON Lines',
    ]);
  });

  it("scenario names and at least one scenario", () => {
    const p = basePlan();
    p.scenarios = {};
    expect(problems(p)).toEqual([
      'scenarios: must declare at least one scenario — hint: e.g. scenarios: { browse: { executor: "constant-vus", ... } }',
    ]);
    const q = basePlan();
    q.scenarios["browse all"] = q.scenarios.browse!;
    delete q.scenarios.browse;
    expect(problems(q)).toEqual([
      'scenarios["browse all"]: "browse all" is not a valid scenario name — hint: use only letters, digits, _ and -',
    ]);
  });

  it("steps: exactly one kind, placeholders other than env, a transaction without steps", () => {
    const p = basePlan();
    p.scenarios.browse!.flow = [
      { request: { url: "/a" }, sleep: "1s" },
      {},
      { request: { url: `/users/\${row.id}` } },
      { transaction: "login" },
      { reqest: { url: "/" } },
      { sleep: { uniform: ["3s", "1s"] } },
    ];
    expect(problems(p)).toEqual([
      "scenarios.browse.flow[0]: a step has both request and sleep — hint: split it into one step each",
      'scenarios.browse.flow[1]: a step needs one of request, sleep or transaction — hint: { request: { url: "/" } }, { sleep: "1s" } or { transaction: "login", steps: [...] }',
      `scenarios.browse.flow[2].request.url: unsupported placeholder \${row.id} — hint: only \${env.NAME} is substituted (in step url, headers, query, body and json); use a TS flow for feeder rows or setup data`,
      "scenarios.browse.flow[3].steps: is required for a transaction — hint: the transaction's requests go in `steps`",
      'scenarios.browse.flow[4].reqest: unknown key "reqest" — hint: did you mean "request"?',
      'scenarios.browse.flow[5].sleep.uniform: min is above max ("3s" > "1s") — hint: write [min, max]',
    ]);
  });

  it("request fields: method spelling, json and body together, a flow that is neither function nor list", () => {
    const p = basePlan();
    p.scenarios.browse!.flow = [
      { request: { url: "/", method: "post", json: {}, body: "x", query: { q: null } } },
    ];
    p.scenarios.other = { executor: "constant-vus", vus: 1, duration: "1s", flow: "GET /" };
    expect(problems(p)).toEqual([
      'scenarios.browse.flow[0].request.method: must be one of "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS" (got "post") — hint: did you mean "POST"?',
      "scenarios.browse.flow[0].request.query.q: must be a string, a number or a boolean (got null) — hint: query parameter name → string, number or boolean",
      "scenarios.browse.flow[0].request.body: a request has either json or body, not both — hint: keep json for a JSON body, body for text",
      'scenarios.other.flow: must be a flow function or a list of steps (got "GET /") — hint: a function run once per iteration (TS), or a list of steps (request, sleep, transaction)',
    ]);
  });

  it("a bad value inside a union (flow, think time) is reported where it is", () => {
    const p = basePlan();
    p.scenarios.browse!.flow = [{ request: { url: 5 } }, { sleep: { uniform: ["1s"] } }, { sleep: [] }];
    p.scenarios.other = { executor: "constant-vus", vus: 1, duration: "1s", mix: [{ name: "m", weight: 1 }] };
    expect(problems(p)).toEqual([
      'scenarios.browse.flow[0].request.url: must be a string (got 5) — hint: a path relative to baseUrl ("/users") or an absolute http(s) URL on a declared host',
      'scenarios.browse.flow[1].sleep.uniform: must have at least 2 entries — hint: a [min, max] pair of durations, e.g. ["1s", "3s"]',
      'scenarios.browse.flow[2].sleep: must be a duration or an object (got a list) — hint: think time: "1s", { uniform: ["1s", "3s"] } or { gaussian: { mean: "2s", stddev: "500ms" } }',
      "scenarios.other.mix[0].flow: is required — hint: a function run once per iteration (TS), or a list of steps (request, sleep, transaction)",
    ]);
  });

  it("a plan that is not an object", () => {
    expect(problems([1, 2])).toEqual([
      "(plan): must be an object (got a list) — hint: docs/plans.md describes every plan field",
    ]);
    expect(problems(null)).toEqual([
      "(plan): must be an object (got null) — hint: docs/plans.md describes every plan field",
    ]);
  });

  it("reports all problems at once (three here), in one PLAN_INVALID error", () => {
    const p = basePlan();
    p.scenarios.browse!.rate = 0;
    p.scenarios.browse!.mix = [{ name: "a", weight: 1, flow: () => {} }];
    p.http = { maxRedirects: -1 };
    let error: StrainError | undefined;
    try {
      validatePlan(p, { planPath });
    } catch (err) {
      error = err as StrainError;
    }
    expect(error?.code).toBe(ErrorCodes.PLAN_INVALID);
    expect(error?.message).toBe(`plan ${planPath} is invalid: 3 problems`);
    expect(error?.hint).toContain("docs/plans.md");
    expect(error?.details).toEqual([
      "http.maxRedirects: must be ≥ 0 (got -1) — hint: redirects followed per request (0 disables following)",
      "scenarios.browse.rate: must be > 0 (got 0) — hint: the number of iterations started per timeUnit",
      "scenarios.browse: has both flow and mix — hint: keep one: flow for a single flow, mix for weighted flows",
    ]);
  });

  it("plan-level headers and baseUrl take no placeholders", () => {
    const p = basePlan();
    p.baseUrl = `\${env.BASE_URL}`;
    p.hosts = ["127.0.0.1"];
    p.http = { headers: { authorization: `Bearer \${env.TOKEN}` } };
    expect(problems(p)).toEqual([
      "baseUrl: placeholders are not substituted in baseUrl — hint: write the URL itself; a TS plan can read process.env",
      "http.headers.authorization: placeholders are not substituted in plan-level headers — hint: put the value in each step's headers, or read vu.env in a TS flow",
    ]);
  });
});

describe("validatePlan: resolution", () => {
  it("fills every default and converts durations to ms", () => {
    const flow = async () => {};
    const plan = validatePlan(
      {
        name: "defaults",
        baseUrl: "HTTP://API.Example.com:8443/v1",
        feeders: { users: { file: "data/users.csv" } },
        scenarios: {
          s: { executor: "constant-arrival-rate", rate: 5, duration: "2m", preAllocatedVUs: 3, flow },
        },
      } satisfies PlanDefinition,
      { planPath },
    );
    expect(plan).toEqual({
      name: "defaults",
      baseUrl: "HTTP://API.Example.com:8443/v1",
      hosts: ["api.example.com:8443"],
      http: {
        connections: 100,
        timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 30_000, totalMs: 60_000 },
        maxBodySize: 10_000_000,
        maxRedirects: 5,
        headers: {},
        responseType: "none",
        driver: "auto",
        pipelining: 1,
      },
      intervalMs: 1000,
      maxTagSets: 1000,
      secrets: [],
      setupTimeoutMs: 60_000,
      teardownTimeoutMs: 60_000,
      feeders: {
        users: { file: "data/users.csv", mode: "sequential", path: join(fixtures, "data/users.csv") },
      },
      metrics: {},
      scenarios: [
        {
          name: "s",
          executor: "constant-arrival-rate",
          startTimeMs: 0,
          gracefulStopMs: 30_000,
          tags: {},
          flows: [{ name: "s", weight: 1, fn: flow, tags: {} }],
          rate: 5,
          timeUnitMs: 1000,
          durationMs: 120_000,
          preAllocatedVUs: 3,
          maxVUs: 3,
        },
      ],
      monitors: resolveMonitors(undefined, 1000),
    });
    // The flow function is the plan's own, not a wrapper.
    expect(plan.scenarios[0]!.flows[0]!.fn).toBe(flow);
  });

  it("resolves every executor with its own defaults", () => {
    const flow = () => {};
    const scenarios: Record<string, ScenarioConfig> = {
      cv: { executor: "constant-vus", vus: 2, duration: "30s", flow, startTime: "10s", gracefulStop: 0 },
      rv: { executor: "ramping-vus", stages: [{ duration: "10s", target: 5, name: "up" }], flow },
      pvi: { executor: "per-vu-iterations", vus: 2, iterations: 3, flow },
      si: { executor: "shared-iterations", vus: 2, iterations: 30, maxDuration: "1m", flow },
      rar: {
        executor: "ramping-arrival-rate",
        timeUnit: "1m",
        preAllocatedVUs: 1,
        maxVUs: 9,
        stages: [{ duration: 500, target: 60 }],
        mix: [
          { name: "a", weight: 2, flow, tags: { kind: "a" } },
          { name: "b", weight: 0.5, flow: [{ sleep: 10 }] },
        ],
      },
    };
    const plan = validatePlan({ name: "x", hosts: ["Localhost"], scenarios }, { planPath });
    expect(plan.hosts).toEqual(["localhost"]);
    const [cv, rv, pvi, si, rar] = plan.scenarios;
    expect(cv).toMatchObject({
      executor: "constant-vus",
      vus: 2,
      durationMs: 30_000,
      startTimeMs: 10_000,
      gracefulStopMs: 0,
    });
    expect(rv).toMatchObject({
      executor: "ramping-vus",
      startVUs: 1,
      gracefulRampDownMs: 30_000,
      stages: [{ durationMs: 10_000, target: 5, name: "up" }],
    });
    expect(pvi).toMatchObject({
      executor: "per-vu-iterations",
      vus: 2,
      iterations: 3,
      maxDurationMs: 600_000,
    });
    expect(si).toMatchObject({ executor: "shared-iterations", iterations: 30, maxDurationMs: 60_000 });
    expect(rar).toMatchObject({
      executor: "ramping-arrival-rate",
      startRate: 0,
      timeUnitMs: 60_000,
      maxVUs: 9,
    });
    expect(rar!.flows.map((f) => [f.name, f.weight, f.tags])).toEqual([
      ["a", 2, { kind: "a" }],
      ["b", 0.5, {}],
    ]);
    expect(typeof rar!.flows[1]!.fn).toBe("function");
  });

  it("keeps setup, teardown and explicit options", () => {
    const setup = () => ({ token: "t" });
    const teardown = () => {};
    const plan = validatePlan(
      {
        name: "x",
        description: "d",
        hosts: ["a.test", "A.test"],
        http: {
          connections: 8,
          maxBodySize: "1KiB",
          maxRedirects: 0,
          headers: { accept: "application/json" },
          responseType: "json",
          timeouts: { connect: "1s", headers: "2s", body: "3s", total: "4s" },
        },
        options: {
          interval: "5s",
          maxTagSets: 50,
          secrets: ["TOKEN"],
          setupTimeout: "1m",
          teardownTimeout: 1500,
        },
        scenarios: { s: { executor: "constant-vus", vus: 1, duration: "1s", flow: () => {} } },
        setup,
        teardown,
      } satisfies PlanDefinition<{ token: string }>,
      { planPath },
    );
    expect(plan).toMatchObject({
      description: "d",
      hosts: ["a.test"],
      http: {
        connections: 8,
        maxBodySize: 1024,
        maxRedirects: 0,
        headers: { accept: "application/json" },
        responseType: "json",
        timeouts: { connectMs: 1000, headersMs: 2000, bodyMs: 3000, totalMs: 4000 },
      },
      intervalMs: 5000,
      maxTagSets: 50,
      secrets: ["TOKEN"],
      setupTimeoutMs: 60_000,
      teardownTimeoutMs: 1500,
    });
    expect(plan.setup).toBe(setup);
    expect(plan.teardown).toBe(teardown);
    expect("baseUrl" in plan).toBe(false);
  });
});
