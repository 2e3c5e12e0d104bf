/**
 * strain-registry as a library: the embedded PostgreSQL helper (used by strain's own tests), and
 * the registry's building blocks for tests and embedding (migrations, the API, job workers,
 * seeding, the id generator).
 */
export { type ApiLimits, buildRegistryApp, DEFAULT_API_LIMITS, type RegistryAppOptions } from "./api/app.js";
export { type ApiMetrics, createApiMetrics } from "./api/metrics.js";
export { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "./auth/login-limiter.js";
export { hashPassword, verifyPassword } from "./auth/passwords.js";
export {
  createTokenService,
  DEFAULT_TOKEN_SETTINGS,
  generateSigningJwk,
  type Principal,
  type Role,
  type TokenService,
  type TokenSettings,
} from "./auth/tokens.js";
export { DEFAULT_USERS, ensureUsers, type UserSeed } from "./auth/users.js";
export { CONFIG_ENV, defaultConfig, type RegistryConfig } from "./config.js";
export { type EmbeddedPostgres, type EmbeddedPostgresOptions, startEmbeddedPostgres } from "./db/embedded.js";
export { migrate } from "./db/migrate.js";
export { createPool, type PoolOptions } from "./db/pool.js";
export { hasRegistryCode, RegistryError, type RegistryErrorCode, RegistryErrorCodes } from "./errors.js";
export { scoreFarmerPair, scoreHouseholdPair } from "./jobs/dedup.js";
export { DEFAULT_ID_FILTER_RULES, type IdFilterRules, idFilterViolation } from "./jobs/id-filters.js";
export { generateIds, type IdGeneratorOptions } from "./jobs/id-generator.js";
export { availableIds, claimId, fillIdPool } from "./jobs/id-pool.js";
export { type JobWorker, type JobWorkerOptions, startJobWorker } from "./jobs/job-worker.js";
export { type BatchStatus, enqueueJobs, getBatchStatus, getJob } from "./jobs/queue.js";
export { DEFAULT_JOB_SETTINGS, type JobSettings, TASKS, type TaskName } from "./jobs/settings.js";
export { verhoeffDigit, verhoeffValid } from "./jobs/verhoeff.js";
export { createJsonLog, type JsonLog } from "./log/json-log.js";
export {
  farmerSearchText,
  foldForSearch,
  householdSearchText,
  maskNationalId,
} from "./records/search-text.js";
export { type SeedOptions, type SeedResult, seedFarmers } from "./seed/seed-farmers.js";
