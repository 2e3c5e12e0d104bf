/**
 * Rounds: every tool runs once per round, in the same order, A B C D A B C D …, so slow drifts of
 * this shared machine fall on every tool alike. Each run is pinned to core 0 and measured
 * (pinned-run.ts); the target's CPU is read before and after it.
 */
import { type PinnedResult, runPinned } from "./pinned-run.js";
import type { Invocation, Load, Percentiles, Tool } from "./tool.js";
import { REPO_ROOT } from "./tool-strain.js";

/** Core the load tools run on; the target runs on core 1. */
export const TOOL_CORE = 0;

export interface Measurement {
  tool: string;
  round: number;
  cpuSeconds: number;
  completed: number;
  loadSeconds: number;
  wallSeconds: number;
  /** Peak of the tool's summed RSS over its processes. */
  treeRssBytes: number;
  /** Target CPU seconds during the run. */
  targetCpuSeconds: number;
  latency?: Percentiles;
}

/** CPU µs per completed request. */
export const usPerRequest = (m: Measurement): number => (m.cpuSeconds * 1e6) / m.completed;
export const requestsPerSecond = (m: Measurement): number => m.completed / m.loadSeconds;
/** % of one core over the tool's load window. */
export const toolCpuPercent = (m: Measurement): number => (m.cpuSeconds / m.loadSeconds) * 100;
export const targetCpuPercent = (m: Measurement): number => (m.targetCpuSeconds / m.loadSeconds) * 100;

export interface RunContext {
  url: string;
  /** CPU seconds of the target so far. */
  targetCpu(): number;
  log(line: string): void;
}

/** Run one invocation pinned and measured; throws when the tool failed or reported nothing. */
export async function measure(
  name: string,
  inv: Invocation,
  round: number,
  timeoutSeconds: number,
  ctx: RunContext,
): Promise<Measurement> {
  const before = ctx.targetCpu();
  let res: PinnedResult;
  try {
    res = await runPinned(inv.argv, { core: TOOL_CORE, cwd: REPO_ROOT, timeoutMs: timeoutSeconds * 1000 });
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  const targetCpuSeconds = ctx.targetCpu() - before;
  if (res.exitCode !== 0) {
    throw new Error(
      `${name} exited with ${res.exitCode}:\n${res.stderr.slice(-2000)}\n${res.stdout.slice(-1000)}`,
    );
  }
  const report = inv.read(res);
  if (!(report.completed > 0)) throw new Error(`${name} completed no request:\n${res.stdout.slice(-1500)}`);
  const m: Measurement = {
    tool: name,
    round,
    cpuSeconds: res.cpuSeconds,
    completed: report.completed,
    loadSeconds: report.loadSeconds,
    wallSeconds: res.wallSeconds,
    treeRssBytes: res.treeRssBytes,
    targetCpuSeconds,
    ...(report.latency !== undefined ? { latency: report.latency } : {}),
  };
  ctx.log(
    `  ${name.padEnd(18)} round ${round}: ${m.completed} req in ${m.loadSeconds.toFixed(2)} s, ` +
      `${usPerRequest(m).toFixed(2)} µs CPU/req, ${Math.round(requestsPerSecond(m))} req/s, ` +
      `tool ${toolCpuPercent(m).toFixed(0)}% / target ${targetCpuPercent(m).toFixed(0)}% CPU, ` +
      `${(m.treeRssBytes / 1e6).toFixed(0)} MB`,
  );
  return m;
}

export interface RoundsResult {
  measurements: Measurement[];
  /** The exact command per tool, as shown in the docs. */
  commands: Map<string, string>;
  /** Tools that could not take part, with the reason. */
  skipped: Map<string, string>;
}

/**
 * `rounds` rounds of every tool that can apply `load`. `afterRound` runs once per round (Strain's
 * start-up probe). Tools missing from this machine are skipped with their reason.
 */
export async function runRounds(
  tools: readonly Tool[],
  load: Load,
  rounds: number,
  ctx: RunContext,
  afterRound?: (round: number) => Promise<void>,
): Promise<RoundsResult> {
  const skipped = new Map<string, string>();
  const active: Tool[] = [];
  for (const t of tools) {
    const why = t.missing();
    if (why !== null) skipped.set(t.name, why);
    else if (t.invocation(load, ctx.url, false) === null)
      skipped.set(t.name, `cannot apply a ${load.kind} load`);
    else active.push(t);
  }
  const measurements: Measurement[] = [];
  const commands = new Map<string, string>();
  for (let round = 1; round <= rounds; round++) {
    for (const t of active) {
      const inv = t.invocation(load, ctx.url, false)!;
      commands.set(t.name, inv.shown);
      measurements.push(await measure(t.name, inv, round, load.seconds + 90, ctx));
    }
    await afterRound?.(round);
  }
  return { measurements, commands, skipped };
}
