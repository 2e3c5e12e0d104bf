/**
 * A small realistic dataset: farmers in households with lands, crops, livestock, farm inputs and
 * memberships, in the proportions of OpenG2P's farmer-registry generator (domain.md). About 1% of
 * farmers are planted near-duplicates of earlier ones (a typo or swapped names, same birth date and
 * region), so dedup jobs have something to find. 90% of households and farmers get a functional id
 * from the id generator (marked issued in the pool); the rest wait for idgen jobs.
 *
 * Built for thousands of rows (multi-row INSERTs, ~1 s per 3,000 farmers here); bulk loading at
 * COPY speed is the data generator's job.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { withTransaction } from "../db/transaction.js";
import { generateIds } from "../jobs/id-generator.js";
import { farmerSearchText, householdSearchText, maskNationalId } from "../records/search-text.js";
import {
  ANIMALS,
  COOPERATIVES,
  CROPS,
  FEMALE_NAMES,
  GEO,
  INPUTS,
  LANGUAGES,
  MALE_NAMES,
  OCCUPATIONS,
  SURNAMES,
} from "./names.js";
import { SeededRandom } from "./random.js";

export const SEED_CREATOR = "seed";

export interface SeedOptions {
  /** Farmers to add. */
  count: number;
  /** PRNG seed (the data, not the uuids, is reproducible). Default 1. */
  seed?: number;
  /** Share of farmers that are near-duplicates of earlier ones. Default 0.01. */
  duplicateShare?: number;
  /** Share of records given a functional id now. Default 0.9. */
  functionalIdShare?: number;
}

export interface SeedResult {
  households: number;
  farmers: number;
  rows: number;
}

interface PersonSeed {
  first: string;
  last: string;
  gender: "MALE" | "FEMALE";
  birthDate: string | null;
  region: string;
}

type Rows = unknown[][];

/** Add `count` seeded farmers (with everything around them). Numbering continues after earlier seeds. */
export async function seedFarmers(pool: pg.Pool, options: SeedOptions): Promise<SeedResult> {
  const existing = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM farmers WHERE created_by = $1",
    [SEED_CREATOR],
  );
  const base = existing.rows[0]!.n;
  const rnd = new SeededRandom((options.seed ?? 1) * 1_000_003 + base);
  const dupShare = options.duplicateShare ?? 0.01;
  const idShare = options.functionalIdShare ?? 0.9;
  const today = new Date();

  const t = {
    households: [] as Rows,
    farmers: [] as Rows,
    members: [] as Rows,
    lands: [] as Rows,
    crops: [] as Rows,
    livestock: [] as Rows,
    inputs: [] as Rows,
    memberships: [] as Rows,
    pool: [] as Rows,
  };
  const people: PersonSeed[] = [];
  const wantIds = Math.ceil(options.count * 2 * idShare) + 10;
  const functionalIds = generateIds(wantIds);
  let nextFunctionalId = 0;
  const functionalId = (recordId: string): string | null => {
    if (!rnd.chance(idShare) || nextFunctionalId >= functionalIds.length) return null;
    const id = functionalIds[nextFunctionalId++]!;
    t.pool.push([id, "ASSIGNED", recordId]);
    return id;
  };

  let farmers = 0;
  let households = 0;
  while (farmers < options.count) {
    households++;
    const householdId = randomUUID();
    const region = rnd.pick(Object.keys(GEO));
    const zone = rnd.pick(GEO[region]!);
    const geo = {
      region,
      zone,
      district: `${zone} ${rnd.pick(["North", "South", "East", "West", "Central"])}`,
      village: `${zone} village ${rnd.int(1, 40)}`,
    };
    const lat = rnd.real(-4.5, 4.5, 5);
    const lon = rnd.real(34, 41.5, 5);
    const address = `Plot ${rnd.int(1, 999)}, ${geo.village}`;
    const size = rnd.weighted([
      [1, 6],
      [2, 10],
      [3, 15],
      [4, 20],
      [5, 18],
      [6, 13],
      [7, 9],
      [8, 5],
      [9, 4],
    ] as const);
    const children = size === 1 ? 0 : rnd.int(0, Math.min(size - 1, 6));
    const farmersHere = Math.min(options.count - farmers, size >= 3 && rnd.chance(0.15) ? 2 : 1);

    let head: PersonSeed | undefined;
    for (let k = 0; k < farmersHere; k++) {
      const farmerId = randomUUID();
      const index = base + farmers;
      const original = people.length > 20 && rnd.chance(dupShare) ? rnd.pick(people) : undefined;
      const person =
        original !== undefined
          ? nearDuplicate(original, rnd)
          : newPerson(rnd, region, today, k === 1 ? head : undefined);
      people.push(person);
      head ??= person;
      const nationalId = nationalIdOf(index);
      const hasPhone = rnd.chance(0.58);
      const disabled = rnd.chance(0.07);
      const estimatedAge = person.birthDate === null ? rnd.int(19, 82) : null;
      const farmer = { first_name: person.first, last_name: person.last, national_id: nationalId };
      t.farmers.push([
        farmerId,
        functionalId(farmerId),
        householdId,
        SEED_CREATOR,
        nationalId,
        person.first,
        person.last,
        person.gender,
        person.birthDate,
        estimatedAge,
        hasPhone ? [`+2547${String(rnd.int(0, 99_999_999)).padStart(8, "0")}`] : [],
        rnd.chance(0.2)
          ? [`${person.first}.${person.last}${rnd.int(1, 99)}@example.org`.toLowerCase().replace(/'/g, "")]
          : [],
        rnd.weighted([
          ["MARRIED", 63],
          ["SINGLE", 18],
          ["WIDOWED", 12],
          ["DIVORCED", 7],
        ] as const),
        rnd.pick(OCCUPATIONS),
        rnd.weighted([
          ["LOW", 60],
          ["MEDIUM", 32],
          ["HIGH", 8],
        ] as const),
        rnd.pick(LANGUAGES),
        rnd.weighted([
          ["NEVER_ATTENDED", 28],
          ["PRIMARY", 36],
          ["SECONDARY", 24],
          ["TERTIARY", 9],
          ["NON_FORMAL", 3],
        ] as const),
        isoDate(new Date(today.getTime() - rnd.int(0, 5 * 365) * 86_400_000)),
        lat,
        lon,
        address,
        "KE",
        JSON.stringify(geo),
        hasPhone,
        disabled ? rnd.pick(["Visual", "Hearing", "Physical", "Intellectual"]) : null,
        disabled
          ? rnd.weighted([
              ["MILD", 50],
              ["MODERATE", 35],
              ["SEVERE", 15],
            ] as const)
          : null,
        rnd.weighted([
          ["CROP", 55],
          ["LIVESTOCK", 27],
          ["GOVERNMENT_NGO", 10],
          ["OTHER", 8],
        ] as const),
        rnd.pick(LANGUAGES),
        maskNationalId(nationalId),
        farmerSearchText(farmer),
      ]);
      t.members.push([
        randomUUID(),
        householdId,
        farmerId,
        SEED_CREATOR,
        person.first,
        person.last,
        person.gender,
        person.birthDate,
        k === 0 ? "HEAD" : "SPOUSE",
        k === 0,
      ]);
      addLands(t, rnd, farmerId, lat, lon, today);
      if (rnd.chance(0.34)) {
        t.memberships.push([
          randomUUID(),
          farmerId,
          SEED_CREATOR,
          rnd.pick(COOPERATIVES),
          rnd.chance(0.1) ? "LEADER" : "MEMBER",
          isoDate(new Date(today.getTime() - rnd.int(30, 3650) * 86_400_000)),
        ]);
      }
      farmers++;
    }

    // The rest of the household: children first, then other adults.
    for (let m = farmersHere; m < size; m++) {
      const isChild = m - farmersHere < children;
      const gender = rnd.chance(0.5) ? "MALE" : "FEMALE";
      const age = isChild ? rnd.int(0, 17) : rnd.int(18, 90);
      t.members.push([
        randomUUID(),
        householdId,
        null,
        SEED_CREATOR,
        rnd.pick(gender === "MALE" ? MALE_NAMES : FEMALE_NAMES),
        head!.last,
        gender,
        birthDateForAge(rnd, age, today),
        isChild ? "CHILD" : rnd.pick(["PARENT", "SIBLING", "RELATIVE"]),
        false,
      ]);
    }
    const female = rnd.int(0, size);
    const headName = `${head!.first} ${head!.last}`;
    t.households.push([
      householdId,
      functionalId(householdId),
      SEED_CREATOR,
      headName,
      size,
      children,
      female,
      size - female,
      rnd.chance(0.2),
      lat,
      lon,
      address,
      "KE",
      JSON.stringify(geo),
      householdSearchText({ head_name: headName, address_line1: address, village: geo.village }),
    ]);
  }

  await withTransaction(pool, async (c) => {
    await insertRows(
      c,
      "households",
      [
        "id",
        "functional_id",
        "created_by",
        "head_name",
        "size",
        "children_count",
        "female_count",
        "male_count",
        "elderly_present",
        "latitude",
        "longitude",
        "address_line1",
        "country_code",
        "geo",
        "search_text",
      ],
      t.households,
    );
    await insertRows(
      c,
      "farmers",
      [
        "id",
        "functional_id",
        "household_id",
        "created_by",
        "national_id",
        "first_name",
        "last_name",
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
        "registration_date",
        "latitude",
        "longitude",
        "address_line1",
        "country_code",
        "geo",
        "has_personal_phone",
        "disability_type",
        "disability_severity",
        "income_source",
        "language_spoken",
        "masked_national_id",
        "search_text",
      ],
      t.farmers,
    );
    await insertRows(
      c,
      "household_members",
      [
        "id",
        "household_id",
        "farmer_id",
        "created_by",
        "first_name",
        "last_name",
        "gender",
        "birth_date",
        "relationship",
        "is_head",
      ],
      t.members,
    );
    await insertRows(
      c,
      "lands",
      [
        "id",
        "farmer_id",
        "created_by",
        "ownership",
        "size",
        "size_unit",
        "land_use",
        "farming_type",
        "acquisition_year",
        "latitude",
        "longitude",
      ],
      t.lands,
    );
    await insertRows(
      c,
      "crops",
      ["land_id", "created_by", "crop_name", "season", "area_planted", "expected_yield_kg"],
      t.crops,
    );
    await insertRows(c, "livestock", ["land_id", "created_by", "animal_type", "head_count"], t.livestock);
    await insertRows(c, "farm_inputs", ["land_id", "created_by", "input_type", "quantity", "unit"], t.inputs);
    await insertRows(
      c,
      "memberships",
      ["id", "farmer_id", "created_by", "cooperative_name", "role", "joined_on"],
      t.memberships,
    );
    await insertRows(c, "id_pool", ["id", "status", "assigned_to"], t.pool);
  });
  await pool.query(
    "ANALYZE households, farmers, household_members, lands, crops, livestock, farm_inputs, memberships",
  );
  const rows = Object.entries(t)
    .filter(([k]) => k !== "pool")
    .reduce((s, [, v]) => s + v.length, 0);
  return { households, farmers, rows };
}

function addLands(
  t: { lands: Rows; crops: Rows; livestock: Rows; inputs: Rows },
  rnd: SeededRandom,
  farmerId: string,
  lat: number,
  lon: number,
  today: Date,
): void {
  const lands = rnd.weighted([
    [0, 6],
    [1, 55],
    [2, 28],
    [3, 11],
  ] as const);
  for (let l = 0; l < lands; l++) {
    const landId = randomUUID();
    const unit = rnd.weighted([
      ["HECTARE", 55],
      ["ACRE", 35],
      ["SQUARE_METER", 10],
    ] as const);
    const size =
      unit === "HECTARE" ? rnd.real(0.15, 9) : unit === "ACRE" ? rnd.real(0.4, 22) : rnd.int(500, 40_000);
    const type = rnd.weighted([
      ["CROP", 48],
      ["MIXED", 32],
      ["LIVESTOCK", 14],
      ["AGROFORESTRY", 4],
      ["AQUACULTURE", 2],
    ] as const);
    t.lands.push([
      landId,
      farmerId,
      SEED_CREATOR,
      rnd.weighted([
        ["OWNER", 62],
        ["TENANT", 26],
        ["CROP_SHARE", 12],
      ] as const),
      size,
      unit,
      type === "LIVESTOCK" ? "Grazing" : "Cultivation",
      type,
      rnd.int(today.getFullYear() - 40, today.getFullYear()),
      lat + rnd.real(-0.01, 0.01, 5),
      lon + rnd.real(-0.01, 0.01, 5),
    ]);
    if (type === "CROP" || type === "MIXED") {
      for (let i = rnd.int(1, 3); i > 0; i--) {
        t.crops.push([
          landId,
          SEED_CREATOR,
          rnd.pick(CROPS),
          rnd.pick(["Long rains", "Short rains", "All year"]),
          rnd.real(0.1, 5),
          rnd.real(50, 5000, 2),
        ]);
      }
    }
    if (type === "LIVESTOCK" || type === "MIXED") {
      for (let i = rnd.int(1, 3); i > 0; i--)
        t.livestock.push([landId, SEED_CREATOR, rnd.pick(ANIMALS), rnd.int(1, 60)]);
    }
    if (rnd.chance(0.72))
      t.inputs.push([
        landId,
        SEED_CREATOR,
        rnd.pick(INPUTS),
        rnd.real(1, 500),
        rnd.pick(["kg", "litre", "bag"]),
      ]);
  }
}

function newPerson(
  rnd: SeededRandom,
  region: string,
  today: Date,
  spouseOf: PersonSeed | undefined,
): PersonSeed {
  const gender =
    spouseOf !== undefined
      ? spouseOf.gender === "MALE"
        ? "FEMALE"
        : "MALE"
      : rnd.chance(0.53)
        ? "MALE"
        : "FEMALE";
  return {
    first: rnd.pick(gender === "MALE" ? MALE_NAMES : FEMALE_NAMES),
    last: spouseOf?.last ?? rnd.pick(SURNAMES),
    gender,
    birthDate: rnd.chance(0.04) ? null : birthDateForAge(rnd, rnd.int(19, 82), today),
    region,
  };
}

/** The same person entered again: one typo (adjacent letters swapped) or first and last name swapped. */
export function nearDuplicate(p: PersonSeed, rnd: SeededRandom): PersonSeed {
  const kind = rnd.int(0, 2);
  if (kind === 2) return { ...p, first: p.last, last: p.first };
  const swapAdjacent = (s: string) => {
    if (s.length < 4) return `${s}${s.at(-1)}`;
    const i = rnd.int(1, s.length - 3);
    return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  };
  return kind === 0 ? { ...p, first: swapAdjacent(p.first) } : { ...p, last: swapAdjacent(p.last) };
}

function birthDateForAge(rnd: SeededRandom, age: number, today: Date): string {
  const d = new Date(Date.UTC(today.getUTCFullYear() - age - 1, today.getUTCMonth(), today.getUTCDate()));
  d.setUTCDate(d.getUTCDate() + rnd.int(1, 364));
  return isoDate(d);
}

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Distinct 10-digit national ids for distinct indexes (multiplication by an odd number not
 * divisible by 5 permutes the residues mod 10^10). */
function nationalIdOf(index: number): string {
  const n = (BigInt(index + 1) * 2_654_435_761n) % 10_000_000_000n;
  return n.toString().padStart(10, "0");
}

// PostgreSQL takes at most 65,535 parameters per statement.
const MAX_PARAMS = 60_000;

async function insertRows(
  c: pg.PoolClient,
  table: string,
  columns: readonly string[],
  rows: Rows,
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const refs = row.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return `(${refs.join(", ")})`;
    });
    await c.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ${tuples.join(", ")}`, params);
  }
}
