/**
 * The coordinated-omission stall test: 200 req/s for 12 s against stall-server.ts, which holds
 * every request arriving in [5 s, 7 s) until 7 s. Each tool that can hold a rate prints its own
 * p50 / p95 / p99 / max beside the ground truth computed from the schedule (ground-truth.ts); wrk,
 * which cannot, runs closed-loop to show what coordinated omission hides. A fresh server per tool,
 * so each tool's first request starts the server's clock.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type GroundTruth, type StallSchedule, stallGroundTruth } from "./ground-truth.js";
import { measure, type RunContext, TOOL_CORE } from "./rounds.js";
import { formatMs, markdownTable } from "./tables.js";
import type { Load, Percentiles, Tool } from "./tool.js";
import { REPO_ROOT } from "./tool-strain.js";

const SERVER = fileURLToPath(new URL("./stall-server.ts", import.meta.url));
const PROBE = fileURLToPath(new URL("./probe-latency.ts", import.meta.url));
/** The server's core, as nginx's. */
const TARGET_CORE = 1;

export interface StallOptions {
  rate: number;
  seconds: number;
  holdFromMs: number;
  holdUntilMs: number;
  /** Connections of the fixed-pool tools (h2load, autocannon, wrk). */
  connections: number;
  /**
   * Connections Strain may open (on demand). With 50, requests due during the stall wait in
   * Strain's pool and go out together at 7 s, so what is measured includes the client draining its
   * own queue (measured: p95 +4.4% over the ground truth, against +0.4% with 1000).
   */
  maxConnections: number;
}

export const DEFAULT_STALL: StallOptions = {
  rate: 200,
  seconds: 12,
  holdFromMs: 5000,
  holdUntilMs: 7000,
  connections: 50,
  maxConnections: 1000,
};

interface StallServer {
  url: string;
  /** Stop it; resolves with what it counted. */
  stop(): Promise<StallServerStats>;
}

interface StallServerStats {
  requests: number;
  held: number;
  releasedLateMs: number;
  /** When each held response was written, oldest first, ms after the hold's end. */
  releaseOffsetsMs: number[];
}

async function startStallServer(o: StallOptions): Promise<StallServer> {
  const child: ChildProcess = spawn(
    "taskset",
    [
      "-c",
      String(TARGET_CORE),
      process.execPath,
      "--import",
      "tsx",
      SERVER,
      "--hold-from",
      String(o.holdFromMs),
      "--hold-until",
      String(o.holdUntilMs),
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout! });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) throw new Error("stall server exited before listening");
  const { port } = JSON.parse(first.value) as { port: number };
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  return {
    url: `http://127.0.0.1:${port}/`,
    async stop() {
      process.off("exit", killOnExit);
      child.kill("SIGTERM");
      const stats = await iterator.next();
      lines.close();
      if (stats.done === true) throw new Error("stall server exited without its counts");
      return JSON.parse(stats.value) as StallServerStats;
    },
  };
}

/** Median latency of a bare keep-alive client, paced at the test's rate, against a server that holds nothing. */
function probeBaseLatency(url: string, rate: number): { medianMs: number; p99Ms: number } {
  const out = execFileSync(
    "taskset",
    ["-c", String(TOOL_CORE), process.execPath, "--import", "tsx", PROBE, url, "400", String(1000 / rate)],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  return JSON.parse(out) as { medianMs: number; p99Ms: number };
}

export interface StallRow {
  tool: string;
  command: string;
  latency: Percentiles;
  completed: number;
  held: number;
  /** Strain only: within 1% (or 1 ms) of the ground truth at p50, p95 and p99. */
  withinTolerance?: boolean;
  /** Strain only: the ground truth with this run's own release times of the held responses. */
  served?: GroundTruth;
  /** How long the server took to write every held response (this run), ms after the hold's end. */
  releaseSpanMs?: number;
  /** Strain only: within 1% (or 1 ms) of `served` at p50, p95 and p99. */
  withinServed?: boolean;
}

export interface StallResult {
  truth: GroundTruth;
  baseMs: number;
  rows: StallRow[];
  markdown: string;
}

/** |got − truth| ≤ max(1 ms, 1% of truth). */
export function withinStallTolerance(got: number | null, truth: number): boolean {
  return got !== null && Math.abs(got - truth) <= Math.max(1, truth * 0.01);
}

export async function runStall(
  tools: readonly Tool[],
  o: StallOptions,
  ctx: RunContext,
): Promise<StallResult> {
  ctx.log(
    `stall test: ${o.rate}/s for ${o.seconds} s, held [${o.holdFromMs / 1000} s, ${o.holdUntilMs / 1000} s)`,
  );
  const probeServer = await startStallServer({ ...o, holdFromMs: 1e12, holdUntilMs: 1e12 });
  const base = probeBaseLatency(probeServer.url, o.rate);
  await probeServer.stop();
  ctx.log(
    `  base latency of the server (bare client): median ${base.medianMs.toFixed(3)} ms, p99 ${base.p99Ms.toFixed(3)} ms`,
  );
  const schedule: StallSchedule = {
    rate: o.rate,
    seconds: o.seconds,
    holdFrom: o.holdFromMs / 1000,
    holdUntil: o.holdUntilMs / 1000,
    baseMs: base.medianMs,
  };
  const truth = stallGroundTruth(schedule);

  const rows: StallRow[] = [];
  const skipped: string[] = [];
  const rateLoad: Load = {
    kind: "rate",
    connections: o.connections,
    seconds: o.seconds,
    rate: o.rate,
    maxConnections: o.maxConnections,
  };
  const closedLoad: Load = { kind: "max", connections: o.connections, seconds: o.seconds };
  for (const tool of tools) {
    const why = tool.missing();
    if (why !== null) {
      skipped.push(`${tool.name}: ${why}`);
      continue;
    }
    const server = await startStallServer(o);
    let inv = tool.invocation(rateLoad, server.url, true);
    let closed = false;
    if (inv === null) {
      inv = tool.invocation(closedLoad, server.url, true);
      closed = true;
    }
    if (inv === null) {
      await server.stop();
      skipped.push(`${tool.name}: can apply neither a rate nor a closed loop`);
      continue;
    }
    const noTarget: RunContext = { ...ctx, url: server.url, targetCpu: () => 0 };
    try {
      const m = await measure(tool.name, inv, 1, o.seconds + 90, noTarget);
      const stats = await server.stop();
      if (m.latency === undefined) throw new Error(`${tool.name} reported no latency`);
      const row: StallRow = {
        tool: closed ? `${tool.name} (closed loop)` : tool.name,
        command: inv.shown,
        latency: m.latency,
        completed: m.completed,
        held: stats.held,
      };
      if (tool.name.startsWith("strain")) {
        const lat = m.latency;
        const within = (t: GroundTruth) =>
          withinStallTolerance(lat.p50, t.p50) &&
          withinStallTolerance(lat.p95, t.p95) &&
          withinStallTolerance(lat.p99, t.p99);
        row.withinTolerance = within(truth);
        // Pairing the k-th release with the k-th due request holds only when the server held
        // exactly the schedule's requests; otherwise there is no served truth for this run.
        if (stats.held === truth.held && stats.releaseOffsetsMs.length === truth.held) {
          row.served = stallGroundTruth({ ...schedule, releaseOffsetsMs: stats.releaseOffsetsMs });
          row.releaseSpanMs = stats.releaseOffsetsMs.at(-1) ?? 0;
          row.withinServed = within(row.served);
        }
      }
      ctx.log(
        `  ${row.tool}: p50 ${formatMs(m.latency.p50)} p95 ${formatMs(m.latency.p95)} p99 ${formatMs(m.latency.p99)} ` +
          `max ${formatMs(m.latency.max)} ms; ${m.completed} requests, ${stats.held} held (release ${stats.releasedLateMs.toFixed(1)} ms late)`,
      );
      rows.push(row);
    } catch (err) {
      await server.stop().catch(() => undefined);
      throw err;
    }
  }
  return {
    truth,
    baseMs: base.medianMs,
    rows,
    markdown: renderStall(truth, base.medianMs, rows, skipped, o),
  };
}

function deviation(got: number | null, truth: number): string {
  if (got === null) return "";
  const d = got - truth;
  if (Math.abs(d) < 1) return ` (${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(2)} ms)`;
  const pct = (d / truth) * 100;
  return ` (${pct >= 0 ? "+" : "−"}${Math.abs(pct).toFixed(pct > -10 && pct < 10 ? 1 : 0)}%)`;
}

function renderStall(
  truth: GroundTruth,
  baseMs: number,
  rows: readonly StallRow[],
  skipped: readonly string[],
  o: StallOptions,
): string {
  const table = markdownTable(
    ["", "p50 ms", "p95 ms", "p99 ms", "max ms", "completed", "held by the server", "notes"],
    [
      [
        "ground truth",
        formatMs(truth.p50),
        formatMs(truth.p95),
        formatMs(truth.p99),
        formatMs(truth.max),
        String(truth.count),
        String(truth.held),
        `from the schedule; base latency ${baseMs.toFixed(3)} ms (median of a bare client at ${o.rate}/s)`,
      ],
      ...rows.flatMap((r) => [
        [
          r.tool,
          formatMs(r.latency.p50) + deviation(r.latency.p50, truth.p50),
          formatMs(r.latency.p95) + deviation(r.latency.p95, truth.p95),
          formatMs(r.latency.p99) + deviation(r.latency.p99, truth.p99),
          formatMs(r.latency.max) + deviation(r.latency.max, truth.max),
          String(r.completed),
          String(r.held),
          (r.withinTolerance === undefined
            ? ""
            : r.withinTolerance
              ? "within 1% (or 1 ms) at p50/p95/p99; "
              : "NOT within 1% (or 1 ms) at p50/p95/p99; ") + (r.latency.note ?? ""),
        ],
        ...(r.served === undefined
          ? []
          : [
              [
                `ground truth as served to ${r.tool}`,
                formatMs(r.served.p50),
                formatMs(r.served.p95),
                formatMs(r.served.p99),
                formatMs(r.served.max),
                String(r.served.count),
                String(r.served.held),
                `the schedule with the server's own write time of each held response (its ${r.served.held} writes ended ${(r.releaseSpanMs ?? 0).toFixed(1)} ms after the hold); ${r.tool} ${
                  r.withinServed ? "within" : "NOT within"
                } 1% (or 1 ms) of it at p50/p95/p99:${deviation(r.latency.p50, r.served.p50)} ·${deviation(r.latency.p95, r.served.p95)} ·${deviation(r.latency.p99, r.served.p99)}`,
              ],
            ]),
      ]),
    ],
  );
  const commands = rows.map((r) => `- ${r.tool}: \`${r.command}\``).join("\n");
  return `${table}
${skipped.length > 0 ? `\nNot run: ${skipped.join("; ")}.\n` : ""}
Ground truth: request i is due at i/${o.rate} s; one that arrives in [${o.holdFromMs / 1000} s, ${o.holdUntilMs / 1000} s) after the first request completes at ${o.holdUntilMs / 1000} s (latency ${o.holdUntilMs / 1000} s − due time), every other one after the server's base latency. Percentiles are nearest-rank. "held by the server" counts the requests that arrived inside the window: a tool that sends fewer than ${truth.held} there stopped sending while the server stalled (coordinated omission). h2load, autocannon and wrk: ${o.connections} connections; Strain: ${o.connections} pre-allocated VUs, connections opened on demand up to ${o.maxConnections} (\`http.connections\`), so requests due during the stall reach the server instead of queueing in the client. Every tool pinned to core 0; the server (Node, bench/http/stall-server.ts) on core 1, a fresh one per tool.

Commands:
${commands}
`;
}
