/**
 * The idgen job: give a farmer or household its functional id from the pre-generated pool. The
 * claim and the record update share the job's transaction, so an id is consumed only when it was
 * written; a record that already has one keeps it (the job is idempotent).
 */
import { RegistryError, RegistryErrorCodes } from "../errors.js";
import { DEFAULT_ID_FILTER_RULES, type IdFilterRules } from "./id-filters.js";
import { claimId, fillIdPool } from "./id-pool.js";
import type { TaskFunction } from "./task-context.js";

const TABLE = { farmer: "farmers", household: "households" } as const;

export const runIdgen: TaskFunction = async ({ client, pool, recordType, recordId, settings }) => {
  const table = TABLE[recordType];
  const { rows } = await client.query<{ functional_id: string | null }>(
    `SELECT functional_id FROM ${table} WHERE id = $1 FOR UPDATE`,
    [recordId],
  );
  const row = rows[0];
  if (row === undefined)
    throw new RegistryError(RegistryErrorCodes.RECORD_NOT_FOUND, `${recordType} ${recordId} not found`);
  if (row.functional_id !== null) return { functional_id: row.functional_id, already_assigned: true };

  let id = await claimId(client, recordId);
  if (id === undefined) {
    // Pool ran dry between top-ups: make a batch now (committed on its own connection) and retry.
    await fillIdPool(pool, settings.idgen.batchSize, {
      length: settings.idgen.length,
      rules: rulesOf(settings),
    });
    id = await claimId(client, recordId);
  }
  if (id === undefined)
    throw new RegistryError(RegistryErrorCodes.ID_POOL_EXHAUSTED, "no functional id available");
  await client.query(`UPDATE ${table} SET functional_id = $2, updated_at = now() WHERE id = $1`, [
    recordId,
    id,
  ]);
  return { functional_id: id, already_assigned: false };
};

/** The id filter rules with the configured restricted numbers. */
export function rulesOf(settings: { idgen: { restricted: string[] } }): IdFilterRules {
  return { ...DEFAULT_ID_FILTER_RULES, restricted: settings.idgen.restricted };
}
