/**
 * The HTTP benchmarks side by side with wrk, h2load and autocannon:
 *   max    closed loop, 50 connections, as fast as possible (nginx `return 200`)
 *   rate   a fixed 5,000 req/s, 50 connections
 *   stall  200 req/s for 12 s against a server that holds [5 s, 7 s): percentiles vs ground truth
 *
 *   npm run bench:http -w bench -- [--seconds 10] [--rounds 3] [--only max,rate,stall] [--no-docs]
 *
 * (after `npm run build` and bench/install-peers.sh). Writes its tables into docs/benchmarks.md
 * between the http-max, http-rate and http-stall markers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { replaceSection } from "../docs-section.js";
import { describeMachine } from "./machine.js";
import { startNginx } from "./nginx-target.js";
import type { RunContext } from "./rounds.js";
import { DEFAULT_STALL, runStall, type StallResult } from "./stall.js";
import { markdownTable } from "./tables.js";
import { runThroughput, type ThroughputResult } from "./throughput.js";
import type { Tool } from "./tool.js";
import { createAutocannon } from "./tool-autocannon.js";
import { createH2load } from "./tool-h2load.js";
import { createStrain } from "./tool-strain.js";
import { createWrk } from "./tool-wrk.js";

export type HttpScenario = "max" | "rate" | "stall";

export interface HttpBenchOptions {
  seconds: number;
  rounds: number;
  connections: number;
  rate: number;
  only: readonly HttpScenario[];
  writeDocs: boolean;
  log(line: string): void;
}

export interface HttpBenchResult {
  max?: ThroughputResult;
  rate?: ThroughputResult;
  stall?: StallResult;
  /** Seconds spent per scenario. */
  timings: { name: string; seconds: number }[];
}

export async function runHttpBench(o: HttpBenchOptions): Promise<HttpBenchResult> {
  const workDir = mkdtempSync(join(tmpdir(), "strain-bench-http-"));
  const wrk = createWrk();
  const h2load = createH2load();
  const autocannon = createAutocannon();
  const strainMinimal = createStrain("minimal", workDir);
  const strainRealistic = createStrain("realistic", workDir);
  const all: Tool[] = [wrk, h2load, autocannon, strainMinimal, strainRealistic];
  const result: HttpBenchResult = { timings: [] };
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      result.timings.push({ name, seconds: (performance.now() - t0) / 1000 });
    }
  };
  try {
    if (o.only.includes("max") || o.only.includes("rate")) {
      const nginx = await startNginx();
      const machine = describeMachine(all, [nginx.version]);
      const ctx: RunContext = { url: nginx.url, targetCpu: () => nginx.cpuSeconds(), log: o.log };
      try {
        if (o.only.includes("max")) {
          const load = { kind: "max", connections: o.connections, seconds: o.seconds } as const;
          result.max = await timed("http max throughput", () =>
            runThroughput(
              all,
              { title: "max throughput", load, rounds: o.rounds, reference: "wrk", goal: 1.25, workDir },
              ctx,
            ),
          );
          if (o.writeDocs) replaceSection("http-max", `${machine}\n\n${result.max.markdown}`);
        }
        if (o.only.includes("rate")) {
          const load = {
            kind: "rate",
            connections: o.connections,
            seconds: o.seconds,
            rate: o.rate,
          } as const;
          result.rate = await timed(`http fixed ${o.rate} req/s`, () =>
            // One Strain flavour here: the rate scenario is about pacing cost, which both flows share,
            // and `npm run bench` must stay under 10 minutes.
            runThroughput(
              [h2load, autocannon, strainMinimal, wrk],
              {
                title: `fixed ${o.rate} req/s`,
                load,
                rounds: o.rounds,
                reference: "h2load",
                goal: 1.0,
                workDir,
                ...(result.max !== undefined ? { startup: result.max.startup } : {}),
              },
              ctx,
            ),
          );
          if (o.writeDocs) replaceSection("http-rate", `${machine}\n\n${result.rate.markdown}`);
        }
      } finally {
        await nginx.stop();
      }
    }
    if (o.only.includes("stall")) {
      const ctx: RunContext = { url: "", targetCpu: () => 0, log: o.log };
      result.stall = await timed("http stall test", () =>
        runStall([strainRealistic, h2load, autocannon, wrk], DEFAULT_STALL, ctx),
      );
      if (o.writeDocs) replaceSection("http-stall", `${describeMachine(all)}\n\n${result.stall.markdown}`);
    }
    if (o.writeDocs && result.max !== undefined && result.rate !== undefined && result.stall !== undefined) {
      replaceSection("http-goals", renderGoals(result.max, result.rate, result.stall));
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  return result;
}

/** The goals, one row each, with what this run measured. */
export function renderGoals(max: ThroughputResult, rate: ThroughputResult, stall: StallResult): string {
  const rows: string[][] = [];
  const x = (v: number) => (Number.isNaN(v) ? "—" : `${v.toFixed(2)}×`);
  const verdict = (v: number, goal: number) =>
    Number.isNaN(v)
      ? "not measured"
      : v <= goal
        ? "meets"
        : `misses by ${((v / goal - 1) * 100).toFixed(0)}%`;
  for (const [label, r] of [
    ["max throughput", max],
    ["fixed rate", rate],
  ] as const) {
    for (const q of r.ratios) {
      rows.push([
        `${label}: ${q.tool} CPU/request ≤ ${q.goal}× ${q.reference}'s`,
        `${x(q.whole)} (start-up excluded: ${x(q.steady)})`,
        `${verdict(q.whole, q.goal)} (start-up excluded: ${verdict(q.steady, q.goal)})`,
      ]);
    }
  }
  for (const row of stall.rows) {
    if (row.withinTolerance === undefined) continue;
    const d = (got: number | null, truth: number) => {
      if (got === null) return "—";
      const ms = got - truth;
      return Math.abs(ms) < 1
        ? `${ms >= 0 ? "+" : "−"}${Math.abs(ms).toFixed(2)} ms`
        : `${((ms / truth) * 100).toFixed(2)}%`;
    };
    rows.push([
      `stall test: ${row.tool} within 1% (or 1 ms) of the ground truth at p50/p95/p99`,
      `p50 ${d(row.latency.p50, stall.truth.p50)}, p95 ${d(row.latency.p95, stall.truth.p95)}, p99 ${d(row.latency.p99, stall.truth.p99)}`,
      row.withinTolerance ? "meets" : "misses",
    ]);
    const served = row.served;
    if (served !== undefined) {
      rows.push([
        `stall test: ${row.tool} within 1% (or 1 ms) of the ground truth as served (the server's own release times)`,
        `p50 ${d(row.latency.p50, served.p50)}, p95 ${d(row.latency.p95, served.p95)}, p99 ${d(row.latency.p99, served.p99)}`,
        row.withinServed ? "meets" : "misses",
      ]);
    }
  }
  return `${markdownTable(["goal (issue 8)", "measured", "verdict"], rows)}
`;
}

/** Options from the command line (shared with run-all.ts). */
export function parseHttpArgs(args: readonly string[], log: (line: string) => void): HttpBenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      seconds: { type: "string", default: "10" },
      rounds: { type: "string", default: "3" },
      connections: { type: "string", default: "50" },
      rate: { type: "string", default: "5000" },
      only: { type: "string", default: "max,rate,stall" },
      "no-docs": { type: "boolean", default: false },
    },
    allowPositionals: false,
  });
  return {
    seconds: Number(values.seconds),
    rounds: Number(values.rounds),
    connections: Number(values.connections),
    rate: Number(values.rate),
    only: values.only.split(",").map((s) => s.trim()) as HttpScenario[],
    writeDocs: !values["no-docs"],
    log,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Signals become exit, so the exit hooks stop nginx and the stall server.
  process.once("SIGINT", () => process.exit(130));
  process.once("SIGTERM", () => process.exit(143));
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const result = await runHttpBench(parseHttpArgs(process.argv.slice(2), log));
  for (const t of result.timings) log(`${t.name}: ${t.seconds.toFixed(0)} s`);
}
