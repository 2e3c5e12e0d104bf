/**
 * The load ledger, in the target database itself (schema `strain_data`, created on first use and
 * the only thing Strain creates there besides rows):
 *
 *   loads  one row per load: its identity (dataset, params, version, seed, root range, chunk size,
 *          tables), its state (loading → indexing → done) and the indexes and constraints it set
 *          aside, with their definitions, so a crash between "dropped" and "rebuilt" loses nothing.
 *   chunks one row per committed chunk, written in the same transaction as the chunk's COPYs:
 *          a chunk is either wholly loaded and recorded, or neither.
 *
 * Rerunning the same command finds its unfinished load by identity and loads only missing chunks.
 */
import { createHash } from "node:crypto";
import type pg from "pg";

export const LEDGER_SCHEMA = "strain_data";

export type LoadState = "loading" | "indexing" | "done";

/** An index or constraint set aside for the load, to be rebuilt from `definition` afterwards. */
export interface SetAside {
  table: string;
  name: string;
  kind: "index" | "primary-key" | "unique" | "foreign-key";
  /** A complete statement that recreates it. */
  definition: string;
}

export interface LoadIdentity {
  dataset: string;
  params: string;
  version: number;
  seed: number;
  firstRoot: number;
  roots: number;
  chunkRoots: number;
  tables: readonly string[];
}

export interface LoadRecord extends LoadIdentity {
  loadId: string;
  state: LoadState;
  setAside: SetAside[];
  createdAt: Date;
  finishedAt: Date | null;
}

export function loadIdOf(id: LoadIdentity): string {
  const text = JSON.stringify([
    id.dataset,
    id.params,
    id.version,
    id.seed,
    id.firstRoot,
    id.roots,
    id.chunkRoots,
    [...id.tables],
  ]);
  return createHash("sha256").update(text).digest("hex").slice(0, 24);
}

export async function ensureLedger(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${LEDGER_SCHEMA}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${LEDGER_SCHEMA}.loads (
    load_id     text PRIMARY KEY,
    dataset     text NOT NULL,
    params      text NOT NULL,
    version     integer NOT NULL,
    seed        bigint NOT NULL,
    first_root  bigint NOT NULL,
    roots       bigint NOT NULL,
    chunk_roots integer NOT NULL,
    tables      text[] NOT NULL,
    state       text NOT NULL CHECK (state IN ('loading', 'indexing', 'done')),
    set_aside   jsonb NOT NULL DEFAULT '[]',
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  )`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${LEDGER_SCHEMA}.chunks (
    load_id   text NOT NULL REFERENCES ${LEDGER_SCHEMA}.loads (load_id) ON DELETE CASCADE,
    chunk     integer NOT NULL,
    rows      bigint[] NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (load_id, chunk)
  )`);
}

interface LoadRow {
  load_id: string;
  dataset: string;
  params: string;
  version: number;
  seed: string;
  first_root: string;
  roots: string;
  chunk_roots: number;
  tables: string[];
  state: LoadState;
  set_aside: SetAside[];
  created_at: Date;
  finished_at: Date | null;
}

function toRecord(r: LoadRow): LoadRecord {
  return {
    loadId: r.load_id,
    dataset: r.dataset,
    params: r.params,
    version: r.version,
    seed: Number(r.seed),
    firstRoot: Number(r.first_root),
    roots: Number(r.roots),
    chunkRoots: r.chunk_roots,
    tables: r.tables,
    state: r.state,
    setAside: r.set_aside,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

/** Every load of `dataset` recorded in the ledger, oldest first. */
export async function listLoads(client: pg.ClientBase, dataset: string): Promise<LoadRecord[]> {
  const { rows } = await client.query<LoadRow>(
    `SELECT * FROM ${LEDGER_SCHEMA}.loads WHERE dataset = $1 ORDER BY created_at, load_id`,
    [dataset],
  );
  return rows.map(toRecord);
}

export async function insertLoad(client: pg.ClientBase, id: LoadIdentity): Promise<LoadRecord> {
  const loadId = loadIdOf(id);
  const { rows } = await client.query<LoadRow>(
    `INSERT INTO ${LEDGER_SCHEMA}.loads
       (load_id, dataset, params, version, seed, first_root, roots, chunk_roots, tables, state)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'loading') RETURNING *`,
    [loadId, id.dataset, id.params, id.version, id.seed, id.firstRoot, id.roots, id.chunkRoots, id.tables],
  );
  return toRecord(rows[0]!);
}

export async function setLoadState(client: pg.ClientBase, loadId: string, state: LoadState): Promise<void> {
  await client.query(
    `UPDATE ${LEDGER_SCHEMA}.loads SET state = $2, finished_at = CASE WHEN $2 = 'done' THEN now() END
      WHERE load_id = $1`,
    [loadId, state],
  );
}

export async function recordSetAside(
  client: pg.ClientBase,
  loadId: string,
  items: SetAside[],
): Promise<void> {
  await client.query(`UPDATE ${LEDGER_SCHEMA}.loads SET set_aside = $2 WHERE load_id = $1`, [
    loadId,
    JSON.stringify(items),
  ]);
}

export async function deleteLoads(client: pg.ClientBase, loadIds: readonly string[]): Promise<void> {
  if (loadIds.length === 0) return;
  await client.query(`DELETE FROM ${LEDGER_SCHEMA}.loads WHERE load_id = ANY($1)`, [loadIds]);
}

/** Chunks already committed for a load, with their per-table row counts (in the load's table order). */
export async function loadedChunks(client: pg.ClientBase, loadId: string): Promise<Map<number, number[]>> {
  const { rows } = await client.query<{ chunk: number; rows: string[] }>(
    `SELECT chunk, rows FROM ${LEDGER_SCHEMA}.chunks WHERE load_id = $1`,
    [loadId],
  );
  return new Map(rows.map((r) => [r.chunk, r.rows.map(Number)]));
}

/** The statement a chunk's transaction ends with, before COMMIT. */
export const RECORD_CHUNK_SQL = `INSERT INTO ${LEDGER_SCHEMA}.chunks (load_id, chunk, rows) VALUES ($1, $2, $3)`;
