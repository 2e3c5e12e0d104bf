import { describe, expect, it } from "vitest";
import { ErrorCodes, StrainError } from "../errors.js";
import { type DatasetSpec, defineDataset, gen, type TableSpec } from "./define-dataset.js";

const {
  choice,
  childCount,
  constant,
  derive,
  email,
  firstName,
  int,
  nullable,
  pattern,
  real,
  ref,
  sequence,
  sum,
} = gen;
const { timestamp, uuid, array, bool } = gen;

/** The StrainError defineDataset throws for `spec` (fails the test when it does not throw). */
function problemsOf(spec: unknown): StrainError {
  try {
    defineDataset(spec as DatasetSpec);
  } catch (err) {
    expect(err).toBeInstanceOf(StrainError);
    expect((err as StrainError).code).toBe(ErrorCodes.DATASET_INVALID);
    return err as StrainError;
  }
  throw new Error("defineDataset accepted an invalid dataset");
}

/** A valid two-table dataset with `tables` merged over it. */
function spec(tables: Record<string, unknown>, extra: Record<string, unknown> = {}): unknown {
  return {
    name: "t",
    description: "test",
    version: 1,
    root: "a",
    tables: {
      a: { columns: { id: uuid(), n: int(1, 9) } },
      b: { parent: "a", count: { min: 0, max: 3 }, columns: { id: uuid(), a_id: ref("id") } },
      ...tables,
    } satisfies Record<string, unknown>,
    ...extra,
  };
}

/** The one problem line of `spec` (and that there is exactly one). */
function only(s: unknown): string {
  const err = problemsOf(s);
  expect(err.details, err.details.join("\n")).toHaveLength(1);
  return err.details[0]!;
}

describe("defineDataset refuses invalid definitions", () => {
  it("accepts the base spec these tests modify", () => {
    expect(() => defineDataset(spec({}) as DatasetSpec)).not.toThrow();
  });

  it("collects every problem in one error, one line each with a path and a hint", () => {
    const err = problemsOf(
      spec(
        {
          b: { parent: "nope", columns: { id: uuid() } },
          c: { count: 3, columns: { id: int(5, 1) } },
        },
        { version: 0 },
      ),
    );
    expect(err.message).toBe("dataset t is invalid: 5 problems");
    expect(err.details).toEqual([
      "version: must be an integer ≥ 1 (got 0) — hint: bump it whenever the generated rows change",
      "tables.c.count: count without a parent — hint: only child tables have a count (rows per parent row); --scale counts the root's rows",
      "tables.c.columns.id: int(5, 1): min must not exceed max — hint: see the generator's description in docs/data.md",
      'tables.b.parent: unknown table "nope" — hint: allowed: a, b, c',
      'tables.c: has no parent — hint: every table but the root (a) hangs from a parent: add parent: "…"',
    ]);
    expect(err.hint).toMatch(/docs\/data\.md/);
  });

  it("an unknown parent, with a suggestion", () => {
    expect(only(spec({ b: { parent: "aa", columns: { id: uuid() } } }))).toBe(
      'tables.b.parent: unknown table "aa" — hint: did you mean "a"?',
    );
  });

  it("a parent cycle", () => {
    const line = only(
      spec({
        c: { parent: "d", columns: { id: uuid() } },
        d: { parent: "c", columns: { id: uuid() } },
      }),
    );
    expect(line).toMatch(/^tables\.c\.parent: parent cycle: c → d → c — hint: parents must form a tree/);
  });

  it("a table that is its own parent", () => {
    expect(only(spec({ c: { parent: "c", columns: { id: uuid() } } }))).toMatch(
      /a table cannot be its own parent/,
    );
  });

  it("a root that is not a table, or has a parent", () => {
    expect(only(spec({}, { root: "x" }))).toMatch(/^root: "x" is not one of the tables/);
    expect(problemsOf(spec({ a: { parent: "b", columns: { id: uuid() } } })).details).toEqual([
      "tables.a.parent: the root table has a parent (b) — hint: the root table's rows are counted by --scale; remove its parent or choose another root",
      "tables.a.parent: parent cycle: a → b → a — hint: parents must form a tree under the root table",
    ]);
  });

  it("no tables, a table without columns, a column that is not a generator", () => {
    expect(problemsOf({ name: "t", description: "", version: 1, root: "a", tables: {} }).details).toContain(
      "tables: no tables — hint: declare at least the root table",
    );
    expect(only(spec({ b: { parent: "a", columns: {} } }))).toMatch(/^tables\.b\.columns: no columns/);
    expect(only(spec({ b: { parent: "a", columns: { id: 5 } } }))).toBe(
      "tables.b.columns.id: is not a generator — hint: use a gen builder; for a fixed value write constant(value)",
    );
  });

  it("bad count specs", () => {
    const bad = (count: unknown) => only(spec({ b: { parent: "a", count, columns: { id: uuid() } } }));
    expect(bad({ 1: 0, 2: 0 })).toMatch(/^tables\.b\.count: the weights add up to 0/);
    expect(bad({ 1: -5, 2: 1 })).toMatch(
      /^tables\.b\.count\[1\]: weight must be a finite number ≥ 0 \(got -5\)/,
    );
    expect(bad({ x: 1 })).toMatch(/^tables\.b\.count\.x: "x" is not a row count/);
    expect(bad({ min: 3, max: 1 })).toMatch(/^tables\.b\.count: min 3 exceeds max 1/);
    expect(bad({ min: 1 })).toMatch(/needs both/);
    expect(bad(-1)).toMatch(/^tables\.b\.count: must be an integer ≥ 0 \(got -1\)/);
  });

  it("bad weights and ranges in generators", () => {
    const col = (g: unknown) => only(spec({ a: { columns: { id: uuid(), x: g } } }));
    expect(col(choice({ a: 1, b: -1 }))).toMatch(/choice: weights must be finite numbers ≥ 0 \(got -1\)/);
    expect(col(choice({}))).toMatch(/choice: needs at least one value/);
    expect(col(choice([1, 2], [1]))).toMatch(/choice: 2 values but 1 weights/);
    expect(col(choice({ a: 0 }))).toMatch(/choice: the weights add up to 0/);
    expect(col(real(0, 1, { decimals: 12 }))).toMatch(/real: decimals must be an integer from 0 to 9/);
    expect(col(int(1.5, 3))).toMatch(/int\(1\.5, 3\): min and max must be integers/);
    expect(col(bool(2))).toMatch(/bool: p must be a probability/);
    expect(col(nullable(1.5, int(0, 1)))).toMatch(/nullable: p must be a probability/);
    expect(col(gen.date({ from: "2025-02-01", to: "2025-01-01" }))).toMatch(/date: from is after to/);
    expect(col(gen.date({ from: "soon", to: "2025-01-01" }))).toMatch(/date: from is not a date/);
    expect(col(timestamp({ from: "2025-01-01", to: "nope" }))).toMatch(
      /timestamp: to is not a date or ISO timestamp/,
    );
    expect(col(pattern("ABC"))).toMatch(/pattern "ABC" has no # or \? slot/);
    expect(col(array(int(0, 1), { min: 3, max: 1 }))).toMatch(/array\(3, 1\): min must not exceed max/);
    expect(col(email({ domain: "not a host" }))).toMatch(/email: domain "not a host" is not a host name/);
  });

  it("references: unknown table or column, not an ancestor, later column, root without parent", () => {
    const b = (columns: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      only(spec({ b: { parent: "a", columns: { id: uuid(), ...columns } }, ...extra }));
    expect(b({ x: ref("nope") })).toBe('tables.b.columns.x: a has no column "nope" — hint: allowed: id, n');
    expect(b({ x: ref("zz.id") })).toMatch(/^tables\.b\.columns\.x: unknown table "zz" in "zz\.id"/);
    expect(b({ x: ref("b.later"), later: int(0, 1) })).toMatch(
      /^tables\.b\.columns\.x: b\.later comes later in the row — hint: columns are generated in order/,
    );
    expect(b({ x: ref("b.x") })).toMatch(/"b\.x" refers to itself/);
    expect(b({}, { c: { parent: "a", columns: { id: uuid(), x: ref("b.id") } } })).toMatch(
      /^tables\.c\.columns\.x: b is not an ancestor of c — hint: a row can read its own columns and its ancestors' \(a\)/,
    );
    expect(only(spec({ a: { columns: { id: uuid(), x: ref("id") } } }))).toMatch(
      /^tables\.a\.columns\.x: "id" names the parent's column, but a is the root table/,
    );
    // A child cannot read its parent's columns from a sum() over it on.
    expect(
      only(
        spec({
          a: { columns: { id: uuid(), total: sum("b.v"), after: int(0, 1) } },
          b: { parent: "a", columns: { id: uuid(), v: int(1, 2), x: ref("after") } },
        }),
      ),
    ).toMatch(
      /^tables\.b\.columns\.x: a\.after is not known yet when b rows are generated — hint: a\.total sums b/,
    );
  });

  it("sum and childCount name a child table, sum a numeric column, and stand alone", () => {
    const a = (x: unknown) => only(spec({ a: { columns: { id: uuid(), x } } }));
    expect(a(sum("zz.v"))).toMatch(/sum: zz is not a child table of a — hint: /);
    expect(a(sum("b.nope"))).toMatch(/sum: b has no column "nope"/);
    expect(a(sum("b.id"))).toMatch(/sum: b\.id is not numeric/);
    expect(a(childCount("a"))).toMatch(/childCount: a is not a child table of a/);
    expect(a(nullable(0.5, childCount("b")))).toMatch(/childCount\(\) must be a column of its own/);
  });

  it("timestamp after a column that is not a date, genderFrom a later column", () => {
    expect(
      only(spec({ a: { columns: { id: uuid(), t: timestamp({ after: "id", within: "1h" }) } } })),
    ).toMatch(/after: a\.id is not a date or timestamp column/);
    const t0 = timestamp({ from: "2025-01-01", to: "2025-02-01" });
    expect(
      only(spec({ a: { columns: { id: uuid(), t0, t: timestamp({ after: "t0", within: "2 days" }) } } })),
    ).toMatch(/timestamp: within: "2 days" is not a duration/);
    expect(
      only(spec({ a: { columns: { id: uuid(), f: firstName({ genderFrom: "sex" }), sex: choice(["F"]) } } })),
    ).toMatch(/a\.sex comes later in the row/);
  });

  it("unique only on columns built from the row key, with the reason", () => {
    const line = only(spec({ a: { columns: { id: uuid(), n: int(1, 9) }, unique: ["id", "n"] } }));
    expect(line).toBe(
      "tables.a.unique: a.n cannot be declared unique: int() draws values at random, and random values repeat sooner or later — hint: uniqueness comes by construction, not by luck: build the column from the row key with uuid(), sequence(), pattern(…, { unique: true }) or email({ unique: true })",
    );
    const u = (columns: Record<string, unknown>, unique: string[], count: unknown = { min: 0, max: 3 }) =>
      spec({ b: { parent: "a", count, columns: { id: uuid(), ...columns }, unique } as TableSpec });
    expect(only(u({ p: pattern("P-####") }, ["p"]))).toMatch(
      /pattern\("P-####"\) draws random characters \(add \{ unique: true \}/,
    );
    expect(only(u({ e: email() }, ["e"]))).toMatch(/email\(\) draws random numbers/);
    expect(only(u({ d: derive(() => 1) }, ["d"]))).toMatch(/derive\(\) is not built from the row key/);
    expect(only(u({}, ["nope"]))).toMatch(/^tables\.b\.unique: unknown column "nope"/);
    // A copy of the parent's id repeats when a parent has several rows here, not when it has one.
    expect(only(u({ a_id: ref("id") }, ["a_id"]))).toMatch(/it copies a column .*a count above 1/);
    expect(() => defineDataset(u({ a_id: ref("id") }, ["a_id"], 1) as DatasetSpec)).not.toThrow();
    expect(() =>
      defineDataset(
        u({ s: sequence(), p: pattern("??##", { unique: true }) }, ["s", "p", "id"]) as DatasetSpec,
      ),
    ).not.toThrow();
  });

  it("a unique pattern without room for one root row's keys", () => {
    expect(
      only(
        spec({
          b: { parent: "a", count: { min: 0, max: 20 }, columns: { id: pattern("#", { unique: true }) } },
        }),
      ),
    ).toMatch(/pattern "#" spells 10 values, fewer than one root row's 20 keys — hint: add # or \? slots/);
  });

  it("header fields, unknown fields and locales", () => {
    const err = problemsOf({
      name: "",
      version: 1.5,
      root: "a",
      locale: "xx",
      chunkRoots: 0,
      colums: {},
      tables: { a: { columns: { id: uuid() }, uniq: ["id"] } },
    });
    expect(err.message).toBe("dataset is invalid: 7 problems");
    expect(err.details.join("\n")).toMatch(/^name: missing/m);
    expect(err.details.join("\n")).toMatch(/^description: missing/m);
    expect(err.details.join("\n")).toMatch(/^version: must be an integer ≥ 1 \(got 1\.5\)/m);
    expect(err.details.join("\n")).toMatch(/^chunkRoots: must be an integer ≥ 1/m);
    expect(err.details.join("\n")).toMatch(
      /^colums: unknown field — hint: allowed: name, description, version, root, tables/m,
    );
    expect(err.details.join("\n")).toMatch(/^locale: unknown locale "xx" — hint: allowed: ke, ph/m);
    expect(err.details.join("\n")).toMatch(
      /^tables\.a\.uniq: unknown field — hint: allowed: parent, count, columns, unique/m,
    );
    expect(only(spec({ a: { columns: { id: uuid(), n: firstName({ locale: "zz" }) } } }))).toMatch(
      /unknown locale "zz"/,
    );
    expect(only(spec({ "bad name": { parent: "a", columns: { id: uuid() } } }))).toMatch(
      /"bad name" is not a table name/,
    );
    expect(only(spec({ a: { columns: { id: uuid(), "x-y": constant(1) } } }))).toMatch(
      /"x-y" is not a column name/,
    );
  });
});
