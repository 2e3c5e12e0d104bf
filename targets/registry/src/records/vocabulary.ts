/**
 * The registry's closed vocabularies (code lists), shared by the API schemas, the seeder and the
 * database CHECK constraints' values. Proportions for the seeder are in `seed/seed-farmers.ts`.
 */
export const GENDERS = ["MALE", "FEMALE", "OTHERS", "UNKNOWN"] as const;
export const STATUSES = ["ACTIVE", "INACTIVE", "ARCHIVED"] as const;
export const MARITAL_STATUSES = ["MARRIED", "SINGLE", "WIDOWED", "DIVORCED"] as const;
export const EDUCATION_LEVELS = ["NEVER_ATTENDED", "PRIMARY", "SECONDARY", "TERTIARY", "NON_FORMAL"] as const;
export const INCOME_LEVELS = ["LOW", "MEDIUM", "HIGH"] as const;
export const INCOME_SOURCES = ["CROP", "LIVESTOCK", "GOVERNMENT_NGO", "OTHER"] as const;
export const DISABILITY_SEVERITIES = ["MILD", "MODERATE", "SEVERE"] as const;
export const OWNERSHIPS = ["OWNER", "TENANT", "CROP_SHARE"] as const;
export const SIZE_UNITS = ["HECTARE", "ACRE", "SQUARE_METER"] as const;
export const FARMING_TYPES = ["CROP", "MIXED", "LIVESTOCK", "AGROFORESTRY", "AQUACULTURE"] as const;

export type Gender = (typeof GENDERS)[number];
export type RecordStatus = (typeof STATUSES)[number];
export type RecordType = "farmer" | "household";
