/** Farmers: search, get (internal or functional id), create with household, update, lands, duplicates. */
import type { FastifyInstance } from "fastify";
import { isUniqueViolation } from "../db/transaction.js";
import {
  createFarmer,
  type FarmerSearch,
  farmerToJson,
  getFarmer,
  listLands,
  searchFarmers,
  updateFarmer,
} from "../records/farmers.js";
import { getDuplicates } from "../records/households.js";
import type { CreateFarmerInput, FarmerPatch } from "../records/inputs.js";
import { pageSize, problem, type RouteDeps } from "./app.js";
import { createFarmerSchema, idParams, pageQuery, patchFarmerSchema, searchFarmersQuery } from "./schemas.js";

type SearchQuery = Omit<FarmerSearch, "limit" | "offset"> & { limit?: number; offset?: number };

export function registerFarmerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Querystring: SearchQuery }>(
    "/farmers",
    { schema: { querystring: searchFarmersQuery } },
    async (req, reply) => {
      const q = req.query;
      if (q.min_age !== undefined && q.max_age !== undefined && q.min_age > q.max_age) {
        return reply
          .code(400)
          .send(
            problem(req.id, "validation_failed", "the request is invalid", [
              { path: "/querystring/min_age", message: "must be <= max_age" },
            ]),
          );
      }
      const limit = pageSize(q.limit, deps.limits);
      const offset = q.offset ?? 0;
      const { rows, hasMore } = await searchFarmers(deps.pool, { ...q, limit, offset });
      const role = req.principal!.role;
      return { items: rows.map((r) => farmerToJson(r, role)), limit, offset, has_more: hasMore };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/farmers/:id",
    { schema: { params: idParams } },
    async (req, reply) => {
      const row = await getFarmer(deps.pool, req.params.id);
      if (row === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such farmer"));
      return farmerToJson(row, req.principal!.role);
    },
  );

  app.post<{ Body: CreateFarmerInput }>(
    "/farmers",
    { config: { access: "write" }, schema: { body: createFarmerSchema } },
    async (req, reply) => {
      const body = req.body;
      if ((body.household === undefined) === (body.household_id === undefined)) {
        return reply
          .code(400)
          .send(
            problem(req.id, "validation_failed", "the request is invalid", [
              { path: "/body/household", message: "give exactly one of household or household_id" },
            ]),
          );
      }
      try {
        const result = await createFarmer(deps.pool, body, req.principal!.username);
        if (!result.ok)
          return reply.code(422).send(problem(req.id, "household_not_found", "no such household"));
        reply.header("location", `/farmers/${result.farmer.id as string}`);
        return reply.code(201).send({
          farmer: farmerToJson(result.farmer, "staff"),
          household_id: result.householdId,
          land_ids: result.landIds,
        });
      } catch (err) {
        if (isUniqueViolation(err, "farmers_national_id_key")) {
          return reply
            .code(409)
            .send(problem(req.id, "duplicate_national_id", "a farmer with this national id exists"));
        }
        throw err;
      }
    },
  );

  app.patch<{ Params: { id: string }; Body: FarmerPatch }>(
    "/farmers/:id",
    { config: { access: "write" }, schema: { params: idParams, body: patchFarmerSchema } },
    async (req, reply) => {
      try {
        const row = await updateFarmer(deps.pool, req.params.id, req.body);
        if (row === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such farmer"));
        return farmerToJson(row, "staff");
      } catch (err) {
        if (isUniqueViolation(err, "farmers_national_id_key")) {
          return reply
            .code(409)
            .send(problem(req.id, "duplicate_national_id", "a farmer with this national id exists"));
        }
        throw err;
      }
    },
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: number; offset?: number } }>(
    "/farmers/:id/lands",
    { schema: { params: idParams, querystring: pageQuery } },
    async (req, reply) => {
      const farmer = await getFarmer(deps.pool, req.params.id);
      if (farmer === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such farmer"));
      const limit = pageSize(req.query.limit, deps.limits);
      const offset = req.query.offset ?? 0;
      const { rows, hasMore } = await listLands(deps.pool, farmer.id as string, limit, offset);
      return { items: rows, limit, offset, has_more: hasMore };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/farmers/:id/duplicates",
    { schema: { params: idParams } },
    async (req, reply) => {
      const farmer = await getFarmer(deps.pool, req.params.id);
      if (farmer === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such farmer"));
      return { farmer_id: farmer.id, items: await getDuplicates(deps.pool, farmer.id as string) };
    },
  );
}
