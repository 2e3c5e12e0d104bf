/**
 * One error type for the registry package, with a stable string code (checked by `code`, never by
 * `instanceof`: errors cross process boundaries between the primary, replicas and job workers).
 */
export const RegistryErrorCodes = {
  /** The embedded PostgreSQL server could not be initialised or started. */
  EMBEDDED_PG: "REGISTRY_ERR_EMBEDDED_PG",
  /** A migration failed, or an applied migration was changed after it ran. */
  MIGRATION: "REGISTRY_ERR_MIGRATION",
  /** Bad command-line flags or configuration. */
  CONFIG: "REGISTRY_ERR_CONFIG",
  /** A job's target record does not exist (the job fails; it is retried, then recorded). */
  RECORD_NOT_FOUND: "REGISTRY_ERR_RECORD_NOT_FOUND",
  /** The ID pool is empty and could not be refilled. */
  ID_POOL_EXHAUSTED: "REGISTRY_ERR_ID_POOL_EXHAUSTED",
  /** A child process (API replica or job worker) failed to start. */
  PROCESS: "REGISTRY_ERR_PROCESS",
} as const;

export type RegistryErrorCode = (typeof RegistryErrorCodes)[keyof typeof RegistryErrorCodes];

/** The registry's error: a stable `code`, a message, an optional hint, and the cause chained. */
export class RegistryError extends Error {
  readonly code: RegistryErrorCode;
  readonly hint: string | undefined;

  constructor(code: RegistryErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RegistryError";
    this.code = code;
    this.hint = options.hint;
  }
}

/** True when `err` carries the given code. */
export function hasRegistryCode(err: unknown, code: RegistryErrorCode): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}
