/**
 * Checkpoints during a load, against a real PostgreSQL 18 (data checksums on, its default): with
 * max_wal_size at its minimum the load runs through checkpoints and the loader says so, with the
 * WAL it wrote; with room for the load's WAL it says nothing. The index build after such a load
 * really does write full-page images, which is what the warning claims.
 */
import { join } from "node:path";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadDataset } from "../../src/data/load.js";
import { prepareDatasetSource, resolveDataset } from "../../src/data/source.js";
import { LIBRARY_SCHEMA } from "../fixtures/datasets/library.js";
import { queryRows } from "../helpers/pg.js";
import { tempDir } from "../helpers/run-plan.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/datasets/library.ts");
let server: EmbeddedPostgres;

beforeAll(async () => {
  // 32 MB is the smallest max_wal_size (two segments): a checkpoint every ~17 MB of WAL.
  server = await startEmbeddedPostgres({ settings: { max_wal_size: "32MB" } });
  await queryRows(server.url, LIBRARY_SCHEMA);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function loadWarnings(url: string): Promise<string[]> {
  const source = await prepareDatasetSource(FIXTURE, {}, tempDir("strain-data-"));
  const dataset = await resolveDataset(source);
  const warnings: string[] = [];
  await loadDataset({
    source,
    dataset,
    databaseUrl: url,
    // 1.6M rows, ~90 MB of WAL.
    scale: 400_000,
    seed: 3,
    workers: 2,
    observer: { onWarning: (m) => warnings.push(m) },
  });
  return warnings.filter((w) => w.includes("checkpoint"));
}

it("says when checkpoints ran during the load, and not when none did", async () => {
  const walFpi = async () =>
    Number((await queryRows<{ n: string }>(server.url, "SELECT wal_fpi::text AS n FROM pg_stat_wal"))[0]!.n);
  const fpiBefore = await walFpi();
  const warned = await loadWarnings(server.url);
  expect(warned).toHaveLength(1);
  expect(warned[0]).toMatch(
    /^\d+ checkpoints? ran during the load \(\d+ MB of WAL; max_wal_size 32MB, checkpoint_timeout 5min\), so the index build writes the pages loaded before (it|them) to the WAL again \(data checksums\); for bulk loads raise max_wal_size/,
  );
  const n = Number(/^(\d+)/.exec(warned[0]!)![1]);
  expect(n).toBeGreaterThanOrEqual(2);
  const wal = Number(/\((\d+) MB of WAL/.exec(warned[0]!)![1]);
  expect(wal).toBeGreaterThan(32);
  // What the warning claims: the load and its rebuild wrote far more full-page images than the
  // handful a load without checkpoints writes (one per page touched first after each checkpoint
  // by the load itself, plus the rebuild's: at least one per books page).
  const pages = (
    await queryRows<{ n: number }>(server.url, "SELECT relpages AS n FROM pg_class WHERE relname = 'books'")
  )[0]!.n;
  const fpi = (await walFpi()) - fpiBefore;
  expect(fpi).toBeGreaterThan(pages / 2);

  // Room for the load's WAL (PostgreSQL's default 1 GB): no checkpoint, nothing said.
  const roomy = await startEmbeddedPostgres();
  try {
    await queryRows(roomy.url, LIBRARY_SCHEMA);
    expect(await loadWarnings(roomy.url)).toEqual([]);
  } finally {
    await roomy.stop();
  }
}, 180_000);
