/**
 * Enqueueing and reading jobs. A job is a row in `jobs` plus a graphile-worker job carrying
 * `{ jobId, delivery }`, both written in one transaction: a job the API acknowledged always reaches
 * a worker, and a worker never sees a job the API did not record.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withTransaction } from "../db/transaction.js";
import type { RecordType } from "../records/vocabulary.js";
import { TASKS, type TaskName } from "./settings.js";

/** graphile-worker's own retries only cover infrastructure errors (our bookkeeping failing). */
export const GRAPHILE_MAX_ATTEMPTS = 25;

/** Payload of the graphile-worker job. */
export interface JobPayload {
  jobId: number;
  delivery: number;
}

export interface EnqueueResult {
  batchId: string;
  jobIds: number[];
}

/** Record one job per record id (in the given order) and queue them, atomically. */
export async function enqueueJobs(
  pool: pg.Pool,
  task: TaskName,
  recordType: RecordType,
  recordIds: readonly string[],
  options: { createdBy?: string; maxRetries?: number; batchId?: string } = {},
): Promise<EnqueueResult> {
  const batchId = options.batchId ?? randomUUID();
  if (recordIds.length === 0) return { batchId, jobIds: [] };
  return withTransaction(pool, async (c) => {
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO jobs (batch_id, task, record_type, record_id, created_by, max_retries)
       SELECT $1, $2, $3, r.id, $5, $6 FROM unnest($4::uuid[]) WITH ORDINALITY AS r(id, n) ORDER BY r.n
       RETURNING id`,
      [batchId, task, recordType, recordIds, options.createdBy ?? null, options.maxRetries ?? 5],
    );
    const jobIds = rows.map((r) => r.id).sort((a, b) => a - b);
    await c.query(
      `SELECT graphile_worker.add_jobs(ARRAY(
         SELECT ROW($1::text, json_build_object('jobId', j.id, 'delivery', 1), NULL, NULL, $3::smallint, NULL, NULL, NULL)::graphile_worker.job_spec
           FROM unnest($2::bigint[]) AS j(id)))`,
      [task, jobIds, GRAPHILE_MAX_ATTEMPTS],
    );
    return { batchId, jobIds };
  });
}

/**
 * `count` record ids of the given type for a batch, starting at a random point in id order (an
 * index range scan, not `ORDER BY random()` over the whole table).
 */
export async function pickRecords(pool: pg.Pool, recordType: RecordType, count: number): Promise<string[]> {
  const table = recordType === "farmer" ? "farmers" : "households";
  const { rows } = await pool.query<{ id: string }>(
    `(SELECT id FROM ${table} WHERE id >= $1 ORDER BY id LIMIT $2)
     UNION ALL
     (SELECT id FROM ${table} WHERE id < $1 ORDER BY id LIMIT $2)
     LIMIT $2`,
    [randomUUID(), count],
  );
  return rows.map((r) => r.id);
}

/** Which of `ids` exist as records of the type. */
export async function existingRecords(
  pool: pg.Pool,
  recordType: RecordType,
  ids: readonly string[],
): Promise<Set<string>> {
  const table = recordType === "farmer" ? "farmers" : "households";
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`, [
    ids,
  ]);
  return new Set(rows.map((r) => r.id));
}

/** A job with its attempts, as `GET /jobs/:id` returns it. */
export async function getJob(pool: pg.Pool, id: number): Promise<Record<string, unknown> | undefined> {
  const { rows } = await pool.query(
    `SELECT j.id, j.batch_id, j.task, j.record_type, j.record_id, j.status, j.attempts, j.failures, j.max_retries,
            j.last_error, j.result, j.created_by, j.created_at, j.started_at, j.finished_at,
            (SELECT coalesce(json_agg(json_build_object('attempt', a.attempt, 'worker_id', a.worker_id,
                    'started_at', a.started_at, 'finished_at', a.finished_at, 'outcome', a.outcome, 'error', a.error)
                    ORDER BY a.attempt), '[]'::json)
               FROM job_attempts a WHERE a.job_id = j.id) AS attempt_log
       FROM jobs j WHERE j.id = $1`,
    [id],
  );
  return rows[0];
}

export interface BatchStatus {
  batch_id: string;
  total: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  /** Every job completed or permanently failed. */
  done: boolean;
}

/** Completion counts of a batch; undefined for an unknown batch. */
export async function getBatchStatus(pool: pg.Pool, batchId: string): Promise<BatchStatus | undefined> {
  const { rows } = await pool.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM jobs WHERE batch_id = $1 GROUP BY status",
    [batchId],
  );
  if (rows.length === 0) return undefined;
  const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
  const s = {
    batch_id: batchId,
    queued: by.QUEUED ?? 0,
    running: by.RUNNING ?? 0,
    completed: by.COMPLETED ?? 0,
    failed: by.FAILED ?? 0,
  };
  const total = s.queued + s.running + s.completed + s.failed;
  return { ...s, total, done: s.queued + s.running === 0 };
}

/** Jobs by task and status, for /metrics (queue depth = QUEUED). */
export async function jobCounts(pool: pg.Pool): Promise<{ task: TaskName; status: string; n: number }[]> {
  const { rows } = await pool.query<{ task: TaskName; status: string; n: number }>(
    "SELECT task, status, count(*)::int AS n FROM jobs GROUP BY task, status",
  );
  return rows.filter((r) => (TASKS as readonly string[]).includes(r.task));
}
