/**
 * A disk that fills mid-load: PostgreSQL on a 96 MB tmpfs, a dataset whose size estimate is far
 * too low (so the up-front check lets it start). The load must stop with one line naming the
 * failing chunk and the cause, keep the chunks committed before, and keep rows and ledger in step.
 * Needs root (mount); CI runs as root.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadDataset } from "../../src/data/load.js";
import { prepareDatasetSource, resolveDataset } from "../../src/data/source.js";
import { hasCode } from "../../src/errors.js";
import { LIBRARY_SCHEMA } from "../fixtures/datasets/library.js";
import { tempDir } from "../helpers/run-plan.js";

const isRoot = process.getuid?.() === 0;
const parent = tempDir("strain-diskfull-");
const mountPoint = join(parent, "mnt");
let server: EmbeddedPostgres | undefined;

beforeAll(async () => {
  if (!isRoot) return;
  // PostgreSQL runs as the postgres user, which must reach its data directory.
  chmodSync(parent, 0o755);
  mkdirSync(mountPoint, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=96m", "tmpfs", mountPoint]);
  // Persistent: the test restarts it on the same data; the tmpfs goes away with the umount.
  server = await startEmbeddedPostgres({ dataDir: join(mountPoint, "pg"), persistent: true });
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query(LIBRARY_SCHEMA);
  await c.end();
}, 120_000);

afterAll(async () => {
  await server?.stop().catch(() => undefined);
  if (isRoot) execFileSync("umount", ["-l", mountPoint]);
});

it.runIf(isRoot)(
  "stops with one line naming the chunk when the disk fills, keeping what was committed",
  async () => {
    const fixture = join(import.meta.dirname, "../fixtures/datasets/library-understated.ts");
    const source = await prepareDatasetSource(fixture, {}, tempDir("strain-data-"));
    const dataset = await resolveDataset(source);
    const err = await loadDataset({
      source,
      dataset,
      databaseUrl: server!.url,
      scale: 2_000_000,
      seed: 1,
      workers: 2,
    }).catch((e: unknown) => e);
    expect(hasCode(err, "STRAIN_ERR_DATA_LOAD")).toBe(true);
    const message = String((err as Error).message);
    // Either a backend reports it (53100 "could not extend file"), or the WAL writer PANICs, the server
    // drops every connection, and the loader reads the free space in the data directory.
    expect(message).toMatch(
      /^chunk \d+ \(libraries \d+–\d+\) failed: the database's disk is full(: could not (extend|write)| \(.* has [\d.]+ (kB|MB) free\) and the server dropped every connection)/,
    );
    expect(message).not.toContain("\n");
    expect((err as { hint?: string }).hint).toMatch(
      /\d+ chunks? committed before it stay; .*rerun the same command/,
    );
    // A WAL write that fails PANICs PostgreSQL, and with no room to recover it stays down: give the
    // disk room (as the user would), start it again on the same data, and check what was kept.
    execFileSync("mount", ["-o", "remount,size=512m", mountPoint]);
    await server!.stop().catch(() => undefined);
    server = await startEmbeddedPostgres({ dataDir: join(mountPoint, "pg"), persistent: true });
    let c = new pg.Client({ connectionString: server.url });
    for (let i = 0; ; i++) {
      try {
        await c.connect();
        await c.query("SELECT 1");
        break;
      } catch (e) {
        await c.end().catch(() => undefined);
        if (i > 300) throw e;
        await new Promise((r) => setTimeout(r, 100));
        c = new pg.Client({ connectionString: server.url });
      }
    }
    try {
      const r = await c.query<{ libs: number; ledger: number; chunks: number }>(
        `SELECT (SELECT count(*)::int FROM libraries) AS libs,
              (SELECT coalesce(sum(rows[1]), 0)::int FROM strain_data.chunks) AS ledger,
              (SELECT count(*)::int FROM strain_data.chunks) AS chunks`,
      );
      expect(r.rows[0]!.chunks).toBeGreaterThan(0);
      expect(r.rows[0]!.libs).toBe(r.rows[0]!.ledger);
    } finally {
      await c.end();
    }
  },
  180_000,
);
