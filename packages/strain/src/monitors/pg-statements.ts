/**
 * Top SQL during a run from pg_stat_statements: its counters are cumulative since the last reset,
 * so the monitor snapshots them at the start and diffs at the end — the queries that cost time
 * *during the run*, not since the server started.
 */

/** Every query the monitor sends starts with this comment, so its own statements can be left out. */
export const MONITOR_QUERY_TAG = "/* strain monitor */";

/** One pg_stat_statements row, normalised across PostgreSQL versions. */
export interface StatementRow {
  /** userid, dbid, queryid and toplevel: pg_stat_statements' own key. */
  key: string;
  query: string;
  database: string;
  calls: number;
  totalMs: number;
  rows: number;
}

/** A query's share of the run. */
export interface TopQuery {
  query: string;
  database: string;
  calls: number;
  /** Execution time during the run, ms. */
  totalMs: number;
  meanMs: number;
  rows: number;
  /** Share of all statements' execution time during the run, %. */
  percent: number;
}

/** Longest query text kept in summaries: enough to recognise a statement, not to flood a report. */
const MAX_QUERY_CHARS = 500;

/** A pg_stat_statements row as `pg` returns it (int8 as strings; column names vary by version). */
export function toStatementRow(r: Record<string, unknown>): StatementRow {
  const total = r.total_exec_time ?? r.total_time; // renamed in PostgreSQL 13
  return {
    key: `${r.userid}:${r.dbid}:${r.queryid}:${r.toplevel ?? "t"}`,
    query: String(r.query ?? ""),
    database: String(r.datname ?? r.dbid ?? ""),
    calls: Number(r.calls ?? 0),
    totalMs: Number(total ?? 0),
    rows: Number(r.rows ?? 0),
  };
}

/**
 * The `limit` statements with the most execution time between `before` and `after`. A statement
 * absent from `before` (new, or evicted and re-added) counts from zero; one whose counters went
 * down (pg_stat_statements_reset during the run) counts its `after` values. The monitor's own
 * statements are left out.
 */
export function topStatements(
  before: ReadonlyMap<string, StatementRow>,
  after: readonly StatementRow[],
  limit: number,
): TopQuery[] {
  const deltas: Omit<TopQuery, "percent" | "meanMs">[] = [];
  let all = 0;
  for (const a of after) {
    if (a.query.trimStart().startsWith(MONITOR_QUERY_TAG)) continue;
    const b = before.get(a.key);
    const reset = b !== undefined && (a.calls < b.calls || a.totalMs < b.totalMs);
    const base = b === undefined || reset ? { calls: 0, totalMs: 0, rows: 0 } : b;
    const calls = a.calls - base.calls;
    const totalMs = a.totalMs - base.totalMs;
    if (calls <= 0 && totalMs <= 0) continue;
    all += totalMs;
    deltas.push({
      query: a.query.length > MAX_QUERY_CHARS ? `${a.query.slice(0, MAX_QUERY_CHARS)}…` : a.query,
      database: a.database,
      calls,
      totalMs,
      rows: a.rows - base.rows,
    });
  }
  deltas.sort((x, y) => y.totalMs - x.totalMs);
  return deltas.slice(0, limit).map((d) => ({
    ...d,
    meanMs: d.calls > 0 ? d.totalMs / d.calls : 0,
    percent: all > 0 ? (d.totalMs / all) * 100 : 0,
  }));
}
