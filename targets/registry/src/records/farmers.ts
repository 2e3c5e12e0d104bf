/**
 * Farmers: create (with or into a household, with lands), search (trigram + filters), read, update.
 * Every statement is parameterised; the only SQL built from input is the ORDER BY, chosen from a
 * fixed map by a validated key.
 */
import type pg from "pg";
import type { Role } from "../auth/tokens.js";
import { withTransaction } from "../db/transaction.js";
import type { CreateFarmerInput, FarmerInput, FarmerPatch, LandInput, LocationInput } from "./inputs.js";
import { farmerSearchText, foldForSearch, householdSearchText, maskNationalId } from "./search-text.js";

/** `:id` in a route is an internal id when it looks like a UUID, else a functional id. */
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const FARMER_COLUMNS = `f.id, f.functional_id, f.household_id, f.status, f.created_at, f.created_by, f.approved_at,
  f.approved_by, f.updated_at, f.national_id, f.masked_national_id, f.first_name, f.middle_name, f.last_name,
  f.given_name, f.gender, f.birth_date, f.estimated_age, f.phone_numbers, f.emails, f.marital_status,
  f.occupation, f.income_level, f.language, f.education_level, f.registration_date, f.latitude, f.longitude,
  f.address_line1, f.address_line2, f.postal_code, f.country_code, f.geo, f.has_personal_phone,
  f.disability_type, f.disability_severity, f.income_source, f.language_spoken`;

type Row = Record<string, unknown>;

/** A farmer as the API returns it; viewers see the masked national id only. */
export function farmerToJson(r: Row, role: Role): Record<string, unknown> {
  const geo = (r.geo ?? {}) as Record<string, unknown>;
  return {
    id: r.id,
    functional_id: r.functional_id,
    household_id: r.household_id,
    status: r.status,
    ...(role === "staff" ? { national_id: r.national_id } : {}),
    masked_national_id: r.masked_national_id,
    first_name: r.first_name,
    middle_name: r.middle_name,
    last_name: r.last_name,
    given_name: r.given_name,
    gender: r.gender,
    birth_date: r.birth_date,
    estimated_age: r.estimated_age,
    phone_numbers: r.phone_numbers,
    emails: r.emails,
    marital_status: r.marital_status,
    occupation: r.occupation,
    income_level: r.income_level,
    language: r.language,
    education_level: r.education_level,
    registration_date: r.registration_date,
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
    has_personal_phone: r.has_personal_phone,
    disability:
      r.disability_type == null ? null : { type: r.disability_type, severity: r.disability_severity },
    income_source: r.income_source,
    language_spoken: r.language_spoken,
    created_at: r.created_at,
    created_by: r.created_by,
    approved_at: r.approved_at,
    approved_by: r.approved_by,
    updated_at: r.updated_at,
  };
}

function geoOf(loc: LocationInput | undefined): Record<string, string> {
  const geo: Record<string, string> = {};
  for (const k of ["region", "zone", "district", "village"] as const) {
    const v = loc?.[k];
    if (v !== undefined) geo[k] = v;
  }
  return geo;
}

function fullName(f: Pick<FarmerInput, "first_name" | "middle_name" | "last_name">): string {
  return [f.first_name, f.middle_name, f.last_name].filter(Boolean).join(" ");
}

/** The farmer's column values, in the order of `FARMER_WRITE_COLUMNS`. */
function farmerValues(f: FarmerInput): unknown[] {
  const loc = f.location;
  return [
    f.national_id,
    f.first_name,
    f.middle_name ?? null,
    f.last_name,
    f.given_name ?? null,
    f.gender,
    f.birth_date ?? null,
    f.estimated_age ?? null,
    f.phone_numbers ?? [],
    f.emails ?? [],
    f.marital_status ?? null,
    f.occupation ?? null,
    f.income_level ?? null,
    f.language ?? null,
    f.education_level ?? null,
    loc?.latitude ?? null,
    loc?.longitude ?? null,
    loc?.address_line1 ?? null,
    loc?.address_line2 ?? null,
    loc?.postal_code ?? null,
    loc?.country_code ?? null,
    JSON.stringify(geoOf(loc)),
    f.has_personal_phone ?? (f.phone_numbers ?? []).length > 0,
    f.disability?.type ?? null,
    f.disability?.severity ?? null,
    f.income_source ?? null,
    f.language_spoken ?? null,
    maskNationalId(f.national_id),
    farmerSearchText(f),
  ];
}

const FARMER_WRITE_COLUMNS = [
  "national_id",
  "first_name",
  "middle_name",
  "last_name",
  "given_name",
  "gender",
  "birth_date",
  "estimated_age",
  "phone_numbers",
  "emails",
  "marital_status",
  "occupation",
  "income_level",
  "language",
  "education_level",
  "latitude",
  "longitude",
  "address_line1",
  "address_line2",
  "postal_code",
  "country_code",
  "geo",
  "has_personal_phone",
  "disability_type",
  "disability_severity",
  "income_source",
  "language_spoken",
  "masked_national_id",
  "search_text",
] as const;

/** Outcome of a create: the new farmer, or why not. */
export type CreateFarmerResult =
  | { ok: true; farmer: Row; householdId: string; landIds: string[] }
  | { ok: false; reason: "household_not_found" };

/** Create a farmer in one transaction, with a new household (the farmer heads it) or an existing one. */
export async function createFarmer(
  pool: pg.Pool,
  input: CreateFarmerInput,
  createdBy: string,
): Promise<CreateFarmerResult> {
  return withTransaction(pool, async (c) => {
    const f = input.farmer;
    let householdId: string;
    const newHousehold = input.household !== undefined;
    if (input.household !== undefined) {
      const h = input.household;
      const loc = h.location ?? f.location;
      const headName = fullName(f);
      const { rows } = await c.query<{ id: string }>(
        `INSERT INTO households (created_by, head_name, size, children_count, female_count, male_count,
           elderly_present, latitude, longitude, address_line1, address_line2, postal_code, country_code, geo, search_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
        [
          createdBy,
          headName,
          h.size,
          h.children_count ?? 0,
          h.female_count ?? 0,
          h.male_count ?? 0,
          h.elderly_present ?? false,
          loc?.latitude ?? null,
          loc?.longitude ?? null,
          loc?.address_line1 ?? null,
          loc?.address_line2 ?? null,
          loc?.postal_code ?? null,
          loc?.country_code ?? null,
          JSON.stringify(geoOf(loc)),
          householdSearchText({
            head_name: headName,
            address_line1: loc?.address_line1,
            village: loc?.village,
          }),
        ],
      );
      householdId = rows[0]!.id;
    } else {
      const found = await c.query("SELECT 1 FROM households WHERE id = $1 FOR SHARE", [input.household_id]);
      if (found.rowCount === 0) return { ok: false, reason: "household_not_found" };
      householdId = input.household_id!;
    }

    const values = farmerValues(f);
    const placeholders = values.map((_, i) => `$${i + 3}`).join(", ");
    const { rows } = await c.query(
      `INSERT INTO farmers AS f (household_id, created_by, registration_date, ${FARMER_WRITE_COLUMNS.join(", ")})
       VALUES ($1, $2, coalesce($${values.length + 3}::date, current_date), ${placeholders})
       RETURNING ${FARMER_COLUMNS}`,
      [householdId, createdBy, ...values, f.registration_date ?? null],
    );
    const farmer = rows[0]!;

    await c.query(
      `INSERT INTO household_members (household_id, farmer_id, created_by, first_name, last_name, gender, birth_date,
         relationship, is_head) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        householdId,
        farmer.id,
        createdBy,
        f.first_name,
        f.last_name,
        f.gender,
        f.birth_date ?? null,
        newHousehold ? "HEAD" : "MEMBER",
        newHousehold,
      ],
    );
    for (const m of input.household?.members ?? []) {
      await c.query(
        `INSERT INTO household_members (household_id, created_by, first_name, last_name, gender, birth_date, relationship)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [householdId, createdBy, m.first_name, m.last_name, m.gender, m.birth_date ?? null, m.relationship],
      );
    }
    const landIds: string[] = [];
    for (const land of input.lands ?? [])
      landIds.push(await insertLand(c, farmer.id as string, land, createdBy));
    for (const m of input.memberships ?? []) {
      await c.query(
        "INSERT INTO memberships (farmer_id, created_by, cooperative_name, role, joined_on) VALUES ($1, $2, $3, $4, $5)",
        [farmer.id, createdBy, m.cooperative_name, m.role ?? "MEMBER", m.joined_on ?? null],
      );
    }
    return { ok: true, farmer, householdId, landIds };
  });
}

async function insertLand(
  c: pg.PoolClient,
  farmerId: string,
  land: LandInput,
  createdBy: string,
): Promise<string> {
  const { rows } = await c.query<{ id: string }>(
    `INSERT INTO lands (farmer_id, created_by, ownership, size, size_unit, land_use, farming_type, acquisition_year,
       latitude, longitude) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      farmerId,
      createdBy,
      land.ownership,
      land.size,
      land.size_unit,
      land.land_use ?? null,
      land.farming_type,
      land.acquisition_year ?? null,
      land.latitude ?? null,
      land.longitude ?? null,
    ],
  );
  const landId = rows[0]!.id;
  for (const crop of land.crops ?? []) {
    await c.query(
      `INSERT INTO crops (land_id, created_by, crop_name, season, area_planted, expected_yield_kg)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        landId,
        createdBy,
        crop.crop_name,
        crop.season ?? null,
        crop.area_planted ?? null,
        crop.expected_yield_kg ?? null,
      ],
    );
  }
  for (const l of land.livestock ?? []) {
    await c.query(
      "INSERT INTO livestock (land_id, created_by, animal_type, head_count) VALUES ($1, $2, $3, $4)",
      [landId, createdBy, l.animal_type, l.head_count],
    );
  }
  for (const i of land.inputs ?? []) {
    await c.query(
      "INSERT INTO farm_inputs (land_id, created_by, input_type, quantity, unit) VALUES ($1, $2, $3, $4, $5)",
      [landId, createdBy, i.input_type, i.quantity ?? null, i.unit ?? null],
    );
  }
  return landId;
}

/** Find a farmer by internal id (UUID) or functional id. */
export async function getFarmer(
  pool: pg.Pool | pg.PoolClient,
  idOrFunctionalId: string,
  forUpdate = false,
): Promise<Row | undefined> {
  const column = UUID_RE.test(idOrFunctionalId) ? "id" : "functional_id";
  const { rows } = await pool.query(
    `SELECT ${FARMER_COLUMNS} FROM farmers f WHERE f.${column} = $1${forUpdate ? " FOR UPDATE" : ""}`,
    [idOrFunctionalId],
  );
  return rows[0];
}

/** Search parameters of `GET /farmers` (already validated and clamped). */
export interface FarmerSearch {
  q?: string;
  national_id?: string;
  region?: string;
  gender?: string;
  status?: string;
  min_age?: number;
  max_age?: number;
  sort?: FarmerSort;
  limit: number;
  offset: number;
}

export const FARMER_SORTS = [
  "relevance",
  "name",
  "-name",
  "registration_date",
  "-registration_date",
  "created_at",
  "-created_at",
] as const;
export type FarmerSort = (typeof FARMER_SORTS)[number];

const ORDER_BY: Record<Exclude<FarmerSort, "relevance">, string> = {
  name: "f.last_name, f.first_name, f.id",
  "-name": "f.last_name DESC, f.first_name DESC, f.id DESC",
  registration_date: "f.registration_date, f.id",
  "-registration_date": "f.registration_date DESC, f.id DESC",
  created_at: "f.created_at, f.id",
  "-created_at": "f.created_at DESC, f.id DESC",
};

/** One page of farmers matching every given filter; `hasMore` tells whether another page exists. */
export async function searchFarmers(
  pool: pg.Pool,
  s: FarmerSearch,
): Promise<{ rows: Row[]; hasMore: boolean }> {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  let queryRef: string | undefined;
  if (s.q !== undefined) {
    const query = foldForSearch(s.q);
    // Nothing searchable left (only punctuation): nothing can match it.
    if (query === "") return { rows: [], hasMore: false };
    queryRef = p(query);
    where.push(`${queryRef} <% f.search_text`);
  }
  if (s.national_id !== undefined) where.push(`f.national_id = ${p(s.national_id)}`);
  if (s.region !== undefined) where.push(`f.region = ${p(s.region)}`);
  if (s.gender !== undefined) where.push(`f.gender = ${p(s.gender)}`);
  if (s.status !== undefined) where.push(`f.status = ${p(s.status)}`);
  // Age in whole years from the birth date, or the estimated age when there is no birth date.
  if (s.min_age !== undefined) {
    const a = p(s.min_age);
    where.push(
      `(f.birth_date <= current_date - make_interval(years => ${a}) OR (f.birth_date IS NULL AND f.estimated_age >= ${a}))`,
    );
  }
  if (s.max_age !== undefined) {
    const a = p(s.max_age);
    where.push(
      `(f.birth_date > current_date - make_interval(years => ${a} + 1) OR (f.birth_date IS NULL AND f.estimated_age <= ${a}))`,
    );
  }
  const sort = s.sort ?? (queryRef !== undefined ? "relevance" : "-created_at");
  const orderBy =
    sort === "relevance"
      ? queryRef !== undefined
        ? `word_similarity(${queryRef}, f.search_text) DESC, f.id`
        : ORDER_BY["-created_at"]
      : ORDER_BY[sort];
  const sql = `SELECT ${FARMER_COLUMNS} FROM farmers f
    ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY ${orderBy} LIMIT ${p(s.limit + 1)} OFFSET ${p(s.offset)}`;
  const { rows } = await pool.query(sql, params);
  const hasMore = rows.length > s.limit;
  return { rows: hasMore ? rows.slice(0, s.limit) : rows, hasMore };
}

/** Apply a partial update; undefined when no such farmer. Name changes refresh search_text. */
export async function updateFarmer(
  pool: pg.Pool,
  idOrFunctionalId: string,
  patch: FarmerPatch,
): Promise<Row | undefined> {
  return withTransaction(pool, async (c) => {
    const current = await getFarmer(c, idOrFunctionalId, true);
    if (current === undefined) return undefined;
    const currentJson = farmerToJson(current, "staff") as unknown as FarmerInput & {
      location: LocationInput;
    };
    const merged: FarmerInput = {
      ...stripNulls(currentJson),
      ...patch,
      location: { ...stripNulls(currentJson.location), ...patch.location },
    } as FarmerInput;
    const values = farmerValues(merged);
    const sets = FARMER_WRITE_COLUMNS.map((col, i) => `${col} = $${i + 2}`);
    const { rows } = await c.query(
      `UPDATE farmers AS f SET ${sets.join(", ")}, status = coalesce($${values.length + 2}, f.status),
         registration_date = coalesce($${values.length + 3}::date, f.registration_date), updated_at = now()
       WHERE f.id = $1 RETURNING ${FARMER_COLUMNS}`,
      [current.id, ...values, patch.status ?? null, patch.registration_date ?? null],
    );
    return rows[0];
  });
}

function stripNulls<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as T;
}

/** A farmer's lands, each with its crops, livestock and farm inputs. */
export async function listLands(
  pool: pg.Pool,
  farmerId: string,
  limit: number,
  offset: number,
): Promise<{ rows: Row[]; hasMore: boolean }> {
  const { rows } = await pool.query(
    `SELECT l.id, l.functional_id, l.farmer_id, l.status, l.created_at, l.created_by, l.ownership, l.size, l.size_unit,
        l.land_use, l.farming_type, l.acquisition_year, l.latitude, l.longitude,
        (SELECT coalesce(json_agg(to_jsonb(c) - 'land_id' ORDER BY c.functional_id), '[]'::json) FROM crops c WHERE c.land_id = l.id) AS crops,
        (SELECT coalesce(json_agg(to_jsonb(v) - 'land_id' ORDER BY v.functional_id), '[]'::json) FROM livestock v WHERE v.land_id = l.id) AS livestock,
        (SELECT coalesce(json_agg(to_jsonb(i) - 'land_id' ORDER BY i.functional_id), '[]'::json) FROM farm_inputs i WHERE i.land_id = l.id) AS inputs
       FROM lands l WHERE l.farmer_id = $1 ORDER BY l.functional_id LIMIT $2 OFFSET $3`,
    [farmerId, limit + 1, offset],
  );
  const hasMore = rows.length > limit;
  return { rows: hasMore ? rows.slice(0, limit) : rows, hasMore };
}
