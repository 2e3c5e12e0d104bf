/**
 * Entry of one API replica (a node:cluster worker; `--replicas N` starts N, sharing one port).
 * Graceful shutdown on SIGTERM/SIGINT or when the primary goes away: stop accepting, finish the
 * requests in flight, close the pool, exit 0.
 */
import { AggregatorRegistry } from "prom-client";
import { buildRegistryApp } from "../api/app.js";
import { createApiMetrics } from "../api/metrics.js";
import { createTokenService } from "../auth/tokens.js";
import { configFromEnv } from "../config.js";
import { createPool } from "../db/pool.js";
import { createJsonLog } from "../log/json-log.js";
import { METRICS_REQUEST, METRICS_RESPONSE, type MetricsRequest, type MetricsResponse } from "./messages.js";

const config = configFromEnv(process.env);
const log = createJsonLog({ level: config.logLevel, base: { role: "api" } });

process.on("unhandledRejection", (err) => {
  log.error("unhandled rejection", { err });
  process.exit(1);
});

const pool = createPool(
  config.databaseUrl,
  { max: config.dbPoolSize, statementTimeoutMs: config.statementTimeoutMs, applicationName: "registry-api" },
  (err) => log.warn("idle database connection lost", { err }),
);
const metrics = createApiMetrics(pool);
// Answer the primary's aggregation requests with this replica's registry.
new AggregatorRegistry();
AggregatorRegistry.setRegistries([metrics.registry]);

const pending = new Map<number, (m: MetricsResponse) => void>();
let nextRequest = 0;
process.on("message", (m: unknown) => {
  const msg = m as MetricsResponse;
  if (msg?.type === METRICS_RESPONSE) pending.get(msg.id)?.(msg);
});
const clusterMetrics = (): Promise<string> =>
  new Promise((resolve, reject) => {
    const id = nextRequest++;
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error("metrics aggregation timed out"));
    }, 5000);
    pending.set(id, (msg) => {
      clearTimeout(timer);
      pending.delete(id);
      if (msg.text !== undefined) resolve(msg.text);
      else reject(new Error(msg.error ?? "metrics aggregation failed"));
    });
    process.send?.({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
  });

const app = await buildRegistryApp({
  pool,
  tokens: await createTokenService(config.signingJwk, config.tokens),
  loginLimits: config.loginLimits,
  limits: config.limits,
  logger: config.logLevel === "silent" ? false : { level: config.logLevel },
  metrics,
  ...(process.send !== undefined ? { clusterMetrics } : {}),
});
await app.listen({ host: config.host, port: config.port });

let closing = false;
const shutdown = (reason: string) => {
  if (closing) return;
  closing = true;
  log.info("replica shutting down", { reason });
  app
    .close()
    .then(() => pool.end())
    .then(
      () => process.exit(0),
      (err: unknown) => {
        log.error("shutdown failed", { err });
        process.exit(1);
      },
    );
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("disconnect", () => shutdown("primary gone"));
