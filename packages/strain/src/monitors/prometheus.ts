import type { Agent, Dispatcher } from "undici";
import type { SnapshotEntry, Tags } from "../metrics/types.js";
import { compileTemplate } from "../plan/template.js";
import { undici } from "../protocols/undici-lazy.js";
import { EntryList } from "./entries.js";
import { redactUrl } from "./redact-url.js";
import type { Monitor, MonitorContext, MonitorExtras } from "./types.js";

export interface PrometheusQueryConfig {
  /** Series name suffix: results land as `prom_<name>`. */
  name: string;
  /** PromQL. */
  query: string;
  /** "interval": an instant query at the end of every interval; "end": a range query over the run at the end. */
  at: "interval" | "end";
  /** Entry shape for interval queries: "level" (every trend statistic, values up to 3.6e6) or "gauge" (bytes). */
  type: "level" | "gauge";
  /** Range query resolution, ms; null: the run's interval. */
  stepMs: number | null;
}

export interface PrometheusMonitorConfig {
  /** Base URL of the Prometheus HTTP API (`http://127.0.0.1:9090`); `${env.NAME}` is replaced. */
  url: string;
  /** Sent with every request (`Authorization: Bearer ${env.PROM_TOKEN}`); values are never printed. */
  headers: Readonly<Record<string, string>>;
  required: boolean;
  queries: readonly PrometheusQueryConfig[];
}

/** A series of a range query: its labels and [epoch seconds, value] points. */
export interface RangeSeries {
  labels: Record<string, string>;
  values: [number, number][];
}

/** One result series of an instant query. */
export interface InstantSample {
  labels: Record<string, string>;
  value: number;
}

interface ApiResponse {
  status?: string;
  error?: string;
  errorType?: string;
  data?: { resultType?: string; result?: unknown };
}

/** Prometheus caps a range query at 11,000 points per series. */
const MAX_RANGE_POINTS = 11_000;

/**
 * PromQL against an existing Prometheus (seed 002 watches its platform through Prometheus): each
 * interval query's result series becomes `prom_<name>` entries with the series' labels as tags;
 * range queries (`at: "end"`) are fetched once at the end, over the whole run, for the report.
 */
export class PrometheusMonitor implements Monitor {
  readonly name = "prometheus";
  readonly required: boolean;
  private base = "";
  private label = "";
  private headers: Record<string, string> = {};
  private agent: Agent | null = null;
  private timeoutMs = 5000;
  private ctx: MonitorContext | null = null;
  private firstStart: number | null = null;
  private lastEnd: number | null = null;
  private readonly failing = new Set<string>();
  private readonly notes: string[] = [];
  private ready = false;

  constructor(readonly config: PrometheusMonitorConfig) {
    this.required = config.required;
  }

  async start(ctx: MonitorContext): Promise<string | undefined> {
    this.ctx = ctx;
    this.timeoutMs = Math.max(1000, Math.min(5000, ctx.intervalMs));
    try {
      this.base = render(this.config.url, ctx.env).replace(/\/+$/, "");
      for (const [k, v] of Object.entries(this.config.headers)) this.headers[k] = render(v, ctx.env);
    } catch (err) {
      return `prometheus monitor unavailable: ${(err as Error).message}`;
    }
    this.label = redactUrl(this.base);
    this.agent = new (undici().Agent)({
      connections: 4,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    try {
      await this.instant("1", Date.now());
    } catch (err) {
      await this.close();
      return `prometheus monitor cannot query ${this.label}: ${(err as Error).message}`;
    }
    this.ready = true;
    return undefined;
  }

  async sample(_index: number, start: number, end: number): Promise<SnapshotEntry[]> {
    if (!this.ready) return [];
    this.firstStart ??= start;
    this.lastEnd = end;
    const out = new EntryList();
    const queries = this.config.queries.filter((q) => q.at === "interval");
    const results = await Promise.allSettled(queries.map((q) => this.instant(q.query, end)));
    for (let i = 0; i < queries.length; i++) {
      const q = queries[i]!;
      const r = results[i]!;
      if (r.status === "rejected") {
        if (!this.failing.has(q.name)) {
          this.failing.add(q.name);
          this.ctx?.warn(`prometheus query '${q.name}' failed: ${(r.reason as Error).message}`);
        }
        continue;
      }
      this.failing.delete(q.name);
      const metric = `prom_${q.name}`;
      for (const s of seriesTags(r.value)) {
        if (q.type === "gauge") out.gauge(metric, s.tags, s.value);
        else out.level(metric, s.tags, s.value);
      }
    }
    return out.entries;
  }

  async stop(): Promise<MonitorExtras | undefined> {
    const data: Record<string, unknown> = { server: this.label };
    const ranges = this.config.queries.filter((q) => q.at === "end");
    if (this.ready && ranges.length > 0 && this.firstStart !== null && this.lastEnd !== null) {
      const from = this.firstStart;
      const to = this.lastEnd;
      const out: Record<string, { query: string; series: RangeSeries[] }> = {};
      for (const q of ranges) {
        try {
          const step = Math.max(
            q.stepMs ?? this.ctx?.intervalMs ?? 1000,
            Math.ceil((to - from) / MAX_RANGE_POINTS),
          );
          out[q.name] = { query: q.query, series: await this.range(q.query, from, to, step) };
        } catch (err) {
          this.notes.push(`prometheus range query '${q.name}' failed: ${(err as Error).message}`);
        }
      }
      data.ranges = out;
    }
    await this.close();
    return { monitor: this.name, notes: [...this.notes], data };
  }

  /** An instant query at `atMs`: every result series with its labels. */
  async instant(query: string, atMs: number): Promise<InstantSample[]> {
    const body = await this.get("/api/v1/query", { query, time: (atMs / 1000).toFixed(3) });
    const { resultType, result } = body.data ?? {};
    if (resultType === "scalar" && Array.isArray(result))
      return [{ labels: {}, value: parseValue(result[1]) }];
    if (resultType !== "vector" || !Array.isArray(result)) {
      throw new Error(`expected an instant vector or scalar, got ${resultType ?? "nothing"}`);
    }
    return (result as { metric?: Record<string, string>; value?: unknown[] }[]).map((r) => ({
      labels: r.metric ?? {},
      value: parseValue(r.value?.[1]),
    }));
  }

  /** A range query over [fromMs, toMs] every stepMs. */
  async range(query: string, fromMs: number, toMs: number, stepMs: number): Promise<RangeSeries[]> {
    const body = await this.get("/api/v1/query_range", {
      query,
      start: (fromMs / 1000).toFixed(3),
      end: (toMs / 1000).toFixed(3),
      step: `${stepMs / 1000}`,
    });
    const { resultType, result } = body.data ?? {};
    if (resultType !== "matrix" || !Array.isArray(result)) {
      throw new Error(`expected a range vector, got ${resultType ?? "nothing"}`);
    }
    return (result as { metric?: Record<string, string>; values?: unknown[][] }[]).map((r) => ({
      labels: r.metric ?? {},
      values: (r.values ?? []).map((p) => [Number(p[0]), parseValue(p[1])] as [number, number]),
    }));
  }

  private async get(path: string, params: Record<string, string>): Promise<ApiResponse> {
    if (this.agent === null) throw new Error("monitor stopped");
    const url = `${this.base}${path}?${new URLSearchParams(params)}`;
    let res: Dispatcher.ResponseData;
    try {
      res = await undici().request(url, { method: "GET", headers: this.headers, dispatcher: this.agent });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      throw new Error(`${e.code ?? "error"}: ${e.message ?? String(err)}`);
    }
    const text = await res.body.text();
    let body: ApiResponse;
    try {
      body = JSON.parse(text) as ApiResponse;
    } catch {
      throw new Error(`HTTP ${res.statusCode}, not a Prometheus API response`);
    }
    if (res.statusCode !== 200 || body.status !== "success") {
      throw new Error(`HTTP ${res.statusCode}: ${body.errorType ?? "error"}: ${body.error ?? "no detail"}`);
    }
    return body;
  }

  private async close(): Promise<void> {
    const a = this.agent;
    this.agent = null;
    this.ready = false;
    if (a !== null) await a.close().catch(() => undefined);
  }
}

function render(text: string, env: Readonly<Record<string, string>>): string {
  const t = compileTemplate(text);
  return typeof t === "string" ? t : t(env);
}

/** Prometheus sends values as strings, "NaN" and "+Inf" included. */
function parseValue(v: unknown): number {
  if (typeof v === "number") return v;
  if (v === "+Inf") return Number.POSITIVE_INFINITY;
  if (v === "-Inf") return Number.NEGATIVE_INFINITY;
  return Number(v);
}

/**
 * Result series as tags: labels as they are, without `__name__` (the series is named after the
 * query) unless two series differ only by it.
 */
export function seriesTags(samples: readonly InstantSample[]): { tags: Tags; value: number }[] {
  const strip = (l: Record<string, string>) => {
    const { __name__: _, ...rest } = l;
    return rest;
  };
  const keys = samples.map((s) => JSON.stringify(Object.entries(strip(s.labels)).sort()));
  const collide = new Set(keys).size !== keys.length;
  return samples.map((s) => ({ tags: collide ? s.labels : strip(s.labels), value: s.value }));
}
