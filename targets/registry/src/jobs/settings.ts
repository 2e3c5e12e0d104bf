/** What the job tasks and their retry policy read from the registry's configuration. */

export const TASKS = ["dedup", "score", "idgen"] as const;
export type TaskName = (typeof TASKS)[number];

export interface JobSettings {
  /** Retries after the first failed run; a job failing 1 + maxRetries times is recorded FAILED. */
  maxRetries: number;
  /** Delay before retry k is backoffBaseMs × 2^(k-1), capped at backoffMaxMs. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How often an idle worker polls for jobs scheduled in the future (retries), in ms. */
  pollIntervalMs: number;
  dedup: {
    /** Candidates at or above this score (0–100) are stored. */
    threshold: number;
    /** A fuzzy field similarity below this counts as no match (0). */
    fieldFloor: number;
    /** Candidates scored per record, best trigram matches first. */
    maxCandidates: number;
    farmer: { firstName: number; lastName: number; birthDate: number };
    household: { headName: number; address: number };
  };
  score: { poverty: { householdSize: number; children: number } };
  idgen: {
    /** Ids in the pool below which a worker generates another batch. */
    minAvailable: number;
    batchSize: number;
    length: number;
    restricted: string[];
  };
}

/** Weights and thresholds from domain.md (OpenG2P's dedup and score configuration, MOSIP's id rules). */
export const DEFAULT_JOB_SETTINGS: JobSettings = {
  maxRetries: 5,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  pollIntervalMs: 1000,
  dedup: {
    threshold: 70,
    fieldFloor: 0.8,
    maxCandidates: 50,
    farmer: { firstName: 0.35, lastName: 0.35, birthDate: 0.3 },
    household: { headName: 0.7, address: 0.3 },
  },
  score: { poverty: { householdSize: 0.45, children: 0.55 } },
  idgen: { minAvailable: 2000, batchSize: 10_000, length: 10, restricted: [] },
};

/** Delay before the retry that follows failure number `failures` (1-based). */
export function retryDelayMs(
  settings: Pick<JobSettings, "backoffBaseMs" | "backoffMaxMs">,
  failures: number,
): number {
  return Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** Math.max(0, failures - 1));
}
