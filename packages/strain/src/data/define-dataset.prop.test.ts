import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DatasetDefinition } from "./dataset.js";
import { type CountSpec, defineDataset, type Generator, gen, type TableSpec } from "./define-dataset.js";

const { childCount, choice, derive, int, nullable, ref, sequence, sum, timestamp, uuid } = gen;

/** A random tree of tables: each table's parent is an earlier one; counts, sums and counts of children. */
const datasetArb = fc
  .array(
    fc.record({
      parent: fc.nat(),
      count: fc.oneof(
        fc.constant<CountSpec>(1),
        fc.integer({ min: 0, max: 3 }).map((n): CountSpec => n),
        fc.integer({ min: 0, max: 3 }).map((min): CountSpec => ({ min, max: min + 2 })),
        fc.constant<CountSpec>({ 0: 30, 1: 50, 3: 20 }),
      ),
      sumChild: fc.boolean(),
      countChild: fc.boolean(),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((specs) => {
    const names = specs.map((_, i) => `t${i}`);
    const parentOf = specs.map((s, i) => (i === 0 ? undefined : names[s.parent % i]!));
    const tables: Record<string, TableSpec> = {};
    specs.forEach((s, i) => {
      const name = names[i]!;
      const children = names.filter((_, j) => parentOf[j] === name);
      const columns: Record<string, Generator> = {
        id: uuid(),
        n: int(0, 1000),
        at: timestamp({ from: "2025-01-01", to: "2025-12-31" }),
        ...(i === 0
          ? { seq: sequence() }
          : { up: ref("id"), later: timestamp({ after: `${parentOf[i]}.at`, within: "1h" }) }),
        pick: nullable(0.2, choice({ a: 1, b: 2, c: 3 })),
        pos: derive((row, ctx) => `${ctx.index}/${ctx.siblings}/${String(row.n)}`),
      };
      if (s.sumChild && children.length > 0) columns.total = sum(`${children[0]}.n`);
      if (s.countChild && children.length > 0) columns.kids = childCount(children[children.length - 1]!);
      tables[name] = {
        ...(i === 0 ? {} : { parent: parentOf[i]!, count: s.count }),
        columns,
        unique: ["id"],
      };
    });
    return { tables, parentOf, names };
  });

function run(
  ds: DatasetDefinition,
  first: number,
  count: number,
  seed: number,
  wanted: ReadonlySet<string>,
): string[][] {
  const out: string[][] = ds.tables.map(() => []);
  ds.generate(first, count, seed, {
    wants: (t) => wanted.has(ds.tables[t]!.name),
    row: (t, line) => out[t]!.push(line),
  });
  return out;
}

describe("defineDataset determinism (property)", () => {
  it("any tree: chunk splits and skipped tables never change a wanted table's rows", () => {
    fc.assert(
      fc.property(
        datasetArb,
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.array(fc.integer({ min: 1, max: 59 }), { maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        ({ tables, parentOf, names }, seed, cuts, keep) => {
          const ds = defineDataset({ name: "p", description: "", version: 1, root: "t0", tables });
          const all = new Set(names);
          const whole = run(ds, 0, 60, seed, all);
          // Chunk splits.
          const bounds = [0, ...[...new Set(cuts)].sort((a, b) => a - b), 60];
          const parts = bounds.slice(1).map((end, k) => run(ds, bounds[k]!, end - bounds[k]!, seed, all));
          ds.tables.forEach((_, i) => {
            expect(parts.flatMap((p) => p[i]!)).toEqual(whole[i]);
          });
          // A subset of tables closed under ancestors, as the loader asks for.
          const wanted = new Set<string>();
          names.forEach((n, i) => {
            if (!keep[i]) return;
            for (let t: string | undefined = n; t !== undefined; t = parentOf[names.indexOf(t)])
              wanted.add(t);
          });
          const some = run(ds, 0, 60, seed, wanted);
          ds.tables.forEach((t, i) => {
            expect(some[i]).toEqual(wanted.has(t.name) ? whole[i] : []);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
