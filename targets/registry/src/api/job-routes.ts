/** `POST /jobs/{dedup|score|idgen}` (one record, a list, or a batch of N), `GET /jobs/:id`, `GET /jobs?batch=`. */
import type { FastifyInstance } from "fastify";
import { enqueueJobs, existingRecords, getBatchStatus, getJob, pickRecords } from "../jobs/queue.js";
import type { TaskName } from "../jobs/settings.js";
import type { RecordType } from "../records/vocabulary.js";
import { problem, type RouteDeps } from "./app.js";
import { enqueueBody, enqueueParams, jobParams, jobsQuery } from "./schemas.js";

/** The record type a task works on when the request does not say. */
const DEFAULT_RECORD_TYPE: Record<TaskName, RecordType> = {
  dedup: "farmer",
  score: "household",
  idgen: "farmer",
};

interface EnqueueBody {
  record_type?: RecordType;
  record_id?: string;
  record_ids?: string[];
  count?: number;
}

export function registerJobRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{ Params: { task: TaskName }; Body: EnqueueBody }>(
    "/jobs/:task",
    { config: { access: "write" }, schema: { params: enqueueParams, body: enqueueBody } },
    async (req, reply) => {
      const { task } = req.params;
      const body = req.body;
      const given = [body.record_id, body.record_ids, body.count].filter((v) => v !== undefined).length;
      if (given !== 1) {
        return reply
          .code(400)
          .send(
            problem(req.id, "validation_failed", "the request is invalid", [
              { path: "/body", message: "give exactly one of record_id, record_ids or count" },
            ]),
          );
      }
      const recordType = body.record_type ?? DEFAULT_RECORD_TYPE[task];
      let ids: string[];
      if (body.count !== undefined) {
        ids = await pickRecords(deps.pool, recordType, body.count);
      } else {
        ids = body.record_id !== undefined ? [body.record_id] : body.record_ids!;
        const found = await existingRecords(deps.pool, recordType, ids);
        const missing = ids.filter((id) => !found.has(id));
        if (missing.length > 0) {
          return reply
            .code(422)
            .send(
              problem(
                req.id,
                "record_not_found",
                `no ${recordType} with id ${missing.slice(0, 5).join(", ")}`,
              ),
            );
        }
      }
      const { batchId, jobIds } = await enqueueJobs(deps.pool, task, recordType, ids, {
        createdBy: req.principal!.username,
        maxRetries: deps.limits.jobMaxRetries,
      });
      reply.header("location", `/jobs?batch=${batchId}`);
      return reply
        .code(202)
        .send({ batch_id: batchId, task, record_type: recordType, count: jobIds.length, job_ids: jobIds });
    },
  );

  app.get<{ Params: { id: number } }>("/jobs/:id", { schema: { params: jobParams } }, async (req, reply) => {
    const job = await getJob(deps.pool, req.params.id);
    if (job === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such job"));
    return job;
  });

  app.get<{ Querystring: { batch: string } }>(
    "/jobs",
    { schema: { querystring: jobsQuery } },
    async (req, reply) => {
      const status = await getBatchStatus(deps.pool, req.query.batch);
      if (status === undefined) return reply.code(404).send(problem(req.id, "not_found", "no such batch"));
      return status;
    },
  );
}
