import { z } from "zod";
import { describeValue } from "../plan/describe-value.js";
import { durationHint, parseDuration, tryParseDuration } from "../plan/duration.js";
import { isRecord, strictObject } from "../plan/strict-object.js";
import type { Duration } from "../plan/types.js";
import type { PostgresMonitorConfig } from "./postgres.js";
import type { PrometheusMonitorConfig, PrometheusQueryConfig } from "./prometheus.js";
import { DEFAULT_SYSTEM_CONFIG, type SystemMonitorConfig } from "./system.js";
import { DEFAULT_VALIDITY_RULES, type ValidityRules } from "./validity.js";

/**
 * The plan's `monitors` section: its schema (for the plan schema to include), its TypeScript
 * shape, and `resolveMonitors`, which fills defaults and converts durations. Like the plan
 * schema it does not transform, reports every problem, and gives a hint per problem.
 *
 *   monitors:
 *     system: { processes: [{ name: postgres, pattern: "^postgres", tree: true }] }   # on by default
 *     postgres: "postgres://app:${env.PGPASSWORD}@127.0.0.1:5432/registry"
 *     prometheus:
 *       url: http://127.0.0.1:9090
 *       headers: { Authorization: "Bearer ${env.PROM_TOKEN}" }
 *       queries:
 *         api_cpu: 'sum(rate(process_cpu_seconds_total{job="api"}[1m]))'
 *         db_p95: { query: "…", at: end, step: 5s }
 *     generator: { cpu: 90, eventLoopP99: 50ms, window: 5s, dropped: 1 }   # validity thresholds
 */

/** A process to watch: by pid or by a name pattern. */
export interface WatchedProcessDefinition {
  name: string;
  pid?: number;
  pattern?: string;
  /** Include descendants (and the CPU of children they reaped). Default false. */
  tree?: boolean;
}

export interface SystemMonitorDefinition {
  required?: boolean;
  perCore?: boolean;
  interfaces?: string[];
  disks?: string[];
  processes?: WatchedProcessDefinition[];
  /** Write monitors/system.csv (dstat-like). Default true. */
  csv?: boolean;
}

export interface PostgresMonitorDefinition {
  url: string;
  required?: boolean;
  /** Statements in the end-of-run top list. Default 10; 0: none. */
  topQueries?: number;
  /** CPUs db_cpu_percent is relative to. Default: this machine's. */
  cpus?: number;
}

export interface PrometheusQueryDefinition {
  query: string;
  /** "interval" (default): instant query every interval; "end": range query over the run. */
  at?: "interval" | "end";
  /** "level" (default) or "gauge" (values above 3,600,000, e.g. bytes). */
  type?: "level" | "gauge";
  /** Range query step. Default: the run's interval. */
  step?: Duration;
}

export interface PrometheusMonitorDefinition {
  url: string;
  headers?: Record<string, string>;
  required?: boolean;
  queries: Record<string, string | PrometheusQueryDefinition>;
}

/** Validity thresholds (see validity.ts). */
export interface GeneratorMonitorDefinition {
  /** Worker CPU %, default 90. */
  cpu?: number;
  /** Event-loop delay p99, default "50ms". */
  eventLoopP99?: Duration;
  /** How long a threshold must be passed to count, default "5s". */
  window?: Duration;
  /** Dropped iterations, % of scheduled, default 1. */
  dropped?: number;
}

export interface MonitorsDefinition {
  /** `false` turns the system monitor off; on by default. */
  system?: boolean | SystemMonitorDefinition;
  /** A connection URL, or the full settings. */
  postgres?: string | PostgresMonitorDefinition;
  prometheus?: PrometheusMonitorDefinition;
  generator?: GeneratorMonitorDefinition;
}

/** What the coordinator runs: null for a monitor that is off. */
export interface ResolvedMonitors {
  system: SystemMonitorConfig | null;
  postgres: PostgresMonitorConfig | null;
  prometheus: PrometheusMonitorConfig | null;
  validity: ValidityRules;
}

const duration = z
  .custom<Duration>(() => true)
  .superRefine((v, ctx) => {
    const r = tryParseDuration(v);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.error, params: { hint: durationHint } });
  });

const wholeNumber = (min: number) =>
  z.number().superRefine((n, ctx) => {
    if (!Number.isInteger(n) || n < min)
      ctx.addIssue({ code: "custom", message: `must be a whole number ≥ ${min} (got ${n})` });
  });

const regex = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s);
  } catch (err) {
    ctx.addIssue({
      code: "custom",
      message: `is not a regular expression: ${(err as Error).message}`,
      params: { hint: 'a JavaScript regular expression, e.g. "^postgres" or "node .*server"' },
    });
  }
});

const url = (schemes: readonly string[], example: string) =>
  z.string().superRefine((s, ctx) => {
    // ${env.NAME} may stand for any part; only a literal scheme is checked.
    if (s.includes("${")) return;
    let u: URL | undefined;
    try {
      u = new URL(s);
    } catch {
      u = undefined;
    }
    if (u === undefined || !schemes.includes(u.protocol)) {
      ctx.addIssue({
        code: "custom",
        message: `is not a ${schemes.join(" or ")} URL (got ${describeValue(s.replace(/:[^:@/]*@/, ":***@"))})`,
        params: { hint: `write it like "${example}"` },
      });
    }
  });

const processSchema = strictObject({
  name: z.string().min(1),
  pid: wholeNumber(1).optional(),
  pattern: regex.optional(),
  tree: z.boolean().optional(),
}).superRefine(
  (p, ctx) => {
    if ((p.pid === undefined) === (p.pattern === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: p.pid === undefined ? "needs a pid or a pattern" : "has both pid and pattern",
        params: { hint: '{ name: "db", pattern: "^postgres", tree: true } or { name: "api", pid: 4242 }' },
      });
    }
  },
  { when: (p) => isRecord(p.value) },
);

const systemSchema = z.union([
  z.boolean(),
  strictObject({
    required: z.boolean().optional(),
    perCore: z.boolean().optional(),
    interfaces: z.array(z.string().min(1)).optional(),
    disks: z.array(z.string().min(1)).optional(),
    processes: z.array(processSchema).optional(),
    csv: z.boolean().optional(),
  }),
]);

const POSTGRES_URL_EXAMPLE = `postgres://user:\${env.PGPASSWORD}@127.0.0.1:5432/db`;
const postgresUrl = url(["postgres:", "postgresql:"], POSTGRES_URL_EXAMPLE);

const postgresSchema = z.union([
  postgresUrl,
  strictObject({
    url: postgresUrl,
    required: z.boolean().optional(),
    topQueries: wholeNumber(0).optional(),
    cpus: z.number().positive().optional(),
  }),
]);

const QUERY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const promQuery = z.union([
  z.string().min(1),
  strictObject({
    query: z.string().min(1),
    at: z.enum(["interval", "end"]).optional(),
    type: z.enum(["level", "gauge"]).optional(),
    step: duration.optional(),
  }),
]);

const prometheusSchema = strictObject({
  url: url(["http:", "https:"], "http://127.0.0.1:9090"),
  headers: z.record(z.string(), z.string()).optional(),
  required: z.boolean().optional(),
  queries: z.record(z.string(), promQuery).superRefine((q, ctx) => {
    if (Object.keys(q).length === 0)
      ctx.addIssue({ code: "custom", message: "is empty", params: { hint: "name each PromQL query" } });
    for (const name of Object.keys(q)) {
      if (!QUERY_NAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `"${name}" cannot name a series (prom_${name})`,
          params: { hint: "letters, digits and _, not starting with a digit" },
        });
      }
    }
  }),
});

const generatorSchema = strictObject({
  cpu: z.number().positive().optional(),
  eventLoopP99: duration.optional(),
  window: duration.optional(),
  dropped: z.number().min(0).max(100).optional(),
});

/** The schema of the plan's `monitors` section. */
export const monitorsSchema = strictObject({
  system: systemSchema.optional(),
  postgres: postgresSchema.optional(),
  prometheus: prometheusSchema.optional(),
  generator: generatorSchema.optional(),
});

/**
 * Defaults and units for a validated `monitors` section (undefined: the plan has none, so the
 * system monitor runs with its defaults and validity uses the default thresholds).
 */
export function resolveMonitors(def: MonitorsDefinition | undefined, intervalMs: number): ResolvedMonitors {
  const d = def ?? {};
  const sys = d.system ?? true;
  const system: SystemMonitorConfig | null =
    sys === false
      ? null
      : sys === true
        ? DEFAULT_SYSTEM_CONFIG
        : {
            required: sys.required ?? false,
            perCore: sys.perCore ?? true,
            interfaces: sys.interfaces ?? null,
            disks: sys.disks ?? null,
            processes: (sys.processes ?? []).map((p) => ({
              name: p.name,
              ...(p.pid !== undefined ? { pid: p.pid } : {}),
              ...(p.pattern !== undefined ? { pattern: p.pattern } : {}),
              tree: p.tree ?? false,
            })),
            csv: sys.csv ?? true,
          };
  const pgDef = typeof d.postgres === "string" ? { url: d.postgres } : d.postgres;
  const postgres: PostgresMonitorConfig | null =
    pgDef === undefined
      ? null
      : {
          url: pgDef.url,
          required: pgDef.required ?? false,
          topQueries: pgDef.topQueries ?? 10,
          cpus: pgDef.cpus ?? null,
        };
  const prom = d.prometheus;
  const prometheus: PrometheusMonitorConfig | null =
    prom === undefined
      ? null
      : {
          url: prom.url,
          headers: { ...prom.headers },
          required: prom.required ?? false,
          queries: Object.entries(prom.queries).map(([name, q]): PrometheusQueryConfig => {
            const o = typeof q === "string" ? { query: q } : q;
            return {
              name,
              query: o.query,
              at: o.at ?? "interval",
              type: o.type ?? "level",
              stepMs: o.step === undefined ? null : Math.max(1, parseDuration(o.step)),
            };
          }),
        };
  const g = d.generator ?? {};
  const validity: ValidityRules = {
    cpuPercent: g.cpu ?? DEFAULT_VALIDITY_RULES.cpuPercent,
    eventLoopP99Ms:
      g.eventLoopP99 === undefined ? DEFAULT_VALIDITY_RULES.eventLoopP99Ms : parseDuration(g.eventLoopP99),
    // A window shorter than one interval cannot be observed: one interval is the least.
    minDurationMs: Math.max(
      intervalMs,
      g.window === undefined ? DEFAULT_VALIDITY_RULES.minDurationMs : parseDuration(g.window),
    ),
    droppedRatio: g.dropped === undefined ? DEFAULT_VALIDITY_RULES.droppedRatio : g.dropped / 100,
  };
  return { system, postgres, prometheus, validity };
}
