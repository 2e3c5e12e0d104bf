import { describe, expect, it } from "vitest";
import type { DatasetDefinition } from "./dataset.js";
import { defineDataset, gen } from "./define-dataset.js";
import { uuidOf } from "./ids.js";
import { getLocale } from "./locales/index.js";
import { streamId } from "./rng.js";

const { array, bool, childCount, choice, constant, date, derive, email, firstName, fullName, int, json } =
  gen;
const { lastName, nullable, pattern, phone, real, ref, sequence, sum, timestamp, uuid } = gen;

/** Every table's COPY lines for root rows [first, first + count), only the tables `wanted` names. */
function lines(
  ds: DatasetDefinition,
  first: number,
  count: number,
  seed: number,
  wanted?: readonly string[],
): string[][] {
  const out: string[][] = ds.tables.map(() => []);
  ds.generate(first, count, seed, {
    wants: (t) => wanted === undefined || wanted.includes(ds.tables[t]!.name),
    row: (t, line) => out[t]!.push(line),
  });
  return out;
}

/** Rows of one table as objects (COPY text fields, unescaped only as far as these tests need). */
function rows(ds: DatasetDefinition, all: string[][], table: string): Record<string, string>[] {
  const i = ds.tables.findIndex((t) => t.name === table);
  const cols = ds.tables[i]!.columns;
  return all[i]!.map((line) => {
    const f = line.split("\t");
    if (f.length !== cols.length)
      throw new Error(`${table}: ${f.length} fields, want ${cols.length}: ${line}`);
    return Object.fromEntries(cols.map((c, k) => [c, f[k]!]));
  });
}

const shop = () =>
  defineDataset({
    name: "shop",
    description: "customers, orders, lines, shipments",
    version: 1,
    root: "customers",
    tables: {
      // Declared before its parent on purpose: load order puts parents first.
      lines: {
        parent: "orders",
        count: { min: 1, max: 4 },
        columns: {
          id: uuid(),
          order_id: ref("id"),
          line_no: derive((_r, ctx) => ctx.index + 1),
          of: derive((_r, ctx) => ctx.siblings),
          qty: int(1, 5),
          price: real(1, 20),
          amount: derive((row) => Math.round(Number(row.qty) * Number(row.price) * 100) / 100),
          tags: array(choice(["a", 'q"uote', "b\\s"]), { min: 0, max: 2 }),
        },
        unique: ["id"],
      },
      customers: {
        columns: {
          id: uuid(),
          seq: sequence(),
          code: pattern("C-####-??", { unique: true }),
          tier: choice({ gold: 10, silver: 30, basic: 60 }),
          sex: choice({ F: 50, M: 50 }),
          first: firstName({ genderFrom: "sex" }),
          name: fullName(),
          email: email({ unique: true }),
          phone: phone(),
          born: date({ from: "1950-01-01", to: "2005-12-31" }),
          age: derive((row) => 2025 - Number(String(row.born).slice(0, 4))),
          later: derive((row) => String(row.signup)),
          active: bool(0.8),
          signup: timestamp({ from: "2020-01-01", to: "2024-12-31" }),
          score: real(0, 100, { decimals: 1 }),
          orders_count: childCount("orders"),
        },
        unique: ["id", "seq", "code", "email"],
      },
      orders: {
        parent: "customers",
        count: { 0: 20, 1: 50, 2: 20, 3: 10 },
        columns: {
          id: uuid(),
          customer_id: ref("id"),
          customer_code: ref("customers.code"),
          placed_at: timestamp({ after: "customers.signup", atLeast: "1h", within: "720h" }),
          note: nullable(0.3, choice(["gift", "rush"])),
          lines_count: childCount("lines"),
          total: sum("lines.amount", { decimals: 2 }),
          shipped: bool(),
        },
        unique: ["id"],
      },
      shipments: {
        parent: "orders",
        columns: {
          id: sequence({ prefix: "S", width: 9 }),
          order_id: ref("id"),
          order_total: ref("orders.total"),
          meta: json({ carrier: choice(["dhl", "ups"]), v: 1, at: ref("orders.placed_at") }),
          tab: constant("a\tb\\c"),
        },
        unique: ["id", "order_id"],
      },
    },
  });

describe("defineDataset: the definition", () => {
  it("lists tables parents first, with columns, parents, expected rows and a key bound", () => {
    const ds = shop();
    expect(ds.tables.map((t) => [t.name, t.parent])).toEqual([
      ["customers", undefined],
      ["orders", "customers"],
      ["lines", "orders"],
      ["shipments", "orders"],
    ]);
    expect(ds.tables[1]!.columns).toEqual([
      "id",
      "customer_id",
      "customer_code",
      "placed_at",
      "note",
      "lines_count",
      "total",
      "shipped",
    ]);
    const rpr = Object.fromEntries(ds.tables.map((t) => [t.name, t.rowsPerRoot]));
    expect(rpr.customers).toBe(1);
    expect(rpr.orders).toBeCloseTo(1.2, 10);
    expect(rpr.lines).toBeCloseTo(1.2 * 2.5, 10);
    expect(rpr.shipments).toBeCloseTo(1.2, 10);
    for (const t of ds.tables) expect(t.bytesPerRow).toBeGreaterThan(40);
    // customers' unique pattern spells 10^4·26^2 keys; lines' keys span 3 orders × 4 lines per root.
    expect(ds.maxScale).toBe(Math.min(10 ** 4 * 26 ** 2, Math.floor(2 ** 53 / 12)));
    expect(ds.chunkRoots).toBe(1000);
    expect(ds.version).toBe(1);
    expect(ds.root).toBe("customers");
    expect(ds.afterLoad).toBeUndefined();
  });

  it("passes afterLoad through, and chooses ~20,000 rows per chunk when chunkRoots is not given", () => {
    const ds = defineDataset({
      name: "wide",
      description: "",
      version: 2,
      root: "a",
      tables: { a: { columns: { id: sequence() } }, b: { parent: "a", count: 200, columns: { id: uuid() } } },
      afterLoad: (tables) => tables.map((t) => `ANALYZE ${t}`),
    });
    expect(ds.chunkRoots).toBe(Math.round(20_000 / 201));
    expect(ds.afterLoad?.(["a"])).toEqual(["ANALYZE a"]);
  });
});

describe("defineDataset: determinism", () => {
  it("gives the same rows whatever the chunk split", () => {
    const ds = shop();
    const whole = lines(ds, 0, 300, 7);
    const parts = [lines(ds, 0, 100, 7), lines(ds, 100, 150, 7), lines(ds, 250, 50, 7)];
    whole.forEach((table, i) => {
      expect(parts.flatMap((p) => p[i]!)).toEqual(table);
    });
    // And a fresh definition (another worker process) gives the same again.
    expect(lines(shop(), 100, 150, 7)).toEqual(parts[1]);
  });

  it("gives other rows for another seed", () => {
    const ds = shop();
    const a = lines(ds, 0, 50, 1);
    const b = lines(ds, 0, 50, 2);
    expect(rows(ds, b, "customers").map((r) => r.id)).toEqual(rows(ds, a, "customers").map((r) => r.id)); // key-derived
    expect(b[0]).not.toEqual(a[0]);
    expect(b[1]).not.toEqual(a[1]);
  });

  it("skipping a table changes no other table's rows", () => {
    const ds = shop();
    const all = lines(ds, 0, 400, 3);
    const names = ds.tables.map((t) => t.name);
    for (const skipped of ["lines", "shipments", "orders"]) {
      // Skipping orders skips its subtree too: the loader always loads a table with its ancestors.
      const below = skipped === "orders" ? ["orders", "lines", "shipments"] : [skipped];
      const wanted = names.filter((n) => !below.includes(n));
      const some = lines(ds, 0, 400, 3, wanted);
      names.forEach((n, i) => {
        expect(some[i], `${n} with ${skipped} skipped`).toEqual(wanted.includes(n) ? all[i] : []);
      });
    }
  });
});

describe("defineDataset: values", () => {
  const ds = shop();
  const all = lines(ds, 0, 3000, 11);
  const customers = rows(ds, all, "customers");
  const orders = rows(ds, all, "orders");
  const items = rows(ds, all, "lines");
  const shipments = rows(ds, all, "shipments");
  const byId = <T extends Record<string, string>>(list: T[]) => new Map(list.map((r) => [r.id!, r]));

  it("uuid() is ids.ts uuidOf of the row key, in a namespace per table and column", () => {
    customers.forEach((c, r) => {
      if (c.id !== uuidOf(r, streamId("customers.id"))) throw new Error(`customers row ${r}: ${c.id}`);
    });
    expect(new Set(customers.map((c) => c.id)).size).toBe(customers.length);
  });

  it("foreign keys and refs equal the parent's (or ancestor's) values", () => {
    const c = byId(customers);
    const o = byId(orders);
    for (const r of orders) {
      const parent = c.get(r.customer_id!);
      expect(parent).toBeDefined();
      expect(r.customer_code).toBe(parent!.code);
    }
    for (const r of items) expect(o.has(r.order_id!)).toBe(true);
    for (const r of shipments) {
      expect(r.order_total).toBe(o.get(r.order_id!)!.total);
      expect(JSON.parse(r.meta!)).toEqual({
        carrier: expect.stringMatching(/^(dhl|ups)$/),
        v: 1,
        at: o.get(r.order_id!)!.placed_at,
      });
    }
    expect(shipments).toHaveLength(orders.length);
  });

  it("childCount and sum agree with the rows generated", () => {
    const ordersOf = new Map<string, number>();
    for (const r of orders) ordersOf.set(r.customer_id!, (ordersOf.get(r.customer_id!) ?? 0) + 1);
    for (const c of customers) expect(Number(c.orders_count)).toBe(ordersOf.get(c.id!) ?? 0);
    const linesOf = new Map<string, Record<string, string>[]>();
    for (const l of items) linesOf.set(l.order_id!, [...(linesOf.get(l.order_id!) ?? []), l]);
    for (const o of orders) {
      const ls = linesOf.get(o.id!) ?? [];
      expect(Number(o.lines_count)).toBe(ls.length);
      const cents = ls.reduce((a, l) => a + Math.round(Number(l.amount) * 100), 0);
      expect(o.total).toBe((cents / 100).toFixed(2));
      expect(ls.map((l) => Number(l.line_no))).toEqual(ls.map((_, k) => k + 1));
      for (const l of ls) expect(Number(l.of)).toBe(ls.length);
    }
  });

  it("derive sees earlier columns, and later ones as undefined", () => {
    for (const c of customers) {
      expect(Number(c.age)).toBe(2025 - Number(c.born!.slice(0, 4)));
      expect(c.later).toBe("undefined");
    }
  });

  it("formats dates, timestamps, reals, booleans, arrays, JSON and escapes COPY text", () => {
    for (const c of customers) {
      expect(c.born).toMatch(/^(19[5-9]\d|200[0-5])-\d\d-\d\d$/);
      expect(c.signup).toMatch(/^202[0-4]-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(c.score).toMatch(/^\d{1,3}\.\d$/);
      expect(Number(c.score)).toBeLessThanOrEqual(100);
      expect(c.active).toMatch(/^[tf]$/);
      expect(c.email).toMatch(/^[a-z]+\.[a-z]+\.[0-9a-z]+@example\.com$/);
      expect(c.phone!.startsWith(getLocale("ke").phone.prefix)).toBe(true);
      expect(c.phone).toHaveLength(getLocale("ke").phone.prefix.length + getLocale("ke").phone.digits);
    }
    for (const l of items) {
      // COPY text of a text[]: quotes escaped for the array, backslashes doubled again for COPY.
      expect(l.tags).toMatch(/^\{("(a|q\\\\"uote|b\\\\\\\\s)"(,"(a|q\\\\"uote|b\\\\\\\\s)")?)?\}$/);
      expect(l.price).toMatch(/^\d+\.\d\d$/);
    }
    expect(shipments[0]!.tab).toBe("a\\tb\\\\c");
    expect(shipments[0]!.id).toMatch(/^S\d{9}$/);
    expect(orders.some((o) => o.note === "\\N")).toBe(true);
  });

  it("timestamp after another column stays within atLeast…within of it", () => {
    const c = byId(customers);
    for (const o of orders) {
      const base = Date.parse(c.get(o.customer_id!)!.signup!);
      const at = Date.parse(o.placed_at!);
      expect(at - base).toBeGreaterThanOrEqual(3_600_000);
      expect(at - base).toBeLessThanOrEqual(720 * 3_600_000);
    }
  });

  it("names come from the locale, first names follow genderFrom", () => {
    const ke = getLocale("ke");
    for (const c of customers) {
      expect(c.sex === "F" ? ke.femaleFirstNames : ke.maleFirstNames).toContain(c.first);
      const [first, ...rest] = c.name!.split(" ");
      expect([...ke.maleFirstNames, ...ke.femaleFirstNames]).toContain(first);
      // Surnames may hold a space ("Ole Sankok").
      expect(ke.surnames).toContain(rest.join(" "));
    }
  });
});

describe("defineDataset: distributions on 100k parents (±2 percentage points)", () => {
  const N = 100_000;
  const ds = defineDataset({
    name: "dist",
    description: "",
    version: 1,
    root: "p",
    chunkRoots: 5000,
    tables: {
      p: {
        columns: {
          kind: choice({ a: 60, b: 30, c: 10 }),
          n: int(0, 4),
          flag: bool(0.25),
          maybe: nullable(0.4, constant(1)),
          weighted: childCount("w"),
          uniform: childCount("u"),
        },
      },
      w: { parent: "p", count: { 0: 10, 1: 50, 2: 30, 3: 10 }, columns: { x: constant(1) } },
      u: { parent: "p", count: { min: 0, max: 4 }, columns: { x: constant(1) } },
    },
  });
  const out = lines(ds, 0, N, 99);
  const p = rows(ds, out, "p");
  const share = (pred: (r: Record<string, string>) => boolean) => p.filter(pred).length / N;

  it("weighted counts", () => {
    const want: Record<string, number> = { 0: 0.1, 1: 0.5, 2: 0.3, 3: 0.1 };
    for (const [k, w] of Object.entries(want))
      expect(Math.abs(share((r) => r.weighted === k) - w)).toBeLessThan(0.02);
    expect(out[1]!.length).toBe(p.reduce((a, r) => a + Number(r.weighted), 0));
  });

  it("uniform counts", () => {
    for (let k = 0; k <= 4; k++)
      expect(Math.abs(share((r) => r.uniform === String(k)) - 0.2)).toBeLessThan(0.02);
    expect(out[2]!.length).toBe(p.reduce((a, r) => a + Number(r.uniform), 0));
  });

  it("choice, int, bool and nullable proportions", () => {
    expect(Math.abs(share((r) => r.kind === "a") - 0.6)).toBeLessThan(0.02);
    expect(Math.abs(share((r) => r.kind === "b") - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(share((r) => r.kind === "c") - 0.1)).toBeLessThan(0.02);
    for (let k = 0; k <= 4; k++) expect(Math.abs(share((r) => r.n === String(k)) - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(share((r) => r.flag === "t") - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(share((r) => r.maybe === "\\N") - 0.4)).toBeLessThan(0.02);
  });
});

describe("defineDataset: key-derived columns are unique (200k rows)", () => {
  it("on the root table and on child tables", () => {
    const ds = defineDataset({
      name: "keys",
      description: "",
      version: 1,
      root: "r",
      chunkRoots: 10_000,
      tables: {
        r: {
          columns: {
            id: uuid(),
            seq: sequence(),
            code: pattern("R-??##", { unique: true }),
            mail: email({ unique: true, domain: "x.test" }),
          },
          unique: ["id", "seq", "code", "mail"],
        },
        c: {
          parent: "r",
          count: { 0: 50, 2: 40, 5: 10 },
          columns: {
            id: uuid(),
            seq: sequence({ prefix: "C", width: 8 }),
            code: pattern("##-?##-??#", { unique: true }),
          },
          unique: ["id", "seq", "code"],
        },
      },
    });
    // R-??## spells 67,600 values: that is the scale limit, and within it every value is distinct.
    expect(ds.maxScale).toBe(67_600);
    const roots = lines(ds, 0, 67_600, 5);
    const children = lines(ds, 0, 160_000, 5, ["r", "c"]);
    const check = (table: string, list: string[][], cols: readonly string[]) => {
      const r = rows(ds, list, table);
      for (const col of cols) expect(new Set(r.map((x) => x[col])).size, `${table}.${col}`).toBe(r.length);
      return r.length;
    };
    expect(check("r", roots, ["id", "seq", "code", "mail"])).toBe(67_600);
    expect(check("c", children, ["id", "seq", "code"])).toBeGreaterThan(190_000);
  });
});

describe("defineDataset: locales", () => {
  it("uses the dataset's locale, or a generator's own", () => {
    const ds = defineDataset({
      name: "loc",
      description: "",
      version: 1,
      root: "p",
      locale: "ph",
      tables: {
        p: {
          columns: {
            f: firstName({ gender: "female" }),
            m: firstName({ gender: "male", locale: "ke" }),
            l: lastName(),
          },
        },
      },
    });
    const p = rows(ds, lines(ds, 0, 500, 1), "p");
    const ph = getLocale("ph");
    const ke = getLocale("ke");
    for (const r of p) {
      expect(ph.femaleFirstNames).toContain(r.f);
      expect(ke.maleFirstNames).toContain(r.m);
      expect(ph.surnames).toContain(r.l);
    }
  });
});
