-- The registers of seed 000's Farmer Registry (facts in ../../../../shared/domain.md, from OpenG2P's
-- registry-platform and farmer-registry). Every register row carries an internal id (uuid), a
-- functional id (households and farmers: filled by the idgen job; sub-tables: prefixed counters,
-- because truncated UUIDs collided at ~39k rows in OpenG2P's generator), a parent link, audit
-- columns and a status.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE households (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id   text UNIQUE,
  parent_id       uuid,
  status          text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  created_by      text NOT NULL,
  approved_at     timestamptz,
  approved_by     text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  head_name       text NOT NULL,
  size            smallint NOT NULL CHECK (size BETWEEN 1 AND 50),
  children_count  smallint NOT NULL DEFAULT 0 CHECK (children_count >= 0),
  female_count    smallint NOT NULL DEFAULT 0 CHECK (female_count >= 0),
  male_count      smallint NOT NULL DEFAULT 0 CHECK (male_count >= 0),
  elderly_present boolean NOT NULL DEFAULT false,
  latitude        double precision,
  longitude       double precision,
  address_line1   text,
  address_line2   text,
  postal_code     text,
  country_code    text,
  geo             jsonb NOT NULL DEFAULT '{}'::jsonb,
  region          text GENERATED ALWAYS AS (geo ->> 'region') STORED,
  search_text     text NOT NULL
);
CREATE INDEX households_search_text_trgm ON households USING gin (search_text gin_trgm_ops);
CREATE INDEX households_region ON households (region);

CREATE TABLE farmers (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id       text UNIQUE,
  household_id        uuid NOT NULL REFERENCES households (id),
  status              text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at          timestamptz NOT NULL DEFAULT now(),
  created_by          text NOT NULL,
  approved_at         timestamptz,
  approved_by         text,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  -- person
  national_id         text NOT NULL UNIQUE,
  first_name          text NOT NULL,
  middle_name         text,
  last_name           text NOT NULL,
  given_name          text,
  gender              text NOT NULL CHECK (gender IN ('MALE', 'FEMALE', 'OTHERS', 'UNKNOWN')),
  birth_date          date,
  birth_year          integer GENERATED ALWAYS AS (extract(year FROM birth_date)::integer) STORED,
  estimated_age       smallint,
  phone_numbers       text[] NOT NULL DEFAULT '{}',
  emails              text[] NOT NULL DEFAULT '{}',
  marital_status      text,
  occupation          text,
  income_level        text,
  language            text,
  education_level     text,
  registration_date   date NOT NULL DEFAULT current_date,
  -- geo
  latitude            double precision,
  longitude           double precision,
  address_line1       text,
  address_line2       text,
  postal_code         text,
  country_code        text,
  geo                 jsonb NOT NULL DEFAULT '{}'::jsonb,
  region              text GENERATED ALWAYS AS (geo ->> 'region') STORED,
  -- farmer extension
  has_personal_phone  boolean NOT NULL DEFAULT false,
  disability_type     text,
  disability_severity text,
  income_source       text,
  language_spoken     text,
  masked_national_id  text NOT NULL,
  search_text         text NOT NULL
);
CREATE INDEX farmers_search_text_trgm ON farmers USING gin (search_text gin_trgm_ops);
-- Dedup blocks (birth year, region) and the search filters.
CREATE INDEX farmers_region_birth_year ON farmers (region, birth_year);
CREATE INDEX farmers_birth_year ON farmers (birth_year);
CREATE INDEX farmers_birth_date ON farmers (birth_date);
CREATE INDEX farmers_household ON farmers (household_id);
CREATE INDEX farmers_created_at ON farmers (created_at);

CREATE SEQUENCE household_member_number;
CREATE TABLE household_members (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id text NOT NULL UNIQUE DEFAULT ('HM-' || lpad(nextval('household_member_number')::text, 9, '0')),
  household_id  uuid NOT NULL REFERENCES households (id) ON DELETE CASCADE,
  farmer_id     uuid REFERENCES farmers (id) ON DELETE SET NULL,
  status        text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  approved_at   timestamptz,
  approved_by   text,
  first_name    text NOT NULL,
  last_name     text NOT NULL,
  gender        text NOT NULL CHECK (gender IN ('MALE', 'FEMALE', 'OTHERS', 'UNKNOWN')),
  birth_date    date,
  relationship  text NOT NULL,
  is_head       boolean NOT NULL DEFAULT false
);
CREATE INDEX household_members_household ON household_members (household_id);

CREATE SEQUENCE land_number;
CREATE TABLE lands (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id    text NOT NULL UNIQUE DEFAULT ('LD-' || lpad(nextval('land_number')::text, 9, '0')),
  farmer_id        uuid NOT NULL REFERENCES farmers (id) ON DELETE CASCADE,
  status           text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL,
  approved_at      timestamptz,
  approved_by      text,
  ownership        text NOT NULL CHECK (ownership IN ('OWNER', 'TENANT', 'CROP_SHARE')),
  size             numeric(12, 3) NOT NULL CHECK (size > 0),
  size_unit        text NOT NULL CHECK (size_unit IN ('HECTARE', 'ACRE', 'SQUARE_METER')),
  land_use         text,
  farming_type     text NOT NULL CHECK (farming_type IN ('CROP', 'MIXED', 'LIVESTOCK', 'AGROFORESTRY', 'AQUACULTURE')),
  acquisition_year smallint,
  latitude         double precision,
  longitude        double precision
);
CREATE INDEX lands_farmer ON lands (farmer_id);

CREATE SEQUENCE crop_number;
CREATE TABLE crops (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id     text NOT NULL UNIQUE DEFAULT ('CR-' || lpad(nextval('crop_number')::text, 9, '0')),
  land_id           uuid NOT NULL REFERENCES lands (id) ON DELETE CASCADE,
  status            text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  created_by        text NOT NULL,
  crop_name         text NOT NULL,
  season            text,
  area_planted      numeric(12, 3),
  expected_yield_kg numeric(14, 2)
);
CREATE INDEX crops_land ON crops (land_id);

CREATE SEQUENCE livestock_number;
CREATE TABLE livestock (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id text NOT NULL UNIQUE DEFAULT ('LV-' || lpad(nextval('livestock_number')::text, 9, '0')),
  land_id       uuid NOT NULL REFERENCES lands (id) ON DELETE CASCADE,
  status        text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  animal_type   text NOT NULL,
  head_count    integer NOT NULL CHECK (head_count > 0)
);
CREATE INDEX livestock_land ON livestock (land_id);

CREATE SEQUENCE farm_input_number;
CREATE TABLE farm_inputs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id text NOT NULL UNIQUE DEFAULT ('FI-' || lpad(nextval('farm_input_number')::text, 9, '0')),
  land_id       uuid NOT NULL REFERENCES lands (id) ON DELETE CASCADE,
  status        text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text NOT NULL,
  input_type    text NOT NULL,
  quantity      numeric(12, 3),
  unit          text
);
CREATE INDEX farm_inputs_land ON farm_inputs (land_id);

CREATE SEQUENCE membership_number;
CREATE TABLE memberships (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  functional_id    text NOT NULL UNIQUE DEFAULT ('MB-' || lpad(nextval('membership_number')::text, 9, '0')),
  farmer_id        uuid NOT NULL REFERENCES farmers (id) ON DELETE CASCADE,
  status           text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'ARCHIVED')),
  created_at       timestamptz NOT NULL DEFAULT now(),
  created_by       text NOT NULL,
  cooperative_name text NOT NULL,
  role             text NOT NULL DEFAULT 'MEMBER',
  joined_on        date
);
CREATE INDEX memberships_farmer ON memberships (farmer_id);

-- One current score per (record, score type); every computation is kept in score_history.
CREATE TABLE scores (
  record_id   uuid NOT NULL,
  record_type text NOT NULL CHECK (record_type IN ('household', 'farmer')),
  score_type  text NOT NULL,
  value       numeric(12, 4) NOT NULL,
  inputs      jsonb NOT NULL,
  version     integer NOT NULL,
  computed_at timestamptz NOT NULL,
  job_id      bigint,
  PRIMARY KEY (record_id, score_type)
);
CREATE TABLE score_history (
  id          bigserial PRIMARY KEY,
  record_id   uuid NOT NULL,
  record_type text NOT NULL,
  score_type  text NOT NULL,
  value       numeric(12, 4) NOT NULL,
  inputs      jsonb NOT NULL,
  version     integer NOT NULL,
  computed_at timestamptz NOT NULL,
  job_id      bigint
);
CREATE INDEX score_history_record ON score_history (record_id, score_type, version);

-- Candidates at or above the match threshold, with their score and per-field matches.
CREATE TABLE dedup_results (
  id            bigserial PRIMARY KEY,
  record_type   text NOT NULL CHECK (record_type IN ('household', 'farmer')),
  record_id     uuid NOT NULL,
  candidate_id  uuid NOT NULL,
  score         numeric(5, 2) NOT NULL,
  field_matches jsonb NOT NULL,
  job_id        bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (record_id, candidate_id)
);

-- Pre-generated functional ids (Verhoeff-checked, filtered), claimed with FOR UPDATE SKIP LOCKED.
CREATE TABLE id_pool (
  id           text PRIMARY KEY,
  status       text NOT NULL DEFAULT 'AVAILABLE' CHECK (status IN ('AVAILABLE', 'ASSIGNED')),
  generated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  assigned_at  timestamptz,
  assigned_to  uuid
);
CREATE INDEX id_pool_available ON id_pool (generated_at) WHERE status = 'AVAILABLE';

CREATE TABLE users (
  username      text PRIMARY KEY,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('staff', 'viewer')),
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- Failed logins per key ('user:<name>' or 'ip:<address>') in a fixed window, shared by replicas.
CREATE TABLE login_failures (
  key          text PRIMARY KEY,
  window_start timestamptz NOT NULL,
  failures     integer NOT NULL
);
