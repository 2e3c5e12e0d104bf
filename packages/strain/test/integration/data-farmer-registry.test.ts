/**
 * The built-in farmer-registry dataset in the registry's own schema, on a real PostgreSQL:
 * proportions within ±2 points on ~100k farmers, referential integrity, unique keys, consistent
 * derived fields, and byte-identical tables for 1 and 3 workers.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import { migrate } from "strain-registry";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { farmerRegistry } from "../../src/data/datasets/farmer-registry.js";
import { type LoadResult, loadDataset } from "../../src/data/load.js";
import { type DatasetSource, resolveDataset } from "../../src/data/source.js";

// The integration test judges the tables the dataset says it fills (their order is unit-tested).
const TABLES = farmerRegistry().tables.map((t) => t.name);
let server: EmbeddedPostgres;
let n = 0;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function registryDb(): Promise<string> {
  const name = `fr${++n}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = server.url.replace(/\/[^/]*$/, `/${name}`);
  await migrate(url);
  return url;
}

async function load(url: string, scale: number, workers: number): Promise<LoadResult> {
  const source: DatasetSource = { kind: "builtin", name: "farmer-registry", options: {} };
  return loadDataset({
    source,
    dataset: await resolveDataset(source),
    databaseUrl: url,
    scale,
    seed: 11,
    workers,
  });
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe("farmer-registry on the registry's schema", () => {
  let url: string;
  let result: LoadResult;

  beforeAll(async () => {
    url = await registryDb();
    result = await load(url, 25_000, 2);
  }, 300_000);

  it("loads every table with the ledger's counts, and rebuilds every index, key and foreign key", async () => {
    await withClient(url, async (c) => {
      for (const t of result.tables) {
        const r = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.name}`);
        expect(r.rows[0]!.n, t.name).toBe(t.rows);
      }
      expect(result.tables.find((t) => t.name === "households")!.rows).toBe(25_000);
      const invalid = await c.query("SELECT conname FROM pg_constraint WHERE NOT convalidated");
      expect(invalid.rows).toEqual([]);
      const fks = await c.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace",
      );
      expect(fks.rows[0]!.n).toBeGreaterThanOrEqual(8);
      const trgm = await c.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE '%search_text_trgm'",
      );
      expect(trgm.rows[0]!.n).toBe(2);
    });
  });

  it("keeps proportions within ±2 points of domain.md on ~100k farmers", async () => {
    await withClient(url, async (c) => {
      const share = async (sql: string): Promise<number> =>
        Number((await c.query<{ p: string }>(sql)).rows[0]!.p) * 100;
      const farmers = Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM farmers")).rows[0]!.n);
      expect(farmers).toBeGreaterThan(95_000);
      expect(farmers / 25_000).toBeGreaterThan(3.9);
      expect(farmers / 25_000).toBeLessThan(4.1);
      const within = (got: number, want: number, what: string) =>
        expect(Math.abs(got - want), `${what}: ${got.toFixed(2)}% vs ${want}%`).toBeLessThanOrEqual(2);
      within(await share("SELECT avg((gender = 'MALE')::int) AS p FROM farmers"), 53, "male");
      within(await share("SELECT avg((marital_status = 'MARRIED')::int) AS p FROM farmers"), 63, "married");
      within(await share("SELECT avg((education_level = 'PRIMARY')::int) AS p FROM farmers"), 36, "primary");
      within(await share("SELECT avg((disability_type IS NOT NULL)::int) AS p FROM farmers"), 7, "disabled");
      within(await share("SELECT avg(has_personal_phone::int) AS p FROM farmers"), 58, "own phone");
      within(await share("SELECT avg((income_source = 'CROP')::int) AS p FROM farmers"), 55, "crop income");
      within(await share("SELECT avg((birth_date IS NULL)::int) AS p FROM farmers"), 4, "no birth date");
      const lands = await c.query<{ k: number; p: string }>(
        `SELECT k, count(*)::float / (SELECT count(*) FROM farmers) AS p FROM
           (SELECT f.id, count(l.id)::int AS k FROM farmers f LEFT JOIN lands l ON l.farmer_id = f.id GROUP BY f.id) x
         GROUP BY k ORDER BY k`,
      );
      const want = [6, 55, 28, 11];
      expect(lands.rows.map((r) => r.k)).toEqual([0, 1, 2, 3]);
      for (const r of lands.rows) within(Number(r.p) * 100, want[r.k]!, `${r.k} lands`);
      within(await share("SELECT avg((ownership = 'OWNER')::int) AS p FROM lands"), 62, "owner");
      within(await share("SELECT avg((size_unit = 'HECTARE')::int) AS p FROM lands"), 55, "hectare");
      within(await share("SELECT avg((farming_type = 'CROP')::int) AS p FROM lands"), 48, "crop land");
      within(
        await share(
          "SELECT avg((EXISTS (SELECT 1 FROM farm_inputs i WHERE i.land_id = l.id))::int) AS p FROM lands l",
        ),
        72,
        "farm inputs",
      );
      within(
        await share(
          "SELECT avg((EXISTS (SELECT 1 FROM memberships m WHERE m.farmer_id = f.id))::int) AS p FROM farmers f",
        ),
        34,
        "memberships",
      );
    });
  });

  it("has consistent derived fields and unique keys", async () => {
    await withClient(url, async (c) => {
      const bad = await c.query<Record<string, number>>(`SELECT
        (SELECT count(*)::int FROM households h WHERE h.size <> (SELECT count(*) FROM household_members m WHERE m.household_id = h.id)) AS size,
        (SELECT count(*)::int FROM households h WHERE h.female_count + h.male_count <> h.size) AS genders,
        (SELECT count(*)::int FROM households h WHERE h.children_count <>
           (SELECT count(*) FROM household_members m WHERE m.household_id = h.id AND m.farmer_id IS NULL)) AS children,
        (SELECT count(*)::int FROM farmers WHERE birth_date IS NOT NULL AND
           extract(year FROM age(date '2025-06-30', birth_date)) NOT BETWEEN 19 AND 82) AS ages,
        (SELECT count(*)::int FROM farmers WHERE birth_date IS NULL AND estimated_age IS NULL) AS no_age,
        (SELECT count(*)::int FROM farmers WHERE position(national_id IN search_text) = 0) AS search_text,
        (SELECT count(*)::int FROM farmers WHERE right(masked_national_id, 4) <> right(national_id, 4)) AS masks,
        (SELECT count(*)::int FROM scores s JOIN households h ON h.id = s.record_id
           WHERE s.value <> round(0.45 * h.size + 0.55 * h.children_count, 4)) AS scores,
        (SELECT count(*) - count(DISTINCT national_id) FROM farmers)::int AS dup_national,
        (SELECT count(functional_id) - count(DISTINCT functional_id) FROM farmers)::int AS dup_functional,
        (SELECT count(*)::int FROM farmers WHERE functional_id !~ '^1[0-9]{11}$') AS functional_format`);
      expect(bad.rows[0]).toEqual({
        size: 0,
        genders: 0,
        children: 0,
        ages: 0,
        no_age: 0,
        search_text: 0,
        masks: 0,
        scores: 0,
        dup_national: 0,
        dup_functional: 0,
        functional_format: 0,
      });
      // Sequences moved past the generated counters: the registry's next land gets a fresh id.
      const next = await c.query<{ fid: string; max: string }>(
        `SELECT 'LD-' || lpad(nextval('land_number')::text, 9, '0') AS fid, max(functional_id) AS max FROM lands`,
      );
      expect(next.rows[0]!.fid > next.rows[0]!.max).toBe(true);
      // The registry's trigram search finds a generated farmer by name.
      const one = await c.query<{ first_name: string; last_name: string }>(
        "SELECT first_name, last_name FROM farmers ORDER BY id LIMIT 1",
      );
      const q = `${one.rows[0]!.first_name} ${one.rows[0]!.last_name}`.toLowerCase();
      const hits = await c.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM farmers WHERE search_text % $1",
        [q],
      );
      expect(hits.rows[0]!.n).toBeGreaterThan(0);
    });
  });

  it("gives byte-identical tables for 1 and 3 workers", async () => {
    const a = await registryDb();
    const b = await registryDb();
    await load(a, 1_500, 1);
    await load(b, 1_500, 3);
    const hash = (u: string) =>
      withClient(u, async (c) => {
        const h = createHash("sha256");
        for (const t of TABLES) {
          const key = t === "scores" ? "record_id" : "id";
          const r = await c.query<{ t: string | null }>(
            `SELECT string_agg(x::text, E'\\n' ORDER BY ${key}) AS t FROM ${t} x`,
          );
          h.update(`${t}\n${r.rows[0]!.t ?? ""}`);
        }
        return h.digest("hex");
      });
    expect(await hash(a)).toBe(await hash(b));
  }, 120_000);
});
