#!/usr/bin/env node
/**
 * `strain-registry`: the reference Farmer Registry. A composition root: parses flags, starts (or
 * connects to) PostgreSQL, migrates, seeds, starts the API replicas and job workers, and stops
 * them all in order on SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import type { JWK } from "jose";
import { generateSigningJwk } from "./auth/tokens.js";
import { DEFAULT_USERS, ensureUsers, type UserSeed } from "./auth/users.js";
import { defaultConfig, type RegistryConfig } from "./config.js";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "./db/embedded.js";
import { migrate } from "./db/migrate.js";
import { createPool } from "./db/pool.js";
import { RegistryError, RegistryErrorCodes } from "./errors.js";
import { availableIds, fillIdPool } from "./jobs/id-pool.js";
import { createJsonLog, type JsonLog, type LogLevelName } from "./log/json-log.js";
import { SEED_CREATOR, seedFarmers } from "./seed/seed-farmers.js";
import { READY, type ReadyMessage } from "./server/messages.js";
import { type RunningRegistry, startRegistryProcesses } from "./server/supervisor.js";

const USAGE = `strain-registry — the reference Farmer Registry (fastify + PostgreSQL + job workers)

Options:
  --port <n>             port on --host (0: a free one)                     [8080]
  --host <addr>          address to listen on                               [127.0.0.1]
  --replicas <n>         API processes sharing the port (node:cluster)     [1]
  --job-workers <n>      job worker processes                               [1]
  --job-concurrency <n>  jobs run at once per job worker                    [4]
  --seed-farmers <n>     seed farmers until this many seeded ones exist     [3000]
  --data-dir <dir>       embedded PostgreSQL data directory                 [.data/registry-pg]
  --db-pool-size <n>     database connections per API replica               [10]
  --job-backoff-ms <n>   delay before the first retry of a failed job       [1000]
  --log-level <level>    debug | info | warn | error | silent               [info]
  -h, --help

Environment:
  DATABASE_URL            use this PostgreSQL server instead of the embedded one
  REGISTRY_SIGNING_JWK    ES256 private key (JWK JSON); default: a fresh key per start
  REGISTRY_STAFF_PASSWORD, REGISTRY_VIEWER_PASSWORD   passwords of the seeded users
`;

interface Flags {
  port: number;
  host: string;
  replicas: number;
  jobWorkers: number;
  jobConcurrency: number;
  seedFarmers: number;
  dataDir: string;
  dbPoolSize: number;
  jobBackoffMs: number;
  logLevel: LogLevelName;
}

function parseFlags(argv: string[]): Flags | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8080" },
      host: { type: "string", default: "127.0.0.1" },
      replicas: { type: "string", default: "1" },
      "job-workers": { type: "string", default: "1" },
      "job-concurrency": { type: "string", default: "4" },
      "seed-farmers": { type: "string", default: "3000" },
      "data-dir": { type: "string", default: ".data/registry-pg" },
      "db-pool-size": { type: "string", default: "10" },
      "job-backoff-ms": { type: "string", default: "1000" },
      "log-level": { type: "string", default: "info" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help === true) return "help";
  const int = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new RegistryError(
        RegistryErrorCodes.CONFIG,
        `--${name}: expected an integer >= ${min}, got '${v}'`,
      );
    }
    return n;
  };
  const level = values["log-level"];
  if (!["debug", "info", "warn", "error", "silent"].includes(level)) {
    throw new RegistryError(RegistryErrorCodes.CONFIG, `--log-level: unknown level '${level}'`);
  }
  return {
    port: int("port", values.port, 0),
    host: values.host,
    replicas: int("replicas", values.replicas, 1),
    jobWorkers: int("job-workers", values["job-workers"], 0),
    jobConcurrency: int("job-concurrency", values["job-concurrency"], 1),
    seedFarmers: int("seed-farmers", values["seed-farmers"], 0),
    dataDir: values["data-dir"],
    dbPoolSize: int("db-pool-size", values["db-pool-size"], 1),
    jobBackoffMs: int("job-backoff-ms", values["job-backoff-ms"], 0),
    logLevel: level as LogLevelName,
  };
}

async function prepareDatabase(
  url: string,
  flags: Flags,
  config: RegistryConfig,
  log: JsonLog,
): Promise<void> {
  const applied = await migrate(url);
  if (applied.length > 0) log.info("migrations applied", { migrations: applied });
  const pool = createPool(url, { max: 2, statementTimeoutMs: 600_000, applicationName: "registry-setup" });
  try {
    // Query statistics for load tests, where the server allows it (preloaded); optional elsewhere.
    await pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").catch((err: unknown) => {
      log.info("pg_stat_statements not available", { reason: (err as Error).message });
    });
    const users: UserSeed[] = DEFAULT_USERS.map((u) => {
      const env = process.env[`REGISTRY_${u.username.toUpperCase()}_PASSWORD`];
      return env !== undefined && env !== "" ? { ...u, password: env } : u;
    });
    await ensureUsers(pool, users);
    const seeded = (
      await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM farmers WHERE created_by = $1", [
        SEED_CREATOR,
      ])
    ).rows[0]!.n;
    if (seeded < flags.seedFarmers) {
      const started = Date.now();
      const r = await seedFarmers(pool, { count: flags.seedFarmers - seeded });
      log.info("seeded", { ...r, ms: Date.now() - started });
    }
    if ((await availableIds(pool)) < config.jobs.idgen.minAvailable) {
      await fillIdPool(pool, config.jobs.idgen.batchSize, { length: config.jobs.idgen.length });
    }
  } finally {
    await pool.end();
  }
}

async function main(): Promise<number> {
  let flags: Flags | "help";
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`strain-registry: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (flags === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = createJsonLog({ level: flags.logLevel, base: { role: "primary" } });

  let embedded: EmbeddedPostgres | undefined;
  let registry: RunningRegistry | undefined;
  let shuttingDown: Promise<number> | undefined;
  const shutdown = (reason: string, code: number): Promise<number> => {
    shuttingDown ??= (async () => {
      log.info("shutting down", { reason });
      await registry?.stop();
      await embedded?.stop();
      log.info("stopped");
      return code;
    })();
    return shuttingDown;
  };
  let firstSignalAt: number | undefined;
  const onSignal = (signal: string) => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      shutdown(signal, 0).then((code) => process.exit(code));
      return;
    }
    // A signal sent to the process group arrives here twice (directly and via the group): only a
    // repeat a second later means "stop now".
    if (Date.now() - firstSignalAt < 1000) return;
    log.warn("second signal: exiting now", { signal });
    process.exit(130);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.on("disconnect", () => onSignal("parent gone"));

  try {
    let url = process.env.DATABASE_URL;
    if (url === undefined || url === "") {
      const started = Date.now();
      // pg_stat_statements preloaded so a PostgreSQL monitor can list the run's top queries.
      embedded = await startEmbeddedPostgres({
        dataDir: flags.dataDir,
        database: "registry",
        settings: { shared_preload_libraries: "pg_stat_statements" },
      });
      url = embedded.url;
      log.info("embedded PostgreSQL started", {
        data_dir: embedded.dataDir,
        port: embedded.port,
        ms: Date.now() - started,
      });
    }
    const envJwk = process.env.REGISTRY_SIGNING_JWK;
    const jwk: JWK =
      envJwk !== undefined && envJwk !== "" ? (JSON.parse(envJwk) as JWK) : await generateSigningJwk();
    const base = defaultConfig(url, jwk);
    const config: RegistryConfig = {
      ...base,
      host: flags.host,
      port: flags.port,
      logLevel: flags.logLevel,
      dbPoolSize: flags.dbPoolSize,
      jobConcurrency: flags.jobConcurrency,
      jobs: { ...base.jobs, backoffBaseMs: flags.jobBackoffMs },
    };
    await prepareDatabase(url, flags, config, log);
    if (shuttingDown !== undefined) return await shuttingDown;
    registry = await startRegistryProcesses({
      config,
      replicas: flags.replicas,
      jobWorkers: flags.jobWorkers,
      log,
    });
    log.info("registry ready", { url: registry.url });
    process.send?.({ type: READY, url: registry.url, databaseUrl: url } satisfies ReadyMessage);
    // Run until a signal arrives.
    return await new Promise<number>(() => undefined);
  } catch (err) {
    log.error("registry failed", { err });
    return shutdown("start-up failed", 1);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`strain-registry: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
