/**
 * `npm start`: the registry on an embedded PostgreSQL (2 API replicas, 1 job worker, a few thousand
 * seeded farmers), then `plans/farmer-registry.ts` run against it by the strain CLI for about a
 * minute; the CLI prints the summary and the run directory. Everything is stopped afterwards and the
 * demo exits with the CLI's exit code.
 *
 * Environment: STRAIN_DEMO_DURATION (e.g. "10s") shortens the run, STRAIN_DEMO_DATA_DIR moves the
 * database (default .data/registry-pg), STRAIN_DEMO_FARMERS sets the seed size (default 3000).
 *
 * The registry runs in its own process group, so a Ctrl-C reaches the strain CLI (which drains
 * its in-flight iterations) and not the system it is measuring; the demo stops the registry after.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { childEntry } from "./server/child-entry.js";
import { READY, type ReadyMessage } from "./server/messages.js";

// targets/registry/{src,dist}/demo.* → the repository root.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const REGISTRY_START_MS = 180_000;
const REGISTRY_STOP_MS = 90_000;

async function main(): Promise<number> {
  const strainCli = join(ROOT, "packages", "strain", "dist", "cli", "main.js");
  const plan = join(ROOT, "plans", "farmer-registry.ts");
  if (!existsSync(strainCli)) {
    process.stderr.write(`demo: ${strainCli} is missing; run \`npm run build\` first (npm start does)\n`);
    return 1;
  }
  const dataDir = resolve(process.env.STRAIN_DEMO_DATA_DIR ?? join(ROOT, ".data", "registry-pg"));
  mkdirSync(dirname(dataDir), { recursive: true });
  const logPath = `${dataDir}.log`;
  const farmers = process.env.STRAIN_DEMO_FARMERS ?? "3000";

  process.stdout.write(
    `starting the Farmer Registry: embedded PostgreSQL in ${rel(dataDir)}, 2 API replicas, 1 job worker, ${farmers} seeded farmers\n` +
      `registry logs: ${rel(logPath)}\n`,
  );
  // Ctrl-C: the strain CLI (same process group) handles it; we stop the registry once it is done.
  let interrupted = 0;
  process.on("SIGINT", () => {
    interrupted++;
  });
  process.on("SIGTERM", () => {
    interrupted++;
  });

  const entry = childEntry(import.meta.url, "./cli");
  const log = openSync(logPath, "a");
  const registry = spawn(
    process.execPath,
    [
      ...entry.execArgv,
      entry.path,
      "--port",
      "0",
      "--replicas",
      "2",
      "--job-workers",
      "1",
      "--seed-farmers",
      farmers,
      "--data-dir",
      dataDir,
    ],
    { cwd: ROOT, detached: true, stdio: ["ignore", log, log, "ipc"] },
  );

  let url: string;
  let databaseUrl: string | undefined;
  try {
    ({ url, databaseUrl } = await waitReady(registry));
  } catch (err) {
    process.stderr.write(`demo: the registry did not start: ${(err as Error).message}\n${tail(logPath)}\n`);
    await stopRegistry(registry);
    return 1;
  }
  if (interrupted > 0) {
    await stopRegistry(registry);
    return 130;
  }

  const duration = process.env.STRAIN_DEMO_DURATION ?? "60s";
  process.stdout.write(`registry listening on ${url}\nrunning ${rel(plan)} for ${duration}\n\n`);
  const code = await new Promise<number>((resolveCode) => {
    const cli = spawn(
      process.execPath,
      [strainCli, "run", plan, "--workers", "1", "--env", `REGISTRY_URL=${url}`],
      {
        stdio: "inherit",
        env: {
          ...process.env,
          REGISTRY_URL: url,
          STRAIN_DEMO_DURATION: duration,
          // The plan watches the registry's database (deadlocks, commits, DB CPU) when given one.
          ...(databaseUrl !== undefined ? { REGISTRY_DATABASE_URL: databaseUrl } : {}),
        },
      },
    );
    cli.on("error", () => resolveCode(1));
    cli.on("exit", (c, signal) => resolveCode(c ?? (signal !== null ? 130 : 1)));
  });

  process.stdout.write("\nstopping the registry…\n");
  await stopRegistry(registry);
  process.stdout.write("registry stopped\n");
  return code;
}

function waitReady(child: ChildProcess): Promise<{ url: string; databaseUrl: string | undefined }> {
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready within ${REGISTRY_START_MS / 1000} s`)),
      REGISTRY_START_MS,
    );
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code ?? signal}`));
    });
    child.on("message", (m: unknown) => {
      const msg = m as ReadyMessage;
      if (msg?.type === READY && msg.url !== undefined) {
        clearTimeout(timer);
        resolveUrl({ url: msg.url, databaseUrl: msg.databaseUrl });
      }
    });
  });
}

/** SIGTERM to the registry's primary, which stops its replicas, workers and database in order. */
function stopRegistry(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => {
      process.stderr.write("demo: the registry did not stop in time; killing it\n");
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, REGISTRY_STOP_MS);
    child.once("exit", () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill("SIGTERM");
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "";
  }
}

function rel(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith("..") ? p : r;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
