/**
 * Schema migrations: the SQL files in `targets/registry/migrations/`, applied in file-name order,
 * each once, in its own transaction, recorded with a checksum in `schema_migrations`. Then
 * graphile-worker's own migrations. Safe to run from several processes at once (an advisory lock
 * serialises them) and on every start (applied files are skipped).
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Logger, runMigrations } from "graphile-worker";
import pg from "pg";
import { RegistryError, RegistryErrorCodes } from "../errors.js";

// src/db and dist/db are both two levels below the package root.
const MIGRATIONS_DIR = fileURLToPath(new URL("../../migrations/", import.meta.url));
// Any constant works; it only has to differ from other advisory locks taken on the database.
const MIGRATION_LOCK = 7_340_001;

/** Apply pending migrations to the database at `databaseUrl`; returns the files applied now. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name       text PRIMARY KEY,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Map(
      (
        await client.query<{ name: string; checksum: string }>("SELECT name, checksum FROM schema_migrations")
      ).rows.map((r) => [r.name, r.checksum]),
    );
    const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".sql")).sort();
    for (const file of files) {
      const sql = await readFile(join(MIGRATIONS_DIR, file), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const previous = done.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) {
          throw new RegistryError(
            RegistryErrorCodes.MIGRATION,
            `migration ${file} changed after it was applied`,
            {
              hint: "add a new migration file instead of editing an applied one",
            },
          );
        }
        continue;
      }
      try {
        await client.query("BEGIN");
        await client.query(sql);
        await client.query("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", [
          file,
          checksum,
        ]);
        await client.query("COMMIT");
        applied.push(file);
      } catch (cause) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new RegistryError(
          RegistryErrorCodes.MIGRATION,
          `migration ${file} failed: ${(cause as Error).message}`,
          {
            cause,
          },
        );
      }
    }
    await runMigrations({ connectionString: databaseUrl, logger: quietLogger });
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
  return applied;
}

/** graphile-worker logs to the console by default; migrations have nothing worth printing. */
const quietLogger = new Logger(() => () => undefined);
