/**
 * One delivery of a job, start to end. graphile-worker hands us `{ jobId, delivery }`; we:
 *
 *   1. claim   (tx) skip if the job is finished or `delivery` is stale; else attempts += 1,
 *                   status RUNNING, and an attempt row naming this worker;
 *   2. run     (tx) the task writes its results, and the job becomes COMPLETED in the same
 *                   transaction — fenced on (RUNNING, this attempt), so a superseded run can never
 *                   complete it;
 *   3. on error(tx) failures += 1; past `max_retries` the job is FAILED (kept with its error),
 *                   else QUEUED again under a new delivery, scheduled after the backoff.
 *
 * We return normally to graphile-worker in every case it should forget the delivery, so retries
 * and their backoff are ours (graphile-worker 0.17's backoff is a fixed exp(attempts) seconds). A
 * worker killed mid-run leaves the job RUNNING with its graphile-worker job locked; once its death
 * is proven (see liveness.ts) the lock is released, the same delivery runs again elsewhere, and the
 * killed attempt stays in `job_attempts` unfinished.
 */
import type pg from "pg";
import { withTransaction } from "../db/transaction.js";
import type { JsonLog } from "../log/json-log.js";
import type { RecordType } from "../records/vocabulary.js";
import { GRAPHILE_MAX_ATTEMPTS, type JobPayload } from "./queue.js";
import { type JobSettings, retryDelayMs, type TaskName } from "./settings.js";
import type { TaskFunction } from "./task-context.js";

export interface ExecutionDeps {
  pool: pg.Pool;
  workerId: string;
  settings: JobSettings;
  tasks: Readonly<Record<TaskName, TaskFunction>>;
  log: JsonLog;
}

export type ExecutionOutcome = "completed" | "retry" | "failed" | "stale" | "fenced";

interface Claimed {
  task: TaskName;
  recordType: RecordType;
  recordId: string;
  attempt: number;
}

/** Check the graphile-worker payload; throws (an infrastructure error) when malformed. */
export function parsePayload(payload: unknown): JobPayload {
  const p = payload as Partial<JobPayload> | null;
  if (
    p === null ||
    typeof p !== "object" ||
    !Number.isSafeInteger(p.jobId) ||
    !Number.isSafeInteger(p.delivery)
  ) {
    throw new Error(`malformed job payload: ${JSON.stringify(payload)}`);
  }
  return { jobId: p.jobId!, delivery: p.delivery! };
}

/** Run one delivery; resolves with what happened, throws only when our own bookkeeping fails. */
export async function executeDelivery(deps: ExecutionDeps, payload: JobPayload): Promise<ExecutionOutcome> {
  const claimed = await claim(deps, payload);
  if (claimed === undefined) return "stale";
  const task = deps.tasks[claimed.task];
  try {
    const fenced = await withTransaction(deps.pool, async (client) => {
      const result = await task({
        client,
        pool: deps.pool,
        jobId: payload.jobId,
        recordType: claimed.recordType,
        recordId: claimed.recordId,
        settings: deps.settings,
      });
      const done = await client.query(
        `UPDATE jobs SET status = 'COMPLETED', result = $3, finished_at = clock_timestamp()
          WHERE id = $1 AND status = 'RUNNING' AND attempts = $2`,
        [payload.jobId, claimed.attempt, JSON.stringify(result)],
      );
      if (done.rowCount === 0) throw new Fenced();
      await client.query(
        "UPDATE job_attempts SET finished_at = clock_timestamp(), outcome = 'COMPLETED' WHERE job_id = $1 AND attempt = $2",
        [payload.jobId, claimed.attempt],
      );
      return false;
    }).catch((err: unknown) => {
      if (err instanceof Fenced) return true;
      throw err;
    });
    if (fenced) {
      await markAttempt(deps.pool, payload.jobId, claimed.attempt, "FENCED", "superseded by a later attempt");
      return "fenced";
    }
    return "completed";
  } catch (err) {
    return recordFailure(deps, payload, claimed, err);
  }
}

class Fenced extends Error {}

async function claim(deps: ExecutionDeps, { jobId, delivery }: JobPayload): Promise<Claimed | undefined> {
  return withTransaction(deps.pool, async (c) => {
    const { rows } = await c.query<{
      task: TaskName;
      record_type: RecordType;
      record_id: string;
      status: string;
      delivery: number;
    }>("SELECT task, record_type, record_id, status, delivery FROM jobs WHERE id = $1 FOR UPDATE", [jobId]);
    const job = rows[0];
    if (
      job === undefined ||
      job.status === "COMPLETED" ||
      job.status === "FAILED" ||
      job.delivery !== delivery
    ) {
      deps.log.debug("stale delivery skipped", { job_id: jobId, delivery, status: job?.status });
      return undefined;
    }
    const upd = await c.query<{ attempts: number }>(
      `UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, started_at = coalesce(started_at, clock_timestamp())
        WHERE id = $1 RETURNING attempts`,
      [jobId],
    );
    const attempt = upd.rows[0]!.attempts;
    await c.query("INSERT INTO job_attempts (job_id, attempt, worker_id, pid) VALUES ($1, $2, $3, $4)", [
      jobId,
      attempt,
      deps.workerId,
      process.pid,
    ]);
    return { task: job.task, recordType: job.record_type, recordId: job.record_id, attempt };
  });
}

async function recordFailure(
  deps: ExecutionDeps,
  { jobId }: JobPayload,
  claimed: Claimed,
  err: unknown,
): Promise<ExecutionOutcome> {
  const message = err instanceof Error ? err.message : String(err);
  const outcome = await withTransaction(deps.pool, async (c): Promise<ExecutionOutcome> => {
    const { rows } = await c.query<{
      status: string;
      attempts: number;
      failures: number;
      max_retries: number;
      delivery: number;
    }>("SELECT status, attempts, failures, max_retries, delivery FROM jobs WHERE id = $1 FOR UPDATE", [
      jobId,
    ]);
    const job = rows[0];
    if (job === undefined || job.status !== "RUNNING" || job.attempts !== claimed.attempt) return "fenced";
    const failures = job.failures + 1;
    if (failures > job.max_retries) {
      await c.query(
        `UPDATE jobs SET status = 'FAILED', failures = $2, last_error = $3, finished_at = clock_timestamp() WHERE id = $1`,
        [jobId, failures, message],
      );
    } else {
      const delivery = job.delivery + 1;
      await c.query(
        "UPDATE jobs SET status = 'QUEUED', failures = $2, last_error = $3, delivery = $4 WHERE id = $1",
        [jobId, failures, message, delivery],
      );
      await c.query(
        `SELECT graphile_worker.add_job($1, json_build_object('jobId', $2::bigint, 'delivery', $3::int),
           run_at => clock_timestamp() + make_interval(secs => $4::double precision / 1000), max_attempts => $5)`,
        [claimed.task, jobId, delivery, retryDelayMs(deps.settings, failures), GRAPHILE_MAX_ATTEMPTS],
      );
    }
    await c.query(
      "UPDATE job_attempts SET finished_at = clock_timestamp(), outcome = 'ERROR', error = $3 WHERE job_id = $1 AND attempt = $2",
      [jobId, claimed.attempt, message],
    );
    return failures > job.max_retries ? "failed" : "retry";
  });
  if (outcome === "fenced") {
    await markAttempt(deps.pool, jobId, claimed.attempt, "FENCED", message);
  } else {
    deps.log[outcome === "failed" ? "warn" : "info"](
      outcome === "failed" ? "job failed permanently" : "job will retry",
      {
        job_id: jobId,
        task: claimed.task,
        attempt: claimed.attempt,
        error: message,
      },
    );
  }
  return outcome;
}

async function markAttempt(
  pool: pg.Pool,
  jobId: number,
  attempt: number,
  outcome: string,
  error: string,
): Promise<void> {
  await pool.query(
    "UPDATE job_attempts SET finished_at = clock_timestamp(), outcome = $3, error = $4 WHERE job_id = $1 AND attempt = $2",
    [jobId, attempt, outcome, error],
  );
}
