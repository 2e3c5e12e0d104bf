/** startEmbeddedPostgres: throwaway and persistent servers, stopped by their own handle. */
import { chmodSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../src/db/embedded.js";
import { TEST_PG_SETTINGS } from "../support/registry-fixture.js";

const parents: string[] = [];
afterAll(() => {
  for (const p of parents) rmSync(p, { recursive: true, force: true });
});

function tempParent(mode: number): string {
  const dir = mkdtempSync(join(tmpdir(), "strain-embedded-test-"));
  chmodSync(dir, mode);
  parents.push(dir);
  return dir;
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("startEmbeddedPostgres", () => {
  it("starts a throwaway server with the extensions the registry and monitors use, and removes it on stop", async () => {
    const db = await startEmbeddedPostgres({ database: "scratch", settings: TEST_PG_SETTINGS });
    expect(db.url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${db.port}/scratch$`));
    await query(
      db.url,
      "CREATE EXTENSION pg_trgm; CREATE EXTENSION pg_stat_statements; CREATE EXTENSION pgcrypto",
    );
    expect((await query(db.url, "SELECT similarity('amina', 'amina') AS s")).rows[0].s).toBe(1);
    expect((await query(db.url, "SELECT count(*) >= 0 AS ok FROM pg_stat_statements")).rows[0].ok).toBe(true);
    expect(alive(db.pid)).toBe(true);
    await db.stop();
    await db.stop(); // idempotent
    expect(alive(db.pid)).toBe(false);
    expect(existsSync(db.dataDir)).toBe(false);
    await expect(query(db.url, "SELECT 1")).rejects.toThrow();
  });

  it("keeps a persistent data directory and its password across restarts, on a given port", async () => {
    const dataDir = join(tempParent(0o755), "pg");
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const first = await startEmbeddedPostgres({ dataDir, port, settings: TEST_PG_SETTINGS });
    expect(first.port).toBe(port);
    await query(first.url, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
    await first.stop();
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
    expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(false);

    const second = await startEmbeddedPostgres({ dataDir, settings: TEST_PG_SETTINGS });
    expect(second.url.split("@")[0]).toBe(first.url.split("@")[0]);
    expect((await query(second.url, "SELECT x FROM kept")).rows).toEqual([{ x: 42 }]);
    await second.stop();
    expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)("explains a data directory the postgres user cannot reach", async () => {
    const dataDir = join(tempParent(0o700), "pg");
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toMatchObject({
      code: "REGISTRY_ERR_EMBEDDED_PG",
      message: expect.stringContaining("cannot reach"),
    });
  });
});
