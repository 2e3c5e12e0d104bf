/**
 * The shapes the API accepts for writes (validated by the JSON schemas in `api/schemas.ts`, which
 * reject every other field). Server-owned fields — ids, functional ids, audit columns, masked
 * national id, search text — are never accepted from a client.
 */
import type {
  DISABILITY_SEVERITIES,
  EDUCATION_LEVELS,
  FARMING_TYPES,
  Gender,
  INCOME_LEVELS,
  INCOME_SOURCES,
  MARITAL_STATUSES,
  OWNERSHIPS,
  RecordStatus,
  SIZE_UNITS,
} from "./vocabulary.js";

export interface LocationInput {
  latitude?: number;
  longitude?: number;
  address_line1?: string;
  address_line2?: string;
  postal_code?: string;
  country_code?: string;
  region?: string;
  zone?: string;
  district?: string;
  village?: string;
}

export interface FarmerInput {
  national_id: string;
  first_name: string;
  middle_name?: string;
  last_name: string;
  given_name?: string;
  gender: Gender;
  birth_date?: string;
  estimated_age?: number;
  phone_numbers?: string[];
  emails?: string[];
  marital_status?: (typeof MARITAL_STATUSES)[number];
  occupation?: string;
  income_level?: (typeof INCOME_LEVELS)[number];
  language?: string;
  education_level?: (typeof EDUCATION_LEVELS)[number];
  registration_date?: string;
  location?: LocationInput;
  has_personal_phone?: boolean;
  disability?: { type: string; severity: (typeof DISABILITY_SEVERITIES)[number] } | null;
  income_source?: (typeof INCOME_SOURCES)[number];
  language_spoken?: string;
}

export interface MemberInput {
  first_name: string;
  last_name: string;
  gender: Gender;
  birth_date?: string;
  relationship: string;
}

export interface HouseholdInput {
  size: number;
  children_count?: number;
  female_count?: number;
  male_count?: number;
  elderly_present?: boolean;
  location?: LocationInput;
  members?: MemberInput[];
}

export interface LandInput {
  ownership: (typeof OWNERSHIPS)[number];
  size: number;
  size_unit: (typeof SIZE_UNITS)[number];
  land_use?: string;
  farming_type: (typeof FARMING_TYPES)[number];
  acquisition_year?: number;
  latitude?: number;
  longitude?: number;
  crops?: { crop_name: string; season?: string; area_planted?: number; expected_yield_kg?: number }[];
  livestock?: { animal_type: string; head_count: number }[];
  inputs?: { input_type: string; quantity?: number; unit?: string }[];
}

export interface MembershipInput {
  cooperative_name: string;
  role?: string;
  joined_on?: string;
}

/** Body of `POST /farmers`: a farmer with a new household, or joining an existing one. */
export interface CreateFarmerInput {
  farmer: FarmerInput;
  household?: HouseholdInput;
  household_id?: string;
  lands?: LandInput[];
  memberships?: MembershipInput[];
}

/** Body of `PATCH /farmers/:id`: any farmer field, plus the record status. */
export type FarmerPatch = Partial<FarmerInput> & { status?: RecordStatus };
