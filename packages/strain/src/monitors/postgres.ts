import { availableParallelism } from "node:os";
import pg from "pg";
import type { SnapshotEntry } from "../metrics/types.js";
import { compileTemplate } from "../plan/template.js";
import { EntryList } from "./entries.js";
import { MONITOR_QUERY_TAG, type StatementRow, topStatements, toStatementRow } from "./pg-statements.js";
import { findPostmaster, isLocalServer } from "./postgres-local.js";
import { ProcessGroupTracker, SHARED_SCAN_MS, scanProcesses } from "./process-table.js";
import { redactUrl } from "./redact-url.js";
import type { Monitor, MonitorContext, MonitorExtras } from "./types.js";

export interface PostgresMonitorConfig {
  /** Connection URL; `${env.NAME}` is replaced from the run's variables. */
  url: string;
  required: boolean;
  /** Statements listed in the end-of-run top list. 0 turns the list off. */
  topQueries: number;
  /** CPUs `db_cpu_percent` is relative to (a container's limit); null: all of this machine's. */
  cpus: number | null;
}

/** States of pg_stat_activity reported as `pg_backends{state}`, always (0 included). */
const STATES = ["active", "idle", "idle in transaction", "idle in transaction (aborted)"] as const;
/** Wait event types reported as `pg_backends_waiting{wait_event_type}`, always (0 included). */
const WAIT_TYPES = ["Lock", "LWLock", "IO", "IPC", "BufferPin", "Client", "Timeout", "Extension"] as const;

/**
 * Everything per interval in one statement: one round trip, one transaction (so the monitor adds
 * one commit per interval to pg_stat_database), and one consistent statistics snapshot.
 */
const INTERVAL_SQL = `${MONITOR_QUERY_TAG}
SELECT
  (SELECT row_to_json(d) FROM (
     SELECT xact_commit, xact_rollback, deadlocks, temp_bytes, temp_files, blks_hit, blks_read, conflicts
     FROM pg_stat_database WHERE datname = current_database()) d) AS db,
  (SELECT coalesce(json_agg(a), '[]'::json) FROM (
     SELECT state, CASE WHEN state = 'active' THEN wait_event_type END AS wait, count(*)::int AS n
     FROM pg_stat_activity
     WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
     GROUP BY 1, 2) a) AS activity,
  (SELECT count(*)::int FROM pg_locks WHERE NOT granted) AS lock_waits,
  current_setting('max_connections')::int AS max_connections`;

const STATEMENTS_SQL = `${MONITOR_QUERY_TAG}
SELECT s.*, d.datname FROM pg_stat_statements s LEFT JOIN pg_database d ON d.oid = s.dbid`;

interface DbCounters {
  xact_commit: number;
  xact_rollback: number;
  deadlocks: number;
  temp_bytes: number;
  temp_files: number;
  blks_hit: number;
  blks_read: number;
  conflicts: number;
}

interface IntervalRow {
  db: DbCounters | null;
  activity: { state: string | null; wait: string | null; n: number }[];
  lock_waits: number;
  max_connections: number;
}

/**
 * PostgreSQL, given a connection URL (seed 001's criteria table has "database deadlocks: 0%";
 * seed 000 asks for the pod count that brings PostgreSQL to 75% utilisation):
 *
 *   pg_commits_per_s / pg_rollbacks_per_s          level, /s
 *   pg_deadlocks, pg_conflicts, pg_temp_files      counter, during the interval
 *   pg_temp_bytes                                  counter, bytes
 *   pg_cache_hit_percent                           level, % of block reads served from shared buffers
 *   pg_backends{state}                             level (client backends, the monitor excluded)
 *   pg_backends_waiting{wait_event_type}           level (active backends waiting)
 *   pg_lock_waits                                  level (ungranted locks)
 *   pg_connections / pg_connections_used_percent   level, and % of max_connections
 *   pg_connections_max                             gauge
 *   db_cpu_percent                                 level, % of `cpus` (default: this machine's), local servers
 *   db_cpu_cores                                   level, cores busy, local servers
 *
 * The database counters are those of the URL's database. At the end: the top statements by
 * execution time during the run, from pg_stat_statements.
 */
export class PostgresMonitor implements Monitor {
  readonly name = "postgres";
  readonly required: boolean;
  private client: pg.Client | null = null;
  private url = "";
  private label = "";
  private prev: { at: number; db: DbCounters } | null = null;
  private cpu: ProcessGroupTracker | null = null;
  private cpuAt = 0;
  private statementsBefore: Map<string, StatementRow> | null = null;
  private readonly notes: string[] = [];
  private ctx: MonitorContext | null = null;
  private broken = false;
  private queryTimeoutMs = 5000;

  constructor(readonly config: PostgresMonitorConfig) {
    this.required = config.required;
  }

  async start(ctx: MonitorContext): Promise<string | undefined> {
    this.ctx = ctx;
    // A slow server must not hold the interval clock: a sample that takes longer is skipped.
    this.queryTimeoutMs = Math.max(1000, Math.min(5000, ctx.intervalMs));
    const t = compileTemplate(this.config.url);
    try {
      this.url = typeof t === "string" ? t : t(ctx.env);
    } catch (err) {
      return `postgres monitor unavailable: ${(err as Error).message}`;
    }
    this.label = redactUrl(this.url);
    try {
      this.client = await this.connect();
      const first = await this.client.query<IntervalRow>(INTERVAL_SQL);
      const row = first.rows[0];
      if (row?.db === null || row?.db === undefined) {
        await this.closeClient();
        return `postgres monitor unavailable at ${this.label}: no pg_stat_database row for the current database`;
      }
      this.prev = { at: performance.now(), db: numbers(row.db) };
    } catch (err) {
      await this.closeClient();
      return `postgres monitor cannot connect to ${this.label}: ${describe(err)}`;
    }
    await this.startCpu();
    if (this.config.topQueries > 0) await this.startStatements();
    return undefined;
  }

  async sample(_index: number, _start: number, _end: number): Promise<SnapshotEntry[]> {
    if (this.prev === null) return [];
    if (this.client === null || this.broken) {
      try {
        await this.closeClient();
        this.client = await this.connect();
        this.broken = false;
        this.ctx?.warn(`postgres monitor: reconnected to ${this.label}`);
      } catch {
        return [];
      }
    }
    let row: IntervalRow | undefined;
    try {
      row = (await this.client!.query<IntervalRow>(INTERVAL_SQL)).rows[0];
    } catch (err) {
      this.lost(err);
      return [];
    }
    const at = performance.now();
    const out = new EntryList();
    if (row?.db !== null && row?.db !== undefined) {
      const db = numbers(row.db);
      const before = this.prev.db;
      const seconds = (at - this.prev.at) / 1000;
      this.prev = { at, db };
      const d = (k: keyof DbCounters) => Math.max(0, db[k] - before[k]);
      if (seconds > 0) {
        out.level("pg_commits_per_s", {}, d("xact_commit") / seconds);
        out.level("pg_rollbacks_per_s", {}, d("xact_rollback") / seconds);
      }
      out.counter("pg_deadlocks", {}, d("deadlocks"));
      out.counter("pg_conflicts", {}, d("conflicts"));
      out.counter("pg_temp_files", {}, d("temp_files"));
      out.counter("pg_temp_bytes", {}, d("temp_bytes"));
      const reads = d("blks_hit") + d("blks_read");
      if (reads > 0) out.level("pg_cache_hit_percent", {}, (d("blks_hit") / reads) * 100);
    }
    if (row !== undefined) {
      const byState = new Map<string, number>();
      const waiting = new Map<string, number>();
      let connections = 0;
      for (const a of row.activity) {
        connections += a.n;
        const state = a.state ?? "unknown";
        byState.set(state, (byState.get(state) ?? 0) + a.n);
        if (a.wait !== null) waiting.set(a.wait, (waiting.get(a.wait) ?? 0) + a.n);
      }
      for (const s of new Set<string>([...STATES, ...byState.keys()]))
        out.level("pg_backends", { state: s }, byState.get(s) ?? 0);
      for (const w of new Set<string>([...WAIT_TYPES, ...waiting.keys()]))
        out.level("pg_backends_waiting", { wait_event_type: w }, waiting.get(w) ?? 0);
      out.level("pg_lock_waits", {}, row.lock_waits);
      out.level("pg_connections", {}, connections);
      out.gauge("pg_connections_max", {}, row.max_connections);
      if (row.max_connections > 0)
        out.level("pg_connections_used_percent", {}, (connections / row.max_connections) * 100);
    }
    this.sampleCpu(out);
    return out.entries;
  }

  async stop(): Promise<MonitorExtras | undefined> {
    const data: Record<string, unknown> = { server: this.label };
    if (this.statementsBefore !== null && this.client !== null && !this.broken) {
      try {
        const after = await this.readStatements();
        data.topQueries = topStatements(this.statementsBefore, after, this.config.topQueries);
      } catch (err) {
        this.notes.push(`top queries unavailable: ${describe(err)}`);
      }
    }
    await this.closeClient();
    return { monitor: this.name, notes: [...this.notes], data };
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.url,
      application_name: "strain-monitor",
      connectionTimeoutMillis: this.queryTimeoutMs,
      query_timeout: this.queryTimeoutMs,
    });
    // Without a listener a dropped connection would crash the coordinator; note it and reconnect.
    client.on("error", (err) => this.lost(err));
    await client.connect();
    return client;
  }

  private lost(err: unknown): void {
    if (this.broken) return;
    this.broken = true;
    this.ctx?.warn(`postgres monitor lost ${this.label}: ${describe(err)}; retrying every interval`);
  }

  private async closeClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c !== null) await c.end().catch(() => undefined);
  }

  private async startCpu(): Promise<void> {
    if (!isLocalServer(this.url)) {
      this.notes.push(
        "db_cpu_percent not measured: the server is not on this machine (loopback or Unix socket)",
      );
      return;
    }
    try {
      const r = await this.client!.query<{ pid: number; dir: string | null }>(
        `${MONITOR_QUERY_TAG} SELECT pg_backend_pid() AS pid, current_setting('data_directory', true) AS dir`,
      );
      const stream = (this.client as unknown as { connection?: { stream?: { localPort?: number } } })
        .connection?.stream;
      const found = findPostmaster({
        backendPid: r.rows[0]!.pid,
        dataDirectory: r.rows[0]!.dir,
        clientPort: stream?.localPort ?? null,
      });
      if ("reason" in found) {
        this.notes.push(`db_cpu_percent not measured: ${found.reason}`);
        return;
      }
      this.cpu = new ProcessGroupTracker({ pid: found.pid, tree: true });
      this.cpu.read(scanProcesses());
      this.cpuAt = performance.now();
    } catch (err) {
      this.notes.push(`db_cpu_percent not measured: ${describe(err)}`);
    }
  }

  private sampleCpu(out: EntryList): void {
    if (this.cpu === null) return;
    const r = this.cpu.read(scanProcesses(SHARED_SCAN_MS));
    const at = performance.now();
    const seconds = (at - this.cpuAt) / 1000;
    this.cpuAt = at;
    if (r.processes === 0) {
      this.notes.push("db_cpu_percent stopped: the postmaster exited");
      this.cpu = null;
      return;
    }
    if (seconds <= 0) return;
    const cores = r.cpuSeconds / seconds;
    out.level("db_cpu_cores", {}, cores);
    out.level("db_cpu_percent", {}, (cores / (this.config.cpus ?? availableParallelism())) * 100);
  }

  private async startStatements(): Promise<void> {
    try {
      const ext = await this.client!.query(
        `${MONITOR_QUERY_TAG} SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`,
      );
      if (ext.rowCount === 0) {
        this.notes.push(
          "top queries unavailable: pg_stat_statements is not installed in this database — add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf, restart, then run CREATE EXTENSION pg_stat_statements",
        );
        return;
      }
      this.statementsBefore = new Map((await this.readStatements()).map((s) => [s.key, s]));
    } catch (err) {
      this.notes.push(
        `top queries unavailable: ${describe(err)} (pg_stat_statements needs shared_preload_libraries = 'pg_stat_statements' and a restart)`,
      );
    }
  }

  private async readStatements(): Promise<StatementRow[]> {
    const r = await this.client!.query<Record<string, unknown>>(STATEMENTS_SQL);
    return r.rows.map(toStatementRow);
  }
}

/** pg returns bigint columns inside JSON as numbers already; make sure of it (and of nulls). */
function numbers(db: DbCounters): DbCounters {
  const out = {} as DbCounters;
  for (const k of Object.keys(db) as (keyof DbCounters)[]) out[k] = Number(db[k] ?? 0);
  return out;
}

function describe(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown };
  const msg = typeof e?.message === "string" && e.message !== "" ? e.message : String(err);
  return typeof e?.code === "string" && !msg.includes(e.code) ? `${msg} (${e.code})` : msg;
}
