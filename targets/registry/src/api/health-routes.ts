/** Liveness, readiness (the database answers) and Prometheus metrics; no token needed. */
import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "./app.js";
import { problem } from "./app.js";

export function registerHealthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get("/health/live", { config: { access: "public" } }, async () => ({ status: "ok" }));

  app.get("/health/ready", { config: { access: "public" } }, async (req, reply) => {
    try {
      await deps.pool.query("SELECT 1");
      return { status: "ok", database: "ok" };
    } catch (err) {
      req.log.warn({ err }, "readiness check failed");
      return reply.code(503).send(problem(req.id, "not_ready", "the database is not reachable"));
    }
  });

  app.get("/metrics", { config: { access: "public" } }, async (_req, reply) => {
    const body =
      deps.clusterMetrics !== undefined ? await deps.clusterMetrics() : await deps.metrics.registry.metrics();
    return reply.header("content-type", deps.metrics.registry.contentType).send(body);
  });
}
