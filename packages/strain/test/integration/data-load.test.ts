/**
 * The loader against a real PostgreSQL: exact counts, indexes and keys set aside and rebuilt,
 * reproducible for any worker count, refusal / truncate / append, resume after a lost connection,
 * the disk estimate, missing tables, feeders. The dataset is the small `library` fixture.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportFeeders, parseExportList } from "../../src/data/export.js";
import { type LoadOptions, type LoadResult, loadDataset } from "../../src/data/load.js";
import { prepareDatasetSource, resolveDataset } from "../../src/data/source.js";
import { hasCode } from "../../src/errors.js";
import { LIBRARY_SCHEMA } from "../fixtures/datasets/library.js";
import { queryRows as query } from "../helpers/pg.js";
import { tempDir } from "../helpers/run-plan.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/datasets/library.ts");
let server: EmbeddedPostgres;
let dbCount = 0;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

/** A fresh database holding `schemaSql` (default: the library schema); returns its URL. */
async function freshDb(extraSql = "", schemaSql = LIBRARY_SCHEMA): Promise<string> {
  const name = `lib${++dbCount}`;
  await query(server.url, `CREATE DATABASE ${name}`);
  const url = server.url.replace(/\/[^/]*$/, `/${name}`);
  await query(url, schemaSql + extraSql);
  return url;
}

async function load(url: string, o: Partial<LoadOptions> = {}): Promise<LoadResult> {
  const source = await prepareDatasetSource(FIXTURE, {}, tempDir("strain-data-"));
  const dataset = await resolveDataset(source);
  return loadDataset({ source, dataset, databaseUrl: url, scale: 1000, seed: 7, workers: 2, ...o });
}

async function contentHash(url: string): Promise<string> {
  const rows = await query<{ t: string }>(
    url,
    `SELECT (SELECT string_agg(l::text, E'\\n' ORDER BY id) FROM libraries l)
         || (SELECT string_agg(b::text, E'\\n' ORDER BY id) FROM books b) AS t`,
  );
  return createHash("sha256").update(rows[0]!.t).digest("hex");
}

async function indexNames(url: string): Promise<string[]> {
  const rows = await query<{ n: string }>(
    url,
    "SELECT indexname AS n FROM pg_indexes WHERE tablename IN ('libraries', 'books') ORDER BY 1",
  );
  return rows.map((r) => r.n);
}

describe("strain data loader (real PostgreSQL)", () => {
  it("loads exact counts, rebuilds every index and key it set aside, and records the load", async () => {
    const url = await freshDb();
    const before = await indexNames(url);
    const r = await load(url, { scale: 2_345 });
    expect(r.interrupted).toBe(false);
    expect(r.chunks).toEqual({ total: 24, thisRun: 24 });
    const counts = await query<{ l: number; b: number; orphans: number }>(
      url,
      `SELECT (SELECT count(*)::int FROM libraries) AS l, (SELECT count(*)::int FROM books) AS b,
              (SELECT count(*)::int FROM books b LEFT JOIN libraries l ON l.id = b.library_id WHERE l.id IS NULL) AS orphans`,
    );
    expect(counts[0]!.l).toBe(2_345);
    expect(counts[0]!.orphans).toBe(0);
    expect(r.tables.find((t) => t.name === "books")!.rows).toBe(counts[0]!.b);
    // 1–5 books per library, uniformly: mean 3.
    expect(counts[0]!.b / 2_345).toBeGreaterThan(2.85);
    expect(counts[0]!.b / 2_345).toBeLessThan(3.15);
    expect(await indexNames(url)).toEqual(before);
    expect(r.rebuilt).toBe(before.length + 1); // + the foreign key
    const fk = await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conrelid = 'books'::regclass AND convalidated",
    );
    expect(fk[0]!.n).toBe(1);
    const ledger = await query<{ state: string; chunks: number }>(
      url,
      "SELECT state, (SELECT count(*)::int FROM strain_data.chunks) AS chunks FROM strain_data.loads",
    );
    expect(ledger).toEqual([{ state: "done", chunks: 24 }]);
    // Escapes survive the round trip: a tab and a newline inside values.
    const cities = await query<{ city: string }>(url, "SELECT DISTINCT city FROM libraries ORDER BY 1");
    expect(cities.map((c) => c.city)).toContain("Tab\there");
    expect(cities.map((c) => c.city)).toContain("O'Brien\nville");
  });

  it("builds a table's indexes side by side, on as many connections as the server allows the role", async () => {
    // Five more indexes on books: the rebuild wants seven connections, the role may hold five at
    // once (the load's own connection and two loaders' included).
    const name = `lib${++dbCount}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${name} LOGIN PASSWORD 'pw' CONNECTION LIMIT 5`);
    await admin.query(`CREATE DATABASE ${name} OWNER ${name}`);
    await admin.end();
    const url = server.url.replace(/\/\/[^@]*@/, `//${name}:pw@`).replace(/\/[^/]*$/, `/${name}`);
    const extra = ["title", "library_id, title", "lower(title)", "id DESC", "copies"]
      .map((cols, i) => `CREATE INDEX books_extra_${i} ON books (${cols});`)
      .join("\n");
    await query(url, LIBRARY_SCHEMA + extra);
    const before = await indexNames(url);
    const r = await load(url, { scale: 2_000 });
    expect(r.rebuilt).toBe(before.length + 1);
    expect(await indexNames(url)).toEqual(before);
    const valid = await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_index WHERE indrelid = 'books'::regclass AND indisvalid",
    );
    expect(valid[0]!.n).toBe(before.filter((i) => i.startsWith("books")).length);
  });

  it("sets a referenced key aside with an empty outside table's foreign key, and keeps it when that table has rows", async () => {
    const outside = `CREATE TABLE loans (id int PRIMARY KEY, book_id uuid REFERENCES books (id));
      CREATE TABLE visits (id int PRIMARY KEY, library_id uuid REFERENCES libraries (id));`;
    const constraintOids = async (url: string) =>
      Object.fromEntries(
        (
          await query<{ name: string; oid: number; valid: boolean }>(
            url,
            `SELECT conname AS name, oid, convalidated AS valid FROM pg_constraint
              WHERE conname IN ('books_pkey', 'libraries_pkey', 'loans_book_id_fkey', 'visits_library_id_fkey')`,
          )
        ).map((r) => [r.name, { oid: r.oid, valid: r.valid }]),
      );
    // Both outside tables empty: both keys and both foreign keys go aside and come back, validated.
    const url = await freshDb(outside);
    const before = await constraintOids(url);
    const r = await load(url, { scale: 500 });
    const after = await constraintOids(url);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const name of Object.keys(before)) {
      expect(after[name]!.oid, name).not.toBe(before[name]!.oid);
      expect(after[name]!.valid, name).toBe(true);
    }
    expect(r.rebuilt).toBe((await indexNames(url)).length + 3); // + books' and the two outside foreign keys

    // visits has a row: libraries' key and visits' foreign key stay as they were; books' key and
    // loans' foreign key still go aside.
    const url2 = await freshDb(`${outside} INSERT INTO visits VALUES (1, NULL);`);
    const before2 = await constraintOids(url2);
    await load(url2, { scale: 500 });
    const after2 = await constraintOids(url2);
    expect(after2.libraries_pkey!.oid).toBe(before2.libraries_pkey!.oid);
    expect(after2.visits_library_id_fkey!.oid).toBe(before2.visits_library_id_fkey!.oid);
    expect(after2.books_pkey!.oid).not.toBe(before2.books_pkey!.oid);
    expect(after2.loans_book_id_fkey!.oid).not.toBe(before2.loans_book_id_fkey!.oid);
    expect(after2.loans_book_id_fkey!.valid).toBe(true);
  });

  it("gives byte-identical tables for 1 and 3 workers, generating inline or ahead, and different ones for another seed", async () => {
    const [a, b, c] = [await freshDb(), await freshDb(), await freshDb()];
    await load(a, { workers: 1, scale: 1_500, generateAhead: true });
    await load(b, { workers: 3, scale: 1_500, generateAhead: false });
    await load(c, { workers: 2, scale: 1_500, seed: 8 });
    expect(await contentHash(a)).toBe(await contentHash(b));
    expect(await contentHash(c)).not.toBe(await contentHash(a));
  });

  it("refuses tables that hold rows; --truncate empties only its own tables; --append numbers on", async () => {
    const url = await freshDb(
      "CREATE TABLE notes (id int PRIMARY KEY, text text); INSERT INTO notes VALUES (1, 'keep me');",
    );
    await load(url, { scale: 300 });
    // The same command again: nothing to do.
    const again = await load(url, { scale: 300 });
    expect(again.alreadyLoaded).toBe(true);
    // Another scale into the non-empty tables: refused, nothing touched.
    const refused = await load(url, { scale: 500 }).catch((e: unknown) => e);
    expect(hasCode(refused, "STRAIN_ERR_DATA_TARGET")).toBe(true);
    expect(String((refused as Error).message)).toMatch(/already hold rows: libraries .*books/);
    expect((await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM libraries"))[0]!.n).toBe(300);

    const appended = await load(url, { scale: 200, append: true });
    expect(appended.firstRoot).toBe(300);
    const afterAppend = await query<{ n: number; codes: number }>(
      url,
      "SELECT count(*)::int AS n, count(DISTINCT code)::int AS codes FROM libraries",
    );
    expect(afterAppend[0]).toEqual({ n: 500, codes: 500 });

    await load(url, { scale: 100, truncate: true });
    expect((await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM libraries"))[0]!.n).toBe(100);
    expect(await query(url, "SELECT id, text FROM notes")).toEqual([{ id: 1, text: "keep me" }]);
    // Earlier loads' ledger rows went with their data.
    expect((await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM strain_data.loads"))[0]!.n).toBe(
      1,
    );
  });

  it("resumes after its connections are cut mid-load: exact counts, no duplicates", async () => {
    const url = await freshDb();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Cut every loader connection as soon as a few chunks are in.
    let cut = false;
    const cutter = setInterval(async () => {
      if (cut) return;
      const done = await admin
        .query<{ n: number }>("SELECT count(*)::int AS n FROM strain_data.chunks")
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (done.rows[0]!.n >= 5) {
        cut = true;
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'strain data' AND pid <> pg_backend_pid()",
        );
      }
    }, 5);
    const failed = await load(url, { scale: 20_000, workers: 2 }).catch((e: unknown) => e);
    clearInterval(cutter);
    expect(cut).toBe(true);
    expect(hasCode(failed, "STRAIN_ERR_DATA_LOAD") || hasCode(failed, "STRAIN_ERR_DATA_TARGET")).toBe(true);
    expect(String((failed as Error).message)).toMatch(
      /chunk \d+ \(libraries \d+–\d+\) failed: .*connection|terminat/i,
    );
    const partial = (await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM strain_data.chunks"))
      .rows[0]!.n;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(200);
    // Rows on disk match the ledger exactly (a chunk and its ledger row commit together).
    const ledgerRows = await admin.query<{ n: number }>(
      "SELECT coalesce(sum(rows[1]), 0)::int AS n FROM strain_data.chunks",
    );
    expect((await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM libraries")).rows[0]!.n).toBe(
      ledgerRows.rows[0]!.n,
    );
    await admin.end();

    const resumed = await load(url, { scale: 20_000, workers: 2 });
    expect(resumed.resumed).toBe(true);
    expect(resumed.chunks.thisRun).toBe(200 - partial);
    const fresh = await freshDb();
    await load(fresh, { scale: 20_000, workers: 2 });
    // Same contents as an uninterrupted load (so no duplicates, nothing missing); the rebuilt
    // primary keys would have refused duplicates anyway.
    expect(await contentHash(url)).toBe(await contentHash(fresh));
  }, 120_000);

  it("rebuilds what an interrupted load set aside when --truncate replaces that load", async () => {
    const url = await freshDb();
    const before = await indexNames(url);
    const stop = new AbortController();
    const first = await load(url, {
      scale: 20_000,
      signal: stop.signal,
      observer: { onProgress: () => stop.abort() },
    });
    expect(first.interrupted).toBe(true);
    expect(await indexNames(url)).toEqual([]); // set aside, waiting for that load to finish

    // Another shape, so not a resume: the interrupted load's ledger entry goes, its definitions stay.
    const second = await load(url, { scale: 700, truncate: true });
    expect(second.interrupted).toBe(false);
    expect(await indexNames(url)).toEqual(before);
    const fk = await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conrelid = 'books'::regclass AND convalidated",
    );
    expect(fk[0]!.n).toBe(1);
    const loads = await query<{ roots: number }>(url, "SELECT roots::int AS roots FROM strain_data.loads");
    expect(loads).toEqual([{ roots: 700 }]);
  });

  it("checks a foreign key left NOT VALID by a cut rebuild on rerun, and names the key whose rows fail", async () => {
    const url = await freshDb();
    const validated = async () =>
      (
        await query<{ v: boolean }>(
          url,
          "SELECT convalidated AS v FROM pg_constraint WHERE conname = 'books_library_id_fkey'",
        )
      ).map((r) => r.v);
    await load(url, { scale: 300 });
    expect(await validated()).toEqual([true]);
    // As if cut after adding the key NOT VALID, before VALIDATE, with an orphan book in the table.
    await query(
      url,
      `UPDATE strain_data.loads SET state = 'indexing';
       ALTER TABLE books DROP CONSTRAINT books_library_id_fkey;
       DELETE FROM libraries WHERE id = (SELECT library_id FROM books LIMIT 1);
       ALTER TABLE books ADD CONSTRAINT books_library_id_fkey
         FOREIGN KEY (library_id) REFERENCES libraries (id) NOT VALID;`,
    );
    const err = await load(url, { scale: 300 }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /^checking the rows of foreign-key books_library_id_fkey on books failed: .*violates foreign key constraint/,
    );
    expect(await validated()).toEqual([false]);

    await query(url, "DELETE FROM books WHERE library_id NOT IN (SELECT id FROM libraries)");
    const r = await load(url, { scale: 300 });
    expect(r.rebuilt).toBe(0); // nothing to build: only the check was left
    expect(await validated()).toEqual([true]);
    expect(await query(url, "SELECT state FROM strain_data.loads")).toEqual([{ state: "done" }]);
  });

  it("keeps a foreign key that was NOT VALID before the load so", async () => {
    const url = await freshDb(`ALTER TABLE books DROP CONSTRAINT books_library_id_fkey;
      ALTER TABLE books ADD CONSTRAINT books_library_id_fkey FOREIGN KEY (library_id) REFERENCES libraries (id) NOT VALID;`);
    const r = await load(url, { scale: 300 });
    expect(r.interrupted).toBe(false);
    const fk = await query<{ v: boolean }>(
      url,
      "SELECT convalidated AS v FROM pg_constraint WHERE conname = 'books_library_id_fkey'",
    );
    expect(fk).toEqual([{ v: false }]);
  });

  it("refuses a load larger than the free disk, before writing anything", async () => {
    const url = await freshDb();
    const err = await load(url, { scale: 900_000_000 }).catch((e: unknown) => e);
    expect(hasCode(err, "STRAIN_ERR_DATA_DISK")).toBe(true);
    expect(String((err as Error).message)).toMatch(
      /not enough disk: the load needs about [\d.]+ (GB|MB) and .* has [\d.]+ (GB|MB) free/,
    );
    expect((await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM libraries"))[0]!.n).toBe(0);
  });

  it("names every missing table and column at once", async () => {
    const url = await freshDb("", "CREATE TABLE libraries (id uuid PRIMARY KEY, code text);");
    const err = await load(url).catch((e: unknown) => e);
    expect(hasCode(err, "STRAIN_ERR_DATA_TARGET")).toBe(true);
    expect((err as { details: string[] }).details).toEqual([
      "table libraries has no column city",
      "table libraries has no column opened",
      "table books does not exist",
    ]);
  });

  it("says in one line when the database is unreachable", async () => {
    const err = await load("postgres://postgres:secret@127.0.0.1:1/nowhere").catch((e: unknown) => e);
    expect(hasCode(err, "STRAIN_ERR_DATA_TARGET")).toBe(true);
    expect(String((err as Error).message)).toMatch(
      /^cannot connect to the database at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere: nothing is listening there/,
    );
  });

  it("exports CSV feeders sampled from the loaded tables", async () => {
    const url = await freshDb();
    await load(url, { scale: 3_000 });
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const dir = tempDir("strain-feeders-");
    try {
      const files = await exportFeeders(
        c,
        parseExportList("libraries.code,libraries.city,books.title"),
        50,
        dir,
        1,
      );
      expect(files.map((f) => f.rows)).toEqual([50, 50]);
    } finally {
      await c.end();
    }
    const lines = readFileSync(join(dir, "libraries.csv"), "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("code,city");
    const codes = await query<{ code: string }>(url, "SELECT code FROM libraries");
    const known = new Set(codes.map((r) => r.code));
    // A multi-line city is quoted, so count records by code prefix.
    const recordCodes = lines
      .slice(1)
      .filter((l) => /^L-\d+,/.test(l))
      .map((l) => l.split(",")[0]!);
    expect(recordCodes.length).toBe(50);
    for (const code of recordCodes) expect(known.has(code)).toBe(true);
    // Spread over the table, not the first 50 rows.
    expect(Math.max(...recordCodes.map((x) => Number(x.slice(2))))).toBeGreaterThan(1_000);
  });
});
