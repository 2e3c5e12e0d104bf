import { readFileSync } from "node:fs";
// The registry's own functions are the ground truth for search_text, masks, scores and check digits.
import {
  DEFAULT_JOB_SETTINGS,
  farmerSearchText,
  householdSearchText,
  maskNationalId,
  scoreFarmerPair,
  verhoeffValid,
} from "strain-registry";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type DatasetDefinition, tableClosure } from "../dataset.js";
import { uuidOf } from "../ids.js";
import { getLocale, LOCALES } from "../locales/index.js";
import { streamId } from "../rng.js";
import { FARMER_REGISTRY_AS_OF, farmerRegistry } from "./farmer-registry.js";

const TABLES = [
  "households",
  "farmers",
  "household_members",
  "lands",
  "crops",
  "livestock",
  "farm_inputs",
  "memberships",
  "scores",
  "score_history",
] as const;
type TableName = (typeof TABLES)[number];

/** Lines of every table for root rows [first, first + count). */
function generate(
  ds: DatasetDefinition,
  first: number,
  count: number,
  seed: number,
  wanted: (t: number) => boolean = () => true,
): string[][] {
  const lines: string[][] = ds.tables.map(() => []);
  ds.generate(first, count, seed, {
    wants: wanted,
    row: (t, line) => {
      if (!wanted(t)) throw new Error(`row of unwanted table ${ds.tables[t]!.name}`);
      lines[t]!.push(line);
    },
  });
  return lines;
}

/** One COPY text line → fields (NULL → null, escapes undone). */
function parseLine(line: string): (string | null)[] {
  return line
    .split("\t")
    .map((f) =>
      f === "\\N"
        ? null
        : f.includes("\\")
          ? f.replace(/\\(.)/g, (_, c: string) =>
              c === "t" ? "\t" : c === "n" ? "\n" : c === "r" ? "\r" : c,
            )
          : f,
    );
}

/** Rows of a table as objects keyed by column. */
function rowsOf(ds: DatasetDefinition, lines: string[][], table: TableName): Record<string, string | null>[] {
  const t = ds.tables.findIndex((x) => x.name === table);
  const columns = ds.tables[t]!.columns;
  return lines[t]!.map((line) => {
    const fields = parseLine(line);
    const row: Record<string, string | null> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = fields[i] ?? null;
    return row;
  });
}

/** Columns of each table in the registry's migration, generated ones apart. */
function migrationColumns(): Map<string, { columns: string[]; generated: string[] }> {
  const sql = readFileSync(
    new URL("../../../../../targets/registry/migrations/0001_registers.sql", import.meta.url),
    "utf8",
  );
  const out = new Map<string, { columns: string[]; generated: string[] }>();
  for (const m of sql.matchAll(/CREATE TABLE (\w+) \(\n([\s\S]*?)\n\);/g)) {
    const columns: string[] = [];
    const generated: string[] = [];
    for (const raw of m[2]!.split("\n")) {
      const line = raw.trim();
      if (line === "" || line.startsWith("--") || /^(PRIMARY KEY|UNIQUE)\b/.test(line)) continue;
      const name = line.split(/\s+/)[0]!;
      (line.includes("GENERATED ALWAYS") ? generated : columns).push(name);
    }
    out.set(m[1]!, { columns, generated });
  }
  return out;
}

const ds = farmerRegistry();

describe("farmer-registry: shape", () => {
  it("lists the registry's tables in load order with every non-generated column", () => {
    expect(ds.name).toBe("farmer-registry");
    expect(ds.root).toBe("households");
    expect(ds.tables.map((t) => t.name)).toEqual([...TABLES]);
    const migration = migrationColumns();
    for (const t of ds.tables) {
      const m = migration.get(t.name);
      expect(m, t.name).toBeDefined();
      expect([...t.columns].sort(), t.name).toEqual([...m!.columns].sort());
    }
    expect(migration.get("households")!.generated).toEqual(["region"]);
    expect(migration.get("farmers")!.generated.sort()).toEqual(["birth_year", "region"]);
  });

  it("names each table's parent so every parent loads first", () => {
    const parents = Object.fromEntries(ds.tables.map((t) => [t.name, t.parent ?? null]));
    expect(parents).toEqual({
      households: null,
      farmers: "households",
      household_members: "farmers",
      lands: "farmers",
      crops: "lands",
      livestock: "lands",
      farm_inputs: "lands",
      memberships: "farmers",
      scores: "households",
      score_history: "scores",
    });
    expect(tableClosure(ds, ["crops"])).toEqual(["households", "farmers", "lands", "crops"]);
    expect(tableClosure(ds, ["score_history"])).toEqual(["households", "scores", "score_history"]);
  });

  it("expects rows per household in the proportions it generates", () => {
    const lines = generate(ds, 0, 5000, 11);
    for (const [i, t] of ds.tables.entries()) {
      const per = lines[i]!.length / 5000;
      expect(Math.abs(per - t.rowsPerRoot) / t.rowsPerRoot, t.name).toBeLessThan(0.05);
      expect(t.bytesPerRow).toBeGreaterThan(0);
    }
  });

  it("keeps every key and 9-digit counter valid up to maxScale", () => {
    expect(ds.maxScale).toBe(13_888_888);
    const last = ds.maxScale! - 1;
    const lines = generate(ds, last, 1, 5);
    const counters = TABLES.filter((t) => !["households", "farmers", "scores", "score_history"].includes(t));
    for (const t of counters) {
      for (const row of rowsOf(ds, lines, t)) expect(row.functional_id, t).toMatch(/^[A-Z]{2}-\d{9}$/);
    }
    // The largest possible crop key, 72·h + 71, still has 9 digits; one household more would not.
    expect(72 * last + 71).toBeLessThan(1e9);
    expect(72 * (last + 1) + 71).toBeGreaterThanOrEqual(1e9);
  });

  it("moves the migration's sequences past the loaded numbers, only for loaded tables", () => {
    const all = ds.afterLoad!(ds.tables.map((t) => t.name));
    expect(all).toHaveLength(7);
    for (const [table, sequence, prefix] of [
      ["household_members", "household_member_number", "HM-"],
      ["lands", "land_number", "LD-"],
      ["crops", "crop_number", "CR-"],
      ["livestock", "livestock_number", "LV-"],
      ["farm_inputs", "farm_input_number", "FI-"],
      ["memberships", "membership_number", "MB-"],
    ] as const) {
      const sql = all.find((s) => s.includes(`'${sequence}'`));
      expect(sql, sequence).toMatch(/^SELECT setval\(/);
      expect(sql).toContain(`FROM ${table} WHERE functional_id ~ '^${prefix}[0-9]+$'`);
    }
    expect(all.some((s) => s.includes("score_history") && s.includes("max(id)"))).toBe(true);
    expect(ds.afterLoad!(["households", "farmers"])).toEqual([]);
    expect(ds.afterLoad!(["households", "farmers", "lands"])).toHaveLength(1);
  });
});

describe("farmer-registry: determinism", () => {
  it("gives the same lines whatever the chunking, and other lines for another seed", () => {
    const whole = generate(ds, 0, 2000, 42);
    const a = generate(ds, 0, 700, 42);
    const b = generate(ds, 700, 1300, 42);
    for (let t = 0; t < whole.length; t++) {
      expect(whole[t]!.length, ds.tables[t]!.name).toBeGreaterThan(0);
      expect([...a[t]!, ...b[t]!], ds.tables[t]!.name).toEqual(whole[t]);
    }
    const other = generate(ds, 0, 2000, 43);
    for (let t = 0; t < whole.length; t++) {
      // Keys (uuids, counters) are the same for every seed; the content is not.
      if (ds.tables[t]!.name === "score_history") continue;
      expect(other[t], ds.tables[t]!.name).not.toEqual(whole[t]);
    }
    // A second instance of the dataset (another worker) agrees byte for byte.
    expect(generate(farmerRegistry(), 0, 2000, 42)).toEqual(whole);
  });

  it("leaves wanted tables unchanged when others are skipped", () => {
    const whole = generate(ds, 100, 800, 7);
    for (let t = 0; t < ds.tables.length; t++) {
      const alone = generate(ds, 100, 800, 7, (i) => i === t);
      expect(alone[t], ds.tables[t]!.name).toEqual(whole[t]);
      const allBut = generate(ds, 100, 800, 7, (i) => i !== t);
      for (let u = 0; u < ds.tables.length; u++) {
        if (u === t) expect(allBut[u]).toEqual([]);
        else expect(allBut[u], `${ds.tables[u]!.name} without ${ds.tables[t]!.name}`).toEqual(whole[u]);
      }
    }
  });

  describe("does not depend on today's date", () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    it("gives the same lines with the clock moved by years", () => {
      const now = generate(farmerRegistry(), 0, 300, 9);
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(new Date("2041-02-28T23:59:59Z"));
      expect(generate(farmerRegistry(), 0, 300, 9)).toEqual(now);
    });
  });
});

/** ≥ 100k farmers, all tables, parsed once for the distribution and consistency tests. */
const big = (() => {
  let value: ReturnType<typeof build> | undefined;
  const build = () => {
    const households = 25_300;
    const lines = generate(ds, 0, households, 2024);
    const rows = Object.fromEntries(TABLES.map((t) => [t, rowsOf(ds, lines, t)])) as Record<
      TableName,
      Record<string, string | null>[]
    >;
    return { households, lines, rows };
  };
  return () => {
    value ??= build();
    return value;
  };
})();

/** Collects failed checks (an expect() per row is too slow at 100k rows), keeping the first ten. */
class Problems {
  readonly list: string[] = [];
  check(ok: boolean, what: string): void {
    if (!ok && this.list.length < 10) this.list.push(what);
  }
}

function share<T>(items: readonly T[], pred: (x: T) => boolean): number {
  let n = 0;
  for (const x of items) if (pred(x)) n++;
  return n / items.length;
}

function expectShares(
  values: readonly (string | null | undefined)[],
  expected: Record<string, number>,
  label: string,
): void {
  for (const [value, pct] of Object.entries(expected)) {
    const got = share(values, (v) => v === value) * 100;
    expect(Math.abs(got - pct), `${label} ${value}: ${got.toFixed(2)}% vs ${pct}%`).toBeLessThanOrEqual(2);
  }
  const known = new Set(Object.keys(expected));
  expect(
    values.filter((v) => !known.has(v as string)),
    label,
  ).toEqual([]);
}

/** Age in whole years at AS_OF of a `YYYY-MM-DD` birth date. */
function ageAt(birth: string | null | undefined, asOf = FARMER_REGISTRY_AS_OF): number {
  if (typeof birth !== "string") throw new Error(`no birth date: ${String(birth)}`);
  const [by, bm, bd] = birth.split("-").map(Number) as [number, number, number];
  const [y, m, d] = asOf.split("-").map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

describe("farmer-registry: distributions on ≥ 100k farmers (±2 percentage points)", () => {
  it("generates ≈ 4 farmers per household and ≥ 100k farmers", () => {
    const { rows, households } = big();
    expect(rows.farmers.length).toBeGreaterThanOrEqual(100_000);
    const mean = rows.farmers.length / households;
    expect(mean).toBeGreaterThan(3.93);
    expect(mean).toBeLessThan(4.05);
    const perHousehold = new Map<string, number>();
    for (const f of rows.farmers)
      perHousehold.set(f.household_id!, (perHousehold.get(f.household_id!) ?? 0) + 1);
    expect(perHousehold.size).toBe(households);
    expect(Math.min(...perHousehold.values())).toBe(1);
    expect(Math.max(...perHousehold.values())).toBe(8);
  });

  it("farmers: gender, marital status, education, disability, phone, income source, birth date", () => {
    const f = big().rows.farmers;
    expectShares(
      f.map((r) => r.gender),
      { MALE: 53, FEMALE: 47 },
      "gender",
    );
    expectShares(
      f.map((r) => r.marital_status),
      { MARRIED: 63, SINGLE: 18, WIDOWED: 12, DIVORCED: 7 },
      "marital",
    );
    expectShares(
      f.map((r) => r.education_level),
      { NEVER_ATTENDED: 28, PRIMARY: 36, SECONDARY: 24, TERTIARY: 9, NON_FORMAL: 3 },
      "education",
    );
    expectShares(
      f.map((r) => r.income_source),
      { CROP: 55, LIVESTOCK: 27, GOVERNMENT_NGO: 10, OTHER: 8 },
      "income source",
    );
    expectShares(
      f.map((r) => (r.disability_type === null ? "no" : "yes")),
      { yes: 7, no: 93 },
      "disability",
    );
    expectShares(
      f.map((r) => r.has_personal_phone),
      { t: 58, f: 42 },
      "own phone",
    );
    expectShares(
      f.map((r) => (r.birth_date === null ? "none" : "known")),
      { none: 4, known: 96 },
      "birth date",
    );
  });

  it("ages are uniform over 19–82 at AS_OF", () => {
    const f = big().rows.farmers;
    const counts = new Map<number, number>();
    for (const r of f) {
      const age = r.birth_date === null ? Number(r.estimated_age) : ageAt(r.birth_date);
      counts.set(age, (counts.get(age) ?? 0) + 1);
    }
    expect(Math.min(...counts.keys())).toBe(19);
    expect(Math.max(...counts.keys())).toBe(82);
    expect(counts.size).toBe(64);
    for (const [age, n] of counts) expect(Math.abs(n / f.length - 1 / 64), `age ${age}`).toBeLessThan(0.004);
  });

  it("lands per farmer, ownership, size unit, farming type; farm inputs; memberships", () => {
    const { rows } = big();
    const landsPerFarmer = new Map<string, number>();
    for (const l of rows.lands) landsPerFarmer.set(l.farmer_id!, (landsPerFarmer.get(l.farmer_id!) ?? 0) + 1);
    expectShares(
      rows.farmers.map((f) => String(landsPerFarmer.get(f.id!) ?? 0)),
      { "0": 6, "1": 55, "2": 28, "3": 11 },
      "lands per farmer",
    );
    expectShares(
      rows.lands.map((l) => l.ownership),
      { OWNER: 62, TENANT: 26, CROP_SHARE: 12 },
      "ownership",
    );
    expectShares(
      rows.lands.map((l) => l.size_unit),
      { HECTARE: 55, ACRE: 35, SQUARE_METER: 10 },
      "size unit",
    );
    expectShares(
      rows.lands.map((l) => l.farming_type),
      { CROP: 48, MIXED: 32, LIVESTOCK: 14, AGROFORESTRY: 4, AQUACULTURE: 2 },
      "farming type",
    );
    const withInput = new Set(rows.farm_inputs.map((i) => i.land_id));
    expect(withInput.size).toBe(rows.farm_inputs.length); // at most one per land
    expect(Math.abs((withInput.size / rows.lands.length) * 100 - 72)).toBeLessThanOrEqual(2);
    const members = new Set(rows.memberships.map((m) => m.farmer_id));
    expect(members.size).toBe(rows.memberships.length);
    expect(Math.abs((members.size / rows.farmers.length) * 100 - 34)).toBeLessThanOrEqual(2);
  });

  it("land sizes stay in their unit's range; 1–3 crops per crop/mixed land, 1–3 livestock entries per livestock/mixed land", () => {
    const { rows } = big();
    const ranges: Record<string, [number, number]> = {
      HECTARE: [0.15, 9],
      ACRE: [0.4, 22],
      SQUARE_METER: [500, 40_000],
    };
    const problems = new Problems();
    const type = new Map<string, string>();
    for (const l of rows.lands) {
      const [min, max] = ranges[l.size_unit!]!;
      const size = Number(l.size);
      problems.check(
        size >= min && size <= max && /^\d+\.\d{3}$/.test(l.size!),
        `size ${l.size} ${l.size_unit}`,
      );
      type.set(l.id!, l.farming_type!);
    }
    const crops = new Map<string, number>();
    for (const c of rows.crops) crops.set(c.land_id!, (crops.get(c.land_id!) ?? 0) + 1);
    const stock = new Map<string, number>();
    for (const v of rows.livestock) {
      stock.set(v.land_id!, (stock.get(v.land_id!) ?? 0) + 1);
      const head = Number(v.head_count);
      problems.check(Number.isInteger(head) && head >= 1 && head <= 60, `head count ${v.head_count}`);
    }
    for (const [id, t] of type) {
      const c = crops.get(id) ?? 0;
      const v = stock.get(id) ?? 0;
      const cropLand = t === "CROP" || t === "MIXED";
      const stockLand = t === "LIVESTOCK" || t === "MIXED";
      problems.check(cropLand ? c >= 1 && c <= 3 : c === 0, `${t} land with ${c} crops`);
      problems.check(stockLand ? v >= 1 && v <= 3 : v === 0, `${t} land with ${v} livestock entries`);
    }
    expect(problems.list).toEqual([]);
  });
});

describe("farmer-registry: consistency", () => {
  it("every line has one field per column, and fields parse", () => {
    const { lines, rows } = big();
    for (const [t, table] of ds.tables.entries()) {
      let bad = 0;
      for (const line of lines[t]!) if (line.split("\t").length !== table.columns.length) bad++;
      expect(bad, table.name).toBe(0);
    }
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+00$/;
    const isDate = (d: string) =>
      /^\d{4}-\d{2}-\d{2}$/.test(d) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
    const isJson = (s: string) => {
      try {
        return typeof JSON.parse(s) === "object";
      } catch {
        return false;
      }
    };
    const kinds: Record<string, (v: string) => boolean> = {
      uuid: (v) => UUID.test(v),
      ts: (v) => TS.test(v) && !Number.isNaN(Date.parse(`${v.slice(0, 10)}T${v.slice(11, 19)}Z`)),
      date: isDate,
      json: isJson,
      array: (v) => /^\{("[^"\\]*")?\}$/.test(v),
      decimal: (v) => /^-?\d+\.\d+$/.test(v),
      int: (v) => /^\d+$/.test(v),
      bool: (v) => v === "t" || v === "f",
    };
    // Column → kind ("?" where NULL is allowed); the rest are text.
    const kindOf = (table: string, column: string): string | undefined => {
      if (table === "score_history" && column === "id") return "int";
      if (column === "size") return table === "lands" ? "decimal" : "int";
      if (column === "id" || column === "household_id" || column === "land_id" || column === "record_id")
        return "uuid";
      if (column === "farmer_id") return table === "household_members" ? "uuid?" : "uuid";
      if (column === "approved_at") return "ts?";
      if (column.endsWith("_at")) return "ts";
      if (column === "birth_date") return "date?";
      if (column === "registration_date" || column === "joined_on") return "date";
      if (column === "geo" || column === "inputs") return "json";
      if (column === "phone_numbers" || column === "emails") return "array";
      if (
        ["latitude", "longitude", "area_planted", "expected_yield_kg", "quantity", "value"].includes(column)
      )
        return "decimal";
      if (column === "estimated_age") return "int?";
      if (column.endsWith("_count") || ["acquisition_year", "version"].includes(column)) return "int";
      if (["elderly_present", "has_personal_phone", "is_head"].includes(column)) return "bool";
      return undefined;
    };
    const problems: string[] = [];
    for (const table of TABLES) {
      const columns = ds.tables.find((t) => t.name === table)!.columns;
      const checks = columns.map((c) => {
        const kind = kindOf(table, c);
        return kind === undefined
          ? undefined
          : { nullable: kind.endsWith("?"), ok: kinds[kind.replace("?", "")]! };
      });
      for (const row of rows[table]) {
        for (let i = 0; i < columns.length; i++) {
          const check = checks[i];
          const value = row[columns[i]!] ?? null;
          if (check === undefined) continue;
          if (value === null ? !check.nullable : !check.ok(value))
            if (problems.length < 10) problems.push(`${table}.${columns[i]} = ${String(value)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("keys are unique: every uuid, national id and functional id", () => {
    const { rows } = big();
    const uuids = new Set<string>();
    let total = 0;
    for (const table of TABLES) {
      if (table === "scores" || table === "score_history") continue;
      for (const r of rows[table]) {
        uuids.add(r.id!);
        total++;
      }
      const fids = rows[table].map((r) => r.functional_id).filter((x) => x !== null);
      expect(new Set(fids).size, table).toBe(fids.length);
    }
    expect(uuids.size).toBe(total);
    const nationalIds = rows.farmers.map((f) => f.national_id!);
    expect(new Set(nationalIds).size).toBe(nationalIds.length);
    for (const id of nationalIds.slice(0, 1000)) expect(id).toMatch(/^\d{10}$/);
    // Household and farmer functional ids share one space (the registry's id pool): disjoint too.
    const functional = [...rows.households, ...rows.farmers]
      .map((r) => r.functional_id)
      .filter((x) => x !== null);
    expect(new Set(functional).size).toBe(functional.length);
    expect(new Set(rows.score_history.map((r) => r.id)).size).toBe(rows.score_history.length);
  });

  it("functional ids: 90% filled, 12 Verhoeff-valid digits starting with 1; sub-tables numbered from their key", () => {
    const { rows } = big();
    for (const table of ["households", "farmers"] as const) {
      const ids = rows[table].map((r) => r.functional_id);
      expect(Math.abs(share(ids, (x) => x !== null) * 100 - 90), table).toBeLessThanOrEqual(2);
      for (const id of ids) {
        if (typeof id !== "string") continue;
        if (!/^1\d{11}$/.test(id) || !verhoeffValid(id)) throw new Error(`${table}: bad functional id ${id}`);
      }
    }
    const prefix: Record<string, string> = {
      household_members: "HM",
      lands: "LD",
      crops: "CR",
      livestock: "LV",
      farm_inputs: "FI",
      memberships: "MB",
    };
    for (const [table, p] of Object.entries(prefix)) {
      const salt = streamId(table);
      for (const r of rows[table as TableName]) {
        const m = /^([A-Z]{2})-(\d{9})$/.exec(r.functional_id!);
        if (m === null || m[1] !== p || uuidOf(Number(m[2]), salt) !== r.id)
          throw new Error(`${table}: functional id ${r.functional_id} does not number its key (id ${r.id})`);
      }
    }
  });

  it("search_text, masked ids and head names are what the registry computes", () => {
    const { rows } = big();
    for (const f of rows.farmers) {
      const expected = farmerSearchText({
        first_name: f.first_name!,
        middle_name: f.middle_name,
        last_name: f.last_name!,
        given_name: f.given_name,
        national_id: f.national_id!,
      });
      if (f.search_text !== expected) throw new Error(`farmer search_text ${f.search_text} ≠ ${expected}`);
      if (f.masked_national_id !== maskNationalId(f.national_id!))
        throw new Error(`masked ${f.masked_national_id} for ${f.national_id}`);
    }
    const heads = new Map<string, Record<string, string | null>>();
    for (const m of rows.household_members) if (m.is_head === "t") heads.set(m.household_id!, m);
    for (const h of rows.households) {
      const geo = JSON.parse(h.geo!) as { village: string };
      const expected = householdSearchText({
        head_name: h.head_name!,
        address_line1: h.address_line1,
        village: geo.village,
      });
      if (h.search_text !== expected) throw new Error(`household search_text ${h.search_text} ≠ ${expected}`);
      const head = heads.get(h.id!)!;
      expect(h.head_name).toBe(`${head.first_name} ${head.last_name}`);
    }
  });

  it("household counts, ages and elderly flag agree with the members", () => {
    const { rows } = big();
    const farmers = new Map(rows.farmers.map((f) => [f.id!, f]));
    const byHousehold = new Map<string, Record<string, string | null>[]>();
    for (const m of rows.household_members) {
      const list = byHousehold.get(m.household_id!) ?? [];
      list.push(m);
      byHousehold.set(m.household_id!, list);
    }
    const problems = new Problems();
    for (const h of rows.households) {
      const members = byHousehold.get(h.id!)!;
      const children = members.filter((m) => m.farmer_id === null);
      const ages = members.map((m) =>
        m.birth_date !== null ? ageAt(m.birth_date) : Number(farmers.get(m.farmer_id!)!.estimated_age),
      );
      const got = [h.size, h.children_count, h.female_count, h.male_count, h.elderly_present].join(" ");
      const want = [
        members.length,
        children.length,
        members.filter((m) => m.gender === "FEMALE").length,
        members.filter((m) => m.gender === "MALE").length,
        ages.some((a) => a >= 60) ? "t" : "f",
      ].join(" ");
      problems.check(
        got === want,
        `household ${h.id}: size children female male elderly ${got} ≠ members' ${want}`,
      );
      problems.check(
        members.filter((m) => m.is_head === "t").length === 1,
        `household ${h.id}: not one head`,
      );
      problems.check(children.length <= 4, `household ${h.id}: ${children.length} children`);
      for (const c of children)
        problems.check(
          c.relationship === "CHILD" && ageAt(c.birth_date!) < 18,
          `child ${c.id} ${c.birth_date}`,
        );
    }
    // A farmer's member row repeats the farmer's person fields.
    for (const m of rows.household_members) {
      if (typeof m.farmer_id !== "string") continue;
      const f = farmers.get(m.farmer_id)!;
      for (const c of ["first_name", "last_name", "gender", "birth_date", "household_id"])
        problems.check(m[c] === f[c], `member ${m.id} ${c} ${m[c]} ≠ farmer's ${f[c]}`);
    }
    // Birth date known ⇔ no estimated age; ages 19–82 either way.
    for (const f of rows.farmers) {
      const age = f.birth_date === null ? Number(f.estimated_age) : ageAt(f.birth_date);
      problems.check(
        (f.birth_date === null) === (f.estimated_age !== null),
        `farmer ${f.id}: birth date and age`,
      );
      problems.check(age >= 19 && age <= 82, `farmer ${f.id}: age ${age}`);
    }
    expect(problems.list).toEqual([]);
  });

  it("every foreign key is a parent row's uuid, and farmers live where their household does", () => {
    const { rows } = big();
    const ids = (t: TableName) => new Set(rows[t].map((r) => r.id!));
    const households = new Map(rows.households.map((h) => [h.id!, h]));
    const farmers = ids("farmers");
    const lands = ids("lands");
    const missing: string[] = [];
    const expectIn = (set: { has(x: string): boolean }, value: string | null | undefined, what: string) => {
      if (typeof value !== "string" || !set.has(value)) missing.push(`${what} ${String(value)}`);
    };
    for (const f of rows.farmers) {
      expectIn(households, f.household_id, "farmers.household_id");
      const h = households.get(f.household_id!)!;
      for (const c of ["latitude", "longitude", "address_line1", "postal_code", "country_code", "geo"])
        if (f[c] !== h[c]) missing.push(`farmer ${f.id} ${c} ${f[c]} ≠ household ${h[c]}`);
    }
    for (const m of rows.household_members) {
      expectIn(households, m.household_id, "household_members.household_id");
      if (m.farmer_id !== null) expectIn(farmers, m.farmer_id, "household_members.farmer_id");
    }
    for (const l of rows.lands) expectIn(farmers, l.farmer_id, "lands.farmer_id");
    for (const t of ["crops", "livestock", "farm_inputs"] as const)
      for (const r of rows[t]) expectIn(lands, r.land_id, `${t}.land_id`);
    for (const m of rows.memberships) expectIn(farmers, m.farmer_id, "memberships.farmer_id");
    for (const s of rows.scores) expectIn(households, s.record_id, "scores.record_id");
    for (const s of rows.score_history) expectIn(households, s.record_id, "score_history.record_id");
    expect(missing.slice(0, 10)).toEqual([]);
    // The household uuid is the root key's: household h is uuidOf(h, streamId("households")).
    expect(rows.households[123]!.id).toBe(uuidOf(123, streamId("households")));
  });

  it("coordinates stay inside the locale's bounds; geo is the registry's {region, zone, district, village}", () => {
    const { rows } = big();
    const b = getLocale("ke").bounds;
    const regions = new Map(getLocale("ke").regions.map((r) => [r.name, r.zones]));
    const problems = new Problems();
    for (const r of [...rows.households, ...rows.lands]) {
      const lat = Number(r.latitude);
      const lon = Number(r.longitude);
      problems.check(
        lat >= b.latMin && lat <= b.latMax && lon >= b.lonMin && lon <= b.lonMax,
        `${lat},${lon}`,
      );
    }
    for (const h of rows.households) {
      const geo = JSON.parse(h.geo!) as Record<string, string>;
      problems.check(Object.keys(geo).join() === "region,zone,district,village", `geo keys ${h.geo}`);
      problems.check(
        regions.get(geo.region!)?.includes(geo.zone!) === true,
        `zone ${geo.zone} in ${geo.region}`,
      );
      problems.check(geo.district!.startsWith(`${geo.zone} `), `district ${geo.district} of ${geo.zone}`);
      problems.check(h.address_line1!.endsWith(`, ${geo.village}`), `address ${h.address_line1}`);
      problems.check(h.country_code === "KE", `country ${h.country_code}`);
      problems.check(/^\d{5}$/.test(h.postal_code!), `postal code ${h.postal_code}`);
    }
    expect(problems.list).toEqual([]);
  });

  it("one POVERTY score per household as the registry's score job computes it, with one history row", () => {
    const { rows } = big();
    const households = new Map(rows.households.map((h) => [h.id!, h]));
    const w = DEFAULT_JOB_SETTINGS.score.poverty;
    expect(rows.scores.length).toBe(rows.households.length);
    expect(new Set(rows.scores.map((s) => s.record_id)).size).toBe(rows.scores.length);
    const problems = new Problems();
    for (const [i, s] of rows.scores.entries()) {
      const h = households.get(s.record_id!)!;
      const size = Number(h.size);
      const children = Number(h.children_count);
      const value = Math.round((w.householdSize * size + w.children * children) * 10_000) / 10_000;
      problems.check(Number(s.value) === value, `score ${s.value} ≠ ${value}`);
      problems.check(
        JSON.stringify(JSON.parse(s.inputs!)) ===
          JSON.stringify({ household_size: size, children, weights: w }),
        `inputs ${s.inputs}`,
      );
      problems.check(
        [s.record_type, s.score_type, s.version, s.job_id].join() === "household,POVERTY,1,",
        `score row ${JSON.stringify(s)}`,
      );
      const history = rows.score_history[i]!;
      problems.check(history.id === String(i + 1), `history id ${history.id}`);
      problems.check(
        JSON.stringify({ ...history, id: undefined }) === JSON.stringify({ ...s, id: undefined }),
        `history ${JSON.stringify(history)}`,
      );
    }
    expect(problems.list).toEqual([]);
  });

  it("about 1% of farmers are near-duplicates of an earlier household's head in the same region", () => {
    const { rows } = big();
    const households = new Map(
      rows.households.map((h, i) => [h.id!, { index: i, region: JSON.parse(h.geo!).region as string }]),
    );
    // Heads by (birth date or estimated age, region, gender).
    const heads = new Map<string, { first: string; last: string; index: number }[]>();
    const keyOf = (f: Record<string, string | null>) =>
      `${f.birth_date ?? `~${f.estimated_age}`}|${households.get(f.household_id!)!.region}|${f.gender}`;
    const headIds = new Set(rows.household_members.filter((m) => m.is_head === "t").map((m) => m.farmer_id));
    for (const f of rows.farmers) {
      if (!headIds.has(f.id)) continue;
      const list = heads.get(keyOf(f)) ?? [];
      list.push({ first: f.first_name!, last: f.last_name!, index: households.get(f.household_id!)!.index });
      heads.set(keyOf(f), list);
    }
    let duplicates = 0;
    for (const f of rows.farmers) {
      const birth = f.birth_date;
      if (headIds.has(f.id) || typeof birth !== "string") continue;
      const here = households.get(f.household_id!)!.index;
      const match = (heads.get(keyOf(f)) ?? []).find((h) => {
        if (h.index >= here || (h.first === f.first_name && h.last === f.last_name)) return false;
        const swapped = h.first === f.last_name && h.last === f.first_name;
        const { score } = scoreFarmerPair(
          { first_name: f.first_name!, last_name: f.last_name!, birth_date: birth },
          { first_name: h.first, last_name: h.last, birth_date: birth },
          DEFAULT_JOB_SETTINGS.dedup,
        );
        return swapped || score >= DEFAULT_JOB_SETTINGS.dedup.threshold;
      });
      if (match !== undefined) duplicates++;
    }
    const pct = (duplicates / rows.farmers.length) * 100;
    // 1% planted (those without a birth date are not counted here: −4%), a few chance look-alikes.
    expect(pct).toBeGreaterThan(0.8);
    expect(pct).toBeLessThan(1.3);
  });
});

describe("farmer-registry: locales", () => {
  it("generates the Philippines locale too, with its country, phones and escaped accented names", () => {
    const ph = farmerRegistry({ locale: "ph" });
    expect(ph.description).toContain("Philippines");
    const lines = generate(ph, 0, 3000, 1);
    const farmers = rowsOf(ph, lines, "farmers");
    expect(new Set(farmers.map((f) => f.country_code))).toEqual(new Set(["PH"]));
    for (const f of farmers) {
      if (f.has_personal_phone === "t") expect(f.phone_numbers).toMatch(/^\{"\+639\d{9}"\}$/);
      expect(f.postal_code).toMatch(/^\d{5}$/);
      expect(f.search_text).toBe(
        farmerSearchText({
          first_name: f.first_name!,
          middle_name: f.middle_name,
          last_name: f.last_name!,
          national_id: f.national_id!,
        }),
      );
    }
    const names = new Set(farmers.flatMap((f) => [f.first_name, f.last_name]));
    expect([...names].some((n) => /[ñé]/.test(n!))).toBe(true);
    expect([...names].some((n) => n!.includes(" "))).toBe(true);
  });

  it("refuses an unknown locale, naming the known ones", () => {
    expect(() => farmerRegistry({ locale: "xx" })).toThrow(/unknown locale "xx".*ke, ph/);
    expect(() => getLocale("constructor")).toThrow(RangeError);
  });

  it.each(Object.values(LOCALES))("$code has the lists a generator needs", (locale) => {
    expect(locale.maleFirstNames.length).toBeGreaterThanOrEqual(60);
    expect(locale.femaleFirstNames.length).toBeGreaterThanOrEqual(60);
    expect(locale.surnames.length).toBeGreaterThanOrEqual(80);
    expect(locale.regions.length).toBeGreaterThanOrEqual(6);
    for (const r of locale.regions) expect(r.zones.length, r.name).toBeGreaterThanOrEqual(3);
    for (const list of [locale.maleFirstNames, locale.femaleFirstNames, locale.surnames])
      expect(new Set(list).size).toBe(list.length);
    const all = [...locale.maleFirstNames, ...locale.femaleFirstNames, ...locale.surnames].join("|");
    expect(all).toMatch(/[À-ž]/); // accents
    expect(all).toMatch(/[-' .]/); // hyphens, apostrophes, spaces or periods
    expect(locale.countryCode).toMatch(/^[A-Z]{2}$/);
    for (const list of [
      locale.crops,
      locale.animals,
      locale.farmInputs,
      locale.cooperatives,
      locale.occupations,
      locale.languages,
    ])
      expect(list.length).toBeGreaterThanOrEqual(5);
    expect(locale.bounds.latMin).toBeLessThan(locale.bounds.latMax);
    expect(locale.bounds.lonMin).toBeLessThan(locale.bounds.lonMax);
  });
});
