/** Households with their members, and their scores with history. */
import type { FastifyInstance } from "fastify";
import { getHousehold, getScores, householdToJson } from "../records/households.js";
import { problem, type RouteDeps } from "./app.js";
import { idParams } from "./schemas.js";

const SCORE_HISTORY = 20;

export function registerHouseholdRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Params: { id: string } }>(
    "/households/:id",
    { schema: { params: idParams } },
    async (req, reply) => {
      const found = await getHousehold(deps.pool, req.params.id);
      if (found === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such household"));
      return { ...householdToJson(found.household), members: found.members };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/households/:id/scores",
    { schema: { params: idParams } },
    async (req, reply) => {
      const found = await getHousehold(deps.pool, req.params.id);
      if (found === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such household"));
      return {
        household_id: found.household.id,
        items: await getScores(deps.pool, found.household.id as string, SCORE_HISTORY),
      };
    },
  );
}
