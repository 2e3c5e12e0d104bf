/**
 * The PostgreSQL connection pool of one process. Every connection carries `statement_timeout`
 * (a runaway query is cancelled, not left holding a connection) and an `application_name`, so
 * pg_stat_activity shows which process owns what.
 */
import pg from "pg";

export interface PoolOptions {
  /** Connections in this process's pool. */
  max: number;
  /** `statement_timeout` for every statement, in ms. */
  statementTimeoutMs: number;
  /** Shown in pg_stat_activity. */
  applicationName: string;
}

// Per-pool parsers (not pg's global ones, which would change other libraries' results in the same
// process): dates stay "YYYY-MM-DD" (no time-zone shift), numeric and bigint become numbers (our
// counts and measures are far below 2^53).
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === DATE_OID) return (v) => v;
  if (oid === INT8_OID || oid === NUMERIC_OID) return (v) => Number(v);
  return (pg.types.getTypeParser as (oid: number, format?: "text" | "binary") => (value: string) => unknown)(
    oid,
    format,
  );
}

/** Create a pool for `databaseUrl`. Errors on idle connections are logged by `onError`, not thrown. */
export function createPool(
  databaseUrl: string,
  options: PoolOptions,
  onError?: (err: Error) => void,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: Math.max(options.statementTimeoutMs * 2, 10_000),
    application_name: options.applicationName,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: typeParser },
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on("error", (err) => onError?.(err));
  return pool;
}
