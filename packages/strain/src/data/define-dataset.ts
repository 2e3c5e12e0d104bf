import type { DatasetDefinition, TableDefinition } from "./dataset.js";
import { CompiledDataset } from "./define/compile.js";
import { buildModel } from "./define/model.js";
import { bytesPerRow } from "./define/sizes.js";
import type { DatasetSpec } from "./define/spec.js";

export {
  type DateLike,
  type Generator,
  gen,
  type NameOptions,
  type Scalar,
  type TimestampRange,
} from "./define/generators.js";
export type { RowContext, RowValues } from "./define/row-context.js";
export type { CountSpec, DatasetSpec, TableSpec } from "./define/spec.js";

/** Rows per chunk the default `chunkRoots` aims at: big enough for COPY, small enough to resume cheaply. */
const ROWS_PER_CHUNK = 20_000;

/**
 * Declare a dataset for `strain data <file.ts>`: tables, their parent → child relations with row
 * counts, and a generator per column. Checks everything at once (throws
 * `STRAIN_ERR_DATASET_INVALID` listing every problem) and compiles it into the loader's
 * `DatasetDefinition`. docs/data.md has the full guide and a worked example.
 *
 * @example
 * const { sequence, ref, choice, real } = gen;
 * export default defineDataset({
 *   name: "shop", description: "customers and their orders", version: 1, root: "customers",
 *   tables: {
 *     customers: { columns: { id: sequence(), tier: choice({ gold: 10, basic: 90 }) }, unique: ["id"] },
 *     orders: { parent: "customers", count: { 0: 30, 1: 50, 2: 20 },
 *       columns: { id: sequence(), customer_id: ref("id"), total: real(1, 500) }, unique: ["id"] },
 *   },
 * });
 */
export function defineDataset(spec: DatasetSpec): DatasetDefinition {
  const model = buildModel(spec);
  const compiled = new CompiledDataset(model);
  const tables: TableDefinition[] = model.tables.map((t) => {
    const def: TableDefinition = {
      name: t.name,
      columns: t.columns.map((c) => c.name),
      rowsPerRoot: t.rowsPerRoot,
      bytesPerRow: bytesPerRow(model, t),
    };
    return t.parent === undefined ? def : { ...def, parent: t.parent.name };
  });
  const rowsPerRoot = tables.reduce((a, t) => a + t.rowsPerRoot, 0);
  const definition: DatasetDefinition = {
    name: spec.name,
    description: spec.description,
    root: spec.root,
    version: spec.version,
    tables,
    chunkRoots: spec.chunkRoots ?? Math.max(1, Math.min(1000, Math.round(ROWS_PER_CHUNK / rowsPerRoot))),
    maxScale: model.maxScale,
    generate: (first, count, seed, out) => compiled.generate(first, count, seed, out),
  };
  const afterLoad = spec.afterLoad;
  return afterLoad === undefined ? definition : { ...definition, afterLoad: (t) => afterLoad(t) };
}
