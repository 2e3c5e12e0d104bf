import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDemoTarget } from "../demo/target.js";
import type { CliIO } from "./io.js";
import { runCommand } from "./run.js";

/**
 * `strain demo` (what `npm start` runs): a demo target on loopback and the quickstart plan against
 * it. STRAIN_DEMO_DURATION shortens the run (CI).
 */
export async function runDemo(opts: { outDir: string }, io: CliIO): Promise<number> {
  const plan = findQuickstart();
  const target = await startDemoTarget();
  io.stdout.write(`demo target listening on ${target.url}\nrunning ${plan}\n\n`);
  // The plan reads TARGET_URL at load time; worker processes inherit the coordinator's environment.
  process.env.TARGET_URL = target.url;
  try {
    return await runCommand(plan, { outDir: opts.outDir, workers: 2 }, io);
  } finally {
    await target.close();
  }
}

function findQuickstart(): string {
  // packages/strain/{src,dist}/cli → repository root /plans
  const here = fileURLToPath(new URL(".", import.meta.url));
  const candidate = join(here, "..", "..", "..", "..", "plans", "quickstart.ts");
  if (existsSync(candidate)) return candidate;
  return join(process.cwd(), "plans", "quickstart.ts");
}
