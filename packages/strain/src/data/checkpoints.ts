/**
 * Checkpoints that fall inside a load. With data checksums (PostgreSQL 18's default) or
 * wal_log_hints, the first change to a page after a checkpoint is WAL-logged as a full-page image,
 * and the rebuild's first scan of freshly copied rows changes every page (it sets their hint bits).
 * So each checkpoint during the load makes the rebuild write the pages copied before it to the WAL
 * once more. Measured here: at 1M households with max_wal_size 1 GB, 354k full-page images (2.7 GB
 * of WAL) in the rebuild, none with 16 GB; at 10M households, max_wal_size 16 GB → 64 GB took the
 * whole command from 15:02 to 13:40–14:40 over three runs (docs/benchmarks.md).
 *
 * The loader reads the server's checkpoint count and WAL position before and after the load, and
 * says so when checkpoints ran: measured, not guessed from an estimate of the load's size.
 */
import type pg from "pg";

export interface CheckpointMark {
  /** Checkpoints the server has run since its statistics were reset. */
  checkpoints: number;
  /** WAL insert position, in bytes. */
  walBytes: bigint;
}

export interface CheckpointSettings {
  /** What makes hint-bit changes WAL-logged as full pages, if anything. */
  hintsLoggedBy: "data checksums" | "wal_log_hints" | undefined;
  maxWalSize: string;
  checkpointTimeout: string;
}

/** Where the server stands; undefined when its statistics cannot be read (then nothing is said). */
export async function checkpointMark(client: pg.Client): Promise<CheckpointMark | undefined> {
  try {
    // pg_stat_checkpointer from PostgreSQL 17; pg_stat_bgwriter kept the counts before.
    const { rows } = await client.query<{ has: boolean }>(
      "SELECT to_regclass('pg_catalog.pg_stat_checkpointer') IS NOT NULL AS has",
    );
    const counts = rows[0]!.has
      ? "SELECT num_timed + num_requested FROM pg_stat_checkpointer"
      : "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter";
    const r = await client.query<{ n: string; lsn: string }>(
      `SELECT (${counts})::text AS n, pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::text AS lsn`,
    );
    return { checkpoints: Number(r.rows[0]!.n), walBytes: BigInt(r.rows[0]!.lsn.split(".")[0]!) };
  } catch {
    return undefined;
  }
}

async function checkpointSettings(client: pg.Client): Promise<CheckpointSettings | undefined> {
  try {
    const { rows } = await client.query<{ sums: string; hints: string; wal: string; timeout: string }>(
      `SELECT current_setting('data_checksums') AS sums, current_setting('wal_log_hints') AS hints,
              current_setting('max_wal_size') AS wal, current_setting('checkpoint_timeout') AS timeout`,
    );
    const r = rows[0]!;
    return {
      hintsLoggedBy: r.sums === "on" ? "data checksums" : r.hints === "on" ? "wal_log_hints" : undefined,
      maxWalSize: r.wal,
      checkpointTimeout: r.timeout,
    };
  } catch {
    return undefined;
  }
}

/** The warning for checkpoints since `before` (taken as the load began), or undefined. */
export async function checkpointWarningSince(
  client: pg.Client,
  before: CheckpointMark,
): Promise<string | undefined> {
  const settings = await checkpointSettings(client);
  if (settings === undefined) return undefined;
  const after = await checkpointMark(client);
  return after === undefined ? undefined : checkpointWarning(before, after, settings);
}

/**
 * The warning for checkpoints between `before` and `after` (a load), or undefined when there is
 * nothing to say: no checkpoint, or hint bits not WAL-logged (the rebuild's scans then only dirty
 * the pages, which they would do anyway).
 */
export function checkpointWarning(
  before: CheckpointMark,
  after: CheckpointMark,
  settings: CheckpointSettings,
): string | undefined {
  const n = after.checkpoints - before.checkpoints;
  if (n <= 0 || settings.hintsLoggedBy === undefined) return undefined;
  const wal = Number(after.walBytes - before.walBytes);
  return (
    `${n} checkpoint${n === 1 ? "" : "s"} ran during the load (${formatWal(wal)} of WAL; max_wal_size ${settings.maxWalSize}, ` +
    `checkpoint_timeout ${settings.checkpointTimeout}), so the index build writes the pages loaded before ` +
    `${n === 1 ? "it" : "them"} to the WAL again (${settings.hintsLoggedBy}); for bulk loads raise max_wal_size above the load's WAL ` +
    "and checkpoint_timeout above its duration"
  );
}

function formatWal(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(n / 1e6))} MB`;
}
