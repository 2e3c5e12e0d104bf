/**
 * Seed 000's load: 10M households and ~40M farmers (individuals) through `strain data
 * farmer-registry --tables households,farmers`, then the registry's indexes, keys and foreign key
 * rebuilt, then ANALYZE. Wall time per phase goes into docs/benchmarks.md.
 *
 * Run: `npm run bench:seed000 -w bench -- [--households 10000000] [--workers 2] [--data-dir DIR]`
 * (after `npm run build`). Needs ~60 GB free where the data directory lives (default: the OS temp
 * folder): 32 GB of tables and indexes, and the load's ~22 GB of WAL, kept until the next
 * checkpoint. The directory is removed at the end.
 */
import { statfs } from "node:fs/promises";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { migrate } from "strain-registry";
import { startEmbeddedPostgres } from "strain-registry/embedded-postgres";
import { farmerRegistry } from "../packages/strain/dist/data/datasets/farmer-registry.js";
import { loadDataset } from "../packages/strain/dist/data/load.js";
import { replaceSection } from "./docs-section.js";

// Bulk-load settings a DBA would use for a one-off load (stated in the results).
const SETTINGS = {
  // Above the ~22 GB of WAL the load writes, so no checkpoint falls inside it. With data checksums
  // (PostgreSQL 18's default), the first scan of a page after a checkpoint writes it again as a
  // full-page image, and at this scale the rebuild's scans come from disk. 16 GB → 64 GB: the
  // command went from 15:02 to 13:40–14:40 over three runs (docs/benchmarks.md).
  max_wal_size: "64GB",
  checkpoint_timeout: "30min",
  wal_level: "minimal",
  max_wal_senders: 0,
  shared_buffers: "2GB",
  maintenance_work_mem: "1GB",
  max_parallel_maintenance_workers: 2,
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      households: { type: "string", default: "10000000" },
      workers: { type: "string", default: String(availableParallelism()) },
      "data-dir": { type: "string", default: join(tmpdir(), "strain-seed000-pg") },
      tables: { type: "string", default: "households,farmers" },
      "no-docs": { type: "boolean", default: false },
      // A server setting over SETTINGS, e.g. `--set shared_buffers=512MB` (repeatable).
      set: { type: "string", multiple: true, default: [] },
    },
  });
  const settings: Record<string, string | number> = { ...SETTINGS };
  for (const kv of values.set) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new Error(`--set wants name=value, got "${kv}"`);
    settings[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const households = Number(values.households);
  const workers = Number(values.workers);
  const tables = values.tables.split(",");
  const server = await startEmbeddedPostgres({
    dataDir: values["data-dir"],
    persistent: false,
    settings,
  });
  const started = performance.now();
  try {
    await migrate(server.url);
    const ds = farmerRegistry();
    let lastLine = 0;
    const res = await loadDataset({
      source: { kind: "builtin", name: "farmer-registry", options: {} },
      dataset: ds,
      databaseUrl: server.url,
      scale: households,
      seed: 1,
      workers,
      tables,
      observer: {
        onPhase: (p, d) =>
          process.stderr.write(`${((performance.now() - started) / 1000).toFixed(0)} s  ${p}: ${d}\n`),
        onProgress: (p) => {
          if (performance.now() - lastLine < 15_000) return;
          lastLine = performance.now();
          const rows = p.tables.reduce((s, t) => s + t.rows, 0);
          process.stderr.write(
            `${p.elapsed.toFixed(0)} s  ${p.chunksDone}/${p.chunksTotal} chunks, ${fmt(rows)} rows, ${fmt(rows / p.elapsed)} rows/s\n`,
          );
        },
      },
    });
    const total = (performance.now() - started) / 1000;
    const c = new pg.Client({ connectionString: server.url });
    await c.connect();
    const size = await c.query<{ db: string }>(
      "SELECT pg_size_pretty(pg_database_size(current_database())) AS db",
    );
    await c.end();
    const free = await statfs(values["data-dir"]);
    const rows = res.tables.reduce((s, t) => s + t.rows, 0);
    const body =
      `Command: \`npm run bench:seed000 -w bench -- --households ${households} --workers ${workers} --tables ${tables.join(",")}${values.set.map((kv) => ` --set ${kv}`).join("")}\`  \n` +
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), Node ${process.version}, PostgreSQL 18 (embedded; ${Object.entries(
        settings,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")}), ${new Date().toISOString().slice(0, 10)}. ` +
      `Tables: ${tables.join(" + ")} (the other tables left out: at their proportions they add ~7 rows per farmer, ~280M rows, beyond this disk's ${((free.bavail * free.bsize) / 1e9).toFixed(0)} GB free after the load and the 15-minute budget).\n\n` +
      "| table | rows | rows/s (load phase) |\n|---|---:|---:|\n" +
      res.tables.map((t) => `| ${t.name} | ${fmt(t.rows)} | ${fmt(t.rowsPerSecond)} |`).join("\n") +
      `\n| **total** | **${fmt(rows)}** | **${fmt(rows / res.seconds.load)}** |\n\n` +
      `| phase | wall time |\n|---|---:|\n| load (generate + COPY, ${workers} streams) | ${mins(res.seconds.load)} |\n| indexes, keys, foreign key (${res.rebuilt} rebuilt) | ${mins(res.seconds.rebuild)} |\n| ANALYZE | ${mins(res.seconds.analyze)} |\n| **whole command** | **${mins(total)}** |\n\n` +
      `Database size afterwards: ${size.rows[0]!.db}. Goal: ≤ 15 minutes for the whole command — ${total <= 900 ? "met" : `missed by ${mins(total - 900)}`}.\n`;
    process.stdout.write(`\n${body}`);
    if (!values["no-docs"]) replaceSection("data-seed000", body);
  } finally {
    await server.stop();
  }
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function mins(s: number): string {
  return s >= 60
    ? `${Math.floor(s / 60)} min ${String(Math.round(s % 60)).padStart(2, "0")} s`
    : `${s.toFixed(1)} s`;
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
