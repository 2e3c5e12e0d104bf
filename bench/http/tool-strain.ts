/**
 * Strain through its CLI, as a user runs it: `node packages/strain/dist/cli/main.js run <plan>
 * --workers 1 -q`, with a generated plan (strain-plans.ts). Completed requests and percentiles come
 * from summary.json in the run directory.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderPlan, renderStartupPlan, type StrainFlavour } from "./strain-plans.js";
import type { Invocation, Load, Tool, ToolReport } from "./tool.js";

/** The repository root (bench/http/ → ../..). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const STRAIN_CLI = join(REPO_ROOT, "packages", "strain", "dist", "cli", "main.js");

interface SummaryJson {
  durationMs: number;
  requests: { ok: number; http_error: { total: number } };
  metrics: Record<string, { med?: number; p95?: number; p99?: number; max?: number }>;
}

let runSeq = 0;

/** Strain with the `flavour` flow; plans and run directories go under `workDir`. */
export function createStrain(flavour: StrainFlavour, workDir: string): Tool {
  return {
    name: `strain ${flavour}`,
    missing() {
      return existsSync(STRAIN_CLI) ? null : "Strain is not built (npm run build)";
    },
    version() {
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "packages", "strain", "package.json"), "utf8")) as {
        version: string;
      };
      return `strain ${pkg.version}`;
    },
    invocation(load: Load, url: string): Invocation {
      return strainInvocation(`${flavour}-${load.kind}`, renderPlan(flavour, load, url), workDir);
    },
  };
}

/** One request, to weigh what Strain costs to start and stop (subtracted in the "steady" figures). */
export function strainStartupInvocation(url: string, workDir: string): Invocation {
  return strainInvocation("startup", renderStartupPlan(url), workDir);
}

function strainInvocation(label: string, source: string, workDir: string): Invocation {
  const n = ++runSeq;
  const plan = join(workDir, `${label}-${n}.ts`);
  const outDir = join(workDir, `runs-${n}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(plan, source);
  return {
    argv: [process.execPath, STRAIN_CLI, "run", plan, "--workers", "1", "-q", "-o", outDir],
    shown: `node packages/strain/dist/cli/main.js run ${label}.ts --workers 1 -q -o <dir>`,
    read(): ToolReport {
      const runs = readdirSync(outDir);
      if (runs.length !== 1)
        throw new Error(`strain: expected one run directory in ${outDir}, found ${runs.length}`);
      const summary = JSON.parse(readFileSync(join(outDir, runs[0]!, "summary.json"), "utf8")) as SummaryJson;
      const d = summary.metrics.http_req_duration;
      return {
        completed: summary.requests.ok + summary.requests.http_error.total,
        loadSeconds: summary.durationMs / 1000,
        ...(d !== undefined
          ? {
              latency: {
                p50: d.med ?? null,
                p95: d.p95 ?? null,
                p99: d.p99 ?? null,
                max: d.max ?? null,
                note: "http_req_duration, timed from each request's scheduled start",
              },
            }
          : {}),
      };
    },
  };
}
