/**
 * Proof of life for job workers, without timeouts. Each worker holds a session-level advisory lock
 * on its own key for as long as it lives, on a connection of its own. PostgreSQL releases it the
 * moment that connection closes — which a SIGKILL, a crash or a lost host all cause — so any other
 * worker that can take the lock knows the owner is dead, not slow, and releases the
 * graphile-worker jobs its pool had locked. (graphile-worker 0.17 would otherwise hold them for 4
 * hours.) A worker whose lock connection breaks must stop at once: it can no longer prove it lives.
 */
import { hostname } from "node:os";
import pg from "pg";
import type { JsonLog } from "../log/json-log.js";

/** Advisory-lock class of worker liveness locks (the two-key form keeps them apart from others). */
const LIVENESS_LOCK_CLASS = 7_340_002;
/** A graphile-worker lock held by no registered pool for this long is an orphan (a worker that
 * died before it recorded its pool id; registering takes milliseconds). */
const ORPHAN_LOCK_AGE_S = 60;

export interface WorkerRegistration {
  readonly workerId: string;
  readonly lockKey: number;
  /** Record the graphile-worker pool id whose locks are released if this worker dies. */
  setPoolId(poolId: string): Promise<void>;
  /** Deregister and drop the lock (clean shutdown). */
  release(): Promise<void>;
}

/** Take this worker's liveness lock and register it. `onLost` runs if the lock connection breaks. */
export async function registerWorker(
  databaseUrl: string,
  workerId: string,
  onLost: (err: Error) => void,
): Promise<WorkerRegistration> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    application_name: `registry-liveness ${workerId}`,
  });
  await client.connect();
  let released = false;
  client.on("error", (err) => {
    if (!released) onLost(err);
  });
  client.on("end", () => {
    if (!released) onLost(new Error("liveness connection closed"));
  });
  const { rows } = await client.query<{ key: number }>(
    "SELECT (nextval('job_worker_lock_key') % 2147483647)::int AS key",
  );
  const lockKey = rows[0]!.key;
  // Lock before the row exists: a row whose lock is free always means a dead worker.
  await client.query("SELECT pg_advisory_lock($1, $2)", [LIVENESS_LOCK_CLASS, lockKey]);
  await client.query("INSERT INTO job_workers (worker_id, lock_key, pid, host) VALUES ($1, $2, $3, $4)", [
    workerId,
    lockKey,
    process.pid,
    hostname(),
  ]);
  return {
    workerId,
    lockKey,
    async setPoolId(poolId) {
      await client.query("UPDATE job_workers SET pool_id = $2 WHERE worker_id = $1", [workerId, poolId]);
    },
    async release() {
      if (released) return;
      released = true;
      try {
        await client.query("DELETE FROM job_workers WHERE worker_id = $1", [workerId]);
        await client.query("SELECT pg_advisory_unlock($1, $2)", [LIVENESS_LOCK_CLASS, lockKey]);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

/**
 * Find workers that died (their lock is free), release the graphile-worker jobs their pools held
 * and forget them; also release orphaned locks. Returns the dead workers' ids.
 */
export async function sweepDeadWorkers(pool: pg.Pool, selfId: string, log: JsonLog): Promise<string[]> {
  const { rows } = await pool.query<{ worker_id: string; lock_key: number; pool_id: string | null }>(
    "SELECT worker_id, lock_key, pool_id FROM job_workers WHERE worker_id <> $1",
    [selfId],
  );
  const dead: string[] = [];
  for (const w of rows) {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      const probe = await client.query<{ free: boolean }>(
        "SELECT pg_try_advisory_xact_lock($1, $2) AS free",
        [LIVENESS_LOCK_CLASS, w.lock_key],
      );
      if (probe.rows[0]?.free === true) {
        if (w.pool_id !== null)
          await client.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [[w.pool_id]]);
        await client.query("DELETE FROM job_workers WHERE worker_id = $1", [w.worker_id]);
        dead.push(w.worker_id);
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
  if (dead.length > 0) log.warn("released the jobs of dead workers", { dead_workers: dead });

  // graphile-worker's jobs table is private API; the pinned 0.17.3 is what this query is written for.
  const orphans = await pool.query<{ n: number }>(
    `WITH o AS (
       SELECT array_agg(DISTINCT locked_by) AS ids FROM graphile_worker._private_jobs
        WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1)
          AND locked_by NOT IN (SELECT pool_id FROM job_workers WHERE pool_id IS NOT NULL))
     SELECT coalesce(array_length(ids, 1), 0) AS n, graphile_worker.force_unlock_workers(coalesce(ids, '{}'))
       FROM o`,
    [ORPHAN_LOCK_AGE_S],
  );
  const n = orphans.rows[0]?.n ?? 0;
  if (n > 0) log.warn("released jobs locked by unregistered pools", { pools: n });
  return dead;
}
