/** What a task receives: the transaction its results are written in, and the job's target. */
import type pg from "pg";
import type { RecordType } from "../records/vocabulary.js";
import type { JobSettings } from "./settings.js";

export interface TaskContext {
  /** The open transaction; the job is marked COMPLETED in it, so results and status commit together. */
  client: pg.PoolClient;
  /** For work that must commit on its own (refilling the id pool). */
  pool: pg.Pool;
  jobId: number;
  recordType: RecordType;
  recordId: string;
  settings: JobSettings;
}

/** A task: does its work in `ctx.client` and returns the job's result (JSON). Throws to fail the run. */
export type TaskFunction = (ctx: TaskContext) => Promise<Record<string, unknown>>;
