/**
 * The pool of pre-generated functional ids (OpenG2P id-generator's design). Generation is slow
 * (most random candidates fail the filters) and must never hand out an id twice, so ids are made
 * ahead of need and claimed one per record with `FOR UPDATE SKIP LOCKED`: concurrent claimers each
 * take a different row without waiting on one another.
 */
import type pg from "pg";
import { generateIds, type IdGeneratorOptions } from "./id-generator.js";

const INSERT_CHUNK = 10_000;

/** Add `count` new ids to the pool; ids already present (issued or not) are skipped. Returns ids added. */
export async function fillIdPool(
  pool: pg.Pool,
  count: number,
  options: IdGeneratorOptions = {},
): Promise<number> {
  const ids = generateIds(count, options);
  let added = 0;
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    // Job workers starting together fill at once; their inserts of overlapping ids in different
    // orders deadlock on the unique index (seen with 2 workers): one fill at a time.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('strain-registry:id_pool'))");
    for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
      const r = await client.query(
        "INSERT INTO id_pool (id) SELECT unnest($1::text[]) ON CONFLICT (id) DO NOTHING",
        [ids.slice(i, i + INSERT_CHUNK)],
      );
      added += r.rowCount ?? 0;
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return added;
}

/** Ids still available. */
export async function availableIds(pool: pg.Pool | pg.PoolClient): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM id_pool WHERE status = 'AVAILABLE'",
  );
  return rows[0]!.n;
}

/**
 * Claim one available id for `recordId` inside the caller's transaction (it is consumed only if
 * that transaction commits). Undefined when the pool is empty.
 */
export async function claimId(client: pg.PoolClient, recordId: string): Promise<string | undefined> {
  const { rows } = await client.query<{ id: string }>(
    `UPDATE id_pool p SET status = 'ASSIGNED', assigned_at = clock_timestamp(), assigned_to = $1
      WHERE p.id = (SELECT id FROM id_pool WHERE status = 'AVAILABLE' ORDER BY generated_at
                     LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING p.id`,
    [recordId],
  );
  return rows[0]?.id;
}
