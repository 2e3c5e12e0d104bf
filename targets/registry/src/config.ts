/**
 * The configuration every registry process runs with. The primary builds it once (flags, env,
 * a signing key) and hands it to API replicas and job workers as JSON in REGISTRY_CONFIG, so all
 * processes agree on the database, the token key and the limits.
 */
import type { JWK } from "jose";
import type { ApiLimits } from "./api/app.js";
import { DEFAULT_API_LIMITS } from "./api/app.js";
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "./auth/login-limiter.js";
import { DEFAULT_TOKEN_SETTINGS, type TokenSettings } from "./auth/tokens.js";
import { RegistryError, RegistryErrorCodes } from "./errors.js";
import { DEFAULT_JOB_SETTINGS, type JobSettings } from "./jobs/settings.js";
import type { LogLevelName } from "./log/json-log.js";

export interface RegistryConfig {
  databaseUrl: string;
  host: string;
  port: number;
  logLevel: LogLevelName;
  /** Connections per API replica. */
  dbPoolSize: number;
  /** `statement_timeout` of API connections, in ms. */
  statementTimeoutMs: number;
  /** `statement_timeout` of job-worker connections, in ms (jobs do more per statement). */
  jobStatementTimeoutMs: number;
  /** Jobs run at once per job worker process. */
  jobConcurrency: number;
  /** ES256 private key (JWK), shared by every replica so any of them verifies any token. */
  signingJwk: JWK;
  tokens: TokenSettings;
  loginLimits: LoginLimits;
  limits: ApiLimits;
  jobs: JobSettings;
}

export const CONFIG_ENV = "REGISTRY_CONFIG";

/** Defaults for everything but the database and the key. */
export function defaultConfig(databaseUrl: string, signingJwk: JWK): RegistryConfig {
  return {
    databaseUrl,
    host: "127.0.0.1",
    port: 8080,
    logLevel: "info",
    dbPoolSize: 10,
    statementTimeoutMs: 5000,
    jobStatementTimeoutMs: 30_000,
    jobConcurrency: 4,
    signingJwk,
    tokens: DEFAULT_TOKEN_SETTINGS,
    loginLimits: DEFAULT_LOGIN_LIMITS,
    limits: DEFAULT_API_LIMITS,
    jobs: DEFAULT_JOB_SETTINGS,
  };
}

/** Read the configuration a parent process passed in the environment. */
export function configFromEnv(env: NodeJS.ProcessEnv): RegistryConfig {
  const raw = env[CONFIG_ENV];
  if (raw === undefined) {
    throw new RegistryError(RegistryErrorCodes.CONFIG, `${CONFIG_ENV} is not set`, {
      hint: "start the registry with the strain-registry command, which starts its child processes",
    });
  }
  return JSON.parse(raw) as RegistryConfig;
}
