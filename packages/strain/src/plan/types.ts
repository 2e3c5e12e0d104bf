/**
 * The plan's public shape (what `definePlan` accepts). The zod schema in `schema.ts` validates the
 * same shape for TS and YAML plans; `ResolvedPlan` is what the schema produces (durations in ms,
 * defaults filled).
 */

import type { CriteriaEntry, K6Thresholds } from "../criteria/definition.js";
import type { MonitorsDefinition } from "../monitors/schema.js";

/** "500ms", "2s", "1m30s", "1h" — or a number of milliseconds. */
export type Duration = string | number;

export type Tags = Readonly<Record<string, string>>;

export type ThinkTime =
  | Duration
  | { uniform: [Duration, Duration] }
  | { gaussian: { mean: Duration; stddev: Duration } };

export interface Stage {
  duration: Duration;
  /** VUs (ramping-vus) or iterations per timeUnit (ramping-arrival-rate) at the end of the stage. */
  target: number;
  /** Optional name, usable as a criteria window later. */
  name?: string;
}

interface ScenarioCommon {
  /** Delay from run start before this scenario begins. Default 0. */
  startTime?: Duration;
  /** Time allowed for in-flight iterations after the scenario's end. Default 30s. */
  gracefulStop?: Duration;
  /** Tags added to every sample of this scenario. */
  tags?: Tags;
  /** The flow run per iteration... */
  flow?: Flow;
  /** ...or a weighted mix of flows (exactly one of flow / mix). */
  mix?: readonly MixEntry[];
}

export interface MixEntry {
  name: string;
  weight: number;
  flow: Flow;
  tags?: Tags;
}

export interface ConstantVUsConfig extends ScenarioCommon {
  executor: "constant-vus";
  vus: number;
  duration: Duration;
}
export interface RampingVUsConfig extends ScenarioCommon {
  executor: "ramping-vus";
  startVUs?: number;
  stages: readonly Stage[];
  gracefulRampDown?: Duration;
}
export interface PerVUIterationsConfig extends ScenarioCommon {
  executor: "per-vu-iterations";
  vus: number;
  iterations: number;
  maxDuration?: Duration;
}
export interface SharedIterationsConfig extends ScenarioCommon {
  executor: "shared-iterations";
  vus: number;
  iterations: number;
  maxDuration?: Duration;
}
export interface ConstantArrivalRateConfig extends ScenarioCommon {
  executor: "constant-arrival-rate";
  rate: number;
  timeUnit?: Duration;
  duration: Duration;
  preAllocatedVUs: number;
  maxVUs?: number;
}
export interface RampingArrivalRateConfig extends ScenarioCommon {
  executor: "ramping-arrival-rate";
  startRate?: number;
  timeUnit?: Duration;
  stages: readonly Stage[];
  preAllocatedVUs: number;
  maxVUs?: number;
}

export type ScenarioConfig =
  | ConstantVUsConfig
  | RampingVUsConfig
  | PerVUIterationsConfig
  | SharedIterationsConfig
  | ConstantArrivalRateConfig
  | RampingArrivalRateConfig;

export type ExecutorName = ScenarioConfig["executor"];

export interface FeederConfig {
  /** CSV (with a header row) or JSONL file, relative to the plan file. */
  file: string;
  mode?: "sequential" | "random" | "unique";
}

export interface HttpOptions {
  /** Keep-alive connections per origin, per worker. Default 100. */
  connections?: number;
  timeouts?: { connect?: Duration; headers?: Duration; body?: Duration; total?: Duration };
  /** Largest response body accepted; larger is `net_error{body_too_large}`. Default "10MB". */
  maxBodySize?: string | number;
  /** Redirects followed (each hop checked against `hosts`). Default 5. */
  maxRedirects?: number;
  /** Default headers for every request. */
  headers?: Readonly<Record<string, string>>;
  /** Default response body handling: "none" discards. Default "none". */
  responseType?: ResponseType;
  /**
   * Connection pool: "fast" is Strain's own HTTP/1.1 client (half undici's CPU per request),
   * "undici" is undici's Pool; "auto" (default) uses fast for http:// origins, undici for https://.
   */
  driver?: HttpDriver;
  /**
   * Requests in flight per connection (HTTP/1.1 pipelining). Default 1 (none). The fast driver
   * pipelines GET and HEAD only, behind other idempotent requests; VUs still wait for their own
   * response, so this only matters when VUs outnumber connections.
   */
  pipelining?: number;
}

export type ResponseType = "none" | "text" | "json" | "binary";

/** HTTP connection pool; see `HttpOptions.driver`. */
export type HttpDriver = "auto" | "fast" | "undici";

export interface PlanOptions {
  /** Snapshot interval. Default 1s. */
  interval?: Duration;
  /** Distinct tag sets kept per metric before folding into name=__other__. Default 1000. */
  maxTagSets?: number;
  /** Header names or env var names whose values are secret and are never written anywhere. */
  secrets?: readonly string[];
  /** Time allowed for setup() / teardown(). Default 60s each. */
  setupTimeout?: Duration;
  teardownTimeout?: Duration;
}

export interface PlanDefinition<SetupData = unknown> {
  name: string;
  description?: string;
  /** Base URL for relative request paths. */
  baseUrl?: string;
  /** Hosts (name or name:port) the plan may send traffic to. Default: the host of `baseUrl`. */
  hosts?: readonly string[];
  http?: HttpOptions;
  options?: PlanOptions;
  feeders?: Readonly<Record<string, FeederConfig>>;
  /** User metrics: name → type. */
  metrics?: Readonly<Record<string, "counter" | "trend" | "rate" | "gauge">>;
  scenarios: Readonly<Record<string, ScenarioConfig>>;
  /** The criteria table: rows of target and threshold, text rows, presets (docs/criteria.md). */
  criteria?: readonly CriteriaEntry[];
  /** Samplers beside the load: system, PostgreSQL, Prometheus (docs/monitors.md). */
  monitors?: MonitorsDefinition;
  /** k6's threshold syntax (`"http_req_duration{category:login}": ["p(95)<2000"]`): rows with a threshold only. */
  thresholds?: K6Thresholds;
  /** Runs once per run, in the coordinator, before any scenario; its JSON-able result is `vu.setupData`. */
  setup?: (ctx: SetupContext) => Promise<SetupData> | SetupData;
  /** Runs once per run after every scenario, with setup's data. */
  teardown?: (ctx: SetupContext, data: SetupData) => Promise<void> | void;
}

// ---------------------------------------------------------------------------------------------
// Flows: either a function (TS plans) or a list of declarative steps (YAML plans, also allowed in TS)

export type Flow = FlowFunction | readonly FlowStep[];
export type FlowFunction = (vu: VU) => Promise<void> | void;

export type FlowStep =
  | { request: StepRequest }
  | { sleep: ThinkTime }
  | { transaction: string; steps: readonly FlowStep[] };

export interface StepRequest {
  method?: HttpMethod;
  url: string;
  name?: string;
  headers?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string | number | boolean>>;
  json?: unknown;
  body?: string;
  tags?: Tags;
  timeout?: Duration;
  /** Checks on the response: expected status, or body substring. */
  check?: { status?: number | readonly number[]; bodyIncludes?: string };
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

// ---------------------------------------------------------------------------------------------
// The VU runtime API handed to flows

export interface RequestOptions {
  /** Request name (the `name` tag); default: the URL path with query removed. */
  name?: string;
  /** Endpoint category tag, as criteria tables key on it. */
  category?: string;
  headers?: Readonly<Record<string, string>>;
  query?: Readonly<Record<string, string | number | boolean>>;
  json?: unknown;
  body?: string | Uint8Array;
  tags?: Tags;
  /** Total timeout for this request. */
  timeout?: Duration;
  responseType?: ResponseType;
  /** Expected statuses (default 200–399); others are `http_error`. */
  expectedStatuses?: readonly number[] | { min: number; max: number };
}

export type ErrorClass = "ok" | "http_error" | "net_error" | "in_flight_at_stop";
export type NetErrorKind =
  | "refused"
  | "reset"
  | "timeout"
  | "dns"
  | "tls"
  | "protocol"
  | "body_too_large"
  | "host_not_allowed";

export interface Response {
  status: number;
  /** Response headers, lower-cased names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  url: string;
  errorClass: ErrorClass;
  netError?: NetErrorKind;
  /** Human-readable error (secrets removed), for net errors. */
  error?: string;
  /** Duration in ms (from the scheduled start for the first request of an open-model iteration). */
  duration: number;
  /** Time to first response byte in ms. */
  waiting: number;
  /** Body as text; throws STRAIN_ERR_BODY_DISCARDED when responseType was "none". */
  text(): string;
  json<T = unknown>(): T;
  bytes(): Uint8Array;
}

export interface HttpApi {
  get(url: string, opts?: RequestOptions): Promise<Response>;
  post(url: string, opts?: RequestOptions): Promise<Response>;
  put(url: string, opts?: RequestOptions): Promise<Response>;
  patch(url: string, opts?: RequestOptions): Promise<Response>;
  delete(url: string, opts?: RequestOptions): Promise<Response>;
  request(method: HttpMethod, url: string, opts?: RequestOptions): Promise<Response>;
}

export interface Feeder<Row = Record<string, string>> {
  /** Next row according to the feeder's mode; `unique` rows are never handed out twice in a run. */
  next(): Promise<Row>;
}

export interface VU<SetupData = unknown> {
  /** VU number, unique in the run (1-based). */
  readonly id: number;
  /** Iteration number of this VU (0-based). */
  readonly iteration: number;
  readonly scenario: string;
  /** Per-VU state, kept across iterations. */
  readonly state: Record<string, unknown>;
  readonly setupData: SetupData;
  readonly http: HttpApi;
  /** Evaluate named checks; each is recorded in the `checks` rate. Returns true when all pass. */
  check<T>(value: T, checks: Readonly<Record<string, (v: T) => boolean>>, tags?: Tags): boolean;
  /** Time a group of requests as one user action (`transaction_duration{transaction=name}`). */
  transaction<R>(name: string, fn: () => Promise<R> | R): Promise<R>;
  sleep(t: ThinkTime): Promise<void>;
  feeder<Row = Record<string, string>>(name: string): Feeder<Row>;
  /** Record a value into a user metric declared in `plan.metrics`. */
  metric(name: string, value: number | boolean, tags?: Tags): void;
  /** Environment variables given with `--env` (or the process env for keys listed there). */
  readonly env: Readonly<Record<string, string>>;
}

export interface SetupContext {
  readonly http: HttpApi;
  readonly env: Readonly<Record<string, string>>;
}
