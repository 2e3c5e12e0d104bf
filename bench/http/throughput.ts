/**
 * The two throughput scenarios against nginx: max throughput (closed loop, 50 connections) and a
 * fixed 5,000 req/s. Per tool: CPU µs per completed request, req/s, the tool's and the target's
 * CPU, peak RSS; then Strain's ratios against the goals (≤ 1.25× wrk at max throughput, ≤ 1.0×
 * h2load at the fixed rate).
 *
 * Strain's figures include its start-up and shutdown (Node twice, bundling the plan, the report),
 * 0.66–0.68 s of CPU here, which a 10 s run spreads over its requests. A one-request run after every
 * round weighs that cost, and the "start-up excluded" rows subtract it: what each further request
 * costs, which is what a long run converges to.
 */
import {
  type Measurement,
  measure,
  type RunContext,
  requestsPerSecond,
  runRounds,
  targetCpuPercent,
  toolCpuPercent,
  usPerRequest,
} from "./rounds.js";
import { markdownTable, median, medianWithSpread } from "./tables.js";
import type { Load, Tool } from "./tool.js";
import { strainStartupInvocation } from "./tool-strain.js";

export interface ThroughputResult {
  markdown: string;
  /** Strain's ratios to the reference tool (median over rounds), by figure. */
  ratios: { tool: string; whole: number; steady: number; goal: number; reference: string }[];
  /** Strain's start-up CPU seconds per round (measured here, or the ones given). */
  startup: ReadonlyMap<number, number>;
}

export interface ThroughputOptions {
  title: string;
  load: Load;
  rounds: number;
  /** The tool Strain is compared with, and the goal for the ratio. */
  reference: string;
  goal: number;
  workDir: string;
  /** Start-up CPU per round measured by an earlier scenario: reused instead of measured again. */
  startup?: ReadonlyMap<number, number>;
}

export async function runThroughput(
  tools: readonly Tool[],
  opts: ThroughputOptions,
  ctx: RunContext,
): Promise<ThroughputResult> {
  ctx.log(`${opts.title}: ${opts.rounds} rounds of ${opts.load.seconds} s per tool`);
  const startup = new Map<number, number>(opts.startup ?? []);
  const hasStrain = tools.some((t) => t.name.startsWith("strain") && t.missing() === null);
  const result = await runRounds(tools, opts.load, opts.rounds, ctx, async (round) => {
    if (!hasStrain || opts.startup !== undefined) return;
    const m = await measure(
      "strain start-up",
      strainStartupInvocation(ctx.url, opts.workDir),
      round,
      60,
      ctx,
    );
    startup.set(round, m.cpuSeconds);
  });
  const byTool = new Map<string, Measurement[]>();
  for (const m of result.measurements) {
    const list = byTool.get(m.tool) ?? [];
    list.push(m);
    byTool.set(m.tool, list);
  }
  const steadyUs = (m: Measurement) => ((m.cpuSeconds - (startup.get(m.round) ?? 0)) * 1e6) / m.completed;

  const rows: string[][] = [];
  for (const [tool, ms] of byTool) {
    rows.push([
      tool,
      medianWithSpread(ms.map(usPerRequest), 2),
      medianWithSpread(ms.map(requestsPerSecond), 0),
      medianWithSpread(ms.map(toolCpuPercent), 0),
      medianWithSpread(ms.map(targetCpuPercent), 0),
      medianWithSpread(
        ms.map((m) => m.treeRssBytes / 1e6),
        0,
      ),
    ]);
    if (tool.startsWith("strain")) {
      rows.push([`${tool}, start-up excluded`, medianWithSpread(ms.map(steadyUs), 2), "", "", "", ""]);
    }
  }
  for (const [tool, why] of result.skipped) rows.push([tool, `not run: ${why}`, "", "", "", ""]);

  const ratios: ThroughputResult["ratios"] = [];
  const ref = byTool.get(opts.reference);
  const ratioRows: string[][] = [];
  if (ref !== undefined) {
    for (const [tool, ms] of byTool) {
      if (!tool.startsWith("strain")) continue;
      const perRound = (f: (m: Measurement) => number) =>
        ms.flatMap((m) => {
          const r = ref.find((x) => x.round === m.round);
          return r === undefined ? [] : [f(m) / usPerRequest(r)];
        });
      const whole = perRound(usPerRequest);
      const steady = perRound(steadyUs);
      ratios.push({
        tool,
        whole: median(whole),
        steady: median(steady),
        goal: opts.goal,
        reference: opts.reference,
      });
      ratioRows.push([
        `${tool} / ${opts.reference}`,
        `${medianWithSpread(whole, 2)}×`,
        verdict(median(whole), opts.goal),
        `${medianWithSpread(steady, 2)}×`,
        verdict(median(steady), opts.goal),
        `≤ ${opts.goal.toFixed(2)}×`,
      ]);
    }
  }

  const commands = [...result.commands].map(([tool, cmd]) => `- ${tool}: \`${cmd}\``).join("\n");
  const startupLine =
    startup.size > 0
      ? `\nStrain's start-up and shutdown (a one-request run, measured after every ${opts.startup !== undefined ? "max-throughput " : ""}round): ${medianWithSpread(
          [...startup.values()],
          2,
        )} s of CPU.\n`
      : "";
  const markdown = `${markdownTable(
    ["tool", "CPU µs / request", "req/s", "tool CPU % of a core", "nginx CPU %", "peak RSS MB"],
    rows,
  )}
${startupLine}
${
  ratioRows.length > 0
    ? `${markdownTable(
        [
          "CPU per request, per-round ratio",
          "whole process",
          "verdict",
          "start-up excluded",
          "verdict",
          "goal",
        ],
        ratioRows,
      )}\n`
    : `(no ratio: ${opts.reference} did not run)\n`
}
Commands (each pinned with \`taskset -c 0\`, measured with \`/usr/bin/time -f "%U %S %M %e"\`):
${commands}
`;
  return { markdown, ratios, startup };
}

function verdict(ratio: number, goal: number): string {
  if (Number.isNaN(ratio)) return "—";
  const pct = Math.abs(ratio / goal - 1) * 100;
  return ratio <= goal ? `meets (${pct.toFixed(0)}% under)` : `misses by ${pct.toFixed(0)}%`;
}
