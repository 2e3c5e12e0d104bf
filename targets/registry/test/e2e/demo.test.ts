/**
 * `npm start` end to end, shortened with STRAIN_DEMO_DURATION: builds, starts the registry on a
 * fresh embedded PostgreSQL, runs plans/farmer-registry.ts with the strain CLI, prints the summary
 * and the run directory, and stops everything (no server left behind).
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../../../..", import.meta.url)));
const dataParent = mkdtempSync(join(tmpdir(), "strain-demo-"));
// Run as root, PostgreSQL runs as the postgres user, which must be able to reach its directory.
chmodSync(dataParent, 0o755);
let runDir: string | undefined;

afterAll(() => {
  rmSync(dataParent, { recursive: true, force: true });
  if (runDir !== undefined) rmSync(runDir, { recursive: true, force: true });
});

it("npm start runs the farmer-registry plan against the registry and shuts down cleanly", async () => {
  const dataDir = join(dataParent, "registry-pg");
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    env: {
      ...process.env,
      STRAIN_DEMO_DURATION: "6s",
      STRAIN_DEMO_HOUSEHOLDS: "250",
      STRAIN_DEMO_DATA_DIR: dataDir,
      FORCE_COLOR: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
  });
  const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
  expect(code, `${stdout}\n${stderr}`).toBe(0);

  // The data came from the generator: its final table, 250 households.
  expect(stdout).toMatch(/^households\s+250\s/m);
  expect(stdout).toMatch(/^farmers\s+[\d,]+\s/m);
  const url = /registry listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
  expect(url).toBeDefined();
  expect(stdout).toContain("TRANSACTION");
  for (const tx of [
    "login",
    "search",
    "search by id",
    "create farmer",
    "update farmer",
    "enqueue jobs",
    "await jobs",
  ]) {
    expect(stdout).toMatch(new RegExp(`^${tx}\\s+\\d+`, "m"));
  }

  const dirLine = /run directory: (.+)$/m.exec(stdout)?.[1]?.trim();
  expect(dirLine).toBeDefined();
  runDir = resolve(ROOT, dirLine!);
  for (const f of ["run.json", "series.ndjson", "summary.json"])
    expect(existsSync(join(runDir, f)), f).toBe(true);
  const summary = JSON.parse(readFileSync(join(runDir, "summary.json"), "utf8"));
  expect(summary.plan).toBe("farmer-registry");
  expect(summary.status).toBe("completed");
  expect(summary.requests.ok).toBeGreaterThan(50);
  expect(summary.requests.net_error.total).toBe(0);
  expect(summary.checks.fails).toBe(0);
  const categories = JSON.stringify(summary);
  expect(categories).toContain("create farmer");

  // Everything stopped: the API is gone and PostgreSQL shut down cleanly (no postmaster.pid).
  expect(stdout).toContain("registry stopped");
  await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  expect(existsSync(join(dataDir, "PG_VERSION"))).toBe(true);
  expect(existsSync(join(dataDir, "postmaster.pid"))).toBe(false);
}, 240_000);
