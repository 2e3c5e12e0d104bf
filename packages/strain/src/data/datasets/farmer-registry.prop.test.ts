import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DatasetDefinition } from "../dataset.js";
import { farmerRegistry } from "./farmer-registry.js";

function generate(
  ds: DatasetDefinition,
  first: number,
  count: number,
  seed: number,
  wanted: (t: number) => boolean,
): string[][] {
  const lines: string[][] = ds.tables.map(() => []);
  ds.generate(first, count, seed, { wants: wanted, row: (t, line) => lines[t]!.push(line) });
  return lines;
}

const datasets = { ke: farmerRegistry({ locale: "ke" }), ph: farmerRegistry({ locale: "ph" }) };
const all = () => true;

describe("farmer-registry properties", () => {
  it("any split of a range into chunks gives the same lines as the whole range", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("ke" as const, "ph" as const),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 13_888_888 - 200 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 5 }),
        (locale, seed, first, sizes) => {
          const ds = datasets[locale];
          const total = sizes.reduce((s, n) => s + n, 0);
          const whole = generate(ds, first, total, seed, all);
          const pieces = ds.tables.map((): string[] => []);
          let at = first;
          for (const n of sizes) {
            const part = generate(ds, at, n, seed, all);
            for (const [t, lines] of part.entries()) pieces[t]!.push(...lines);
            at += n;
          }
          expect(pieces).toEqual(whole);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("any subset of wanted tables gets exactly its lines of the full generation", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
        (seed, first, mask) => {
          const ds = datasets.ke;
          const whole = generate(ds, first, 60, seed, all);
          const some = generate(ds, first, 60, seed, (t) => mask[t]!);
          for (const [t, lines] of whole.entries())
            expect(some[t], ds.tables[t]!.name).toEqual(mask[t] ? lines : []);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("every line has one field per column and no raw newline, for any seed and range", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("ke" as const, "ph" as const),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 13_888_888 - 100 }),
        (locale, seed, first) => {
          const ds = datasets[locale];
          generate(ds, first, 100, seed, all).forEach((lines, t) => {
            for (const line of lines) {
              expect(line.split("\t").length, ds.tables[t]!.name).toBe(ds.tables[t]!.columns.length);
              expect(line).not.toMatch(/[\n\r]/);
            }
          });
        },
      ),
      { numRuns: 30 },
    );
  });
});
