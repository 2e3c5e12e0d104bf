import type { Locale } from "../locales/locale.js";
import type { Rng } from "../rng.js";

/** A row as `derive` sees it: column name → value (columns not generated yet read `undefined`). */
export type RowValues = Readonly<Record<string, unknown>>;

/**
 * The second argument of a `derive` function: where the row sits and what it hangs from. One
 * object per table, updated in place for every row, so keep nothing from it between calls.
 */
export interface RowContext {
  /** This table's name. */
  readonly table: string;
  /** This row's columns so far (the same object as `derive`'s first argument). */
  readonly row: RowValues;
  /** The parent row (undefined on the root table). */
  readonly parent: RowValues | undefined;
  /** This row and every ancestor row, by table name: `ctx.rows.orders.created_at`. */
  readonly rows: Readonly<Record<string, RowValues>>;
  /**
   * The table's random stream. Draw only from it (never Math.random): it is re-seeded per root row,
   * which is what makes a load reproducible for any worker count.
   */
  readonly rng: Rng;
  /** The row key: the root row number on the root table, `parentKey × maxCount + index` below it. */
  readonly key: number;
  /** Position of this row among its parent's rows in this table, from 0. */
  readonly index: number;
  /** How many rows its parent has in this table (1 on the root table). */
  readonly siblings: number;
  /** The root row this row descends from. */
  readonly rootRow: number;
  /** The dataset's locale lists. */
  readonly locale: Locale;
}
