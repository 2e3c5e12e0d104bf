/**
 * The dedup job. OpenG2P finds candidates with `ILIKE '%x%'` ORs, a sequential scan that becomes
 * the database's hot spot at 40M rows; here candidates come from blocks (same birth year or same
 * region) intersected with a trigram match on the name through the GIN index, and only those few
 * are scored, in JavaScript:
 *
 *   farmer:    first name fuzzy 0.35 + last name fuzzy 0.35 (or the two swapped, whichever is
 *              higher) + birth date exact 0.30
 *   household: head's name fuzzy 0.7 + address fuzzy 0.3
 *
 * "Fuzzy" is Jaro–Winkler on the folded text, counted only from `fieldFloor` (0.8) up, so two
 * different names sharing a few letters add nothing. Candidates scoring ≥ threshold (70) replace
 * the record's earlier results.
 */
import { RegistryError, RegistryErrorCodes } from "../errors.js";
import { foldForSearch } from "../records/search-text.js";
import { jaroWinkler } from "./jaro-winkler.js";
import type { JobSettings } from "./settings.js";
import type { TaskContext, TaskFunction } from "./task-context.js";

// Candidate recall: a name with a typo in each part still shares about half its trigrams.
const CANDIDATE_WORD_SIMILARITY = "0.5";

interface Match {
  candidateId: string;
  score: number;
  fields: Record<string, unknown>;
}

/** Fuzzy similarity of two fields, 0 below the floor. */
export function fuzzy(a: string | null, b: string | null, floor: number): number {
  if (a === null || b === null) return 0;
  const s = jaroWinkler(foldForSearch(a), foldForSearch(b));
  return s >= floor ? s : 0;
}

/** Score (0–100) of a farmer pair with the configured weights; exported for tests and docs. */
export function scoreFarmerPair(
  a: { first_name: string; last_name: string; birth_date: string | null },
  b: { first_name: string; last_name: string; birth_date: string | null },
  settings: JobSettings["dedup"],
): { score: number; fields: Record<string, unknown> } {
  const w = settings.farmer;
  const floor = settings.fieldFloor;
  const first = fuzzy(a.first_name, b.first_name, floor);
  const last = fuzzy(a.last_name, b.last_name, floor);
  const firstSwapped = fuzzy(a.first_name, b.last_name, floor);
  const lastSwapped = fuzzy(a.last_name, b.first_name, floor);
  const straight = w.firstName * first + w.lastName * last;
  const swapped = w.firstName * firstSwapped + w.lastName * lastSwapped;
  const birth = a.birth_date !== null && a.birth_date === b.birth_date;
  const names = Math.max(straight, swapped);
  const score = round2(100 * (names + (birth ? w.birthDate : 0)));
  const useSwapped = swapped > straight;
  return {
    score,
    fields: {
      first_name: round2(useSwapped ? firstSwapped : first),
      last_name: round2(useSwapped ? lastSwapped : last),
      birth_date: birth,
      names_swapped: useSwapped,
    },
  };
}

/** Score (0–100) of a household pair. */
export function scoreHouseholdPair(
  a: { head_name: string; address: string | null },
  b: { head_name: string; address: string | null },
  settings: JobSettings["dedup"],
): { score: number; fields: Record<string, unknown> } {
  const w = settings.household;
  const head = fuzzy(a.head_name, b.head_name, settings.fieldFloor);
  const address = fuzzy(a.address, b.address, settings.fieldFloor);
  return {
    score: round2(100 * (w.headName * head + w.address * address)),
    fields: { head_name: round2(head), address: round2(address) },
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

async function farmerMatches(ctx: TaskContext): Promise<Match[]> {
  const { client, recordId, settings } = ctx;
  const { rows } = await client.query<{
    first_name: string;
    last_name: string;
    birth_date: string | null;
    birth_year: number | null;
    region: string | null;
  }>("SELECT first_name, last_name, birth_date, birth_year, region FROM farmers WHERE id = $1", [recordId]);
  const me = rows[0];
  if (me === undefined)
    throw new RegistryError(RegistryErrorCodes.RECORD_NOT_FOUND, `farmer ${recordId} not found`);
  await client.query("SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)", [
    CANDIDATE_WORD_SIMILARITY,
  ]);
  const name = foldForSearch(`${me.first_name} ${me.last_name}`);
  const candidates = await client.query<{
    id: string;
    first_name: string;
    last_name: string;
    birth_date: string | null;
  }>(
    `SELECT id, first_name, last_name, birth_date FROM farmers
      WHERE id <> $1 AND status <> 'ARCHIVED'
        AND (birth_year = $2 OR region IS NOT DISTINCT FROM $3)
        AND $4 <% search_text
      ORDER BY word_similarity($4, search_text) DESC, id
      LIMIT $5`,
    [recordId, me.birth_year, me.region, name, settings.dedup.maxCandidates],
  );
  const out: Match[] = [];
  for (const c of candidates.rows) {
    const { score, fields } = scoreFarmerPair(me, c, settings.dedup);
    if (score >= settings.dedup.threshold) out.push({ candidateId: c.id, score, fields });
  }
  return out;
}

async function householdMatches(ctx: TaskContext): Promise<Match[]> {
  const { client, recordId, settings } = ctx;
  const { rows } = await client.query<{ head_name: string; address: string | null; region: string | null }>(
    `SELECT head_name, nullif(concat_ws(' ', address_line1, geo ->> 'village'), '') AS address, region
       FROM households WHERE id = $1`,
    [recordId],
  );
  const me = rows[0];
  if (me === undefined)
    throw new RegistryError(RegistryErrorCodes.RECORD_NOT_FOUND, `household ${recordId} not found`);
  await client.query("SELECT set_config('pg_trgm.word_similarity_threshold', $1, true)", [
    CANDIDATE_WORD_SIMILARITY,
  ]);
  const candidates = await client.query<{ id: string; head_name: string; address: string | null }>(
    `SELECT id, head_name, nullif(concat_ws(' ', address_line1, geo ->> 'village'), '') AS address FROM households
      WHERE id <> $1 AND status <> 'ARCHIVED' AND region IS NOT DISTINCT FROM $2 AND $3 <% search_text
      ORDER BY word_similarity($3, search_text) DESC, id
      LIMIT $4`,
    [recordId, me.region, foldForSearch(me.head_name), settings.dedup.maxCandidates],
  );
  const out: Match[] = [];
  for (const c of candidates.rows) {
    const { score, fields } = scoreHouseholdPair(me, c, settings.dedup);
    if (score >= settings.dedup.threshold) out.push({ candidateId: c.id, score, fields });
  }
  return out;
}

export const runDedup: TaskFunction = async (ctx) => {
  const matches = ctx.recordType === "farmer" ? await farmerMatches(ctx) : await householdMatches(ctx);
  await ctx.client.query("DELETE FROM dedup_results WHERE record_id = $1", [ctx.recordId]);
  if (matches.length > 0) {
    await ctx.client.query(
      `INSERT INTO dedup_results (record_type, record_id, candidate_id, score, field_matches, job_id)
       SELECT $1, $2, m.candidate_id, m.score, m.fields, $3
         FROM unnest($4::uuid[], $5::numeric[], $6::jsonb[]) AS m(candidate_id, score, fields)`,
      [
        ctx.recordType,
        ctx.recordId,
        ctx.jobId,
        matches.map((m) => m.candidateId),
        matches.map((m) => m.score),
        matches.map((m) => JSON.stringify(m.fields)),
      ],
    );
  }
  const best = matches.reduce((b, m) => Math.max(b, m.score), 0);
  return { candidates: matches.length, best_score: best };
};
