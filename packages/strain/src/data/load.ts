/**
 * `strain data`'s engine: one load of a dataset into PostgreSQL.
 *
 *   check tables ─▶ find or start the load in the ledger ─▶ refuse / truncate / append
 *     ─▶ disk check ─▶ set indexes and constraints aside (definitions kept in the ledger first)
 *     ─▶ loader processes × W, 2 chunks queued each: generate N+1 (thread) while BEGIN; COPY per
 *        table of N; ledger row; COMMIT
 *     ─▶ rebuild indexes, keys and foreign keys (a table's builds side by side, up to 12
 *        connections; order and settings: rebuild-plan.ts)
 *     ─▶ afterLoad SQL ─▶ ANALYZE
 *
 * Rerunning the same command after a crash, `kill -9` or a lost connection finds the unfinished
 * load by its identity and goes on from the first missing chunk, or from the rebuild.
 */
import { type ChildProcess, fork } from "node:child_process";
import { statfs } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { ErrorCodes, StrainError } from "../errors.js";
import { checkpointMark, checkpointWarningSince } from "./checkpoints.js";
import { type DatasetDefinition, type TableDefinition, tableClosure } from "./dataset.js";
import {
  deleteLoads,
  ensureLedger,
  insertLoad,
  type LoadRecord,
  listLoads,
  loadedChunks,
  recordSetAside,
  type SetAside,
  setLoadState,
} from "./ledger.js";
import type { FromLoader, ToLoader } from "./load-protocol.js";
import { describePgError, redactDbUrl } from "./pg-errors.js";
import { buildSettings, nextStep, planRebuild, rebuildConnections } from "./rebuild-plan.js";
import {
  checkTables,
  dropSetAside,
  findSetAside,
  isInPlace,
  nonEmptyTables,
  quoteName,
} from "./schema-prep.js";
import type { DatasetSource } from "./source.js";

export const DEFAULT_CHUNK_ROOTS = 1000;

export interface LoadOptions {
  /** How loader processes obtain the dataset. */
  source: DatasetSource;
  /** The same dataset, resolved in this process. */
  dataset: DatasetDefinition;
  databaseUrl: string;
  /** Root rows to generate. */
  scale: number;
  seed: number;
  /** Loader processes (each one connection, one COPY stream). */
  workers: number;
  /** Load only these tables (and the tables they need). Default: all. */
  tables?: readonly string[];
  /** Add to tables that already hold rows (numbering goes on after earlier loads of the same seed). */
  append?: boolean;
  /** Empty the dataset's tables first (only those). */
  truncate?: boolean;
  /** Keep indexes and constraints in place while loading (slower). */
  keepIndexes?: boolean;
  /**
   * Generate each loader's next chunk on a thread while its current one is written. Default: when
   * the database is on another host, or this machine has two cores per loader (one generating, one
   * for its PostgreSQL backend); otherwise they would only take CPU from each other.
   */
  generateAhead?: boolean;
  /** Stop handing out chunks; chunks in flight finish. */
  signal?: AbortSignal;
  /** Stop now: loader processes are killed, their open chunks roll back. */
  killSignal?: AbortSignal;
  observer?: LoadObserver;
}

export interface TableProgress {
  name: string;
  /** Rows loaded so far (this load, earlier runs of it included). */
  rows: number;
  /** Rows expected at the end (exact once every chunk is in). */
  expected: number;
  /** Rows loaded by this process (for rates). */
  runRows: number;
}

export interface LoadProgress {
  tables: TableProgress[];
  chunksDone: number;
  chunksTotal: number;
  /** Chunks done by this process (not by an earlier, interrupted run). */
  chunksThisRun: number;
  /** Seconds since loading began in this process. */
  elapsed: number;
  bytes: number;
}

export type LoadPhase = "set-aside" | "loading" | "rebuilding" | "after-load" | "analyze";

export interface LoadObserver {
  onStart?(info: {
    loadId: string;
    resumed: boolean;
    firstRoot: number;
    chunksTotal: number;
    chunksDone: number;
    estimatedBytes: number;
    tables: readonly string[];
  }): void;
  onPhase?(phase: LoadPhase, detail: string): void;
  onProgress?(p: LoadProgress): void;
  onWarning?(message: string): void;
}

export interface LoadResult {
  loadId: string;
  /** Nothing to do: the same load had already finished. */
  alreadyLoaded: boolean;
  resumed: boolean;
  /** Stopped by the signal before every chunk was in; rerun to resume. */
  interrupted: boolean;
  firstRoot: number;
  tables: { name: string; rows: number; rowsPerSecond: number }[];
  chunks: { total: number; thisRun: number };
  seconds: { load: number; rebuild: number; analyze: number; total: number };
  /** Indexes and constraints rebuilt after the load. */
  rebuilt: number;
}

/** Load `options.dataset` into the database. Throws StrainError (DATA_TARGET, DATA_DISK, DATA_LOAD). */
export async function loadDataset(options: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const ds = options.dataset;
  checkOptions(options);
  const names =
    options.tables === undefined ? ds.tables.map((t) => t.name) : tableClosure(ds, options.tables);
  const defs = names.map((n) => ds.tables.find((t) => t.name === n)!);
  const chunkRoots = ds.chunkRoots ?? DEFAULT_CHUNK_ROOTS;
  const chunksTotal = Math.ceil(options.scale / chunkRoots);
  const params = ds.params ?? "";

  const client = await connectDatabase(options.databaseUrl);
  try {
    await checkTables(client, defs);
    await ensureLedger(client);
    const dataDir = await localDataDir(client);
    const loads = await listLoads(client, ds.name);
    const sameShape = (l: LoadRecord): boolean =>
      l.params === params &&
      l.version === ds.version &&
      l.seed === options.seed &&
      l.roots === options.scale &&
      l.chunkRoots === chunkRoots &&
      l.tables.length === names.length &&
      l.tables.every((t, i) => t === names[i]);

    let load = loads.find((l) => l.state !== "done" && sameShape(l));
    const resumed = load !== undefined;
    let appendingToRows = false;
    if (load === undefined) {
      const nonEmpty = await nonEmptyTables(client, names);
      let firstRoot = 0;
      const overlapping = loads.filter((l) => l.tables.some((t) => names.includes(t)));
      /** Earlier loads whose ledger entries this one replaces. */
      let superseded: LoadRecord[] = [];
      if (nonEmpty.length === 0) {
        // Rows of earlier loads are gone (emptied by hand): their ledger entries mean nothing now.
        superseded = overlapping;
      } else if (options.truncate === true) {
        options.observer?.onPhase?.("set-aside", `emptying ${names.join(", ")}`);
        await client.query(`TRUNCATE ${names.map(quoteName).join(", ")}`);
        superseded = overlapping;
      } else if (options.append === true) {
        appendingToRows = true;
        for (const l of loads)
          if (l.params === params && l.seed === options.seed && l.version === ds.version)
            firstRoot = Math.max(firstRoot, l.firstRoot + l.roots);
      } else {
        const finished = loads.find((l) => l.state === "done" && sameShape(l) && l.firstRoot === 0);
        if (finished !== undefined) return await alreadyLoaded(client, finished, started);
        throw new StrainError(
          ErrorCodes.DATA_TARGET,
          `refusing to load into tables that already hold rows: ${nonEmpty
            .map((t) => `${t.name} (~${t.estimate.toLocaleString("en-US")} rows)`)
            .join(", ")}`,
          { hint: "pass --append to add to them, or --truncate to empty the dataset's tables first" },
        );
      }
      if (firstRoot + options.scale > (ds.maxScale ?? Number.MAX_SAFE_INTEGER))
        throw new StrainError(
          ErrorCodes.USAGE,
          `--append would number root rows up to ${firstRoot + options.scale}, beyond what ${ds.name} keeps unique (${ds.maxScale})`,
          { hint: "use another --seed, or --truncate" },
        );
      await checkDisk(dataDir, options, defs, options.observer);
      // What an unfinished earlier load set aside and has not rebuilt moves to this load, in the
      // same transaction that forgets the earlier one: its definitions exist nowhere else.
      const carried = mergeSetAside(
        [],
        superseded.filter((l) => l.state !== "done").flatMap((l) => l.setAside),
      );
      load = await inTransaction(client, async () => {
        await deleteLoads(
          client,
          superseded.map((l) => l.loadId),
        );
        const created = await insertLoad(client, {
          dataset: ds.name,
          params,
          version: ds.version,
          seed: options.seed,
          firstRoot,
          roots: options.scale,
          chunkRoots,
          tables: names,
        });
        if (carried.length > 0) {
          await recordSetAside(client, created.loadId, carried);
          created.setAside = carried;
        }
        return created;
      });
    }

    const done = await loadedChunks(client, load.loadId);
    const estimatedBytes = estimateBytes(defs, options.scale);
    options.observer?.onStart?.({
      loadId: load.loadId,
      resumed,
      firstRoot: load.firstRoot,
      chunksTotal,
      chunksDone: done.size,
      estimatedBytes,
      tables: names,
    });

    if (load.state === "loading" && options.keepIndexes !== true && !appendingToRows) {
      load.setAside = await setAside(client, load, names, options.observer);
    }

    const totals = names.map(() => 0);
    const runTotals = names.map(() => 0);
    for (const rows of done.values()) for (let i = 0; i < rows.length; i++) totals[i]! += rows[i]!;
    const loadStart = performance.now();
    let loadSeconds = 0;
    let thisRun = 0;
    let interrupted = false;
    const base = (): LoadResult => ({
      loadId: load.loadId,
      alreadyLoaded: false,
      resumed,
      interrupted: false,
      firstRoot: load.firstRoot,
      tables: names.map((name, i) => ({
        name,
        rows: totals[i]!,
        rowsPerSecond: loadSeconds > 0 ? runTotals[i]! / loadSeconds : 0,
      })),
      chunks: { total: chunksTotal, thisRun },
      seconds: { load: loadSeconds, rebuild: 0, analyze: 0, total: since(started) },
      rebuilt: 0,
    });
    if (load.state === "loading") {
      const pending: number[] = [];
      for (let c = 0; c < chunksTotal; c++) if (!done.has(c)) pending.push(c);
      options.observer?.onPhase?.("loading", `${pending.length} of ${chunksTotal} chunks to load`);
      // Only a rebuild pays for checkpoints during the load (checkpoints.ts).
      const mark = load.setAside.length > 0 ? await checkpointMark(client) : undefined;
      const r = await runLoaders(
        options,
        load,
        names,
        defs,
        pending,
        totals,
        runTotals,
        done.size,
        chunksTotal,
      ).catch(async (err: unknown) => {
        throw await explainLostConnection(err, dataDir);
      });
      thisRun = r.chunks;
      interrupted = r.interrupted;
      loadSeconds = (performance.now() - loadStart) / 1000;
      if (interrupted)
        return {
          ...base(),
          interrupted: true,
          seconds: { load: loadSeconds, rebuild: 0, analyze: 0, total: since(started) },
        };
      const warning = mark === undefined ? undefined : await checkpointWarningSince(client, mark);
      if (warning !== undefined) options.observer?.onWarning?.(warning);
      await setLoadState(client, load.loadId, "indexing");
      load.state = "indexing";
    }
    const rebuildStart = performance.now();
    const rebuilt = await rebuild(options, load.setAside, names, options.observer);
    const rebuildSeconds = (performance.now() - rebuildStart) / 1000;

    const after = ds.afterLoad?.(names) ?? [];
    if (after.length > 0) {
      options.observer?.onPhase?.("after-load", `${after.length} statement${after.length === 1 ? "" : "s"}`);
      for (const sql of after) await client.query(sql);
    }
    const analyzeStart = performance.now();
    options.observer?.onPhase?.("analyze", names.join(", "));
    await parallel(options, names, (c, name) => c.query(`ANALYZE ${quoteName(name)}`));
    const analyzeSeconds = (performance.now() - analyzeStart) / 1000;
    await setLoadState(client, load.loadId, "done");
    return {
      ...base(),
      rebuilt,
      seconds: { load: loadSeconds, rebuild: rebuildSeconds, analyze: analyzeSeconds, total: since(started) },
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function checkOptions(o: LoadOptions): void {
  const ds = o.dataset;
  if (!Number.isSafeInteger(o.scale) || o.scale < 1)
    throw new StrainError(ErrorCodes.USAGE, `--scale must be a whole number ≥ 1 (got ${o.scale})`);
  if (ds.maxScale !== undefined && o.scale > ds.maxScale)
    throw new StrainError(
      ErrorCodes.USAGE,
      `--scale ${o.scale} is more than ${ds.name} can keep unique (${ds.maxScale.toLocaleString("en-US")} ${ds.root})`,
    );
  if (!Number.isSafeInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)
    throw new StrainError(
      ErrorCodes.USAGE,
      `--seed must be a whole number from 0 to 4294967295 (got ${o.seed})`,
    );
  if (!Number.isSafeInteger(o.workers) || o.workers < 1)
    throw new StrainError(ErrorCodes.USAGE, `--workers must be a whole number ≥ 1 (got ${o.workers})`);
  if (o.append === true && o.truncate === true)
    throw new StrainError(ErrorCodes.USAGE, "--append and --truncate contradict each other: pick one");
}

/** A connected client, or DATA_TARGET in one line (password hidden) when the database cannot be reached. */
export async function connectDatabase(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: "strain data" });
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new StrainError(
      ErrorCodes.DATA_TARGET,
      `cannot connect to the database at ${redactDbUrl(url)}: ${describePgError(err)}`,
      {
        cause: err,
        hint: "check --db (postgres://user:password@host:port/database) and that PostgreSQL is running",
      },
    );
  }
  return client;
}

/** Expected bytes on disk for `scale` root rows of `defs`. */
export function estimateBytes(defs: readonly TableDefinition[], scale: number): number {
  return defs.reduce((s, t) => s + t.rowsPerRoot * t.bytesPerRow * scale, 0);
}

function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return `${Math.ceil(n / 1e3)} kB`;
}

/**
 * Refuse a load that cannot fit. The free space is read where the database keeps its files, when
 * this machine can see them (PostgreSQL on loopback and a readable data_directory); otherwise a
 * warning says the check was skipped. WAL written during the load needs room too: 25% on top.
 */
async function checkDisk(
  dataDir: string | undefined,
  o: LoadOptions,
  defs: readonly TableDefinition[],
  observer: LoadObserver | undefined,
): Promise<void> {
  const need = estimateBytes(defs, o.scale) * 1.25;
  const free = dataDir === undefined ? undefined : await freeBytes(dataDir);
  if (free === undefined) {
    observer?.onWarning?.(
      `cannot see the database's free disk space from here; the load needs about ${formatBytes(need)}`,
    );
    return;
  }
  if (need > free)
    throw new StrainError(
      ErrorCodes.DATA_DISK,
      `not enough disk: the load needs about ${formatBytes(need)} and ${dataDir} has ${formatBytes(free)} free`,
      { hint: "free some space, load a smaller --scale, or fewer --tables" },
    );
}

/** The database's data directory when this machine can see it (PostgreSQL on loopback, readable setting). */
async function localDataDir(client: pg.Client): Promise<string | undefined> {
  const host = client.host ?? "";
  const local = host === "" || host.startsWith("/") || host === "localhost" || /^127\.|^::1$/.test(host);
  if (!local) return undefined;
  try {
    const { rows } = await client.query<{ setting: string }>(
      "SELECT setting FROM pg_settings WHERE name = 'data_directory'",
    );
    const dir = rows[0]?.setting;
    return dir === undefined || dir === "" || (await freeBytes(dir)) === undefined ? undefined : dir;
  } catch {
    return undefined;
  }
}

async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/**
 * When every connection was dropped, the server usually crashed, and a full disk is the common
 * cause (WAL that cannot be written PANICs the server; its clients only see the reset). Say so
 * when the data directory shows it.
 */
async function explainLostConnection(err: unknown, dataDir: string | undefined): Promise<unknown> {
  if (
    !(err instanceof StrainError) ||
    (err as StrainError & { connectionLost?: boolean }).connectionLost !== true
  )
    return err;
  if (dataDir === undefined) return err;
  const free = await freeBytes(dataDir);
  if (free === undefined || free > 64 * 1024 * 1024) return err;
  const message = err.message.replace(
    /failed: .*$/,
    `failed: the database's disk is full (${dataDir} has ${formatBytes(free)} free) and the server dropped every connection`,
  );
  return new StrainError(err.code, message, {
    cause: err,
    ...(err.hint === undefined ? {} : { hint: err.hint }),
  });
}

async function setAside(
  client: pg.Client,
  load: LoadRecord,
  names: readonly string[],
  observer: LoadObserver | undefined,
): Promise<SetAside[]> {
  const found = await findSetAside(client, names);
  const merged = mergeSetAside(load.setAside, found);
  if (found.length === 0) return merged;
  observer?.onPhase?.("set-aside", `${found.length} indexes and constraints set aside until the end`);
  // Definitions are recorded in the same transaction as the drops: a crash leaves both or neither.
  try {
    await inTransaction(client, async () => {
      await recordSetAside(client, load.loadId, merged);
      await dropSetAside(client, found);
    });
  } catch (err) {
    throw new StrainError(ErrorCodes.DATA_LOAD, `could not set indexes aside: ${describePgError(err)}`, {
      cause: err,
      hint: "pass --keep-indexes to load with them in place",
    });
  }
  return merged;
}

/** Run `fn` between BEGIN and COMMIT; on a failure, roll back (as far as the connection allows) and rethrow. */
async function inTransaction<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const out = await fn();
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/** `known` and the items of `more` it lacks; constraint names are unique per table only. */
function mergeSetAside(known: readonly SetAside[], more: readonly SetAside[]): SetAside[] {
  const key = (i: SetAside): string => `${i.kind}:${i.table}:${i.name}`;
  const seen = new Set(known.map(key));
  const out = [...known];
  for (const i of more) {
    if (seen.has(key(i))) continue;
    seen.add(key(i));
    out.push(i);
  }
  return out;
}

async function rebuild(
  o: LoadOptions,
  items: readonly SetAside[],
  tables: readonly string[],
  observer: LoadObserver | undefined,
): Promise<number> {
  if (items.length === 0) return 0;
  const fks = items.filter((i) => i.kind === "foreign-key").length;
  observer?.onPhase?.(
    "rebuilding",
    `${items.length - fks} indexes and keys${fks > 0 ? `, ${fks} foreign key${fks === 1 ? "" : "s"}` : ""}`,
  );
  const lanes: pg.Client[] = [await maintenanceConnection(o.databaseUrl)];
  try {
    const first = lanes[0]!;
    const loaded = await first.query<{ t: string }>(
      "SELECT to_regclass(n)::text AS t FROM unnest($1::text[]) AS n WHERE to_regclass(n) IS NOT NULL",
      [tables.map(quoteName)],
    );
    const partitioned = await first.query<{ t: string }>(
      "SELECT t FROM unnest($1::text[]) AS t JOIN pg_class c ON c.oid = to_regclass(t) WHERE c.relkind = 'p'",
      [[...new Set(items.map((i) => i.table))]],
    );
    const steps = planRebuild(items, {
      loaded: new Set(loaded.rows.map((r) => r.t)),
      partitioned: new Set(partitioned.rows.map((r) => r.t)),
    });
    const workers = Math.max(1, Math.min(o.workers, items.length));
    const connections = rebuildConnections(steps, workers);
    const base = await first.query<{ kb: string; workers: string }>(
      `SELECT (SELECT setting FROM pg_settings WHERE name = 'maintenance_work_mem') AS kb,
              current_setting('max_parallel_maintenance_workers') AS workers`,
    );
    const baseKb = Number(base.rows[0]!.kb);
    const serverWorkers = base.rows[0]!.workers;
    let rebuilt = 0;
    const started = new Set<number>();
    const done = new Set<number>();
    const running = new Map<number, Promise<void>>();
    const free = [...lanes];
    let failure: unknown;
    const run = async (i: number, c: pg.Client): Promise<void> => {
      const s = steps[i]!;
      try {
        if (await isInPlace(c, s.item, s.done)) return;
        // A validation too: PostgreSQL runs its check query with work_mem = maintenance_work_mem,
        // and a B-tree's share left on this connection would split its hash join into batches
        // (at 10M households, 205 MB: four).
        if (s.action === "build" || s.action === "validate") {
          const set = buildSettings(s, { connections: lanes.length, workers, baseKb });
          await c.query(
            "SELECT set_config('maintenance_work_mem', $1, false), set_config('max_parallel_maintenance_workers', $2, false)",
            [`${set.maintenanceWorkMemKb}kB`, String(set.parallelWorkers ?? serverWorkers)],
          );
        }
        await c.query(s.sql);
        // Items, not steps: a key's index build and attach count once, a foreign key's add.
        if (s.action === "attach" || s.action === "add" || (s.action === "build" && s.done !== "table-index"))
          rebuilt++;
      } catch (err) {
        failure ??= new StrainError(
          ErrorCodes.DATA_LOAD,
          `${s.action === "validate" ? "checking the rows of" : "rebuilding"} ${s.item.kind} ${s.item.name} on ${s.item.table} failed: ${describePgError(err)}`,
          {
            cause: err,
            hint: "the rows are loaded; fix the cause and rerun the same command to finish the rebuild",
          },
        );
      } finally {
        done.add(i);
        running.delete(i);
        free.push(c);
      }
    };
    // More connections only as far as the server lets this role have them: the first one refused
    // leaves the rebuild to those already open.
    while (lanes.length < connections) {
      const c = await maintenanceConnection(o.databaseUrl).catch(() => null);
      if (c === null) break;
      lanes.push(c);
      free.push(c);
    }
    while (done.size < steps.length && failure === undefined) {
      for (let i = nextStep(steps, started, done); i !== undefined && free.length > 0; ) {
        started.add(i);
        running.set(i, run(i, free.pop()!));
        i = nextStep(steps, started, done);
      }
      // Nothing runnable with nothing running would be a cycle in the plan: planRebuild makes none.
      if (running.size === 0) throw new Error("rebuild plan stalled");
      await Promise.race(running.values());
    }
    // A failed step leaves the others to finish: what they build stays for the rerun.
    await Promise.all(running.values());
    if (failure !== undefined) throw failure;
    return rebuilt;
  } finally {
    await Promise.all(lanes.map((c) => c.end().catch(() => undefined)));
  }
}

/**
 * A connection for index builds. They sort in memory up to maintenance_work_mem instead of
 * spilling to disk (PostgreSQL's default is 64 MB); a server configured higher keeps its own figure.
 */
async function maintenanceConnection(url: string): Promise<pg.Client> {
  const c = await connectDatabase(url);
  try {
    await c.query(
      `SELECT set_config('maintenance_work_mem', CASE WHEN setting::bigint < 524288 THEN '512MB'
              ELSE setting || 'kB' END, false) FROM pg_settings WHERE name = 'maintenance_work_mem'`,
    );
  } catch (err) {
    await c.end().catch(() => undefined);
    throw err;
  }
  return c;
}

/** Run `fn` over `items` on up to `o.workers` connections. */
async function parallel<T>(
  o: LoadOptions,
  items: readonly T[],
  fn: (c: pg.Client, item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const lanes = Math.max(1, Math.min(o.workers, items.length));
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      const c = await maintenanceConnection(o.databaseUrl);
      try {
        while (next < items.length) await fn(c, items[next++]!);
      } finally {
        await c.end().catch(() => undefined);
      }
    }),
  );
}

/** Where the loader process entry lives: next to this file, .ts under the test runner, .js when built. */
function loaderEntry(): { path: string; execArgv: string[] } {
  const self = fileURLToPath(import.meta.url);
  const ext = extname(self);
  return { path: join(self, "..", `load-worker${ext}`), execArgv: ext === ".ts" ? ["--import", "tsx"] : [] };
}

/** Whether generating ahead pays by default: see LoadOptions.generateAhead. */
export function defaultGenerateAhead(databaseUrl: string, workers: number): boolean {
  let host = "";
  try {
    host = decodeURIComponent(new URL(databaseUrl).hostname).replace(/^\[|\]$/g, "");
  } catch {
    return false;
  }
  const local =
    host === "" || host === "localhost" || host.startsWith("127.") || host === "::1" || host.startsWith("/");
  return !local || availableParallelism() >= 2 * workers;
}

/**
 * Chunks assigned to a loader at once: two, so it generates one (on its thread) while it writes
 * the other. On Ctrl-C both may still commit.
 */
const CHUNKS_QUEUED_PER_LOADER = 2;

async function runLoaders(
  o: LoadOptions,
  load: LoadRecord,
  names: readonly string[],
  defs: readonly TableDefinition[],
  pending: number[],
  totals: number[],
  runTotals: number[],
  chunksBefore: number,
  chunksTotal: number,
): Promise<{ chunks: number; interrupted: boolean }> {
  if (pending.length === 0) return { chunks: 0, interrupted: false };
  const start = performance.now();
  const entry = loaderEntry();
  const count = Math.min(o.workers, pending.length);
  const ahead = o.generateAhead ?? defaultGenerateAhead(o.databaseUrl, o.workers);
  const children: ChildProcess[] = [];
  let next = 0;
  let chunks = 0;
  let bytes = 0;
  let failure: StrainError | undefined;
  let failureLost = false;
  let stopping = false;
  const expected = defs.map((t) => Math.round(t.rowsPerRoot * o.scale));
  const progress = (): void =>
    o.observer?.onProgress?.({
      tables: names.map((name, i) => ({
        name,
        rows: totals[i]!,
        runRows: runTotals[i]!,
        expected: chunksBefore + chunks === chunksTotal ? totals[i]! : Math.max(expected[i]!, totals[i]!),
      })),
      chunksDone: chunksBefore + chunks,
      chunksTotal,
      chunksThisRun: chunks,
      elapsed: (performance.now() - start) / 1000,
      bytes,
    });
  let killed = false;
  const onAbort = (): void => {
    stopping = true;
  };
  const onKill = (): void => {
    stopping = true;
    killed = true;
    for (const c of children) c.kill("SIGKILL");
  };
  o.signal?.addEventListener("abort", onAbort);
  o.killSignal?.addEventListener("abort", onKill);
  if (o.signal?.aborted === true) stopping = true;

  try {
    await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<void>((resolve) => {
            const child = fork(entry.path, [], {
              execArgv: entry.execArgv,
              serialization: "advanced",
              stdio: ["ignore", "inherit", "inherit", "ipc"],
            });
            children.push(child);
            /** Chunks sent to this loader and not yet reported. */
            const inFlight: number[] = [];
            let finished = false;
            const send = (m: ToLoader): void => {
              if (child.connected) child.send(m);
            };
            // Keep CHUNKS_QUEUED_PER_LOADER chunks with each loader, so it generates the next while
            // the current one is written; stop it once nothing is left and its last chunk is in.
            const fill = (): void => {
              const more = !stopping && failure === undefined;
              // Near the end, one at a time: a second chunk queued behind a busy loader while
              // another loader runs dry would leave the last seconds to one COPY stream.
              const depth = ahead && pending.length - next > count ? CHUNKS_QUEUED_PER_LOADER : 1;
              while (more && next < pending.length && inFlight.length < depth) {
                const chunk = pending[next++]!;
                inFlight.push(chunk);
                send({ type: "chunk", chunk });
              }
              if (inFlight.length === 0 && !finished) {
                finished = true;
                send({ type: "stop" });
              }
            };
            child.on("message", (m: FromLoader) => {
              if (m.type === "ready") fill();
              else if (m.type === "chunk-done") {
                inFlight.splice(inFlight.indexOf(m.chunk), 1);
                chunks++;
                bytes += m.bytes;
                for (let t = 0; t < m.rows.length; t++) {
                  totals[t]! += m.rows[t]!;
                  runTotals[t]! += m.rows[t]!;
                }
                progress();
                fill();
              } else if (m.type === "chunk-failed") {
                // When PostgreSQL crashes (a full WAL disk PANICs the server), one backend reports
                // the cause and the others only see their connection reset: keep the informative one.
                if (failure === undefined || (failureLost && !m.connectionLost)) {
                  failure = chunkError(o.dataset, load, m.chunk, m.message, chunksBefore + chunks);
                  failureLost = m.connectionLost;
                  (failure as StrainError & { connectionLost?: boolean }).connectionLost = m.connectionLost;
                }
                finished = true;
                send({ type: "stop" });
              } else if (m.type === "fatal") {
                failure ??= new StrainError(ErrorCodes.DATA_LOAD, `loader ${i} failed: ${m.error.message}`, {
                  ...(m.error.hint === undefined ? {} : { hint: m.error.hint }),
                });
                finished = true;
                child.kill("SIGKILL");
              }
            });
            child.on("exit", (code, signal) => {
              if (!finished && !killed && failure === undefined)
                failure = new StrainError(
                  ErrorCodes.DATA_LOAD,
                  `loader ${i} exited unexpectedly (${signal ?? `code ${code}`})${inFlight.length === 0 ? "" : ` during chunk ${inFlight[0]}`}`,
                  { hint: "rerun the same command: committed chunks stay, the rest is loaded" },
                );
              resolve();
            });
            send({
              type: "init",
              source: o.source,
              databaseUrl: o.databaseUrl,
              loadId: load.loadId,
              seed: load.seed,
              firstRoot: load.firstRoot,
              roots: load.roots,
              chunkRoots: load.chunkRoots,
              tables: names,
              generateAhead: ahead,
            });
          }),
      ),
    );
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    o.killSignal?.removeEventListener("abort", onKill);
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
  if (failure !== undefined) throw failure;
  return { chunks, interrupted: chunksBefore + chunks < chunksTotal };
}

function chunkError(
  ds: DatasetDefinition,
  load: LoadRecord,
  chunk: number,
  message: string,
  committed: number,
): StrainError {
  const first = load.firstRoot + chunk * load.chunkRoots;
  const last = Math.min(first + load.chunkRoots, load.firstRoot + load.roots) - 1;
  return new StrainError(
    ErrorCodes.DATA_LOAD,
    `chunk ${chunk} (${ds.root} ${first}–${last}) failed: ${message}`,
    {
      hint: `${committed} chunk${committed === 1 ? "" : "s"} committed before it stay; fix the cause and rerun the same command to load the rest`,
    },
  );
}

async function alreadyLoaded(client: pg.Client, load: LoadRecord, started: number): Promise<LoadResult> {
  const done = await loadedChunks(client, load.loadId);
  const totals = load.tables.map(() => 0);
  for (const rows of done.values()) for (let i = 0; i < rows.length; i++) totals[i]! += rows[i]!;
  return {
    loadId: load.loadId,
    alreadyLoaded: true,
    resumed: false,
    interrupted: false,
    firstRoot: load.firstRoot,
    tables: load.tables.map((name, i) => ({ name, rows: totals[i]!, rowsPerSecond: 0 })),
    chunks: { total: done.size, thisRun: 0 },
    seconds: { load: 0, rebuild: 0, analyze: 0, total: since(started) },
    rebuilt: 0,
  };
}

function since(t: number): number {
  return (performance.now() - t) / 1000;
}
