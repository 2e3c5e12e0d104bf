/**
 * The score job: the POVERTY score of a household, a weighted sum of household size and number of
 * children (weights 0.45 / 0.55 by default, from OpenG2P's configuration). One current row per
 * (record, score type) in `scores`, every computation appended to `score_history`.
 */
import { RegistryError, RegistryErrorCodes } from "../errors.js";
import type { TaskFunction } from "./task-context.js";

export const SCORE_TYPE = "POVERTY";

export const runScore: TaskFunction = async ({ client, jobId, recordType, recordId, settings }) => {
  let householdId = recordId;
  if (recordType === "farmer") {
    const f = await client.query<{ household_id: string }>("SELECT household_id FROM farmers WHERE id = $1", [
      recordId,
    ]);
    if (f.rows[0] === undefined)
      throw new RegistryError(RegistryErrorCodes.RECORD_NOT_FOUND, `farmer ${recordId} not found`);
    householdId = f.rows[0].household_id;
  }
  const { rows } = await client.query<{ size: number; children_count: number }>(
    "SELECT size, children_count FROM households WHERE id = $1",
    [householdId],
  );
  const h = rows[0];
  if (h === undefined)
    throw new RegistryError(RegistryErrorCodes.RECORD_NOT_FOUND, `household ${householdId} not found`);
  const w = settings.score.poverty;
  const value = Math.round((w.householdSize * h.size + w.children * h.children_count) * 10_000) / 10_000;
  const inputs = { household_size: h.size, children: h.children_count, weights: w };
  const upsert = await client.query<{ version: number; computed_at: Date }>(
    `INSERT INTO scores AS s (record_id, record_type, score_type, value, inputs, version, computed_at, job_id)
     VALUES ($1, 'household', $2, $3, $4, 1, clock_timestamp(), $5)
     ON CONFLICT (record_id, score_type) DO UPDATE SET value = EXCLUDED.value, inputs = EXCLUDED.inputs,
       version = s.version + 1, computed_at = EXCLUDED.computed_at, job_id = EXCLUDED.job_id
     RETURNING version, computed_at`,
    [householdId, SCORE_TYPE, value, JSON.stringify(inputs), jobId],
  );
  const { version, computed_at } = upsert.rows[0]!;
  await client.query(
    `INSERT INTO score_history (record_id, record_type, score_type, value, inputs, version, computed_at, job_id)
     VALUES ($1, 'household', $2, $3, $4, $5, $6, $7)`,
    [householdId, SCORE_TYPE, value, JSON.stringify(inputs), version, computed_at, jobId],
  );
  return { household_id: householdId, score_type: SCORE_TYPE, value, version };
};
