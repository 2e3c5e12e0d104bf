/**
 * One error type for the package. Errors cross process boundaries (worker → coordinator), where
 * classes are lost, so callers check `code`, never `instanceof`.
 */
export const ErrorCodes = {
  PLAN_INVALID: "STRAIN_ERR_PLAN_INVALID",
  PLAN_LOAD: "STRAIN_ERR_PLAN_LOAD",
  SETUP_FAILED: "STRAIN_ERR_SETUP_FAILED",
  TEARDOWN_FAILED: "STRAIN_ERR_TEARDOWN_FAILED",
  WORKER_CRASHED: "STRAIN_ERR_WORKER_CRASHED",
  FEEDER: "STRAIN_ERR_FEEDER",
  FEEDER_EXHAUSTED: "STRAIN_ERR_FEEDER_EXHAUSTED",
  RUN_DIR: "STRAIN_ERR_RUN_DIR",
  RUN_DIR_READ: "STRAIN_ERR_RUN_DIR_READ",
  BODY_DISCARDED: "STRAIN_ERR_BODY_DISCARDED",
  USAGE: "STRAIN_ERR_USAGE",
  DATASET_INVALID: "STRAIN_ERR_DATASET_INVALID",
  DATA_TARGET: "STRAIN_ERR_DATA_TARGET",
  DATA_LOAD: "STRAIN_ERR_DATA_LOAD",
  DATA_DISK: "STRAIN_ERR_DATA_DISK",
  INTERNAL: "STRAIN_ERR_INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface StrainErrorOptions {
  cause?: unknown;
  /** What the user can do about it, in one sentence. */
  hint?: string;
  /** Extra lines (e.g. every validation problem) printed after the message. */
  details?: readonly string[];
}

export class StrainError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: StrainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StrainError";
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? [];
  }
}

/** True when `err` carries the given code (works for errors rebuilt from IPC messages too). */
export function hasCode(err: unknown, code: ErrorCode): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === code;
}

/**
 * Process exit codes. k6's numbers where the meaning matches (k6 errext/exitcodes), so CI users
 * recognise them. docs/errors.md lists every one; a test keeps the two in step.
 */
export const ExitCodes = {
  OK: 0,
  /** With --strict: no criterion failed, but some missed their target (warnings). */
  CRITERIA_WARNINGS: 98,
  /** With --strict: the load generator was saturated or limited (latencies understate the target). */
  RUN_INVALID: 97,
  /** Some criteria missed their threshold (k6: ThresholdsHaveFailed). */
  CRITERIA_FAILED: 99,
  /** setup() threw (k6: SetupTimeout/ScriptException family). */
  SETUP_FAILED: 100,
  /** teardown() threw. */
  TEARDOWN_FAILED: 101,
  /** A worker process died or the engine hit an internal error (k6: GenericEngine). */
  ENGINE_ERROR: 103,
  /** The plan is invalid or could not be loaded (k6: InvalidConfig). */
  INVALID_CONFIG: 104,
  /** Stopped by SIGINT / SIGTERM (k6: ExternalAbort). */
  ABORTED_BY_SIGNAL: 105,
  /** Bad command-line usage, or a run directory that cannot be read. */
  USAGE: 2,
  /** The run directory could not be written (disk full, permissions). */
  OUTPUT_FAILED: 106,
  /** `strain data` refused or failed; chunks committed before the failure stay, and a rerun resumes. */
  DATA_FAILED: 107,
} as const;

export type ExitCode = (typeof ExitCodes)[keyof typeof ExitCodes];

/** Plain data form of an error for IPC and JSON files; never carries secrets (messages are built by us). */
export interface SerializedError {
  code: string;
  message: string;
  hint?: string;
  details?: string[];
}

export function serializeError(err: unknown): SerializedError {
  if (typeof err === "object" && err !== null) {
    const e = err as { code?: unknown; message?: unknown; hint?: unknown; details?: unknown };
    const out: SerializedError = {
      code: typeof e.code === "string" ? e.code : ErrorCodes.INTERNAL,
      message: typeof e.message === "string" ? e.message : String(err),
    };
    if (typeof e.hint === "string") out.hint = e.hint;
    if (Array.isArray(e.details)) out.details = e.details.map(String);
    return out;
  }
  return { code: ErrorCodes.INTERNAL, message: String(err) };
}

export function deserializeError(s: SerializedError): StrainError {
  const opts: StrainErrorOptions = {};
  if (s.hint !== undefined) opts.hint = s.hint;
  if (s.details !== undefined) opts.details = s.details;
  return new StrainError(s.code as ErrorCode, s.message, opts);
}
