/**
 * `strain data` as a user runs it: the built CLI against a real PostgreSQL. `kill -9` at ~40% and
 * the same command again → exact counts, the same contents as an uninterrupted load; Ctrl-C →
 * exit 105, chunks kept; the farmer-registry dataset on the registry's own schema, with feeders.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { migrate } from "strain-registry";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIBRARY_SCHEMA } from "../fixtures/datasets/library.js";
import { tempDir } from "../helpers/run-plan.js";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const FIXTURE = fileURLToPath(new URL("../fixtures/datasets/library.ts", import.meta.url));
const POS = fileURLToPath(new URL("../../../../plans/datasets/pos-payments.ts", import.meta.url));
const POS_SQL = readFileSync(
  fileURLToPath(new URL("../../../../plans/datasets/pos-payments.sql", import.meta.url)),
  "utf8",
);

let server: EmbeddedPostgres;
let dbs = 0;

beforeAll(async () => {
  server = await startEmbeddedPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function freshDb(schemaSql: string | null): Promise<string> {
  const name = `cli${++dbs}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = server.url.replace(/\/[^/]*$/, `/${name}`);
  if (schemaSql !== null) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(schemaSql);
    await c.end();
  }
  return url;
}

async function one<T>(url: string, sql: string): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows[0] as T;
  } finally {
    await c.end();
  }
}

interface Run {
  child: ChildProcess;
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function strain(args: string[], cwd?: string): Run {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"], cwd });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<{
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr })));
  return { child, done };
}

/** Resolves once the ledger holds at least `n` chunks. */
async function waitForChunks(url: string, n: number, timeoutMs = 60_000): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const until = Date.now() + timeoutMs;
  try {
    for (;;) {
      const r = await c
        .query<{ n: number }>("SELECT count(*)::int AS n FROM strain_data.chunks")
        .catch(() => ({ rows: [{ n: 0 }] }));
      if (r.rows[0]!.n >= n) return r.rows[0]!.n;
      if (Date.now() > until) throw new Error(`ledger never reached ${n} chunks`);
      await new Promise((r2) => setTimeout(r2, 2));
    }
  } finally {
    await c.end();
  }
}

async function libraryHash(url: string): Promise<string> {
  const r = await one<{ t: string }>(
    url,
    `SELECT (SELECT string_agg(l::text, E'\\n' ORDER BY id) FROM libraries l)
         || (SELECT string_agg(b::text, E'\\n' ORDER BY id) FROM books b) AS t`,
  );
  return createHash("sha256").update(r.t).digest("hex");
}

describe("strain data (CLI)", () => {
  it("after kill -9 at ~40%, the same command loads only what is missing", async () => {
    const url = await freshDb(LIBRARY_SCHEMA);
    const args = ["data", FIXTURE, "--db", url, "--scale", "40000", "--workers", "2", "--seed", "3"];
    const first = strain(args);
    await waitForChunks(url, 160); // 400 chunks of 100 libraries
    first.child.kill("SIGKILL");
    const killed = await first.done;
    expect(killed.signal).toBe("SIGKILL");
    const partial = await one<{ chunks: number; libs: number; ledger: number }>(
      url,
      `SELECT (SELECT count(*)::int FROM strain_data.chunks) AS chunks, (SELECT count(*)::int FROM libraries) AS libs,
              (SELECT coalesce(sum(rows[1]), 0)::int FROM strain_data.chunks) AS ledger`,
    );
    expect(partial.chunks).toBeLessThan(400);
    // Loaders die with their coordinator; whatever they had open rolled back.
    await new Promise((r) => setTimeout(r, 300));
    expect((await one<{ libs: number }>(url, "SELECT count(*)::int AS libs FROM libraries")).libs).toBe(
      (await one<{ n: number }>(url, "SELECT coalesce(sum(rows[1]), 0)::int AS n FROM strain_data.chunks")).n,
    );

    const again = await strain(args).done;
    expect(again.stderr).toMatch(/resuming library .*: \d+ of 400 chunks already loaded/);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/libraries\s+40,000/);
    const counts = await one<{ libs: number; distinct: number; dupBooks: number }>(
      url,
      `SELECT (SELECT count(*)::int FROM libraries) AS libs, (SELECT count(DISTINCT id)::int FROM libraries) AS distinct,
              (SELECT count(*)::int - count(DISTINCT id)::int FROM books) AS "dupBooks"`,
    );
    expect(counts).toEqual({ libs: 40_000, distinct: 40_000, dupBooks: 0 });

    const clean = await freshDb(LIBRARY_SCHEMA);
    const uninterrupted = await strain([
      "data",
      FIXTURE,
      "--db",
      clean,
      "--scale",
      "40000",
      "--workers",
      "1",
      "--seed",
      "3",
      "-q",
    ]).done;
    expect(uninterrupted.status).toBe(0);
    expect(await libraryHash(url)).toBe(await libraryHash(clean));
  }, 180_000);

  it("Ctrl-C finishes the chunks in flight, exits 105 and keeps them; refusal and usage errors are one line", async () => {
    const url = await freshDb(LIBRARY_SCHEMA);
    const args = ["data", FIXTURE, "--db", url, "--scale", "60000", "--workers", "2"];
    const run = strain(args);
    await waitForChunks(url, 20);
    run.child.kill("SIGINT");
    const r = await run.done;
    expect(r.status).toBe(105);
    expect(r.stderr).toMatch(/SIGINT received: finishing the chunks in flight/);
    expect(r.stderr).toMatch(/interrupted after \d+ chunks this run; .*rerun the same command/);
    const kept = await one<{ libs: number; ledger: number }>(
      url,
      "SELECT (SELECT count(*)::int FROM libraries) AS libs, (SELECT coalesce(sum(rows[1]),0)::int FROM strain_data.chunks) AS ledger",
    );
    expect(kept.libs).toBeGreaterThan(0);
    expect(kept.libs).toBe(kept.ledger);

    // A different command into those rows is refused, in one line, exit 107.
    const refused = await strain(["data", FIXTURE, "--db", url, "--scale", "10"]).done;
    expect(refused.status).toBe(107);
    expect(refused.stderr).toMatch(/^strain: refusing to load into tables that already hold rows: libraries/);
    expect(refused.stderr).toMatch(/hint: pass --append .* or --truncate/);

    const bad = await strain(["data", "no-such-dataset", "--db", url]).done;
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown dataset "no-such-dataset"/);
    const noDb = await strain(["data", FIXTURE, "--db", "postgres://x:y@127.0.0.1:1/z"]).done;
    expect(noDb.status).toBe(107);
    expect(noDb.stderr.trim().split("\n")[0]).toMatch(
      /^strain: cannot connect to the database at postgres:\/\/x:\*\*\*@127\.0\.0\.1:1\/z: nothing is listening/,
    );
  }, 120_000);

  it("loads farmer-registry into the registry's own schema and exports feeders plans can use", async () => {
    const url = await freshDb(null);
    await migrate(url);
    const dir = tempDir("strain-data-cli-");
    const r = await strain(
      [
        "data",
        "farmer-registry",
        "--db",
        url,
        "--scale",
        "2500",
        "--export",
        "farmers.national_id,farmers.first_name,farmers.last_name,households.functional_id",
        "--sample",
        "200",
      ],
      dir,
    ).done;
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/households\s+2,500/);
    expect(r.stdout).toMatch(/^total\s+[\d,]+\s+[\d,]+$/m);
    const farmers = readFileSync(join(dir, "feeders", "farmers.csv"), "utf8")
      .trimEnd()
      .split("\n");
    expect(farmers[0]).toBe("national_id,first_name,last_name");
    expect(farmers.length).toBe(201);
    const sample = farmers[1]!.split(",")[0]!;
    const found = await one<{ n: number }>(
      url,
      `SELECT count(*)::int AS n FROM farmers WHERE national_id = '${sample}'`,
    );
    expect(found.n).toBe(1);
    // Every index and constraint of the registry's migration is back.
    const idx = await one<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_indexes WHERE tablename IN ('farmers', 'households') AND indexname LIKE '%search_text_trgm'",
    );
    expect(idx.n).toBe(2);
  }, 120_000);

  it("loads a user-defined dataset (the POS example) end to end: keys, references and sums hold", async () => {
    const url = await freshDb(POS_SQL);
    const fksBefore = await one<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f'",
    );
    expect(fksBefore.n).toBeGreaterThan(5);
    const r = await strain(["data", POS, "--db", url, "--scale", "60", "--workers", "2", "-q"]).done;
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^merchants\s+60\s/m);
    const check = await one<Record<string, number>>(
      url,
      `SELECT (SELECT count(*)::int FROM merchants) AS merchants,
              (SELECT count(*)::int FROM orders) AS orders,
              (SELECT count(*)::int FROM orders o WHERE o.total <> (SELECT sum(line_total) FROM order_items i WHERE i.order_id = o.id)) AS bad_totals,
              (SELECT count(*)::int FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.amount <> o.total) AS bad_amounts,
              (SELECT count(*)::int FROM pg_constraint WHERE contype = 'f' AND convalidated AND connamespace = 'public'::regnamespace) AS fks`,
    );
    expect(check.merchants).toBe(60);
    expect(check.orders).toBeGreaterThan(1000);
    expect(check.bad_totals).toBe(0);
    expect(check.bad_amounts).toBe(0);
    // Every foreign key of the schema was rebuilt and validated over the loaded rows.
    expect(check.fks).toBe(fksBefore.n);
  }, 120_000);
});
