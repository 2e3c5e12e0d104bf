/** Households with their members, and the job results kept per record (scores, dedup candidates). */
import type pg from "pg";
import { UUID_RE } from "./farmers.js";

type Row = Record<string, unknown>;

/** A household as the API returns it. */
export function householdToJson(r: Row): Record<string, unknown> {
  const geo = (r.geo ?? {}) as Record<string, unknown>;
  return {
    id: r.id,
    functional_id: r.functional_id,
    status: r.status,
    head_name: r.head_name,
    size: r.size,
    children_count: r.children_count,
    female_count: r.female_count,
    male_count: r.male_count,
    elderly_present: r.elderly_present,
    location: {
      latitude: r.latitude,
      longitude: r.longitude,
      address_line1: r.address_line1,
      address_line2: r.address_line2,
      postal_code: r.postal_code,
      country_code: r.country_code,
      region: geo.region ?? null,
      zone: geo.zone ?? null,
      district: geo.district ?? null,
      village: geo.village ?? null,
    },
    created_at: r.created_at,
    created_by: r.created_by,
    approved_at: r.approved_at,
    approved_by: r.approved_by,
    updated_at: r.updated_at,
  };
}

/** A household by internal or functional id, with its members (farmers among them linked). */
export async function getHousehold(
  pool: pg.Pool,
  idOrFunctionalId: string,
): Promise<{ household: Row; members: Row[] } | undefined> {
  const column = UUID_RE.test(idOrFunctionalId) ? "id" : "functional_id";
  const { rows } = await pool.query(`SELECT * FROM households WHERE ${column} = $1`, [idOrFunctionalId]);
  const household = rows[0];
  if (household === undefined) return undefined;
  const members = await pool.query(
    `SELECT m.id, m.functional_id, m.farmer_id, f.functional_id AS farmer_functional_id, m.status, m.first_name,
            m.last_name, m.gender, m.birth_date, m.relationship, m.is_head, m.created_at
       FROM household_members m LEFT JOIN farmers f ON f.id = m.farmer_id
      WHERE m.household_id = $1 ORDER BY m.is_head DESC, m.functional_id`,
    [household.id],
  );
  return { household, members: members.rows };
}

/** Current scores of a record, each with its most recent history (newest first). */
export async function getScores(pool: pg.Pool, recordId: string, historyLimit: number): Promise<Row[]> {
  const { rows } = await pool.query(
    `SELECT s.score_type, s.value, s.inputs, s.version, s.computed_at, s.job_id,
            (SELECT coalesce(json_agg(json_build_object('version', h.version, 'value', h.value, 'computed_at', h.computed_at,
                    'job_id', h.job_id) ORDER BY h.version DESC), '[]'::json)
               FROM (SELECT * FROM score_history h WHERE h.record_id = s.record_id AND h.score_type = s.score_type
                      ORDER BY h.version DESC LIMIT $2) h) AS history
       FROM scores s WHERE s.record_id = $1 ORDER BY s.score_type`,
    [recordId, historyLimit],
  );
  return rows;
}

/** Stored duplicate candidates of a record, best first. */
export async function getDuplicates(pool: pg.Pool, recordId: string): Promise<Row[]> {
  const { rows } = await pool.query(
    `SELECT candidate_id, score, field_matches, job_id, created_at FROM dedup_results
      WHERE record_id = $1 ORDER BY score DESC, candidate_id`,
    [recordId],
  );
  return rows;
}
