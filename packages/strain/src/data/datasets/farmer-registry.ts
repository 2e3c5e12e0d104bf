/**
 * The built-in `farmer-registry` dataset: seed 000's Farmer Registry (targets/registry's
 * migrations/0001_registers.sql) filled in the proportions of OpenG2P's farmer-registry generator
 * (../shared/domain.md). One root row is one household and everything under it:
 *
 *   household h ─┬─ farmers k < 8          key h·8 + k ─┬─ lands l < 3        key farmer·3 + l ─┬─ crops c < 3      key land·3 + c
 *                │                                      │                                      ├─ livestock c < 3  key land·3 + c
 *                │                                      └─ membership (34%)  key farmer         └─ farm input (72%) key land
 *                ├─ household_members m < 12 key h·12 + m   (the farmers first, then 0–4 children)
 *                └─ score (POVERTY)  → score_history id h + 1
 *
 * Every uuid is `uuidOf(key, streamId(table))`, so a child's foreign key is computed from its
 * parent's key, and sub-table functional ids are `PREFIX-` + the key on 9 digits (the migration's
 * own sequence format). Each table draws from its own random stream, re-seeded per household, so a
 * row is a pure function of (seed, household) and skipping a table leaves the others unchanged.
 *
 * Households and farmers get a 12-digit Verhoeff-checked functional id 90% of the time (the rest
 * are left to the registry's idgen job); 1% of farmers are near-duplicates (one typo or swapped
 * names, same birth date and region) of an earlier household's head, for its dedup job.
 *
 * Speed: every dictionary entry is escaped, folded for search_text and turned into an e-mail part
 * once, at start-up; days, times, field combinations and the POVERTY score rows are precomputed; a
 * row is one array join with no Date, JSON, regex or Intl on the way (bench/data-generate.ts).
 */
import { copyEscape, dayNumber, NULL } from "../copy-text.js";
import type { ChunkOutput, DatasetDefinition, TableDefinition } from "../dataset.js";
import { digits, permute10, uuidOf, verhoeffDigitOf } from "../ids.js";
import { getLocale } from "../locales/index.js";
import type { Locale } from "../locales/locale.js";
import { mix32, Rng, streamId, Weighted } from "../rng.js";

/**
 * The fixed "today" of every generated row: ages, birth dates, registration dates and timestamps
 * count back from it, never from the clock, so a seed gives byte-identical rows on any day.
 */
export const FARMER_REGISTRY_AS_OF = "2025-06-30";

/** Options of {@link farmerRegistry}. */
export interface FarmerRegistryOptions {
  /** Locale of names and places (`ke`, `ph`; see locales/index.ts). Default `ke`. */
  readonly locale?: string;
}

const CREATED_BY = "strain-data";
const STATUS = "ACTIVE";

// ── tables ──────────────────────────────────────────────────────────────────────────────────────
// Every column of the migration except the generated `region` and `birth_year`; defaults
// (created_at, status, functional ids) are supplied too, so nothing depends on now() or a sequence.

const AUDIT = ["status", "created_at", "created_by", "approved_at", "approved_by"] as const;
const GEO_COLUMNS = [
  "latitude",
  "longitude",
  "address_line1",
  "address_line2",
  "postal_code",
  "country_code",
  "geo",
] as const;

const COLUMNS = {
  households: [
    "id",
    "functional_id",
    "parent_id",
    ...AUDIT,
    "updated_at",
    "head_name",
    "size",
    "children_count",
    "female_count",
    "male_count",
    "elderly_present",
    ...GEO_COLUMNS,
    "search_text",
  ],
  farmers: [
    "id",
    "functional_id",
    "household_id",
    ...AUDIT,
    "updated_at",
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
    "registration_date",
    ...GEO_COLUMNS,
    "has_personal_phone",
    "disability_type",
    "disability_severity",
    "income_source",
    "language_spoken",
    "masked_national_id",
    "search_text",
  ],
  household_members: [
    "id",
    "functional_id",
    "household_id",
    "farmer_id",
    ...AUDIT,
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "relationship",
    "is_head",
  ],
  lands: [
    "id",
    "functional_id",
    "farmer_id",
    ...AUDIT,
    "ownership",
    "size",
    "size_unit",
    "land_use",
    "farming_type",
    "acquisition_year",
    "latitude",
    "longitude",
  ],
  crops: [
    "id",
    "functional_id",
    "land_id",
    "status",
    "created_at",
    "created_by",
    "crop_name",
    "season",
    "area_planted",
    "expected_yield_kg",
  ],
  livestock: [
    "id",
    "functional_id",
    "land_id",
    "status",
    "created_at",
    "created_by",
    "animal_type",
    "head_count",
  ],
  farm_inputs: [
    "id",
    "functional_id",
    "land_id",
    "status",
    "created_at",
    "created_by",
    "input_type",
    "quantity",
    "unit",
  ],
  memberships: [
    "id",
    "functional_id",
    "farmer_id",
    "status",
    "created_at",
    "created_by",
    "cooperative_name",
    "role",
    "joined_on",
  ],
  scores: ["record_id", "record_type", "score_type", "value", "inputs", "version", "computed_at", "job_id"],
  score_history: [
    "id",
    "record_id",
    "record_type",
    "score_type",
    "value",
    "inputs",
    "version",
    "computed_at",
    "job_id",
  ],
} as const;

// Table indexes in load order (the order of `tables` below).
const HOUSEHOLDS = 0;
const FARMERS = 1;
const MEMBERS = 2;
const LANDS = 3;
const CROPS = 4;
const LIVESTOCK = 5;
const INPUTS = 6;
const MEMBERSHIPS = 7;
const SCORES = 8;
const HISTORY = 9;

const S_HOUSEHOLDS = streamId("households");
const S_FARMERS = streamId("farmers");
const S_MEMBERS = streamId("household_members");
const S_LANDS = streamId("lands");
const S_CROPS = streamId("crops");
const S_LIVESTOCK = streamId("livestock");
const S_INPUTS = streamId("farm_inputs");
const S_MEMBERSHIPS = streamId("memberships");
// Seed-derived keys of the id permutations and of the household → region hash.
const K_NATIONAL_ID = streamId("farmers.national_id");
const K_FUNCTIONAL_ID = streamId("functional_id");
const K_REGION = streamId("households.region");

// ── proportions (domain.md) ─────────────────────────────────────────────────────────────────────

/** Farmers per household: 1–8, mean 3.98 (seed 000: 40M individuals in 10M households). */
const FARMERS_PER_HOUSEHOLD = new Weighted<number>([
  [1, 8],
  [2, 14],
  [3, 20],
  [4, 22],
  [5, 16],
  [6, 10],
  [7, 6],
  [8, 4],
]);
/** Children (household members without a farmer row): uniform 0–4. */
const MAX_CHILDREN = 4;
const LANDS_PER_FARMER = new Weighted<number>([
  [0, 6],
  [1, 55],
  [2, 28],
  [3, 11],
]);
/** Share of male farmers over all farmers (domain.md). */
const P_MALE = 0.53;
/** Share of male heads; farmer 1 is the head's spouse (the other gender), the rest make up P_MALE. */
const P_HEAD_MALE = 0.75;
const P_NO_BIRTH_DATE = 0.04;
const P_MIDDLE_NAME = 0.25;
const P_SHARES_HEAD_SURNAME = 0.7;
const P_DISABLED = 0.07;
const P_OWN_PHONE = 0.58;
const P_EMAIL = 0.2;
const P_FUNCTIONAL_ID = 0.9;
const P_APPROVED = 0.85;
const P_FARM_INPUT = 0.72;
const P_MEMBERSHIP = 0.34;
const P_LEADER = 0.1;
/** Share of all farmers that are near-duplicates of an earlier household's head. */
const DUPLICATE_SHARE = 0.01;
const MIN_AGE = 19;
const MAX_AGE = 82;
const ELDERLY_AGE = 60;
/** Poverty score weights: the registry's DEFAULT_JOB_SETTINGS.score.poverty (a test keeps them equal). */
const POVERTY_SIZE_WEIGHT = 0.45;
const POVERTY_CHILDREN_WEIGHT = 0.55;

const MARITAL = new Weighted<string>([
  ["MARRIED", 63],
  ["SINGLE", 18],
  ["WIDOWED", 12],
  ["DIVORCED", 7],
]);
const EDUCATION = new Weighted<string>([
  ["NEVER_ATTENDED", 28],
  ["PRIMARY", 36],
  ["SECONDARY", 24],
  ["TERTIARY", 9],
  ["NON_FORMAL", 3],
]);
const INCOME_LEVEL = new Weighted<string>([
  ["LOW", 60],
  ["MEDIUM", 32],
  ["HIGH", 8],
]);
const INCOME_SOURCE = new Weighted<string>([
  ["CROP", 55],
  ["LIVESTOCK", 27],
  ["GOVERNMENT_NGO", 10],
  ["OTHER", 8],
]);
const DISABILITY_TYPES = ["Visual", "Hearing", "Physical", "Intellectual"] as const;
const SEVERITY = new Weighted<string>([
  ["MILD", 50],
  ["MODERATE", 35],
  ["SEVERE", 15],
]);
/** `disability_type, disability_severity`: none, then each (type, severity). */
const DISABILITIES = [
  `${NULL}\t${NULL}`,
  ...DISABILITY_TYPES.flatMap((t) => SEVERITY.values.map((s) => `${t}\t${s}`)),
];
const DISABILITY_CHOICES = DISABILITIES.length;
/** `given_name, gender`: generated farmers have no given name. */
const GIVEN_GENDER_MALE = `${NULL}\tMALE`;
const GIVEN_GENDER_FEMALE = `${NULL}\tFEMALE`;
/** `relationship, is_head` of farmers 2…7 (farmer 0 is the head, farmer 1 the spouse). */
const RELATIONSHIP = new Weighted<string>([
  ["CHILD\tf", 45],
  ["SIBLING\tf", 20],
  ["PARENT\tf", 15],
  ["RELATIVE\tf", 20],
]);
/** Small counts as strings (household counts, head counts): no number → string per row. */
const COUNTS = Array.from({ length: 61 }, (_, i) => String(i));
const OWNERSHIP = new Weighted<string>([
  ["OWNER", 62],
  ["TENANT", 26],
  ["CROP_SHARE", 12],
]);
// Size units (their ranges are drawn in lands()).
const HECTARE = 0;
const ACRE = 1;
const SIZE_UNIT = new Weighted<number>([
  [HECTARE, 55],
  [ACRE, 35],
  [2, 10],
]);
const SIZE_UNIT_NAMES = ["HECTARE", "ACRE", "SQUARE_METER"] as const;
const FT_CROP = 0;
const FT_MIXED = 1;
const FT_LIVESTOCK = 2;
const FARMING_TYPE = new Weighted<number>([
  [FT_CROP, 48],
  [FT_MIXED, 32],
  [FT_LIVESTOCK, 14],
  [3, 4],
  [4, 2],
]);
const FARMING_TYPE_NAMES = ["CROP", "MIXED", "LIVESTOCK", "AGROFORESTRY", "AQUACULTURE"] as const;
const LAND_USE = ["Cultivation", "Mixed farming", "Grazing", "Agroforestry", "Fish ponds"] as const;
/** `size_unit, land_use, farming_type` per (unit, farming type). */
const UNIT_KIND = SIZE_UNIT_NAMES.flatMap((u) =>
  FARMING_TYPE_NAMES.map((t, i) => `${u}\t${LAND_USE[i]!}\t${t}`),
);
const SEASONS = ["Wet season", "Dry season", "All year"] as const;
const INPUT_UNITS = ["kg", "litre", "bag"] as const;
const DIRECTIONS = ["North", "South", "East", "West", "Central"] as const;
const VILLAGES_PER_DISTRICT = 12;
const PLACES_PER_ZONE = DIRECTIONS.length * VILLAGES_PER_DISTRICT;

// ── key space ───────────────────────────────────────────────────────────────────────────────────

const FARMER_SLOTS = 8;
const MEMBER_SLOTS = 12;
const LAND_SLOTS = 3;
const ITEM_SLOTS = 3;
/**
 * Largest household count: the largest key, a crop's or livestock entry's (72·h + 71), must stay
 * below 10^9 so `CR-`/`LV-` ids keep the migration's 9 digits (its lpad would truncate a tenth
 * one, and sequences moved past them must keep producing distinct ids). 13,888,888 households ≈
 * 55M farmers, above seed 000's 10M households / 40M individuals; every key is far below 2^53 and
 * every functional-id slot (9·h + 8) below permute10's 10^10.
 */
const MAX_SCALE = 13_888_888;

// ── start-up tables ─────────────────────────────────────────────────────────────────────────────

/** Fold like the registry's foldForSearch (accents off, lower case, punctuation → one space). */
function foldForSearch(s: string): string {
  return s
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** A dictionary word in every form a row needs. */
interface Word {
  /** COPY-escaped. */
  readonly esc: string;
  /** As the registry folds it for search_text. */
  readonly fold: string;
  /** Letters and digits only, for e-mail local parts. */
  readonly mail: string;
}

/** A name, with its one-typo variants (adjacent letters swapped) for planted near-duplicates. */
interface Name extends Word {
  readonly typos: readonly Word[];
}

function word(s: string): Word {
  const fold = foldForSearch(s);
  return { esc: copyEscape(s), fold, mail: fold.replace(/[^a-z0-9]/g, "") };
}

const LETTER = /^\p{L}$/u;

function name(s: string): Name {
  const typos: Word[] = [];
  // The registry seeder's typo: swap letters i and i+1 for i in [1, length − 3] (never the first
  // or last letter); only letter pairs that differ, so the variant is really a different string.
  for (let i = 1; i <= s.length - 3; i++) {
    const a = s.charAt(i);
    const b = s.charAt(i + 1);
    if (a !== b && LETTER.test(a) && LETTER.test(b)) typos.push(word(s.slice(0, i) + b + a + s.slice(i + 2)));
  }
  if (typos.length === 0) typos.push(word(s + s.slice(-1)));
  return { ...word(s), typos };
}

/** One village: everything of a row's location that depends only on the place. */
interface Place {
  readonly region: number;
  /** `{"region": …, "zone": …, "district": …, "village": …}`, COPY-escaped. */
  readonly geo: string;
  /** `, <village>` as it ends address_line1. */
  readonly addressTail: string;
  /** Folded ` <village> <village>`: the end of the household search_text. */
  readonly searchTail: string;
  readonly postalCode: string;
}

interface Zone {
  readonly places: readonly Place[];
}

/** A locale prepared for the hot path. */
interface Prepared {
  readonly male: readonly Name[];
  readonly female: readonly Name[];
  readonly surnames: readonly Name[];
  readonly regions: readonly (readonly Zone[])[];
  readonly countryCode: string;
  readonly phonePrefix: string;
  readonly phoneDigits: number;
  readonly phoneRange: number;
  readonly latMin: number;
  readonly latRange: number;
  readonly lonMin: number;
  readonly lonRange: number;
  readonly languages: Weighted<string>;
  readonly languageCount: number;
  readonly occupationCount: number;
  /**
   * Every `marital_status, occupation, income_level, language, education_level` (index: the five
   * choices in mixed radix) and every `has_personal_phone, disability_type, disability_severity,
   * income_source, language_spoken`: a farmer line takes one string for each group instead of
   * five fields (a join costs ~28 ns per element here).
   */
  readonly profiles: readonly string[];
  readonly extensions: readonly string[];
  readonly crops: readonly string[];
  /** `crop_name, season` per (crop, season). */
  readonly cropSeasons: readonly string[];
  readonly animals: readonly string[];
  readonly inputs: readonly string[];
  readonly cooperatives: readonly string[];
}

function prepare(locale: Locale): Prepared {
  const esc = (list: readonly string[]): string[] => list.map(copyEscape);
  const regions = locale.regions.map((r, ri) =>
    r.zones.map((zone, zi): Zone => {
      const places: Place[] = [];
      for (let d = 0; d < DIRECTIONS.length; d++) {
        const district = `${zone} ${DIRECTIONS[d]!}`;
        for (let v = 0; v < VILLAGES_PER_DISTRICT; v++) {
          // Villages are numbered within their zone, disjoint per district: one hierarchy.
          const village = `${zone} village ${d * VILLAGES_PER_DISTRICT + v + 1}`;
          const vf = foldForSearch(village);
          places.push({
            region: ri,
            geo: copyEscape(JSON.stringify({ region: r.name, zone, district, village })),
            addressTail: copyEscape(`, ${village}`),
            searchTail: ` ${vf} ${vf}`,
            // Five digits, one per district (distinct while regions < 40 and zones per region < 20).
            postalCode: digits(10_000 + ((ri * 20 + zi) * DIRECTIONS.length + d) * 10, 5),
          });
        }
      }
      return { places };
    }),
  );
  const b = locale.bounds;
  const languages = locale.languages.map(copyEscape);
  const occupations = esc(locale.occupations);
  const profiles: string[] = [];
  for (const m of MARITAL.values)
    for (const o of occupations)
      for (const i of INCOME_LEVEL.values)
        for (const l of languages)
          for (const e of EDUCATION.values) profiles.push([m, o, i, l, e].join("\t"));
  const extensions: string[] = [];
  for (const phone of ["f", "t"])
    for (const d of DISABILITIES)
      for (const s of INCOME_SOURCE.values)
        for (const l of languages) extensions.push([phone, d, s, l].join("\t"));
  return {
    male: locale.maleFirstNames.map(name),
    female: locale.femaleFirstNames.map(name),
    surnames: locale.surnames.map(name),
    regions,
    countryCode: copyEscape(locale.countryCode),
    phonePrefix: copyEscape(locale.phone.prefix),
    phoneDigits: locale.phone.digits,
    phoneRange: 10 ** locale.phone.digits,
    latMin: Math.round(b.latMin * 1e5),
    latRange: Math.round((b.latMax - b.latMin) * 1e5),
    lonMin: Math.round(b.lonMin * 1e5),
    lonRange: Math.round((b.lonMax - b.lonMin) * 1e5),
    // "Most common first": weight 1/(rank + 1).
    languages: new Weighted(languages.map((l, i) => [l, 1 / (i + 1)] as const)),
    languageCount: languages.length,
    occupationCount: occupations.length,
    profiles,
    extensions,
    crops: esc(locale.crops),
    cropSeasons: esc(locale.crops).flatMap((crop) => SEASONS.map((season) => `${crop}\t${season}`)),
    animals: esc(locale.animals),
    inputs: esc(locale.farmInputs),
    cooperatives: esc(locale.cooperatives),
  };
}

/** Calendar tables shared by every locale: day strings, age → birth-day ranges, times of day. */
interface Calendar {
  readonly asOfDay: number;
  readonly asOfYear: number;
  /** `YYYY-MM-DD` of day `firstDay + i`. */
  readonly days: readonly string[];
  /** `birth_date, estimated_age` when the birth date is known: `days[i]` then NULL. */
  readonly birthOnly: readonly string[];
  /** `birth_date, estimated_age` when it is not: NULL then the age. */
  readonly ageOnly: readonly string[];
  readonly firstDay: number;
  /** Birth days giving age `a` at AS_OF: [ageFirstDay[a], ageFirstDay[a] + ageSpan[a]). */
  readonly ageFirstDay: Int32Array;
  readonly ageSpan: Int32Array;
  /** ` HH:MM` from 07:00 to 18:59, and `:SS+00`. */
  readonly minutes: readonly string[];
  readonly seconds: readonly string[];
  readonly asOfTimestamp: string;
}

let calendar: Calendar | undefined;

function getCalendar(): Calendar {
  if (calendar !== undefined) return calendar;
  const asOfDay = dayNumber(FARMER_REGISTRY_AS_OF);
  const [y, m, d] = FARMER_REGISTRY_AS_OF.split("-").map(Number) as [number, number, number];
  const dayOf = (year: number) => Math.floor(Date.UTC(year, m - 1, d) / 86_400_000);
  const oldest = MAX_AGE + 2;
  const firstDay = dayOf(y - oldest);
  const days: string[] = [];
  for (let day = firstDay; day <= asOfDay; day++)
    days.push(new Date(day * 86_400_000).toISOString().slice(0, 10));
  const ageFirstDay = new Int32Array(oldest);
  const ageSpan = new Int32Array(oldest);
  for (let a = 0; a < oldest; a++) {
    // Age a at AS_OF ⇔ born after AS_OF − (a+1) years and on or before AS_OF − a years.
    ageFirstDay[a] = dayOf(y - a - 1) + 1;
    ageSpan[a] = dayOf(y - a) - dayOf(y - a - 1);
  }
  const two = (n: number) => digits(n, 2);
  const minutes: string[] = [];
  for (let t = 7 * 60; t < 19 * 60; t++) minutes.push(` ${two(Math.floor(t / 60))}:${two(t % 60)}`);
  const seconds = Array.from({ length: 60 }, (_, s) => `:${two(s)}+00`);
  calendar = {
    asOfDay,
    asOfYear: y,
    days,
    birthOnly: days.map((day) => `${day}\t${NULL}`),
    ageOnly: Array.from({ length: oldest }, (_, a) => `${NULL}\t${a}`),
    firstDay,
    ageFirstDay,
    ageSpan,
    minutes,
    seconds,
    asOfTimestamp: `${FARMER_REGISTRY_AS_OF} 00:00:00+00`,
  };
  return calendar;
}

/**
 * A score row after its record_id, per (farmers, children): record type, POVERTY, value, inputs
 * JSON in the registry's score job's shape, version 1, computed at AS_OF, no job.
 */
function scoreTails(asOfTimestamp: string): string[][] {
  const tails: string[][] = [];
  for (let f = 0; f <= FARMER_SLOTS; f++) {
    tails.push([]);
    for (let c = 0; c <= MAX_CHILDREN; c++) {
      const size = f + c;
      // In ten-thousandths, exactly: numeric(12,4) and the job's round(x·10^4)/10^4 agree.
      const v = Math.round((POVERTY_SIZE_WEIGHT * size + POVERTY_CHILDREN_WEIGHT * c) * 10_000);
      const inputs = JSON.stringify({
        household_size: size,
        children: c,
        weights: { householdSize: POVERTY_SIZE_WEIGHT, children: POVERTY_CHILDREN_WEIGHT },
      });
      const value = `${Math.floor(v / 10_000)}.${digits(v % 10_000, 4)}`;
      tails[f]!.push(["household", "POVERTY", value, copyEscape(inputs), 1, asOfTimestamp, NULL].join("\t"));
    }
  }
  return tails;
}

const DEC_PAD = ["", "0", "00", "000", "0000", "00000"];

/** `n / 10^d` written with exactly d decimals, for an integer n ≥ 0 (cheaper than toFixed). */
function decimal(n: number, d: number, scale: number): string {
  const whole = Math.floor(n / scale);
  const frac = String(n - whole * scale);
  return `${whole}.${DEC_PAD[d - frac.length]!}${frac}`;
}

/** Whole numbers up to the largest land size (40,000 m²) and `.000`…`.999`, built on first use. */
let wholes: readonly string[] = [];
let thousandthsTable: readonly string[] = [];
let hundredthsTable: readonly string[] = [];

function prepareNumbers(): void {
  if (wholes.length > 0) return;
  wholes = Array.from({ length: 40_001 }, (_, i) => String(i));
  thousandthsTable = Array.from({ length: 1000 }, (_, i) => `.${digits(i, 3)}`);
  hundredthsTable = Array.from({ length: 100 }, (_, i) => `.${digits(i, 2)}`);
}

/** `n / 1000` with 3 decimals, for an integer 0 ≤ n ≤ 40,000,999: two table lookups (24 vs 40 ns). */
function thousandths(n: number): string {
  const whole = Math.floor(n / 1000);
  return wholes[whole]! + thousandthsTable[n - whole * 1000]!;
}

/** `n / 100` with 2 decimals, for an integer 0 ≤ n ≤ 4,000,099. */
function hundredths(n: number): string {
  const whole = Math.floor(n / 100);
  return wholes[whole]! + hundredthsTable[n - whole * 100]!;
}

/** A coordinate in 1e-5 degrees, written with 5 decimals. */
function degrees(n: number): string {
  return n < 0 ? `-${decimal(-n, 5, 100_000)}` : decimal(n, 5, 100_000);
}

const P32 = 4294967296;

// ── the generator ───────────────────────────────────────────────────────────────────────────────

/**
 * Generates households for one (locale, seed): scratch arrays sized for the largest household, so
 * the hot path allocates only the strings it emits.
 */
class Generator {
  private readonly p: Prepared;
  private readonly cal: Calendar;
  private readonly score: { readonly tail: readonly (readonly string[])[] };
  private readonly rH = new Rng();
  private readonly rF = new Rng();
  private readonly rM = new Rng();
  private readonly rL = new Rng();
  private readonly rC = new Rng();
  private readonly rV = new Rng();
  private readonly rI = new Rng();
  private readonly rS = new Rng();
  private readonly rLookup = new Rng();
  private readonly dupThreshold: number;
  private readonly pOtherMale: number;

  private seed = 0;
  private nationalKey = 0;
  private functionalKey = 0;
  private regionSalt = 0;

  // Farmers of the current household (person fields, then what children rows need).
  private readonly male: boolean[] = new Array(FARMER_SLOTS + 1).fill(false);
  private readonly first: Word[] = [];
  private readonly middle: (Word | null)[] = new Array(FARMER_SLOTS + 1).fill(null);
  private readonly last: Word[] = [];
  private readonly lastName: Name[] = [];
  private readonly firstName: Name[] = [];
  private readonly noBirth: boolean[] = new Array(FARMER_SLOTS + 1).fill(false);
  private readonly age = new Int32Array(FARMER_SLOTS + 1);
  private readonly birthDay = new Int32Array(FARMER_SLOTS + 1);
  private readonly farmerId: string[] = new Array(FARMER_SLOTS).fill("");
  private readonly farmerCreated: string[] = new Array(FARMER_SLOTS).fill("");
  /** `status, created_at, created_by, approved_at, approved_by` of each farmer: also its member's
   * and its lands'. */
  private readonly farmerAudit: string[] = new Array(FARMER_SLOTS).fill("");
  // Lands of the current household, in order.
  private landCount = 0;
  private readonly landKey = new Float64Array(FARMER_SLOTS * LAND_SLOTS);
  private readonly landType = new Int32Array(FARMER_SLOTS * LAND_SLOTS);
  /** `land_id, status, created_at, created_by` of each land: the same four fields start every crop,
   * livestock and farm-input line under it. */
  private readonly landPrefix: string[] = new Array(FARMER_SLOTS * LAND_SLOTS).fill("");

  constructor(p: Prepared) {
    this.p = p;
    this.cal = getCalendar();
    prepareNumbers();
    this.score = { tail: scoreTails(this.cal.asOfTimestamp) };
    const blank = this.p.surnames[0]!;
    for (let i = 0; i <= FARMER_SLOTS; i++) {
      this.first.push(blank);
      this.last.push(blank);
      this.firstName.push(blank);
      this.lastName.push(blank);
    }
    // Only farmers 1…n−1 can be near-duplicates (the head never is, so the head a duplicate copies
    // is always what its own stream draws); scale their chance so 1% of all farmers are.
    const mean = FARMERS_PER_HOUSEHOLD.mean();
    this.dupThreshold = Math.round(((DUPLICATE_SHARE * mean) / (mean - 1)) * P32);
    // Solve E[male farmers] = P_MALE · E[farmers] for the farmers after head and spouse.
    const spouses = 1 - FARMERS_PER_HOUSEHOLD.weights[0]!;
    this.pOtherMale = (P_MALE * mean - P_HEAD_MALE - spouses * (1 - P_HEAD_MALE)) / (mean - 1 - spouses);
  }

  run(first: number, count: number, seed: number, out: ChunkOutput): void {
    this.seed = seed;
    this.nationalKey = mix32((seed ^ K_NATIONAL_ID) >>> 0);
    this.functionalKey = mix32((seed ^ K_FUNCTIONAL_ID) >>> 0);
    this.regionSalt = mix32((seed ^ K_REGION) >>> 0);
    const w = Array.from({ length: 10 }, (_, i) => out.wants(i));
    const wantLandSubtree = w[LANDS]! || w[CROPS]! || w[LIVESTOCK]! || w[INPUTS]!;
    // What each stream must be drawn for: a table's own rows, or values another wanted table uses
    // (head name, genders and ages for households; created_at of farmers for everything under them).
    const needFarmers = w[HOUSEHOLDS]! || w[FARMERS]! || w[MEMBERS]! || w[MEMBERSHIPS]! || wantLandSubtree;
    const needMembers = w[HOUSEHOLDS]! || w[MEMBERS]!;
    const needFarmerIds = w[FARMERS]! || w[MEMBERS]! || w[MEMBERSHIPS]! || w[LANDS]!;
    const end = first + count;
    for (let h = first; h < end; h++)
      this.household(h, out, w, needFarmers, needMembers, needFarmerIds, wantLandSubtree);
  }

  /** Region of household `h`: a pure hash of (seed, h), so near-duplicates can find it cheaply. */
  private regionOf(h: number): number {
    const hi = Math.floor(h / P32);
    const u = mix32((mix32(((h >>> 0) ^ this.regionSalt) >>> 0) ^ hi) >>> 0);
    return Math.floor((u / P32) * this.p.regions.length);
  }

  /** `1` + a permuted 10-digit body + Verhoeff: 12 digits, disjoint from the registry's own ids. */
  private functionalId(slot: number): string {
    const n = permute10(slot, this.functionalKey);
    return `1${digits(n, 10)}${verhoeffDigitOf(1, n, 10)}`;
  }

  private timestamp(day: number, r: Rng): string {
    const c = this.cal;
    return c.days[day - c.firstDay]! + c.minutes[r.below(c.minutes.length)]! + c.seconds[r.below(60)]!;
  }

  /** Person fields of farmer `k` into slot `slot`: always the first draws of a farmer. */
  private drawPerson(r: Rng, k: number, slot: number): void {
    const p = this.p;
    const male = k === 0 ? r.next() < P_HEAD_MALE : k === 1 ? !this.male[0]! : r.next() < this.pOtherMale;
    const names = male ? p.male : p.female;
    const first = names[Math.floor(r.next() * names.length)]!;
    const middle = r.next() < P_MIDDLE_NAME ? names[Math.floor(r.next() * names.length)]! : null;
    const last =
      k > 0 && r.next() < P_SHARES_HEAD_SURNAME
        ? this.lastName[0]!
        : p.surnames[Math.floor(r.next() * p.surnames.length)]!;
    this.male[slot] = male;
    this.firstName[slot] = first;
    this.first[slot] = first;
    this.middle[slot] = middle;
    this.lastName[slot] = last;
    this.last[slot] = last;
    this.noBirth[slot] = r.next() < P_NO_BIRTH_DATE;
    const age = r.int(MIN_AGE, MAX_AGE);
    this.age[slot] = age;
    this.birthDay[slot] = this.cal.ageFirstDay[age]! + r.below(this.cal.ageSpan[age]!);
  }

  /**
   * Turn farmer `k` of household `h` into a near-duplicate of the head of an earlier household in
   * the same region: walk back from h − 1 − (draw mod 50) to the first household of that region,
   * redraw its head's person fields from its own stream, and apply one typo or swap the names.
   */
  private duplicate(h: number, region: number, k: number, draw: number): void {
    const start = h - 1 - (draw % 50);
    let j = start;
    while (j >= 0 && j > start - 500 && this.regionOf(j) !== region) j--;
    if (j < 0 || j <= start - 500) return; // no earlier household of this region: stays itself
    this.rLookup.reseed(this.seed, S_FARMERS, j);
    this.drawPerson(this.rLookup, 0, FARMER_SLOTS);
    const s = FARMER_SLOTS;
    const kind = (draw >>> 8) % 3;
    const t = draw >>> 12;
    this.male[k] = this.male[s]!;
    this.middle[k] = this.middle[s]!;
    this.noBirth[k] = this.noBirth[s]!;
    this.age[k] = this.age[s]!;
    this.birthDay[k] = this.birthDay[s]!;
    const f = this.firstName[s]!;
    const l = this.lastName[s]!;
    if (kind === 0) {
      this.first[k] = f.typos[t % f.typos.length]!;
      this.last[k] = l;
    } else if (kind === 1) {
      this.first[k] = f;
      this.last[k] = l.typos[t % l.typos.length]!;
    } else {
      this.first[k] = l;
      this.last[k] = f;
    }
  }

  private household(
    h: number,
    out: ChunkOutput,
    w: readonly boolean[],
    needFarmers: boolean,
    needMembers: boolean,
    needFarmerIds: boolean,
    wantLandSubtree: boolean,
  ): void {
    const p = this.p;
    const c = this.cal;
    const seed = this.seed;
    const householdId = uuidOf(h, S_HOUSEHOLDS);

    // Households stream: place, composition, audit.
    const r = this.rH.reseed(seed, S_HOUSEHOLDS, h);
    const region = this.regionOf(h);
    const zones = p.regions[region]!;
    const place = zones[r.below(zones.length)]!.places[r.below(PLACES_PER_ZONE)]!;
    const lat = p.latMin + r.below(p.latRange + 1);
    const lon = p.lonMin + r.below(p.lonRange + 1);
    const plot = r.int(1, 999);
    const nFarmers = FARMERS_PER_HOUSEHOLD.values[FARMERS_PER_HOUSEHOLD.indexOf(r.u32())]!;
    const nChildren = r.below(MAX_CHILDREN + 1);
    const hasFunctionalId = r.next() < P_FUNCTIONAL_ID;
    const regDay = c.asOfDay - r.below(5 * 365);
    const created = this.timestamp(regDay, r);
    let approved = NULL;
    if (r.next() < P_APPROVED) {
      const day = regDay + 1 + r.below(14);
      if (day <= c.asOfDay) approved = this.timestamp(day, r);
    }
    // Lines are arrays joined once, never `+` chains: a chunk's retained cons-string trees made GC
    // ~80% of the time (5–8 µs → 2 µs a row, chunks of 1,000 households). A join costs ~28 ns per
    // element here, so fields shared by several lines (audit columns, location) are joined once.
    const audit = [STATUS, created, CREATED_BY, approved, approved === NULL ? NULL : CREATED_BY].join("\t");
    const location = needFarmers
      ? [
          degrees(lat),
          degrees(lon),
          `Plot ${plot}${place.addressTail}`,
          NULL,
          place.postalCode,
          p.countryCode,
          place.geo,
        ].join("\t")
      : "";

    // Farmers stream.
    let female = 0;
    let elderly = false;
    if (needFarmers) {
      const rf = this.rF.reseed(seed, S_FARMERS, h);
      const emit = w[FARMERS]!;
      for (let k = 0; k < nFarmers; k++) {
        let dupDraw = -1;
        if (k > 0 && rf.u32() < this.dupThreshold) dupDraw = rf.u32();
        this.drawPerson(rf, k, k);
        if (dupDraw >= 0) this.duplicate(h, region, k, dupDraw);
        const fKey = h * FARMER_SLOTS + k;
        const id = needFarmerIds ? uuidOf(fKey, S_FARMERS) : "";
        this.farmerId[k] = id;
        const male = this.male[k]!;
        if (!male) female++;
        if (this.age[k]! >= ELDERLY_AGE) elderly = true;
        // The rest of the farmer, in a fixed draw order.
        const fid = rf.next() < P_FUNCTIONAL_ID ? this.functionalId(h * 9 + 1 + k) : NULL;
        const phone = rf.next() < P_OWN_PHONE;
        const phoneNumber = phone ? digits(Math.floor(rf.next() * p.phoneRange), p.phoneDigits) : "";
        const email = rf.next() < P_EMAIL ? rf.int(1, 99) : 0;
        // marital_status … education_level: five draws, one precomputed string.
        let profile = MARITAL.indexOf(rf.u32());
        profile = profile * p.occupationCount + Math.floor(rf.next() * p.occupationCount);
        profile = profile * INCOME_LEVEL.values.length + INCOME_LEVEL.indexOf(rf.u32());
        profile = profile * p.languageCount + p.languages.indexOf(rf.u32());
        profile = profile * EDUCATION.values.length + EDUCATION.indexOf(rf.u32());
        const fRegDay = Math.min(c.asOfDay, regDay + rf.below(31));
        const fCreated = this.timestamp(fRegDay, rf);
        let fApproved = NULL;
        if (rf.next() < P_APPROVED) {
          const day = fRegDay + 1 + rf.below(14);
          if (day <= c.asOfDay) fApproved = this.timestamp(day, rf);
        }
        // has_personal_phone … language_spoken: likewise one string.
        let extension =
          rf.next() < P_DISABLED
            ? 1 +
              Math.floor(rf.next() * DISABILITY_TYPES.length) * SEVERITY.values.length +
              SEVERITY.indexOf(rf.u32())
            : 0;
        extension = (phone ? DISABILITY_CHOICES : 0) + extension;
        extension = extension * INCOME_SOURCE.values.length + INCOME_SOURCE.indexOf(rf.u32());
        extension = extension * p.languageCount + p.languages.indexOf(rf.u32());
        const fAudit = [STATUS, fCreated, CREATED_BY, fApproved, fApproved === NULL ? NULL : CREATED_BY].join(
          "\t",
        );
        this.farmerCreated[k] = fCreated;
        this.farmerAudit[k] = fAudit;
        if (!emit) continue;

        const first = this.first[k]!;
        const middle = this.middle[k] ?? null;
        const last = this.last[k]!;
        const nationalId = digits(permute10(fKey, this.nationalKey), 10);
        const b = this.birthDay[k]! - c.firstDay;
        out.row(
          FARMERS,
          [
            id,
            fid,
            householdId,
            fAudit,
            fApproved === NULL ? fCreated : fApproved,
            nationalId,
            first.esc,
            middle === null ? NULL : middle.esc,
            last.esc,
            male ? GIVEN_GENDER_MALE : GIVEN_GENDER_FEMALE,
            this.noBirth[k] ? c.ageOnly[this.age[k]!]! : c.birthOnly[b]!,
            phone ? `{"${p.phonePrefix}${phoneNumber}"}` : "{}",
            email === 0 ? "{}" : `{"${first.mail}.${last.mail}${email}@example.org"}`,
            p.profiles[profile]!,
            c.days[fRegDay - c.firstDay]!,
            location,
            p.extensions[extension]!,
            `******${nationalId.slice(6)}`,
            middle === null
              ? `${first.fold} ${last.fold} ${nationalId}`
              : `${first.fold} ${middle.fold} ${last.fold} ${nationalId}`,
          ].join("\t"),
        );
      }
    }

    // Household members stream: the farmers' relationships, then the children.
    if (needMembers) {
      const rm = this.rM.reseed(seed, S_MEMBERS, h);
      const emit = w[MEMBERS]!;
      const headLast = this.last[0]!.esc;
      for (let k = 0; k < nFarmers; k++) {
        const rel =
          k === 0 ? "HEAD\tt" : k === 1 ? "SPOUSE\tf" : RELATIONSHIP.values[RELATIONSHIP.indexOf(rm.u32())]!;
        if (!emit) continue;
        const mKey = h * MEMBER_SLOTS + k;
        out.row(
          MEMBERS,
          [
            uuidOf(mKey, S_MEMBERS),
            `HM-${digits(mKey, 9)}`,
            householdId,
            this.farmerId[k]!,
            this.farmerAudit[k]!,
            this.first[k]!.esc,
            this.last[k]!.esc,
            this.male[k] ? "MALE" : "FEMALE",
            this.noBirth[k] ? NULL : c.days[this.birthDay[k]! - c.firstDay]!,
            rel,
          ].join("\t"),
        );
      }
      const childPrefix = emit ? [householdId, NULL, audit].join("\t") : "";
      for (let m = 0; m < nChildren; m++) {
        const male = rm.next() < 0.5;
        const names = male ? p.male : p.female;
        const first = names[Math.floor(rm.next() * names.length)]!;
        const age = rm.below(18);
        const birthDay = c.ageFirstDay[age]! + rm.below(c.ageSpan[age]!);
        if (!male) female++;
        if (!emit) continue;
        const mKey = h * MEMBER_SLOTS + nFarmers + m;
        out.row(
          MEMBERS,
          [
            uuidOf(mKey, S_MEMBERS),
            `HM-${digits(mKey, 9)}`,
            childPrefix,
            first.esc,
            headLast,
            male ? "MALE" : "FEMALE",
            c.days[birthDay - c.firstDay]!,
            "CHILD\tf",
          ].join("\t"),
        );
      }
    }

    const size = nFarmers + nChildren;
    if (w[HOUSEHOLDS]) {
      out.row(
        HOUSEHOLDS,
        [
          householdId,
          hasFunctionalId ? this.functionalId(h * 9) : NULL,
          NULL,
          audit,
          approved === NULL ? created : approved,
          `${this.first[0]!.esc} ${this.last[0]!.esc}`,
          COUNTS[size]!,
          COUNTS[nChildren]!,
          COUNTS[female]!,
          COUNTS[size - female]!,
          elderly ? "t" : "f",
          location,
          `${this.first[0]!.fold} ${this.last[0]!.fold} plot ${plot}${place.searchTail}`,
        ].join("\t"),
      );
    }

    if (wantLandSubtree) this.lands(h, lat, lon, nFarmers, out, w);

    if (w[MEMBERSHIPS]) {
      const rs = this.rS.reseed(seed, S_MEMBERSHIPS, h);
      for (let k = 0; k < nFarmers; k++) {
        if (rs.next() >= P_MEMBERSHIP) continue;
        const coop = p.cooperatives[Math.floor(rs.next() * p.cooperatives.length)]!;
        const role = rs.next() < P_LEADER ? "LEADER" : "MEMBER";
        const joined = c.days[c.asOfDay - rs.int(30, 3650) - c.firstDay]!;
        const key = h * FARMER_SLOTS + k;
        out.row(
          MEMBERSHIPS,
          [
            uuidOf(key, S_MEMBERSHIPS),
            `MB-${digits(key, 9)}`,
            this.farmerId[k]!,
            STATUS,
            this.farmerCreated[k]!,
            CREATED_BY,
            coop,
            role,
            joined,
          ].join("\t"),
        );
      }
    }

    if (w[SCORES] || w[HISTORY]) {
      // Everything after record_id is one of 45 precomputed strings.
      const tail = this.score.tail[nFarmers]![nChildren]!;
      if (w[SCORES]) out.row(SCORES, [householdId, tail].join("\t"));
      if (w[HISTORY]) out.row(HISTORY, [h + 1, householdId, tail].join("\t"));
    }
  }

  /** Lands of every farmer of household `h`, then crops, livestock and farm inputs per land. */
  private lands(
    h: number,
    lat: number,
    lon: number,
    nFarmers: number,
    out: ChunkOutput,
    w: readonly boolean[],
  ): void {
    const p = this.p;
    const c = this.cal;
    const seed = this.seed;
    const rl = this.rL.reseed(seed, S_LANDS, h);
    const emit = w[LANDS]!;
    const items = w[CROPS]! || w[LIVESTOCK]! || w[INPUTS]!;
    let n = 0;
    for (let k = 0; k < nFarmers; k++) {
      const lands = LANDS_PER_FARMER.values[LANDS_PER_FARMER.indexOf(rl.u32())]!;
      for (let l = 0; l < lands; l++) {
        const key = (h * FARMER_SLOTS + k) * LAND_SLOTS + l;
        const ownership = OWNERSHIP.values[OWNERSHIP.indexOf(rl.u32())]!;
        const unit = SIZE_UNIT.values[SIZE_UNIT.indexOf(rl.u32())]!;
        // Thousandths: hectare 0.15–9, acre 0.4–22, m² 500–40,000.
        const size =
          unit === HECTARE
            ? rl.int(150, 9_000)
            : unit === ACRE
              ? rl.int(400, 22_000)
              : rl.int(500, 40_000) * 1000;
        const type = FARMING_TYPE.values[FARMING_TYPE.indexOf(rl.u32())]!;
        const year = c.asOfYear - rl.int(0, 40);
        const landLat = Math.min(p.latMin + p.latRange, Math.max(p.latMin, lat + rl.int(-1000, 1000)));
        const landLon = Math.min(p.lonMin + p.lonRange, Math.max(p.lonMin, lon + rl.int(-1000, 1000)));
        const id = uuidOf(key, S_LANDS);
        this.landKey[n] = key;
        this.landType[n] = type;
        this.landPrefix[n] = items ? [id, STATUS, this.farmerCreated[k]!, CREATED_BY].join("\t") : "";
        n++;
        if (!emit) continue;
        out.row(
          LANDS,
          [
            id,
            `LD-${digits(key, 9)}`,
            this.farmerId[k]!,
            this.farmerAudit[k]!,
            ownership,
            thousandths(size),
            UNIT_KIND[unit * FARMING_TYPE_NAMES.length + type]!,
            year,
            degrees(landLat),
            degrees(landLon),
          ].join("\t"),
        );
      }
    }
    this.landCount = n;

    if (w[CROPS]) {
      const rc = this.rC.reseed(seed, S_CROPS, h);
      for (let i = 0; i < this.landCount; i++) {
        const type = this.landType[i]!;
        if (type !== FT_CROP && type !== FT_MIXED) continue;
        const count = rc.int(1, ITEM_SLOTS);
        const prefix = this.landPrefix[i]!;
        for (let j = 0; j < count; j++) {
          const key = this.landKey[i]! * ITEM_SLOTS + j;
          const crop =
            p.cropSeasons[
              Math.floor(rc.next() * p.crops.length) * SEASONS.length + Math.floor(rc.next() * SEASONS.length)
            ]!;
          const area = rc.int(100, 5_000);
          const yieldKg = rc.int(5_000, 500_000);
          out.row(
            CROPS,
            [
              uuidOf(key, S_CROPS),
              `CR-${digits(key, 9)}`,
              prefix,
              crop,
              thousandths(area),
              hundredths(yieldKg),
            ].join("\t"),
          );
        }
      }
    }

    if (w[LIVESTOCK]) {
      const rv = this.rV.reseed(seed, S_LIVESTOCK, h);
      for (let i = 0; i < this.landCount; i++) {
        const type = this.landType[i]!;
        if (type !== FT_LIVESTOCK && type !== FT_MIXED) continue;
        const count = rv.int(1, ITEM_SLOTS);
        const prefix = this.landPrefix[i]!;
        for (let j = 0; j < count; j++) {
          const key = this.landKey[i]! * ITEM_SLOTS + j;
          const animal = p.animals[Math.floor(rv.next() * p.animals.length)]!;
          out.row(
            LIVESTOCK,
            [uuidOf(key, S_LIVESTOCK), `LV-${digits(key, 9)}`, prefix, animal, COUNTS[rv.int(1, 60)]!].join(
              "\t",
            ),
          );
        }
      }
    }

    if (w[INPUTS]) {
      const ri = this.rI.reseed(seed, S_INPUTS, h);
      for (let i = 0; i < this.landCount; i++) {
        if (ri.next() >= P_FARM_INPUT) continue;
        const key = this.landKey[i]!;
        const input = p.inputs[Math.floor(ri.next() * p.inputs.length)]!;
        const quantity = ri.int(1_000, 500_000);
        const unit = INPUT_UNITS[Math.floor(ri.next() * INPUT_UNITS.length)]!;
        out.row(
          INPUTS,
          [
            uuidOf(key, S_INPUTS),
            `FI-${digits(key, 9)}`,
            this.landPrefix[i]!,
            input,
            thousandths(quantity),
            unit,
          ].join("\t"),
        );
      }
    }
  }
}

// ── the definition ──────────────────────────────────────────────────────────────────────────────

/** Sequences of the migration and the functional-id prefix each one numbers. */
const SEQUENCES: readonly (readonly [table: string, sequence: string, prefix: string])[] = [
  ["household_members", "household_member_number", "HM-"],
  ["lands", "land_number", "LD-"],
  ["crops", "crop_number", "CR-"],
  ["livestock", "livestock_number", "LV-"],
  ["farm_inputs", "farm_input_number", "FI-"],
  ["memberships", "membership_number", "MB-"],
];

/**
 * The `farmer-registry` dataset for targets/registry's schema (root table `households`, one root
 * row per household). `locale` picks the bundled names and places (default `ke`).
 */
export function farmerRegistry(options: FarmerRegistryOptions = {}): DatasetDefinition {
  const locale = getLocale(options.locale ?? "ke");
  const prepared = prepare(locale);
  let generator: Generator | undefined;

  const farmers = FARMERS_PER_HOUSEHOLD.mean();
  const lands = farmers * LANDS_PER_FARMER.mean();
  const w = FARMING_TYPE.weights;
  const itemsPerLand = (ITEM_SLOTS + 1) / 2;
  const table = (
    name: keyof typeof COLUMNS,
    rowsPerRoot: number,
    bytesPerRow: number,
    parent?: string,
  ): TableDefinition => ({
    name,
    columns: COLUMNS[name],
    rowsPerRoot,
    bytesPerRow,
    ...(parent === undefined ? {} : { parent }),
  });

  return {
    name: "farmer-registry",
    description: `Farmer Registry (${locale.country}): households of ≈ 4 farmers with members, lands, crops, livestock, farm inputs, memberships and POVERTY scores`,
    root: "households",
    // bytesPerRow: average COPY line length (bench/data-generate.ts) + 24-byte tuple header and
    // alignment, + ~40 bytes per btree entry and ~3× the search_text length for its trigram index.
    tables: [
      table("households", 1, 900),
      table("farmers", farmers, 1_300, "households"),
      table("household_members", farmers + MAX_CHILDREN / 2, 420, "farmers"),
      table("lands", lands, 380, "farmers"),
      table("crops", lands * (w[FT_CROP]! + w[FT_MIXED]!) * itemsPerLand, 300, "lands"),
      table("livestock", lands * (w[FT_LIVESTOCK]! + w[FT_MIXED]!) * itemsPerLand, 260, "lands"),
      table("farm_inputs", lands * P_FARM_INPUT, 280, "lands"),
      table("memberships", farmers * P_MEMBERSHIP, 320, "farmers"),
      table("scores", 1, 260, "households"),
      table("score_history", 1, 280, "scores"),
    ],
    version: 1,
    // The locale changes every name and place: part of a load's identity, so a resume never mixes two.
    params: `locale=${locale.code}`,
    chunkRoots: 1000,
    maxScale: MAX_SCALE,
    generate(first, count, seed, out) {
      generator ??= new Generator(prepared);
      generator.run(first, count, seed, out);
    },
    afterLoad(tables) {
      const loaded = new Set(tables);
      const sql: string[] = [];
      // Registry inserts after the load must not draw numbers the load already used.
      for (const [t, sequence, prefix] of SEQUENCES) {
        if (!loaded.has(t)) continue;
        sql.push(
          `SELECT setval('${sequence}', coalesce((SELECT max(substr(functional_id, 4)::bigint) FROM ${t} WHERE functional_id ~ '^${prefix}[0-9]+$'), 0) + 1, false)`,
        );
      }
      if (loaded.has("score_history"))
        sql.push(
          "SELECT setval(pg_get_serial_sequence('score_history', 'id'), coalesce((SELECT max(id) FROM score_history), 0) + 1, false)",
        );
      return sql;
    },
  };
}
