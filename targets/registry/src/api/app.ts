/**
 * The registry's HTTP API (fastify 5). Builds the app; listening, clustering and shutdown belong
 * to the caller (`server/replica-main.ts`, tests).
 */
import { randomUUID } from "node:crypto";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import type pg from "pg";
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "../auth/login-limiter.js";
import type { Principal, TokenService } from "../auth/tokens.js";
import { registerAuthRoutes } from "./auth-routes.js";
import { registerFarmerRoutes } from "./farmer-routes.js";
import { registerHealthRoutes } from "./health-routes.js";
import { registerHouseholdRoutes } from "./household-routes.js";
import { registerJobRoutes } from "./job-routes.js";
import { type ApiMetrics, createApiMetrics } from "./metrics.js";

export interface ApiLimits {
  /** Page size when the client gives none. */
  defaultPageSize: number;
  /** Larger `limit` values are clamped to this. */
  maxPageSize: number;
  /** Request bodies above this many bytes get 413. */
  bodyLimitBytes: number;
  /** Max retries of jobs enqueued through the API. */
  jobMaxRetries: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  defaultPageSize: 20,
  maxPageSize: 100,
  bodyLimitBytes: 1_048_576,
  jobMaxRetries: 5,
};

export interface RegistryAppOptions {
  pool: pg.Pool;
  tokens: TokenService;
  loginLimits?: LoginLimits;
  limits?: Partial<ApiLimits>;
  /** fastify's logger option (pino): false for none, or `{ level }` for JSON lines on stdout. */
  logger?: FastifyServerOptions["logger"];
  metrics?: ApiMetrics;
  /** Text for /metrics when this replica is one of several (the primary aggregates them all). */
  clusterMetrics?: () => Promise<string>;
}

/** Who may call a route. */
export type Access = "public" | "read" | "write";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | undefined;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** Shared by the route modules. */
export interface RouteDeps {
  pool: pg.Pool;
  tokens: TokenService;
  loginLimits: LoginLimits;
  limits: ApiLimits;
  metrics: ApiMetrics;
  clusterMetrics: (() => Promise<string>) | undefined;
}

// A client's correlation id is echoed only if it is short and plain; anything else is replaced, so
// logs cannot be forged or flooded through the header.
const CORRELATION_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Build the API. */
export async function buildRegistryApp(options: RegistryAppOptions): Promise<FastifyInstance> {
  const limits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const metrics = options.metrics ?? createApiMetrics(options.pool);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: limits.bodyLimitBytes,
    // One log line per request, written by our onResponse hook, labelled with the correlation id.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "correlation_id" }),
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-correlation-id"];
      return typeof given === "string" && CORRELATION_ID_RE.test(given) ? given : randomUUID();
    },
    ajv: {
      customOptions: { removeAdditional: false, allErrors: true, coerceTypes: "array", useDefaults: true },
    },
    return503OnClosing: true,
  });
  const deps: RouteDeps = {
    pool: options.pool,
    tokens: options.tokens,
    loginLimits: options.loginLimits ?? DEFAULT_LOGIN_LIMITS,
    limits,
    metrics,
    clusterMetrics: options.clusterMetrics,
  };

  app.decorateRequest("principal", undefined);

  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-correlation-id", req.id);
    const access = req.routeOptions.config.access ?? "read";
    if (access === "public" || req.routeOptions.url === undefined) return;
    const auth = req.headers.authorization;
    const token = typeof auth === "string" && auth.startsWith("Bearer ") ? auth.slice(7).trim() : undefined;
    const principal = token === undefined || token === "" ? undefined : await options.tokens.verify(token);
    if (principal === undefined) {
      reply.header("www-authenticate", 'Bearer realm="registry", error="invalid_token"');
      return reply.code(401).send(problem(req.id, "unauthorized", "a valid bearer token is required"));
    }
    if (access === "write" && principal.role !== "staff") {
      return reply.code(403).send(problem(req.id, "forbidden", `role '${principal.role}' may not write`));
    }
    req.principal = principal;
  });

  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    const seconds = reply.elapsedTime / 1000;
    metrics.observeRequest(req.method, route, reply.statusCode, seconds);
    req.log.info(
      {
        method: req.method,
        route,
        url: req.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
      },
      "request",
    );
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation !== undefined) {
      const context = err.validationContext ?? "body";
      const issues = err.validation.map((v) => {
        const params = v.params as Record<string, unknown>;
        let path = `/${context}${v.instancePath}`;
        let message = v.message ?? "is invalid";
        if (v.keyword === "additionalProperties") {
          path += `/${String(params.additionalProperty)}`;
          message = "unknown field";
        } else if (v.keyword === "required") {
          path += `/${String(params.missingProperty)}`;
          message = "is required";
        }
        return { path, message };
      });
      return reply.code(400).send(problem(req.id, "validation_failed", "the request is invalid", issues));
    }
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return reply
        .code(413)
        .send(
          problem(req.id, "body_too_large", `request bodies are limited to ${limits.bodyLimitBytes} bytes`),
        );
    }
    const pgCode = (err as { code?: string }).code;
    if (pgCode === "57014") {
      req.log.warn({ err }, "statement timeout");
      return reply.code(503).send(problem(req.id, "query_timeout", "the database did not answer in time"));
    }
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      return reply
        .code(err.statusCode)
        .send(problem(req.id, (err.code ?? "bad_request").toLowerCase(), err.message));
    }
    req.log.error({ err }, "request failed");
    return reply.code(500).send(problem(req.id, "internal_error", "internal error"));
  });

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(problem(req.id, "not_found", `no route ${req.method} ${req.url.split("?")[0]}`));
  });

  registerHealthRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerFarmerRoutes(app, deps);
  registerHouseholdRoutes(app, deps);
  registerJobRoutes(app, deps);
  return app;
}

/** The error body every non-2xx response carries. */
export function problem(
  correlationId: string,
  code: string,
  message: string,
  issues?: readonly { path: string; message: string }[],
): Record<string, unknown> {
  return {
    error: { code, message, ...(issues !== undefined ? { issues } : {}) },
    correlation_id: correlationId,
  };
}

/** Clamp a requested page size. */
export function pageSize(requested: number | undefined, limits: ApiLimits): number {
  return Math.min(requested ?? limits.defaultPageSize, limits.maxPageSize);
}
