/**
 * JSON Schemas for every request the API accepts. Every object has `additionalProperties: false`
 * (with ajv's `removeAdditional` off, an unknown field is a 400, never silently dropped or — worse —
 * written: no mass assignment). Strings have length caps, lists have item caps.
 */

import { TASKS } from "../jobs/settings.js";
import { FARMER_SORTS } from "../records/farmers.js";
import {
  DISABILITY_SEVERITIES,
  EDUCATION_LEVELS,
  FARMING_TYPES,
  GENDERS,
  INCOME_LEVELS,
  INCOME_SOURCES,
  MARITAL_STATUSES,
  OWNERSHIPS,
  SIZE_UNITS,
  STATUSES,
} from "../records/vocabulary.js";

const text = (max: number, min = 1) => ({ type: "string", minLength: min, maxLength: max }) as const;
const date = { type: "string", format: "date" } as const;
const uuid = { type: "string", format: "uuid" } as const;
const enumOf = (values: readonly string[]) => ({ type: "string", enum: [...values] }) as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  additionalProperties: false,
  properties,
  required,
});

export const locationSchema = obj({
  latitude: { type: "number", minimum: -90, maximum: 90 },
  longitude: { type: "number", minimum: -180, maximum: 180 },
  address_line1: text(200),
  address_line2: text(200),
  postal_code: text(20),
  country_code: { type: "string", pattern: "^[A-Z]{2}$" },
  region: text(100),
  zone: text(100),
  district: text(100),
  village: text(100),
});

const farmerProperties = {
  national_id: { type: "string", pattern: "^[A-Za-z0-9-]{4,32}$" },
  first_name: text(100),
  middle_name: text(100),
  last_name: text(100),
  given_name: text(100),
  gender: enumOf(GENDERS),
  birth_date: date,
  estimated_age: { type: "integer", minimum: 0, maximum: 130 },
  phone_numbers: { type: "array", maxItems: 5, items: { type: "string", pattern: "^\\+?[0-9 ]{6,20}$" } },
  emails: { type: "array", maxItems: 5, items: { type: "string", format: "email", maxLength: 254 } },
  marital_status: enumOf(MARITAL_STATUSES),
  occupation: text(100),
  income_level: enumOf(INCOME_LEVELS),
  language: text(50),
  education_level: enumOf(EDUCATION_LEVELS),
  registration_date: date,
  location: locationSchema,
  has_personal_phone: { type: "boolean" },
  disability: {
    anyOf: [
      obj({ type: text(100), severity: enumOf(DISABILITY_SEVERITIES) }, ["type", "severity"]),
      { type: "null" },
    ],
  },
  income_source: enumOf(INCOME_SOURCES),
  language_spoken: text(50),
};

export const farmerSchema = obj(farmerProperties, ["national_id", "first_name", "last_name", "gender"]);

const memberSchema = obj(
  {
    first_name: text(100),
    last_name: text(100),
    gender: enumOf(GENDERS),
    birth_date: date,
    relationship: text(50),
  },
  ["first_name", "last_name", "gender", "relationship"],
);

export const householdSchema = obj(
  {
    size: { type: "integer", minimum: 1, maximum: 50 },
    children_count: { type: "integer", minimum: 0, maximum: 50 },
    female_count: { type: "integer", minimum: 0, maximum: 50 },
    male_count: { type: "integer", minimum: 0, maximum: 50 },
    elderly_present: { type: "boolean" },
    location: locationSchema,
    members: { type: "array", maxItems: 20, items: memberSchema },
  },
  ["size"],
);

const positive = { type: "number", exclusiveMinimum: 0, maximum: 1e9 } as const;

export const landSchema = obj(
  {
    ownership: enumOf(OWNERSHIPS),
    size: positive,
    size_unit: enumOf(SIZE_UNITS),
    land_use: text(100),
    farming_type: enumOf(FARMING_TYPES),
    acquisition_year: { type: "integer", minimum: 1900, maximum: 2100 },
    latitude: { type: "number", minimum: -90, maximum: 90 },
    longitude: { type: "number", minimum: -180, maximum: 180 },
    crops: {
      type: "array",
      maxItems: 10,
      items: obj(
        { crop_name: text(100), season: text(50), area_planted: positive, expected_yield_kg: positive },
        ["crop_name"],
      ),
    },
    livestock: {
      type: "array",
      maxItems: 10,
      items: obj({ animal_type: text(100), head_count: { type: "integer", minimum: 1, maximum: 100_000 } }, [
        "animal_type",
        "head_count",
      ]),
    },
    inputs: {
      type: "array",
      maxItems: 10,
      items: obj({ input_type: text(100), quantity: positive, unit: text(20) }, ["input_type"]),
    },
  },
  ["ownership", "size", "size_unit", "farming_type"],
);

export const createFarmerSchema = obj(
  {
    farmer: farmerSchema,
    household: householdSchema,
    household_id: uuid,
    lands: { type: "array", maxItems: 10, items: landSchema },
    memberships: {
      type: "array",
      maxItems: 10,
      items: obj({ cooperative_name: text(200), role: text(50), joined_on: date }, ["cooperative_name"]),
    },
  },
  ["farmer"],
);

export const patchFarmerSchema = {
  ...obj({ ...farmerProperties, status: enumOf(STATUSES) }),
  minProperties: 1,
};

/** Page parameters: `limit` has no maximum here on purpose — larger values are clamped, not refused. */
const page = {
  limit: { type: "integer", minimum: 1 },
  offset: { type: "integer", minimum: 0, maximum: 10_000 },
};

export const searchFarmersQuery = obj({
  q: text(100),
  national_id: text(32),
  region: text(100),
  gender: enumOf(GENDERS),
  status: enumOf(STATUSES),
  min_age: { type: "integer", minimum: 0, maximum: 150 },
  max_age: { type: "integer", minimum: 0, maximum: 150 },
  sort: enumOf(FARMER_SORTS),
  ...page,
});

export const pageQuery = obj(page);

export const idParams = obj({ id: text(64) }, ["id"]);

export const loginBody = obj({ username: text(100), password: text(200) }, ["username", "password"]);

export const enqueueParams = obj({ task: enumOf(TASKS) }, ["task"]);

export const enqueueBody = obj({
  record_type: enumOf(["farmer", "household"]),
  record_id: uuid,
  record_ids: { type: "array", minItems: 1, maxItems: 1000, uniqueItems: true, items: uuid },
  count: { type: "integer", minimum: 1, maximum: 1000 },
});

export const jobParams = obj({ id: { type: "integer", minimum: 1, maximum: Number.MAX_SAFE_INTEGER } }, [
  "id",
]);

export const jobsQuery = obj({ batch: uuid }, ["batch"]);
