/**
 * One sentence per plan field, shown as the hint of a validation problem on that field
 * ("scenarios.browse.rate: must be > 0 (got 0) — hint: the number of iterations started per
 * timeUnit"). Keyed by the field's own name, or "parent.field" where a name means something
 * else under a particular parent (`timeouts.headers` is not `http.headers`).
 */
export const FIELD_HINTS: Readonly<Record<string, string>> = {
  name: "a short name; the plan's name is used in the run directory's name",
  "mix.name": "the flow's name in the mix, used as its `flow` tag (letters, digits, _ and -)",
  "request.name": "the request's `name` tag (default: the URL path)",
  "stages.name": "a name for the stage, usable as a criteria window",
  description: "free text shown in the report",
  baseUrl:
    'the absolute http(s) URL relative request paths are resolved against, e.g. "https://api.example.com"',
  hosts: 'the hosts this plan may send traffic to, e.g. ["api.example.com", "127.0.0.1:8080"]',
  http: "HTTP client options: connections, timeouts, maxBodySize, maxRedirects, headers, responseType, driver, pipelining",
  driver: '"auto" (fast for http://, undici for https://), "fast" or "undici"',
  pipelining: "requests in flight per connection (a whole number ≥ 1; 1 = no pipelining)",
  connections: "keep-alive connections per origin, per worker (a whole number ≥ 1)",
  timeouts: "connect, headers, body and total timeouts, as durations",
  connect: 'time allowed to open a connection, e.g. "10s"',
  headers: "header name → value (strings)",
  "timeouts.headers": 'time allowed until the response headers arrive, e.g. "30s"',
  "timeouts.body": 'time allowed to receive the response body, e.g. "30s"',
  total: 'time allowed for a whole request, e.g. "60s"',
  maxBodySize: 'the largest response body accepted, e.g. "10MB" (a bare number is bytes)',
  maxRedirects: "redirects followed per request (0 disables following)",
  responseType: 'what to keep of response bodies: "none", "text", "json" or "binary"',
  options: "run options: interval, maxTagSets, secrets, setupTimeout, teardownTimeout",
  interval: 'how often metrics are snapshotted, e.g. "1s"',
  maxTagSets: "distinct tag sets kept per metric before folding into name=__other__",
  secrets: "header or env var names whose values are never written anywhere",
  setupTimeout: 'time allowed for setup(), e.g. "60s"',
  teardownTimeout: 'time allowed for teardown(), e.g. "60s"',
  feeders: "feeder name → { file, mode }: rows of test data handed to VUs",
  file: "a .csv (with a header row) or .jsonl file, relative to the plan file",
  mode: 'how rows are handed out: "sequential", "random" or "unique"',
  metrics: 'user metrics: name → "counter", "trend", "rate" or "gauge"',
  scenarios: "scenario name → { executor, ... }: the workloads this plan runs",
  executor:
    "how load is applied: constant-vus, ramping-vus, per-vu-iterations, shared-iterations, constant-arrival-rate, ramping-arrival-rate",
  vus: "the number of virtual users running the flow concurrently",
  iterations: "the number of flow iterations to run",
  duration: 'how long, e.g. "30s", "5m" or "1h30m"',
  rate: "the number of iterations started per timeUnit",
  timeUnit: 'the period `rate` is counted over, e.g. "1s" or "1m"',
  preAllocatedVUs: "VUs created before the start; more are added up to maxVUs when all are busy",
  maxVUs: "the most VUs this scenario may use; iterations that find none free are dropped_iterations",
  startVUs: "VUs running when the first stage begins",
  startRate: "iterations per timeUnit when the first stage begins",
  stages: "a list of { duration, target }: the load moves linearly to each target over the stage's duration",
  target: "VUs (ramping-vus) or iterations per timeUnit (ramping-arrival-rate) at the end of the stage",
  startTime: 'delay from the run start before this scenario begins, e.g. "30s"',
  gracefulStop: 'time in-flight iterations get to finish after the scenario ends, e.g. "30s"',
  gracefulRampDown: 'time iterations of VUs removed by a ramp-down get to finish, e.g. "30s"',
  maxDuration: 'the longest the scenario may run before it is stopped, e.g. "10m"',
  tags: "tag name → value (strings), added to every sample",
  flow: "a function run once per iteration (TS), or a list of steps (request, sleep, transaction)",
  mix: "a list of { name, weight, flow }: each iteration picks a flow by weight",
  weight: "the relative share of iterations for this flow (> 0)",
  setup: "a function run once before the scenarios; its result is vu.setupData",
  teardown: "a function run once after the scenarios, with setup's data",
  request: "an HTTP request: { method, url, headers, query, json | body, check, ... }",
  sleep: 'think time: "1s", { uniform: ["1s", "3s"] } or { gaussian: { mean: "2s", stddev: "500ms" } }',
  transaction: "the name of a user action timed as one; its requests go in `steps`",
  steps: "a non-empty list of steps: { request }, { sleep } or { transaction, steps }",
  method: "GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS",
  url: 'a path relative to baseUrl ("/users") or an absolute http(s) URL on a declared host',
  query: "query parameter name → string, number or boolean",
  json: "a request body sent as JSON",
  body: "a request body sent as text",
  timeout: 'total time allowed for this request, e.g. "5s"',
  check: 'checks on the response: { status: 200 } or { status: [200, 201] }, and/or { bodyIncludes: "text" }',
  status: "an HTTP status between 100 and 599, or a list of them",
  bodyIncludes: "text the response body must contain",
  uniform: 'a [min, max] pair of durations, e.g. ["1s", "3s"]',
  gaussian: 'a { mean, stddev } pair of durations, e.g. { mean: "2s", stddev: "500ms" }',
  mean: 'the average think time, e.g. "2s"',
  stddev: 'the spread of the think time, e.g. "500ms"',
};

/**
 * The hint for the field at `path`: the innermost named field that has one (so an entry of a
 * user-named record, like a header, falls back to the record's own hint).
 */
export function fieldHint(path: readonly PropertyKey[]): string | undefined {
  const keys = path.filter((k): k is string => typeof k === "string");
  for (let i = keys.length - 1; i >= 0; i--) {
    const key = keys[i]!;
    const parent = keys[i - 1];
    const hint = (parent !== undefined ? FIELD_HINTS[`${parent}.${key}`] : undefined) ?? FIELD_HINTS[key];
    if (hint !== undefined) return hint;
  }
  return undefined;
}
