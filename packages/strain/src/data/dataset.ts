/**
 * What a dataset is to the loader: tables in load order, and a pure function that writes the COPY
 * text of every row under a range of root rows. Built-in datasets (`farmer-registry`) implement it
 * by hand on the primitives in rng.ts, ids.ts and copy-text.ts; user datasets written with
 * `defineDataset` compile to it. The loader knows nothing else about either.
 *
 *   root rows  0 … N-1            (--scale N)
 *   chunk c  = root rows [c·K, (c+1)·K)   K = chunkRoots, fixed for a given dataset
 *   generate(first, count, seed, out)  →  out.row(tableIndex, line) for every row of every table
 *
 * Rules a `generate` keeps, so that loads are reproducible for any worker count and resumable:
 * - every value is a function of (seed, root row) only: re-seed an Rng per root row and per table
 *   (`rng.reseed(seed, streamId(table), rootRow)`), never carry state from one root row to the next;
 * - skip the tables `out.wants(i)` declines, without changing what the wanted tables get (one random
 *   stream per table makes this free);
 * - keys are unique by construction (see ids.ts), never by chance.
 */

/** One table a dataset fills. */
export interface TableDefinition {
  /** SQL name (unquoted; may be schema-qualified as `schema.table`). */
  readonly name: string;
  /** Columns in the order each COPY line lists them. */
  readonly columns: readonly string[];
  /** The table whose rows these rows hang from (load order and `--tables` closure). */
  readonly parent?: string;
  /** Expected rows per root row: progress totals, ETA and the disk estimate. */
  readonly rowsPerRoot: number;
  /** Expected bytes per row once stored (heap tuple + its share of indexes), for the disk check. */
  readonly bytesPerRow: number;
}

/** Receives generated rows. */
export interface ChunkOutput {
  /** Whether rows of `tables[table]` are wanted in this load. */
  wants(table: number): boolean;
  /** One row of `tables[table]`: COPY text fields joined by tabs, no trailing newline. */
  row(table: number, line: string): void;
}

export interface DatasetDefinition {
  readonly name: string;
  /** One sentence for `strain data --list` and progress output. */
  readonly description: string;
  /**
   * The options the dataset was made with (e.g. `locale=ph`), as a stable string: part of a load's
   * identity, like `version`.
   */
  readonly params?: string;
  /** Name of the root table: `--scale` counts its rows. */
  readonly root: string;
  /** Tables in load order (every parent before its children). */
  readonly tables: readonly TableDefinition[];
  /**
   * Bumped whenever the generated content changes: it is part of the load's identity, so a resume
   * never mixes rows from two generator versions.
   */
  readonly version: number;
  /** Root rows per chunk (one transaction: COPY of every table + the ledger row). Default 1,000. */
  readonly chunkRoots?: number;
  /** Largest `--scale` whose keys stay unique (child keys multiply the root key). */
  readonly maxScale?: number;
  /** Write every row under root rows [first, first + count). */
  generate(first: number, count: number, seed: number, out: ChunkOutput): void;
  /**
   * SQL to run once after the load and index build, before ANALYZE: e.g. move sequences past the
   * numbers the generator used. `tables` are the names loaded.
   */
  afterLoad?(tables: readonly string[]): readonly string[];
}

/** The tables of `dataset` needed to load `wanted`: each wanted table and its ancestors. */
export function tableClosure(dataset: DatasetDefinition, wanted: readonly string[]): string[] {
  const byName = new Map(dataset.tables.map((t) => [t.name, t]));
  const out = new Set<string>();
  for (const name of wanted) {
    let t = byName.get(name);
    if (t === undefined) throw new RangeError(`dataset ${dataset.name} has no table ${name}`);
    while (t !== undefined && !out.has(t.name)) {
      out.add(t.name);
      t = t.parent === undefined ? undefined : byName.get(t.parent);
    }
  }
  return dataset.tables.filter((t) => out.has(t.name)).map((t) => t.name);
}
