import type { Generator } from "./generators.js";

/**
 * Rows per parent row. A number is exact (`count: 1`, the default); `{ min, max }` is uniform over
 * the integers between; any other object weighs counts: `{ 1: 90, 2: 8, 3: 2 }` gives one row nine
 * times in ten (weights need not sum to 100).
 */
export type CountSpec =
  | number
  | { readonly min: number; readonly max: number }
  | Readonly<Record<number, number>>;

/** One table of a user-defined dataset. */
export interface TableSpec {
  /** The table whose every row gets `count` rows of this one. Only the root table has none. */
  readonly parent?: string;
  /** Rows per parent row (default 1). */
  readonly count?: CountSpec;
  /** Column name → generator, in the order of the COPY column list. */
  readonly columns: Readonly<Record<string, Generator>>;
  /**
   * Columns whose values must never repeat. Only generators built from the row key qualify
   * (`uuid()`, `sequence()`, `pattern(…, { unique: true })`, `email({ unique: true })`, or a `ref`
   * to one of those through one-to-one tables): uniqueness by construction, not by luck.
   */
  readonly unique?: readonly string[];
}

/** What `defineDataset` takes. */
export interface DatasetSpec {
  /** Name shown in progress output and stored in the load ledger. */
  readonly name: string;
  /** One sentence for `strain data --list`. */
  readonly description: string;
  /** Bump whenever the generated content changes: a resume never mixes two versions' rows. */
  readonly version: number;
  /** The table `--scale` counts; every other table descends from it. */
  readonly root: string;
  /** Table name (may be `schema.table`) → its spec. Parents may be listed in any order. */
  readonly tables: Readonly<Record<string, TableSpec>>;
  /** Locale of names and phone numbers (default `ke`). */
  readonly locale?: string;
  /** Root rows per chunk (one transaction each); default: about 20,000 rows, at most 1,000 roots. */
  readonly chunkRoots?: number;
  /** SQL to run after the load and index build, before ANALYZE (e.g. `setval` past generated ids). */
  readonly afterLoad?: (tables: readonly string[]) => readonly string[];
}
